package io.clgrad.bench;

import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How long two threads take to hand a cache line back and forth: the cost of every hand-off between
 * the caller and a helper in a batch-1 forward. On a virtual machine it depends on where the host
 * put the virtual CPUs, and can change while a process runs: on the 2-core Zen 4 machine of
 * docs/benchmarks.md it was about 67 ns (two cores of one CCX), 310-330 ns (two CCDs: the batch-1
 * MLP forward 20-22 µs instead of 15.5-16.5) or 28 ns (two hyperthreads of one core: 32 µs), each
 * for seconds at a time. The bench prints it beside the inference lines so that a latency can be
 * read with the placement it ran on.
 *
 * <pre>{@code
 * double ns = CoreRoundTrip.measure();
 * }</pre>
 */
public final class CoreRoundTrip {
    private static final int ROUND_TRIPS = 10_000;
    private static final int TRIALS = 5;
    /** A trial that has not finished by then (the other thread not running: one core) gives up. */
    private static final long TRIAL_LIMIT_NANOS = 2_000_000_000L;
    private static final long STOP = -1;

    private CoreRoundTrip() {
    }

    /**
     * The median over a few trials of the mean round trip, in nanoseconds: this thread and a new one
     * take turns incrementing a shared counter, each spinning until it sees the other's increment;
     * NaN with one processor, or when a trial does not finish within 2 s.
     */
    public static double measure() {
        if (Runtime.getRuntime().availableProcessors() < 2) {
            return Double.NaN;
        }
        double[] trials = new double[TRIALS];
        for (int t = 0; t < TRIALS; t++) {
            trials[t] = trial();
            if (Double.isNaN(trials[t])) {
                return Double.NaN;
            }
        }
        Arrays.sort(trials);
        return trials[TRIALS / 2];
    }

    /** The bench's line: {@code core round trip: 67 ns (...)}. */
    public static String line(double ns) {
        if (Double.isNaN(ns)) {
            return "core round trip: n/a (one processor, or the other thread did not run)";
        }
        return String.format(Locale.ROOT, "core round trip: %.0f ns (two threads passing a cache line back and forth; "
                + "on a virtual machine it shows where the host placed the cores)", ns);
    }

    private static double trial() {
        AtomicLong turn = new AtomicLong();
        long end = 4L * ROUND_TRIPS;   // the first half warms up, the second is timed
        Thread other = new Thread(() -> {
            for (long i = 1; i < end; i += 2) {
                long seen;
                while ((seen = turn.get()) != i) {
                    if (seen == STOP) {
                        return;
                    }
                    Thread.onSpinWait();
                }
                turn.set(i + 1);
            }
        }, "clgrad-bench-round-trip");
        other.setDaemon(true);
        other.start();
        long start = System.nanoTime();
        long t0 = start;
        for (long i = 0; i < end; i += 2) {
            if (i == end / 2) {
                t0 = System.nanoTime();
            }
            turn.set(i + 1);
            for (int spins = 1; turn.get() != i + 2; spins++) {
                if ((spins & 1023) == 0 && System.nanoTime() - start > TRIAL_LIMIT_NANOS) {
                    turn.set(STOP);
                    return Double.NaN;
                }
                Thread.onSpinWait();
            }
        }
        long ns = System.nanoTime() - t0;
        try {
            other.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return ns / (double) ROUND_TRIPS;
    }
}
