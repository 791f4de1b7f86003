package io.clgrad.bench;

import io.clgrad.Device;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How the CPU backend scales with its thread count: GEMM n=1024 and one Fashion-MNIST MLP epoch on
 * the first {@value #MLP_SAMPLES} training images, each thread count in a fresh JVM started with
 * {@code -Dclgrad.threads=T} (the pool's size is fixed when the backend starts). Thread counts:
 * 1, 2, 4, ... and the processor count. Lines:
 *
 * <pre>
 * threads: sweep 1, 2, 4, 8 (8 processors)
 * gemm n=1024 threads=4: 290.1 GFLOP/s
 * fmnist mlp threads=4: 24875 samples/s
 * </pre>
 *
 * <pre>{@code
 * new ThreadSweep(dataDir, 1.0).run(new PrintWriter(System.out, true));
 * }</pre>
 */
public final class ThreadSweep {
    /** Training images of the MLP epoch of each thread count. */
    static final int MLP_SAMPLES = 10_000;
    /** The GEMM size of the sweep. */
    static final int GEMM_N = 1024;
    /** {@code gemm n=N threads=T: X GFLOP/s}. */
    static final Pattern GEMM = Pattern.compile("gemm n=(\\d+) threads=(\\d+): ([0-9.]+) GFLOP/s");
    /** {@code fmnist mlp threads=T: X samples/s}. */
    static final Pattern MLP = Pattern.compile("fmnist mlp threads=(\\d+): ([0-9.]+) samples/s");

    private final Path dataDir;
    private final double warmupSeconds;

    /**
     * A sweep over this machine's processor count.
     *
     * @param dataDir       the Fashion-MNIST IDX files (the MLP line is skipped, with a note, without them)
     * @param warmupSeconds untimed GEMM warm-up in each child
     */
    public ThreadSweep(Path dataDir, double warmupSeconds) {
        this.dataDir = dataDir;
        this.warmupSeconds = warmupSeconds;
    }

    /** 1, 2, 4, ... below {@code processors}, then {@code processors} (at least 1). */
    static List<Integer> counts(int processors) {
        List<Integer> c = new ArrayList<>();
        for (int t = 1; t < processors; t *= 2) {
            c.add(t);
        }
        c.add(Math.max(1, processors));
        return c;
    }

    /** {@code gemm n=N threads=T: X GFLOP/s}. */
    static String gemmLine(int n, int threads, double gflops) {
        return String.format(Locale.ROOT, "gemm n=%d threads=%d: %.1f GFLOP/s", n, threads, gflops);
    }

    /** {@code fmnist mlp threads=T: X samples/s}. */
    static String mlpLine(int threads, double samplesPerSecond) {
        return String.format(Locale.ROOT, "fmnist mlp threads=%d: %.0f samples/s", threads, samplesPerSecond);
    }

    /** Runs the sweep, printing a header and two lines per thread count. */
    public void run(PrintWriter out) throws IOException {
        int processors = Runtime.getRuntime().availableProcessors();
        List<Integer> counts = counts(processors);
        out.println("threads: sweep " + counts.toString().replaceAll("[\\[\\]]", "") + " (" + processors
                + " processors; each in a fresh JVM with -Dclgrad.threads=T; gemm n=" + GEMM_N
                + ", fmnist mlp 1 epoch on " + MLP_SAMPLES + " samples)");
        out.flush();
        List<String> options = new ArrayList<>();
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
            options.add("--add-modules=jdk.incubator.vector");
        }
        for (int t : counts) {
            List<String> opts = new ArrayList<>(options);
            opts.add("-Dclgrad.threads=" + t);
            String output = ChildJvm.run(opts, ThreadSweep.class,
                    List.of(Integer.toString(t), dataDir.toString(), Double.toString(warmupSeconds)), 900,
                    "the thread sweep at " + t + " threads");
            for (String line : output.split("\\R")) {
                if (line.startsWith("gemm n=") || line.startsWith("fmnist mlp threads=")) {
                    out.println(line);
                }
            }
            out.flush();
        }
    }

    /**
     * Child JVM entry point: {@code args} = threads (as the JVM's {@code -Dclgrad.threads}), data
     * directory, warm-up seconds; prints the two lines of that thread count.
     */
    public static void main(String[] args) {
        int threads = Integer.parseInt(args[0]);
        Device cpu = Device.cpu();
        System.out.println(gemmLine(GEMM_N, threads, Workloads.gemm(cpu, GEMM_N, 3, Double.parseDouble(args[2]))));
        try {
            List<Workloads.Epoch> e = Workloads.fmnistMlp(cpu, Path.of(args[1]), 1, MLP_SAMPLES, x -> { });
            System.out.println(mlpLine(threads, e.get(0).samplesPerSecond()));
        } catch (IOException e) {
            System.out.println("fmnist mlp threads=" + threads + ": skipped ("
                    + e.getMessage().strip().split("\\R", 2)[0] + ")");
        }
        System.out.flush();
        System.exit(0);
    }

    /** The thread count and value of a sweep line, or null for other lines. */
    static double[] parse(String line) {
        Matcher m = GEMM.matcher(line);
        if (m.find()) {
            return new double[] {Integer.parseInt(m.group(2)), Double.parseDouble(m.group(3))};
        }
        m = MLP.matcher(line);
        if (m.find()) {
            return new double[] {Integer.parseInt(m.group(1)), Double.parseDouble(m.group(2))};
        }
        return null;
    }
}
