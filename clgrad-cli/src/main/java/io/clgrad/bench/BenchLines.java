package io.clgrad.bench;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The output lines of {@code clgrad bench}, in the team's reference shapes (docs/benchmarks.md; the same shapes
 * the team's reference measurements of PyTorch use), and their parsing. {@code scripts/bench-pytorch.py}
 * prints the same shapes prefixed with {@code "pytorch "} or {@code "numpy "}.
 *
 * <pre>
 * device: cpu (Java CPU backend (2 threads))
 * gemm n=1024: 11.8 GFLOP/s
 * simplenet batch=64: 2650 steps/s
 * fmnist mlp epoch 1: 21.40 s (2804 samples/s), test acc 0.8390
 * ratio clgrad/pytorch gemm n=1024: 0.12x
 * </pre>
 */
public final class BenchLines {
    /** {@code gemm n=N: X GFLOP/s}, any prefix. */
    static final Pattern GEMM = Pattern.compile("gemm n=(\\d+): ([0-9.]+) GFLOP/s");
    /** {@code simplenet batch=B: X steps/s}, any prefix. */
    static final Pattern SIMPLENET = Pattern.compile("simplenet batch=(\\d+): ([0-9.]+) steps/s");
    /** {@code fmnist mlp epoch E: T s (N samples/s), test acc A}, any prefix. */
    static final Pattern FMNIST = Pattern.compile(
            "fmnist mlp epoch (\\d+): ([0-9.]+) s \\(([0-9.]+) samples/s\\), test acc ([0-9.]+)");

    private BenchLines() {
    }

    /** {@code device: <id> (<name>)}. */
    public static String device(String id, String name) {
        return "device: " + id + " (" + name + ")";
    }

    /** {@code gemm n=N: X GFLOP/s}. */
    public static String gemm(int n, double gflops) {
        return String.format(Locale.ROOT, "gemm n=%d: %.1f GFLOP/s", n, gflops);
    }

    /** {@code simplenet batch=B: X steps/s}. */
    public static String simpleNet(int batch, double stepsPerSecond) {
        return String.format(Locale.ROOT, "simplenet batch=%d: %.0f steps/s", batch, stepsPerSecond);
    }

    /** {@code fmnist mlp epoch E: T s (N samples/s), test acc A}. */
    public static String fmnistEpoch(int epoch, double seconds, double samplesPerSecond, double testAccuracy) {
        return String.format(Locale.ROOT, "fmnist mlp epoch %d: %.2f s (%.0f samples/s), test acc %.4f",
                epoch, seconds, samplesPerSecond, testAccuracy);
    }

    /** {@code ratio clgrad/pytorch <workload>: X.XXx}, or {@code n/a} when either side is missing. */
    public static String ratio(String workload, double clgrad, double pytorch) {
        String value = clgrad > 0 && pytorch > 0
                ? String.format(Locale.ROOT, "%.2fx", clgrad / pytorch) : "n/a";
        return "ratio clgrad/pytorch " + workload + ": " + value;
    }

    /** {@code kernel setup: cold X ms, warm Y ms (...)}. */
    public static String kernelSetup(double coldMs, double warmMs, String note) {
        return String.format(Locale.ROOT, "kernel setup: cold %.0f ms, warm %.0f ms", coldMs, warmMs)
                + (note == null || note.isEmpty() ? "" : " (" + note + ")");
    }

    /**
     * The rate a result line reports: GFLOP/s for gemm, steps/s for simplenet, samples/s for fmnist;
     * NaN when the line is none of these.
     */
    public static double value(String line) {
        Matcher m = GEMM.matcher(line);
        if (m.find()) {
            return Double.parseDouble(m.group(2));
        }
        m = SIMPLENET.matcher(line);
        if (m.find()) {
            return Double.parseDouble(m.group(2));
        }
        m = FMNIST.matcher(line);
        if (m.find()) {
            return Double.parseDouble(m.group(3));
        }
        return Double.NaN;
    }

    /**
     * The workload a result line is about, as used in ratio lines: {@code gemm n=N},
     * {@code simplenet batch=B}, {@code fmnist mlp epoch E}; null for other lines.
     */
    public static String workload(String line) {
        Matcher m = GEMM.matcher(line);
        if (m.find()) {
            return "gemm n=" + m.group(1);
        }
        m = SIMPLENET.matcher(line);
        if (m.find()) {
            return "simplenet batch=" + m.group(1);
        }
        m = FMNIST.matcher(line);
        if (m.find()) {
            return "fmnist mlp epoch " + m.group(1);
        }
        return null;
    }
}
