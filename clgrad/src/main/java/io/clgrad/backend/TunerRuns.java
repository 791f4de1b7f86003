package io.clgrad.backend;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.BiFunction;
import java.util.function.Consumer;

/**
 * What every backend's {@link Tuner} does the same way, written once: check a candidate's products
 * against a double-precision reference ({@link #checkMatmul}), time it ({@link #medianGflops}) and
 * run the candidates, the current configuration first and last, keeping the fastest in a
 * {@link TuningFile} ({@link #run}). Not meant for applications; it lives in the SPI package so
 * that both backends use it.
 *
 * <pre>{@code
 * String bad = TunerRuns.checkMatmul((spec, a, b) -> myProduct(spec, a, b));   // null: all match
 * double gflops = TunerRuns.medianGflops(2.0 * n * n * n, () -> myProduct(...), () -> { });
 * }</pre>
 */
public final class TunerRuns {
    /** The (m, n, k) of the checked products: odd sizes, one row, k = 1, and one past several k blocks. */
    private static final int[][] CHECK_SHAPES = {{37, 67, 29}, {1, 33, 5}, {70, 41, 1}, {29, 101, 300}};

    private TunerRuns() {
    }

    /** One product of a candidate on host arrays. */
    @FunctionalInterface
    public interface Product {
        /**
         * Computes {@code C = A · B} for {@code spec} (batch 1).
         *
         * @param spec the product's sizes and strides
         * @param a    A as {@code spec} reads it
         * @param b    B as {@code spec} reads it
         * @return C, [m, n] row-major
         */
        float[] run(MatmulSpec spec, float[] a, float[] b);
    }

