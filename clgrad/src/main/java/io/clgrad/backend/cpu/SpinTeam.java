package io.clgrad.backend.cpu;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.locks.LockSupport;

/**
 * Helper threads for ops of a few microseconds, such as the matrix-vector products of batch-1
 * inference: the caller and the helpers claim the chunks of a job one at a time, and the helpers
 * stay awake, spinning, for {@link #SPIN_NANOS} after each job, so that the next op of the same
 * forward pass reaches them without a wake-up. Handing work to a parked ForkJoinPool worker costs
 * tens of microseconds on a virtual machine (an unpark, then the caller's own wake-up), more than
 * such an op takes; OpenMP runtimes and ONNX Runtime's thread pool spin for the same reason.
 *
 * <p>One job at a time: a caller that finds the team busy (another thread's op, or a chunk of the
 * running job calling back in) runs its whole range inline ({@link #run}), or is told so and runs it
 * elsewhere ({@link #tryRun}: the large products of {@link CpuParallel#forEachClaimed} then use the
 * pool). Helpers are daemons, started on the first job, and park after the spin window, so an idle
 * process does not burn a core; a helper parked for {@link #IDLE_EXIT_NANOS} ends its thread (and
 * its per-thread scratch), and the next job starts a new one.
 *
 * <p>A helper descheduled in the middle of its chunk (a timer tick, a JVM or kernel thread wanting
 * its core) holds the whole op until it runs again, up to a scheduler tick (4 ms): on the 2-core
 * Zen 4 machine of docs/benchmarks.md such waits were most of the difference between the batch-1
 * MLP's mean and median latency. Ops whose chunks write separate columns of one output use
 * {@link #tryRunColumns}: helpers write into buffers of their own, and the caller computes a chunk
 * itself rather than wait longer than its own chunks took.
 *
 * <pre>{@code
 * SpinTeam team = new SpinTeam(1);           // the caller plus one helper
 * team.run(2, (lo, hi) -> work(lo, hi));     // chunks [0,1) and [1,2), one here, one on the helper
 * }</pre>
 */
final class SpinTeam {
    /** How long a helper keeps polling for the next job before it parks. */
    static final long SPIN_NANOS = 200_000;
    /**
     * How long a parked helper waits for a job before its thread ends (the next job starts a new one),
     * as a ForkJoinPool's idle workers do: an idle or unclosed backend then holds no threads and no
     * per-thread scratch (the packed blocks of {@link VectorGemm}, megabytes per thread).
     */
    static final long IDLE_EXIT_NANOS = 60_000_000_000L;
    /**
     * The least a caller waits for a helper's chunk of a {@link ColumnsJob} before computing it itself
     * (else as long as its own chunks took): a helper a little behind is not raced.
     */
    static final long MIN_PATIENCE_NANOS = 2_000;

    /**
     * One posted job: chunks [0, chunks) of {@code body}, claimed one at a time by whoever is free
     * (the caller included: when a helper has been descheduled by a busy machine, the caller runs its
     * chunk rather than wait for it). Each job is a new object, so a helper tells a new job from the one
     * it last saw by identity.
     */
    private static class Job {
        /** Cleared when the job ends, so that a helper's last job does not keep the op's arrays alive. */
        CpuParallel.Body body;
        final int chunks;
        /**
         * The next chunk to claim, and chunks finished (plain jobs): objects of their own, so that the
         * lines the caller and the helpers write in turn hold none of the fields they only read.
         */
        private final AtomicInteger next = new AtomicInteger();
        private final AtomicInteger done = new AtomicInteger();
        volatile Throwable failure;

        Job(CpuParallel.Body body, int chunks) {
            this.body = body;
            this.chunks = chunks;
        }

        /** The next unclaimed chunk, or a number at least {@link #chunks} when none is left. */
        final int claim() {
            return next.getAndIncrement();
        }

        /** Chunks finished so far (plain jobs). */
        final int done() {
            return done.get();
        }

        /** The caller's side: claims and runs chunks until none is left. */
        void work() {
            for (int c = claim(); c < chunks; c = claim()) {
                try {
                    body.run(c, c + 1);
                } catch (RuntimeException | Error e) {
                    if (failure == null) {   // the first one seen (racy: any one of several is fine to report)
                        failure = e;
                    }
                } finally {
                    done.incrementAndGet();
                }
            }
        }

        /** Helper {@code h}'s side of the job. */
        void help(SpinTeam team, int h) {
            work();
        }
    }

