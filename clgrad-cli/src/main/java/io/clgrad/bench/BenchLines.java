package io.clgrad.bench;

import java.util.List;
import java.util.Locale;
import java.util.function.Function;
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
 * conv2d 128x32x14x14 w=64x32x3x3 pad=1: 20.1 GFLOP/s
 * fmnist mlp epoch 1: 21.40 s (2804 samples/s), test acc 0.8390
 * fmnist cnn epoch 1: 95.12 s (631 samples/s), test acc 0.8734
 * infer mlp batch=1: 61.3 us
 * ratio clgrad/pytorch gemm n=1024: 0.12x
 * ratio clgrad/pytorch infer mlp batch=1: 0.21x (latency: lower is better)
 * </pre>
 *
 * <p>Every ratio is clgrad's value over PyTorch's: for rates (GFLOP/s, steps/s, samples/s) higher is
 * better; for the {@code infer} latencies lower is better, and their ratio lines say so.
 */
public final class BenchLines {
    /** {@code gemm n=N: X GFLOP/s}, any prefix. */
    static final Pattern GEMM = Pattern.compile("gemm n=(\\d+): ([0-9.]+) GFLOP/s");
    /** {@code simplenet batch=B: X steps/s} or {@code simplenet batch=B replay: X steps/s}, any prefix. */
    static final Pattern SIMPLENET = Pattern.compile("simplenet batch=(\\d+)( replay)?: ([0-9.]+) steps/s");
    /** {@code fmnist M epoch E: T s (N samples/s), test acc A} (M: mlp or cnn), any prefix. */
    static final Pattern FMNIST = Pattern.compile(
            "fmnist (mlp|cnn) epoch (\\d+): ([0-9.]+) s \\(([0-9.]+) samples/s\\), test acc ([0-9.]+)");
    /** {@code conv2d SHAPE: X GFLOP/s}, any prefix; SHAPE as {@code Workloads.ConvShape#label()}. */
    static final Pattern CONV2D = Pattern.compile("conv2d ([0-9x]+ w=[0-9x]+ pad=\\d+): ([0-9.]+) GFLOP/s");

    /** {@code infer M batch=B: X us} (M: mlp or cnn), any prefix: mean latency of one no-grad forward. */
    static final Pattern INFER = Pattern.compile("infer (mlp|cnn) batch=(\\d+): ([0-9.]+) us");

