package io.clgrad.bench;

import io.clgrad.Device;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Runs the team's reference benchmark set (docs/benchmarks.md) on each chosen device and prints one line per
 * result (see {@link BenchLines}). With {@link Options#vsPyTorch()}, each workload is run in clgrad and
 * then at once in PyTorch (and numpy for GEMM) by {@code scripts/bench-pytorch.py}, and the ratio
 * clgrad/PyTorch is printed after each pair.
 *
 * <pre>{@code
 * new Benchmark(Benchmark.Options.full(Device.all()), new PrintWriter(System.out, true)).run();
 * }</pre>
 */
public final class Benchmark {
    /** The full set's GEMM sizes. */
    public static final List<Integer> GEMM_SIZES = List.of(256, 512, 1024, 2048);
    /** The full set's SimpleNet batch sizes. */
    public static final List<Integer> SIMPLENET_BATCHES = List.of(5, 64, 4096);
    /** The quick set's GEMM sizes. */
    public static final List<Integer> QUICK_GEMM_SIZES = List.of(256, 512);
    /** Training samples in the quick set's Fashion-MNIST epoch. */
    public static final int QUICK_FMNIST_SAMPLES = 10_000;

    /** Untimed warm-up before each gemm size and SimpleNet batch (JIT compilation of the CPU backend). */
    static final double WARMUP_SECONDS = 2.0;
    static final double QUICK_WARMUP_SECONDS = 1.0;
    /** Timed SimpleNet steps: at least this many, for at least this long. */
    static final int STEPS = 2000;
    static final int QUICK_STEPS = 200;
    static final double SIMPLENET_SECONDS = 1.0;
    static final double QUICK_SIMPLENET_SECONDS = 0.3;
    static final int EPOCHS = 3;
    /** Epochs of the Fashion-MNIST CNN in the full set (about 100 s each on 2 cores). */
    static final int CNN_EPOCHS = 1;
    /** Timed inference calls ({@link InferenceWorkloads}): at least this many, for at least this long. */
    static final int INFER_CALLS = 200;
    static final int QUICK_INFER_CALLS = 100;
    static final double INFER_SECONDS = 1.0;
    static final double QUICK_INFER_SECONDS = 0.3;
    /**
     * Untimed inference calls before the timed ones, on both sides: longer than the other workloads'
     * warm-up, because the JIT compiles the whole per-call path (module, ops, small-m kernels), and on
     * a loaded machine a batch-1 call still runs partly interpreted 2 s in.
     */
    static final double INFER_WARMUP_SECONDS = 4.0;
    static final double QUICK_INFER_WARMUP_SECONDS = 3.0;

    /**
     * What to run.
     *
     * @param devices      the clgrad devices, each benchmarked in turn
     * @param quick        the reduced set (GEMM 256 and 512, SimpleNet batch 64 with fewer steps,
     *                     one Fashion-MNIST epoch on 10,000 samples)
     * @param fmnist       whether to run the Fashion-MNIST MLP
     * @param kernelSetup  whether to measure cold and warm kernel set-up (child JVMs) on OpenCL devices
     * @param vsPyTorch    whether to run PyTorch and numpy alternately and print ratios
     * @param python       the Python with torch and numpy (Debian's /usr/bin/python3)
     * @param script       scripts/bench-pytorch.py
     * @param threads      PyTorch and OpenBLAS threads
     * @param dataDir      the Fashion-MNIST IDX files
     * @param onnxRuntime  where ONNX Runtime's side is, to compare the infer workloads with it too; null
     *                     for no such comparison
     */
    public record Options(List<Device> devices, boolean quick, boolean fmnist, boolean kernelSetup, boolean vsPyTorch,
                          String python, Path script, int threads, Path dataDir, OnnxRuntime onnxRuntime) {

        /** Options without the ONNX Runtime comparison. */
        public Options(List<Device> devices, boolean quick, boolean fmnist, boolean kernelSetup, boolean vsPyTorch,
                       String python, Path script, int threads, Path dataDir) {
            this(devices, quick, fmnist, kernelSetup, vsPyTorch, python, script, threads, dataDir, null);
        }
    }

    /**
     * The ONNX Runtime side ({@code clgrad bench --vs-onnxruntime}): its models are exported by the
     * PyTorch script ({@link Options#script}, with {@link Options#python}) and run by {@code script}
     * in a child JVM with {@code jar} on its class path.
     *
     * @param jar    com.microsoft.onnxruntime:onnxruntime's jar ({@value ComparisonProcess#ONNXRUNTIME_VERSION})
     * @param script scripts/bench-onnxruntime.java
     */
    public record OnnxRuntime(Path jar, Path script) {
    }

    private final Options o;
    private final PrintWriter out;

    /**
     * A benchmark that runs {@code options} and prints its lines to {@code out}.
     *
     * @param options what to run
     * @param out     where the lines go (the CLI's standard output)
     */
    public Benchmark(Options options, PrintWriter out) {
        this.o = options;
        this.out = out;
    }

    /** Runs everything; returns the wall time in seconds. */
    public double run() throws IOException {
        long start = System.nanoTime();
        println(o.quick()
                ? "bench: --quick, a reduced set: gemm n=256,512 (median of 3 runs); simplenet batch=64, "
                        + "at least " + QUICK_STEPS + " timed steps and " + QUICK_SIMPLENET_SECONDS + " s; "
                        + QUICK_WARMUP_SECONDS + " s warm-up before each"
                        + "; conv2d of the fmnist cnn's two layers at batch 128, forward+backward"
                        + "; infer mlp batch=1,128 and cnn batch=1 (mean latency, no-grad, logits read back; "
                        + QUICK_INFER_WARMUP_SECONDS + " s warm-up)"
                        + (o.fmnist() ? "; fmnist mlp and cnn 1 epoch each on the first 10000 training samples"
                                + " (not the full 60000)" : "")
                : "bench: full set: gemm n=256,512,1024,2048 (median of 5 runs); simplenet batch=5,64,4096, "
                        + "at least " + STEPS + " timed steps and " + SIMPLENET_SECONDS + " s; "
                        + WARMUP_SECONDS + " s warm-up before each"
                        + "; conv2d of the fmnist cnn's two layers at batch 128, forward+backward"
                        + "; infer mlp batch=1,128 and cnn batch=1 (mean latency, no-grad, logits read back; "
                        + INFER_WARMUP_SECONDS + " s warm-up)"
                        + (o.fmnist() ? "; fmnist mlp " + EPOCHS + " epochs and cnn " + CNN_EPOCHS
                                + " epoch on 60000 training samples" : ""));
        ComparisonProcess py = null;
        ComparisonProcess ort = null;
        OnnxModels onnx = null;
        try {
            if (o.vsPyTorch()) {
                try {
                    py = ComparisonProcess.pytorch(o.python(), o.script(), o.threads(), o.dataDir(), gemmRuns(),
                            warmupSeconds());
                    for (String line : py.header()) {
                        println(line);
                    }
                } catch (IOException e) {
                    // clgrad's own lines are still worth having: say what is missing and go on without ratios
                    println("pytorch: not run, so no ratios: " + e.getMessage().strip().split("\\R", 2)[0]
                            + " (install with: apt-get install python3-torch python3-numpy libopenblas0-pthread)");
                }
            }
            if (o.onnxRuntime() != null) {
                try {
                    onnx = OnnxModels.export(o.python(), o.script());
                    ort = ComparisonProcess.onnxRuntime(o.onnxRuntime().jar(), o.onnxRuntime().script(), o.threads(),
                            onnx.dir());
                    for (String line : ort.header()) {
                        println(line);
                    }
                } catch (IOException e) {
                    println("onnxruntime: not run, so no ratios against it: "
                            + e.getMessage().strip().split("\\R", 2)[0]);
                }
            }
            for (Device dev : o.devices()) {
                runDevice(dev, py, ort);
            }
            if (o.fmnist() && o.devices().size() > 1) {
                try {
                    println(ParallelWorkload.line(o.devices(), o.dataDir(), QUICK_FMNIST_SAMPLES));
                } catch (IOException e) {
                    println("fmnist mlp data-parallel: skipped (" + e.getMessage().strip().split("\\R", 2)[0] + ")");
                }
            }
        } finally {
            if (py != null) {
                py.close();
            }
            if (ort != null) {
                ort.close();
            }
            if (onnx != null) {
                try {
                    onnx.close();
                } catch (IOException e) {
                    println("onnxruntime: could not delete the exported models in " + onnx.dir() + ": " + e.getMessage());
                }
            }
        }
        double secs = (System.nanoTime() - start) / 1e9;
        println(String.format(Locale.ROOT, "bench time: %.1f s", secs));
        return secs;
    }

    private double warmupSeconds() {
        return o.quick() ? QUICK_WARMUP_SECONDS : WARMUP_SECONDS;
    }

    private int gemmRuns() {
        return o.quick() ? 3 : 5;
    }

    private void runDevice(Device dev, ComparisonProcess py, ComparisonProcess ort) throws IOException {
        println(BenchLines.device(dev.id(), dev.info().name()));
        if (dev.isCpu()) {
            println("jvm: Java " + System.getProperty("java.version") + ", Vector API (jdk.incubator.vector) "
                    + (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
                            ? "enabled" : "not enabled: the CPU backend uses its plain loops"));
            println("kernel setup: n/a (the Java CPU backend compiles no kernels)");
        } else if (o.kernelSetup()) {
            KernelSetup.Times t = KernelSetup.measure(dev.id(), 600);
            println(BenchLines.kernelSetup(t.coldNs() / 1e6, t.warmNs() / 1e6,
                    "prepareKernels() in a fresh JVM: empty program cache, then the same cache"));
        }
        dev.backend().prepareKernels();   // the workloads below must not time kernel compilation

        for (int n : o.quick() ? QUICK_GEMM_SIZES : GEMM_SIZES) {
            String line = BenchLines.gemm(n, Workloads.gemm(dev, n, gemmRuns(), warmupSeconds()));
            println(line);
            compare(py, "gemm:" + n, List.of(line));
        }
        for (int b : o.quick() ? List.of(64) : SIMPLENET_BATCHES) {
            int steps = o.quick() ? QUICK_STEPS : STEPS;
            double seconds = o.quick() ? QUICK_SIMPLENET_SECONDS : SIMPLENET_SECONDS;
            Workloads.SimpleNetResult r = Workloads.simpleNet(dev, b, warmupSeconds(), steps, seconds);
            String line = BenchLines.simpleNet(b, r.stepsPerSecond());
            println(line);
            println("simplenet batch=" + b + " launches/step: " + launchesNote(dev, r));
            // the same steps replayed (io.clgrad.Step): one recording, then pre-built launch lists
            Workloads.SimpleNetResult rr = Workloads.simpleNet(dev, b, warmupSeconds(), steps, seconds, true);
            String replayLine = BenchLines.simpleNetReplay(b, rr.stepsPerSecond());
            println(replayLine);
            println("simplenet batch=" + b + " replay launches/step: " + launchesNote(dev, rr));
            compare(py, "simplenet:" + b + ":" + steps + ":" + seconds, List.of(line, replayLine));
        }
        for (Workloads.ConvShape shape : Workloads.ConvShape.CNN) {
            String line = BenchLines.conv2d(shape.label(), Workloads.conv2d(dev, shape, gemmRuns(), warmupSeconds()));
            println(line);
            compare(py, "conv2d:" + shape.numbers(), List.of(line));
        }
        for (InferenceWorkloads.Case c : InferenceWorkloads.CASES) {
            int calls = o.quick() ? QUICK_INFER_CALLS : INFER_CALLS;
            double seconds = o.quick() ? QUICK_INFER_SECONDS : INFER_SECONDS;
            double warmup = o.quick() ? QUICK_INFER_WARMUP_SECONDS : INFER_WARMUP_SECONDS;
            String line = BenchLines.infer(c.model(), c.batch(),
                    InferenceWorkloads.latency(dev, c.model(), c.batch(), warmup, calls, seconds));
            println(line);
            if (dev.isCpu()) {
                println(CoreRoundTrip.line(CoreRoundTrip.measure()));   // the placement that latency ran on, just after
            }
            compare(py, c.pytorchWord(calls, seconds, warmup), List.of(line));
            try {
                compare(ort, c.pytorchWord(calls, seconds, warmup), List.of(line));
            } catch (IOException e) {   // one failed workload there leaves the rest of the bench to run
                println("onnxruntime: " + c.model() + " batch=" + c.batch() + " not run: " + e.getMessage());
            }
        }
        if (o.fmnist()) {
            int limit = o.quick() ? QUICK_FMNIST_SAMPLES : 0;
            if (fmnist(dev, py, "mlp", o.quick() ? 1 : EPOCHS, limit)) {
                fmnist(dev, py, "cnn", o.quick() ? 1 : CNN_EPOCHS, limit);
            }
        }
    }

    /**
     * Trains the Fashion-MNIST MLP or CNN ({@link Workloads#fmnistMlp}, {@link Workloads#fmnistCnn}),
     * printing a line per epoch, then the same in PyTorch.
     *
     * @return false when the data could not be read (the line says why)
     */
    private boolean fmnist(Device dev, ComparisonProcess py, String model, int epochs, int limit) throws IOException {
        List<Workloads.Epoch> epochList;
        java.util.function.Consumer<Workloads.Epoch> sink = e -> println(BenchLines.fmnistEpoch(model, e.epoch(),
                e.seconds(), e.samplesPerSecond(), e.testAccuracy()));
        try {
            epochList = model.equals("cnn") ? Workloads.fmnistCnn(dev, o.dataDir(), epochs, limit, sink)
                    : Workloads.fmnistMlp(dev, o.dataDir(), epochs, limit, sink);
        } catch (IOException e) {
            println("fmnist " + model + ": skipped (" + e.getMessage().strip().split("\\R", 2)[0] + ")");
            return false;
        }
        List<String> lines = epochList.stream()
                .map(e -> BenchLines.fmnistEpoch(model, e.epoch(), e.seconds(), e.samplesPerSecond(), e.testAccuracy()))
                .toList();
        compare(py, (model.equals("cnn") ? "fmnistcnn:" : "fmnist:") + epochs + ":" + limit, lines);
        return true;
    }

    private static String launchesNote(Device dev, Workloads.SimpleNetResult r) {
        if (dev.isCpu()) {
            return "n/a (the Java CPU backend launches no kernels)";
        }
        return String.format(Locale.ROOT, "%.1f (of which optimizer %.1f)", r.launchesPerStep(),
                r.optimizerLaunchesPerStep());
    }

    /**
     * Runs the same workload on the other side ({@code other}: PyTorch or ONNX Runtime), prints its
     * lines, and a ratio line for each clgrad result against each of its libraries (PyTorch, and numpy
     * where numpy ran it; ONNX Runtime).
     */
    private void compare(ComparisonProcess other, String workload, List<String> clgradLines) throws IOException {
        if (other == null) {
            return;
        }
        List<String> theirs = other.run(workload);
        for (String line : theirs) {
            println(line);
        }
        for (String mine : clgradLines) {
            String w = BenchLines.workload(mine);
            for (int i = 0; i < other.libraries().size(); i++) {
                String library = other.libraries().get(i);
                double value = find(theirs, library + " ", BenchLines.pytorchWorkload(w));
                if (i == 0 || !Double.isNaN(value)) {
                    println(BenchLines.ratio(library, w, BenchLines.value(mine), value));
                }
            }
        }
    }

    private static double find(List<String> lines, String prefix, String workload) {
        for (String line : lines) {
            if (line.startsWith(prefix) && workload.equals(BenchLines.workload(line))) {
                return BenchLines.value(line);
            }
        }
        return Double.NaN;
    }

    private void println(String line) {
        out.println(line);
        out.flush();
    }
}