    /**
     * A job whose chunks each write one range of columns of a [rows, width] output, and so may run
     * twice: the caller writes its chunks straight into the output; a helper writes its chunk into a
     * buffer of its own laid out as the output, publishes it, and the caller copies that range in.
     * A caller that has waited for a helper's chunk as long as its own chunks took takes the chunk
     * over and computes it itself: the helper was descheduled (a timer tick, another process or JVM
     * thread on its core) and would hold the op for a tick's 4 ms; what it writes later lands in its
     * own buffer, which nobody reads. The helper may read inputs the caller has already reused, and
     * compute garbage, or fail: both are dropped with its buffer.
     */
    private static final class ColumnsJob extends Job {
        private static final VarHandle STATE = MethodHandles.arrayElementVarHandle(int[].class);
        /** A chunk being computed (or not yet claimed). */
        static final int RUNNING = 0;
        /** A chunk the caller wrote into the output. */
        static final int WRITTEN = 1;
        /** A helper's chunk that threw ({@link #failures}). */
        static final int FAILED = 2;
        /** {@code PUBLISHED + h}: helper h's chunk, in its buffer ({@link SpinTeam#helperBuffers}). */
        static final int PUBLISHED = 3;

        /** Both cleared when the job ends, so that the team's last job keeps no op's arrays alive. */
        CpuParallel.ColumnsBody columns;
        float[] out;
        final int rows;
        final int width;
        /** Per chunk: RUNNING, WRITTEN, FAILED or PUBLISHED + the helper's index (array element volatile/CAS access). */
        final int[] state;
        /** Per chunk: a helper's failure (written before the state says FAILED). */
        final Throwable[] failures;

        ColumnsJob(CpuParallel.ColumnsBody columns, int chunks, int rows, int width, float[] out) {
            super(null, chunks);
            this.columns = columns;
            this.out = out;
            this.rows = rows;
            this.width = width;
            this.state = new int[chunks];
            this.failures = new Throwable[chunks];
        }

        @Override
        void work() {
            for (int c = claim(); c < chunks; c = claim()) {
                columns.run(c, out);   // the caller's own exception needs no wait: helpers write only their buffers
                STATE.setVolatile(state, c, WRITTEN);
            }
        }

        @Override
        void help(SpinTeam team, int h) {
            for (int c = claim(); c < chunks; c = claim()) {
                try {
                    float[] buffer = team.helperBuffer(h, rows * width);   // inside: an OutOfMemoryError fails the chunk, not the helper
                    columns.run(c, buffer);
                    STATE.compareAndSet(state, c, RUNNING, PUBLISHED + h);
                } catch (RuntimeException | Error e) {
                    failures[c] = e;   // read only if the state below is set: a taken-over chunk's failure is dropped
                    STATE.compareAndSet(state, c, RUNNING, FAILED);
                }
            }
        }

        /**
         * The caller, its own chunks done: copies each helper's published chunk of {@code team} into the
         * output, and computes any still running after {@code patienceNanos} of waiting itself.
         */
        void finish(SpinTeam team, long patienceNanos) {
            long waitStart = System.nanoTime();
            for (int c = 0; c < chunks; c++) {
                int s = (int) STATE.getVolatile(state, c);
                while (s == RUNNING) {
                    if (System.nanoTime() - waitStart > patienceNanos
                            && STATE.compareAndSet(state, c, RUNNING, WRITTEN)) {
                        columns.run(c, out);
                        s = WRITTEN;
                        break;
                    }
                    Thread.onSpinWait();
                    s = (int) STATE.getVolatile(state, c);
                }
                if (s >= PUBLISHED) {
                    // the buffer its chunk was written to; only an idle exit (a minute parked after this
                    // job, so a caller suspended that long) can have dropped it since: then compute it again
                    float[] from = team.helperBuffers[s - PUBLISHED];
                    if (from == null) {
                        columns.run(c, out);
                        continue;
                    }
                    int lo = columns.columnStart(c);
                    int len = columns.columnStart(c + 1) - lo;
                    for (int i = 0; i < rows; i++) {
                        System.arraycopy(from, i * width + lo, out, i * width + lo, len);
                    }
                } else if (s == FAILED) {
                    Throwable e = failures[c];
                    if (e instanceof RuntimeException r) {
                        throw r;
                    }
                    throw (Error) e;
                }
            }
        }
    }