    /**
     * Checks a candidate on small odd-sized products, each with A and B plain, B transposed and A
     * transposed (as Linear's forward and backward use them), against a double-precision sum:
     * {@code |got - want| <= 1e-5·k + 1e-4·|want|}.
     *
     * @param product the candidate's product
     * @return null when every element matches, else which product and element differ
     */
    public static String checkMatmul(Product product) {
        SplittableRandom rnd = new SplittableRandom(7);
        for (int[] mnk : CHECK_SHAPES) {
            int m = mnk[0];
            int n = mnk[1];
            int k = mnk[2];
            float[] a = random(rnd, m * k);
            float[] b = random(rnd, k * n);
            for (int layout = 0; layout < 3; layout++) {
                boolean ta = layout == 2;
                boolean tb = layout == 1;
                float[] as = ta ? transpose(a, m, k) : a;
                float[] bs = tb ? transpose(b, k, n) : b;
                MatmulSpec spec = new MatmulSpec(1, m, n, k,
                        0, 0, ta ? 1 : k, ta ? m : 1,
                        0, 0, tb ? 1 : n, tb ? k : 1);
                float[] got = product.run(spec, as, bs);
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < n; j++) {
                        double want = 0;
                        for (int p = 0; p < k; p++) {
                            want += (double) a[i * k + p] * b[p * n + j];
                        }
                        double err = Math.abs(got[i * n + j] - want);
                        if (!(err <= 1e-5 * k + 1e-4 * Math.abs(want))) {
                            return String.format(Locale.ROOT, "wrong result for %dx%dx%d%s at [%d, %d]: %g, expected %g",
                                    m, n, k, ta ? " (A transposed)" : tb ? " (B transposed)" : "", i, j, got[i * n + j],
                                    want);
                        }
                    }
                }
            }
        }
        return null;
    }

    /**
     * GFLOP/s of a product: one warm-up call, then the median of three runs of about 1 GFLOP each
     * (at least one call), each run ended by {@code sync}.
     *
     * @param flop flops of one call
     * @param call one product
     * @param sync waits until the calls have finished (nothing to do for a synchronous backend)
     * @return the median speed
     */
    public static double medianGflops(double flop, Runnable call, Runnable sync) {
        int reps = (int) Math.max(1, Math.min(1000, Math.round(1e9 / flop)));
        call.run();
        sync.run();
        double[] runs = new double[3];
        for (int r = 0; r < runs.length; r++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < reps; i++) {
                call.run();
            }
            sync.run();
            runs[r] = reps * flop / (System.nanoTime() - t0);
        }
        Arrays.sort(runs);
        return runs[1];
    }

    /**
     * Measures the current configuration, every candidate (reported to {@code progress} as soon as
     * measured) and the current one again (the better of its two runs counts, so the order favours
     * no one: the first measurement runs on a colder machine), then saves the fastest working one in
     * {@code file} under {@code key} when {@code save}. A fastest candidate whose configuration is
     * the current one is reported as the current configuration.
     *
     * @param device     the device's label
     * @param current    the configuration in use
     * @param candidates the candidates by label, in the order to try
     * @param measure    checks and times a configuration under a label; a failure is a candidate
     *                   with an error
     * @param progress   receives each candidate
     * @param file       where to keep the result
     * @param key        the kernel family's key in the file
     * @param save       whether to keep it
     * @param size       n of the timed products, for the file's comment
     * @param <C>        the backend's configuration type
     * @return what {@link Tuner#tune} returns
     * @throws IllegalStateException when no configuration works
     * @throws IOException           when the result cannot be saved
     */
    public static <C> Tuner.Result run(String device, C current, Map<String, C> candidates,
                                       BiFunction<C, String, Tuner.Candidate> measure,
                                       Consumer<Tuner.Candidate> progress, TuningFile file, String key, boolean save,
                                       int size) throws IOException {
        Tuner.Candidate currentResult = measure.apply(current, "current");
        List<Tuner.Candidate> all = new ArrayList<>();
        Tuner.Candidate best = currentResult.error() == null ? currentResult : null;
        for (Map.Entry<String, C> e : candidates.entrySet()) {
            Tuner.Candidate c = measure.apply(e.getValue(), e.getKey());
            all.add(c);
            progress.accept(c);
            if (c.error() == null && (best == null || c.gflops() > best.gflops())) {
                best = c;
            }
        }
        Tuner.Candidate again = measure.apply(current, "current");
        if (again.error() == null && (currentResult.error() != null || again.gflops() > currentResult.gflops())) {
            if (best == currentResult || best == null || again.gflops() > best.gflops()) {
                best = again;
            }
            currentResult = again;
        }
        if (best == null) {
            throw new IllegalStateException(device + ": no configuration worked; see the errors above");
        }
        if (best != currentResult && best.config().equals(currentResult.config())) {
            // a candidate that is the current configuration itself (e.g. the built-in choice): the
            // current one wins, at the best speed measured for it
            currentResult = new Tuner.Candidate(currentResult.label(), currentResult.config(),
                    Math.max(best.gflops(), currentResult.error() == null ? currentResult.gflops() : 0), null);
            best = currentResult;
        }
        boolean saved = false;
        if (save) {
            file.save(key, best.config(), "clgrad tune on " + device + ", " + Instant.now() + ": "
                    + String.format(Locale.ROOT, "%.1f GFLOP/s at n=%d (before: %.1f)", best.gflops(), size,
                    currentResult.gflops()));
            saved = true;
        }
        return new Tuner.Result(device, currentResult, best, all, file.path(), saved);
    }

    /**
     * A candidate that failed: its label and configuration, and the first line of the exception's
     * message (or the exception's name) as the reason.
     *
     * @param label  the candidate's label
     * @param config its configuration
     * @param e      why it failed
     * @return the failed candidate (speed NaN)
     */
    public static Tuner.Candidate failure(String label, String config, RuntimeException e) {
        String msg = e.getMessage() == null ? e.toString() : e.getMessage();
        return new Tuner.Candidate(label, config, Double.NaN, msg.lines().findFirst().orElse(msg));
    }

    private static float[] random(SplittableRandom rnd, int count) {
        float[] x = new float[count];
        for (int i = 0; i < count; i++) {
            x[i] = (float) rnd.nextDouble(-1, 1);
        }
        return x;
    }

    private static float[] transpose(float[] x, int rows, int cols) {
        float[] t = new float[x.length];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                t[j * rows + i] = x[i * cols + j];
            }
        }
        return t;
    }
}
