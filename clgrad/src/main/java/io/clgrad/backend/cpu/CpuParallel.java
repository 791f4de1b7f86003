package io.clgrad.backend.cpu;

import io.clgrad.backend.CpuThreadSettings;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.RecursiveAction;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CPU backend's worker pool and its one loop primitive, {@link #forEach}. Work below
 * {@link #GRAIN} elements runs inline on the caller: a training step of a small network is dozens
 * of tiny ops, and a hand-off to another thread costs more than such an op.
 *
 * <p>The pool size comes from the system property {@code clgrad.threads} (set by {@code clgrad train
 * --threads N}), else {@code CLGRAD_CPU_THREADS}, else {@link Runtime#availableProcessors()}.
 * Its threads are daemons, so an unclosed backend never keeps the JVM alive.
 */
final class CpuParallel {
    /** Elements (or comparable units of work) below which an op runs inline. */
    static final long GRAIN = 32_768;
    /**
     * Flops from which a small product finding the team busy goes to the pool rather than running
     * on one thread: 2²², where handing a matrix-vector product to parked pool workers stopped
     * costing more than it saved (design-notes.md, "Small products and inference latency").
     */
    static final double POOL_FALLBACK_FLOPS = 1 << 22;
    private static final Logger LOG = LoggerFactory.getLogger(CpuParallel.class);

    /** A loop body over the half-open unit range [lo, hi). */
    interface Body {
        void run(int lo, int hi);
    }

    /**
     * A loop body over chunks that each write one range of columns, [columnStart(c), columnStart(c + 1)),
     * of every row of a [rows, width] row-major output, reading nothing it writes: such a chunk can be
     * computed into another array of the output's layout, or twice ({@link #forEachSpinning(int, double,
     * int, int, float[], ColumnsBody)}).
     */
    interface ColumnsBody {
        /** Writes chunk {@code c}'s columns of every row into {@code dst}: the output or an array laid out as it. */
        void run(int c, float[] dst);

        /** The first column of chunk {@code c}; {@code columnStart(chunks)} is the width. */
        int columnStart(int c);
    }

    private final int threads;
    private final ForkJoinPool pool; // null when single-threaded
    private final SpinTeam team; // null when single-threaded; its helpers start on first use

    CpuParallel(int threads) {
        this.threads = Math.max(1, threads);
        AtomicInteger workers = new AtomicInteger();
        this.pool = this.threads == 1 ? null
                : new ForkJoinPool(this.threads, p -> newWorker(p, workers.incrementAndGet()), null, false);
        this.team = this.threads == 1 ? null : new SpinTeam(this.threads - 1);
    }

    /**
     * Thread count from the system property {@code clgrad.threads}, else the environment variable
     * {@code CLGRAD_CPU_THREADS} (each an integer from 1 to {@link CpuThreadSettings#MAX_THREADS}), else
     * the processor count (at most {@link CpuThreadSettings#MAX_THREADS}). A value that is not such an integer
     * is reported with a warning and skipped.
     */
    static int configuredThreads() {
        int cores = Math.min(Runtime.getRuntime().availableProcessors(), CpuThreadSettings.MAX_THREADS);
        Integer fromProperty = positive("-D" + CpuThreadSettings.PROPERTY,
                System.getProperty(CpuThreadSettings.PROPERTY));
        if (fromProperty != null) {
            return fromProperty;
        }
        Integer fromEnv = positive(CpuThreadSettings.ENVIRONMENT_VARIABLE,
                System.getenv(CpuThreadSettings.ENVIRONMENT_VARIABLE));
        return fromEnv != null ? fromEnv : cores;
    }

    private static Integer positive(String name, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            long n = Long.parseLong(value.trim());
            if (n > CpuThreadSettings.MAX_THREADS) {
                LOG.warn("{}={} is above the limit of {} CPU threads; ignored", name, value.trim(),
                        CpuThreadSettings.MAX_THREADS);
                return null;
            }
            if (n >= 1) {
                return (int) n;
            }
        } catch (NumberFormatException e) {
            // fall through to the warning
        }
        LOG.warn("{}={} is not a positive integer; ignored", name, value);
        return null;
    }

    /** Worker {@code number} (from 1, counting the workers the pool started, as its own names do; the pool index is 0 until a worker runs). */
    private static ForkJoinWorkerThread newWorker(ForkJoinPool pool, int number) {
        ForkJoinWorkerThread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
        t.setName("clgrad-cpu-" + number);
        t.setDaemon(true);
        return t;
    }

    /** Number of worker threads. */
    int threads() {
        return threads;
    }

    /**
     * Runs {@code body} over units [0, units), split into contiguous chunks when {@code work} (the
     * op's total element count or flop count) reaches {@link #GRAIN}, otherwise inline: one chunk per
     * thread on the caller and the {@link SpinTeam}'s helpers when the caller is not a pool worker and
     * the team is free, else across the pool. Returns when every chunk has finished; an exception in
     * a chunk is rethrown.
     *
     * <p>The team first: an elementwise max(a·x + b, 0) over 0.8 M floats (a CNN layer's activations)
     * took 95 µs through the pool, 69 µs inline and 39 µs as two halves on the team (2-core Zen 4,
     * docs/benchmarks.md): a pool worker parks between ops and wakes late, where a helper spins
     * between the ops of a step, and the caller runs a helper's chunk itself when the helper has not begun it.
     */
    void forEach(int units, long work, Body body) {
        if (units <= 0) {
            return;
        }
        ForkJoinPool p = pool;
        if (p == null || units == 1 || work < GRAIN || p.isShutdown()) {
            body.run(0, units);
            return;
        }
        if (!ForkJoinTask.inForkJoinPool()) {
            int chunks = Math.min(threads, units);
            Body split = (lo, hi) -> {
                for (int c = lo; c < hi; c++) {
                    body.run((int) ((long) units * c / chunks), (int) ((long) units * (c + 1) / chunks));
                }
            };
            if (team.tryRun(chunks, split)) {
                return;
            }
        }
        team.rest(); // the pool's threads need the cores a spinning helper would hold
        // A few chunks per thread lets work stealing even out uneven chunks.
        long byWork = Math.max(2, work / (GRAIN / 4));
        int chunks = (int) Math.min(units, Math.min(threads * 4L, byWork));
        p.invoke(new Split(body, units, chunks).task(0, chunks));
    }

    /**
     * {@link #forEach} for large products ({@link GemmBlock#forEach}, the packing of a shared B, the
     * direct convolution of a batch): the units are claimed one at a time from a shared counter by the
     * caller and the {@link SpinTeam}'s helpers (one team chunk each, which claims units until none is
     * left), when the caller is not a pool worker and the team is free; otherwise (or single-threaded,
     * or below {@link #GRAIN}) as {@link #forEach}. Handing a product of a few milliseconds to parked pool
     * workers made about one call in four 5-60 % slower on the 2-core AMD EPYC of
     * docs/benchmarks.md (n = 1024: 5th percentile 130 GFLOP/s against a median of 205), a worker
     * waking late; on helpers that stay awake between calls the 5th percentile was 198-202 and the
     * median 208-210, as OpenBLAS's spinning threads give numpy.
     */
    void forEachClaimed(int units, long work, Body body) {
        if (team == null || units <= 1 || work < GRAIN || ForkJoinTask.inForkJoinPool()) {
            forEach(units, work, body);
            return;
        }
        AtomicInteger next = new AtomicInteger();
        Body claim = (lo, hi) -> {
            for (int u = next.getAndIncrement(); u < units; u = next.getAndIncrement()) {
                body.run(u, u + 1);
            }
        };
        if (!team.tryRun(Math.min(threads, units), claim)) {
            forEach(units, work, body);
        }
    }

    /**
     * {@link #forEach} with a fixed split: {@code perThread} contiguous chunks per worker thread (at
     * most {@code units}), e.g. a tuned patch copy ({@link CpuConvConfig}); {@code perThread <= 0}
     * splits by {@code work} as {@link #forEach} does. Small work (below {@link #GRAIN}) still runs on
     * the caller.
     *
     * @param units     the loop's length
     * @param work      its cost in elements touched
     * @param perThread chunks per thread, or 0 for the split by work
     * @param body      runs [lo, hi) ranges
     */
    void forEachChunked(int units, long work, int perThread, Body body) {
        ForkJoinPool p = pool;
        if (perThread <= 0 || units <= 0 || p == null || units == 1 || work < GRAIN || p.isShutdown()) {
            forEach(units, work, body);
            return;
        }
        int chunks = (int) Math.min(units, (long) threads * perThread);
        team.rest();
        p.invoke(new Split(body, units, chunks).task(0, chunks));
    }

    /**
     * Runs {@code body} over {@code chunks} ranges [c, c + 1) (at most {@link #threads()}) on the caller
     * and the {@link SpinTeam}'s helpers, which stay awake between the ops of one forward pass: for ops
     * of a few microseconds each (batch-1 matrix-vector products), where a hand-off to a parked pool
     * worker would cost more than the op. Runs inline when single-threaded; when another thread's job
     * holds the team, on the pool from {@link #POOL_FALLBACK_FLOPS} flops and inline below.
     *
     * @param flops the op's flops (or elements touched), to choose between the pool and inline
     */
    void forEachSpinning(int chunks, double flops, Body body) {
        if (team == null || chunks <= 1) {
            body.run(0, Math.max(chunks, 0));
            return;
        }
        if (!team.tryRun(chunks, body)) {
            forEachSpinningFallback(chunks, flops, body);
        }
    }

    /**
     * A spinning op whose team is unavailable: single-threaded, or another thread's job holds it (a
     * large product can, for milliseconds): the pool when the work pays for its hand-off, else all of it here.
     */
    private void forEachSpinningFallback(int chunks, double flops, Body body) {
        if (team != null && chunks > 1 && flops >= POOL_FALLBACK_FLOPS) {
            forEach(chunks, Math.max(GRAIN, (long) flops), body);   // inline too once the pool is shut down
        } else {
            body.run(0, Math.max(chunks, 0));
        }
    }

    /**
     * {@link #forEachSpinning(int, double, Body)} for chunks that each write a range of columns of
     * {@code out}, [rows, width] row-major: on the team, a helper that has not finished its chunk
     * when the caller has waited as long as its own took (descheduled) is overtaken, the caller
     * computing that chunk itself ({@link SpinTeam#tryRunColumns}); elsewhere every chunk writes
     * {@code out} directly.
     */
    void forEachSpinning(int chunks, double flops, int rows, int width, float[] out, ColumnsBody body) {
        if (team != null && chunks > 1 && team.tryRunColumns(chunks, rows, width, out, body)) {
            return;
        }
        forEachSpinningFallback(chunks, flops, (lo, hi) -> {
            for (int c = lo; c < hi; c++) {
                body.run(c, out);
            }
        });
    }

    /** Stops the workers; later ops run inline on the caller. */
    void shutdown() {
        if (pool != null) {
            pool.shutdown();
        }
        if (team != null) {
            team.stop();
        }
    }

    /** A loop over {@code units} split evenly into {@code chunks} contiguous ranges. */
    private record Split(Body body, int units, int chunks) {
        /** The task that runs chunks [from, to): one chunk runs at once, more halve into two forked tasks. */
        RecursiveAction task(int from, int to) {
            return new RecursiveAction() {
                @Override
                protected void compute() {
                    if (to - from == 1) {
                        body.run((int) ((long) units * from / chunks), (int) ((long) units * to / chunks));
                        return;
                    }
                    int mid = (from + to) >>> 1;
                    invokeAll(task(from, mid), task(mid, to));
                }
            };
        }
    }
}