    private final long spinNanos;
    private final long idleExitNanos;
    private final Thread[] helpers;
    /**
     * Helper h's output buffer for {@link ColumnsJob}s: written only by helper h's thread (growing it, or
     * dropping it on idle exit), read by the caller after h published a chunk in it.
     */
    private final float[][] helperBuffers;
    /**
     * 1 when helper h's thread has ended (or is ending) after {@link #IDLE_EXIT_NANOS} idle, 0 while it
     * lives; a caller that restarts the slot moves it from 1 to 0 first (compare-and-set), so one
     * thread at most serves a slot.
     */
    private final AtomicIntegerArray exited;
    /** 1 while helper h is parked (or about to park); volatile reads and writes. */
    private final AtomicIntegerArray parked;
    /** Held by the thread whose job runs; not reentrant, so a job's chunk that calls {@link #run} runs inline. */
    private final AtomicBoolean busy = new AtomicBoolean();
    /** Bumped by {@link #rest()}: a spinning helper that sees it change parks at once. */
    private volatile int restRequests;
    private volatile Job job;
    private volatile boolean stopped;
    private boolean started;

    /**
     * A team with {@code helpers} helper threads (not started until the first job).
     *
     * @param helpers threads besides the caller's, at least 1
     */
    SpinTeam(int helpers) {
        this(helpers, SPIN_NANOS, IDLE_EXIT_NANOS);
    }

    /** As {@link #SpinTeam(int)} with another spin window and idle exit (tests). */
    SpinTeam(int helpers, long spinNanos, long idleExitNanos) {
        this.spinNanos = spinNanos;
        this.idleExitNanos = idleExitNanos;
        if (helpers < 1) {
            throw new IllegalArgumentException("a spin team needs at least one helper thread, got " + helpers);
        }
        this.helpers = new Thread[helpers];
        this.helperBuffers = new float[helpers][];
        this.parked = new AtomicIntegerArray(helpers);
        this.exited = new AtomicIntegerArray(helpers);
    }

    /** Chunks one job can be split into: the helpers and the caller. */
    int width() {
        return helpers.length + 1;
    }

    /**
     * Runs {@code body(c, c + 1)} for every chunk c in [0, chunks), each claimed by the caller or a
     * free helper, and returns when all have finished. Runs everything inline when {@code chunks} is
     * 1, the team is stopped, or another thread's job is running. An exception from any chunk is
     * rethrown (the first one seen).
     *
     * @param chunks at most {@link #width()}
     */
    void run(int chunks, CpuParallel.Body body) {
        if (!tryRun(chunks, body)) {
            body.run(0, chunks);
        }
    }

    /**
     * {@link #run} on the team, or nothing: returns false, having run nothing, when {@code chunks}
     * is at most 1, the team is stopped, or another job is running (the caller then picks another
     * way to run the work).
     *
     * @param chunks at most {@link #width()}
     */
    boolean tryRun(int chunks, CpuParallel.Body body) {
        if (!claimTeam(chunks)) {
            return false;
        }
        try {
            Job j = post(new Job(body, chunks));
            j.work();
            while (j.done() < chunks) {
                Thread.onSpinWait();
            }
            j.body = null; // every chunk is claimed: no helper reads it again
            Throwable first = j.failure;
            if (first instanceof RuntimeException r) {
                throw r;
            }
            if (first instanceof Error e) {
                throw e;
            }
            return true;
        } finally {
            busy.set(false);
        }
    }

    /**
     * {@link #tryRun} for chunks that each write one range of columns ({@link CpuParallel.ColumnsBody})
     * of {@code out}, a [rows, width] row-major array: a helper's chunk is computed into a buffer of its
     * own and copied in by the caller, and a chunk a helper has not finished when the caller has waited
     * as long as its own chunks took is computed again by the caller ({@link ColumnsJob}), so a
     * descheduled helper delays the op by one chunk rather than by a scheduler tick. Returns false, having
     * run nothing, as {@link #tryRun} does.
     *
     * @param chunks at most {@link #width()}
     */
    boolean tryRunColumns(int chunks, int rows, int width, float[] out, CpuParallel.ColumnsBody body) {
        if (!claimTeam(chunks)) {
            return false;
        }
        try {
            ColumnsJob j = (ColumnsJob) post(new ColumnsJob(body, chunks, rows, width, out));
            try {
                long start = System.nanoTime();
                j.work();
                j.finish(this, Math.max(MIN_PATIENCE_NANOS, System.nanoTime() - start));
            } finally {
                // a helper still in this job then fails inside its try, and its chunk is no longer RUNNING
                // (or nobody waits for it): nothing reads what it did
                j.columns = null;
                j.out = null;
            }
            return true;
        } finally {
            busy.set(false);
        }
    }