    /** The suffix of a workload run with replayed steps ({@code io.clgrad.Step}). */
    static final String REPLAY = " replay";

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
        return fmnistEpoch("mlp", epoch, seconds, samplesPerSecond, testAccuracy);
    }

    /** {@code fmnist M epoch E: T s (N samples/s), test acc A}, for the model {@code M} (mlp or cnn). */
    public static String fmnistEpoch(String model, int epoch, double seconds, double samplesPerSecond,
                                     double testAccuracy) {
        return String.format(Locale.ROOT, "fmnist %s epoch %d: %.2f s (%.0f samples/s), test acc %.4f",
                model, epoch, seconds, samplesPerSecond, testAccuracy);
    }

    /**
     * {@code conv2d SHAPE: X GFLOP/s}.
     *
     * @param shape  the convolution, e.g. {@code 128x1x28x28 w=32x1x3x3 pad=1}
     * @param gflops forward and backward FLOP per second, in billions
     */
    public static String conv2d(String shape, double gflops) {
        return String.format(Locale.ROOT, "conv2d %s: %.1f GFLOP/s", shape, gflops);
    }

    /**
     * {@code infer M batch=B: X us}: the mean latency of one inference call (no-grad forward of the
     * model M, logits read back to the host) after warm-up.
     *
     * @param model        mlp or cnn
     * @param batch        samples per call
     * @param microseconds mean wall time per call
     */
    public static String infer(String model, int batch, double microseconds) {
        return String.format(Locale.ROOT, "infer %s batch=%d: %.1f us", model, batch, microseconds);
    }

    /**
     * {@code ratio clgrad/pytorch <workload>: X.XXx}, or {@code n/a} when either side is missing; for a
     * latency workload ({@link #isLatency}) the line ends {@code (latency: lower is better)}.
     */
    public static String ratio(String workload, double clgrad, double pytorch) {
        return ratio("pytorch", workload, clgrad, pytorch);
    }

    /** {@code ratio clgrad/<library> <workload>: X.XXx}, as {@link #ratio(String, double, double)} against another library. */
    public static String ratio(String library, String workload, double clgrad, double theirs) {
        String value = clgrad > 0 && theirs > 0
                ? String.format(Locale.ROOT, "%.2fx", clgrad / theirs) : "n/a";
        return "ratio clgrad/" + library + " " + workload + ": " + value
                + (isLatency(workload) ? " (latency: lower is better)" : "");
    }

    /** Whether the workload's value is a latency (lower is better): the {@code infer ...} workloads. */
    public static boolean isLatency(String workload) {
        return workload != null && workload.startsWith("infer ");
    }

    /** {@code kernel setup: cold X ms, warm Y ms (...)}. */
    public static String kernelSetup(double coldMs, double warmMs, String note) {
        return String.format(Locale.ROOT, "kernel setup: cold %.0f ms, warm %.0f ms", coldMs, warmMs)
                + (note == null || note.isEmpty() ? "" : " (" + note + ")");
    }

    /**
     * One kind of result line: its pattern, the group holding its value, and how its workload is named.
     */
    private record Shape(Pattern pattern, int valueGroup, Function<Matcher, String> workload) {
    }

    /** Every kind of result line, tried in this order by {@link #value} and {@link #workload}. */
    private static final List<Shape> SHAPES = List.of(
            new Shape(GEMM, 2, m -> "gemm n=" + m.group(1)),
            new Shape(SIMPLENET, 3, m -> "simplenet batch=" + m.group(1) + (m.group(2) == null ? "" : REPLAY)),
            new Shape(FMNIST, 4, m -> "fmnist " + m.group(1) + " epoch " + m.group(2)),
            new Shape(CONV2D, 2, m -> "conv2d " + m.group(1)),
            new Shape(INFER, 3, m -> "infer " + m.group(1) + " batch=" + m.group(2)));

    /**
     * The rate a result line reports: GFLOP/s for gemm and conv2d, steps/s for simplenet, samples/s for fmnist;
     * the latency in microseconds for infer; NaN when the line is none of these.
     */
    public static double value(String line) {
        for (Shape shape : SHAPES) {
            Matcher m = shape.pattern().matcher(line);
            if (m.find()) {
                return Double.parseDouble(m.group(shape.valueGroup()));
            }
        }
        return Double.NaN;
    }

    /**
     * The workload a result line is about, as used in ratio lines: {@code gemm n=N},
     * {@code simplenet batch=B}, {@code fmnist mlp epoch E}, {@code fmnist cnn epoch E}, {@code conv2d SHAPE},
     * {@code infer M batch=B}; null for other lines.
     */
    public static String workload(String line) {
        for (Shape shape : SHAPES) {
            Matcher m = shape.pattern().matcher(line);
            if (m.find()) {
                return shape.workload().apply(m);
            }
        }
        return null;
    }

    /**
     * {@code simplenet batch=B replay: X steps/s}: the same workload with replayed steps
     * ({@code io.clgrad.Step#compile}).
     */
    public static String simpleNetReplay(int batch, double stepsPerSecond) {
        return String.format(Locale.ROOT, "simplenet batch=%d replay: %.0f steps/s", batch, stepsPerSecond);
    }

    /**
     * The PyTorch workload a clgrad workload is compared with: itself, or without the
     * {@code replay} suffix (PyTorch runs the step eagerly).
     */
    public static String pytorchWorkload(String workload) {
        return workload != null && workload.endsWith(REPLAY)
                ? workload.substring(0, workload.length() - REPLAY.length()) : workload;
    }
}