    /** Takes the team for one job: false when {@code chunks} is at most 1, the team is stopped or busy. */
    private boolean claimTeam(int chunks) {
        if (chunks > width()) {
            throw new IllegalArgumentException(chunks + " chunks for a team of " + width());
        }
        return chunks > 1 && !stopped && busy.compareAndSet(false, true);
    }

    /** Posts {@code j} and wakes the parked helpers it needs. */
    private Job post(Job j) {
        startHelpers();
        job = j;
        for (int h = 0; h < j.chunks - 1; h++) {
            // read after the job is posted; a helper sets its flag before it re-reads the job
            if (parked.get(h) == 1) {
                parked.set(h, 0);
                LockSupport.unpark(helpers[h]);
            }
        }
        return j;
    }

    /** Helper h's buffer of at least {@code floats} (its thread only). */
    private float[] helperBuffer(int h, int floats) {
        float[] b = helperBuffers[h];
        if (b == null || b.length < floats) {
            b = new float[floats];
            helperBuffers[h] = b;
        }
        return b;
    }

    /**
     * Asks spinning helpers to park now rather than at the end of their spin window: called before
     * work goes to another pool (the ForkJoinPool of large ops), whose threads need the cores.
     */
    void rest() {
        restRequests++; // racy increments are fine: any change is the signal
    }

    /** Whether every helper has parked (after {@link #SPIN_NANOS} without a job): an idle team uses no CPU. */
    boolean helpersParked() {
        for (int h = 0; h < helpers.length; h++) {
            if (parked.get(h) != 1) {
                return false;
            }
        }
        return true;
    }

    /** Stops the helpers (they exit at their next poll); later jobs run inline. */
    void stop() {
        stopped = true;
        for (Thread t : helpers) {
            if (t != null) {
                LockSupport.unpark(t);
            }
        }
    }

    /** Starts the helpers on the first job, and again any whose thread ended after a long idle. */
    private void startHelpers() {
        if (started) {
            for (int h = 0; h < helpers.length; h++) {
                if (exited.get(h) == 1 && exited.compareAndSet(h, 1, 0)) {
                    start(h);
                }
            }
            return;
        }
        started = true;
        for (int h = 0; h < helpers.length; h++) {
            start(h);
        }
    }

    private void start(int h) {
        parked.set(h, 0);
        Job current = job; // a helper (re)started now waits for the next job, not the last one
        Thread t = new Thread(() -> helperLoop(h, current), "clgrad-cpu-spin-" + (h + 1));
        t.setDaemon(true);
        helpers[h] = t;
        t.start();
    }

    private void helperLoop(int h, Job seen) {
        Job last = seen;
        while (!stopped) {
            Job j = job;
            if (j != last) {
                last = j;
                j.help(this, h);
                continue;
            }
            if (!waitForJob(h, last)) {
                helperBuffers[h] = null;   // an idle team holds no scratch (a restarted helper allocates again)
                exited.set(h, 1);
                // a job posted after this re-check runs on the caller, and the next job restarts the slot;
                // one that came while announcing is taken here unless a caller already restarted the slot
                if (job == last || stopped || !exited.compareAndSet(h, 1, 0)) {
                    return;
                }
            }
        }
    }

    /**
     * Spins for the spin window ({@link #SPIN_NANOS}) until a job other than {@code last} is posted, then parks; parks at
     * once on a {@link #rest()}. Returns false when it stayed parked for {@link #IDLE_EXIT_NANOS} without a job (the
     * helper's thread then ends), true otherwise.
     */
    private boolean waitForJob(int h, Job last) {
        long deadline = System.nanoTime() + spinNanos;
        int rests = restRequests;
        while (job == last && !stopped) {
            if (System.nanoTime() > deadline || restRequests != rests) {
                parked.set(h, 1);
                long parkedAt = System.nanoTime();
                // re-check after announcing: a job posted before the caller saw the flag is not missed
                while (parked.get(h) == 1 && job == last && !stopped) {
                    long left = idleExitNanos - (System.nanoTime() - parkedAt);
                    if (left <= 0) {
                        parked.set(h, 0);
                        return false;
                    }
                    LockSupport.parkNanos(this, left);
                }
                parked.set(h, 0);
                return true;
            }
            Thread.onSpinWait();
        }
        return true;
    }

    /** Helper threads alive now (tests: an idle team ends them after its idle exit). */
    int liveHelpers() {
        int n = 0;
        for (int h = 0; h < helpers.length; h++) {
            Thread t = helpers[h];
            n += t != null && t.isAlive() ? 1 : 0;
        }
        return n;
    }
}
