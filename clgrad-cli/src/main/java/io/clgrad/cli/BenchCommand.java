package io.clgrad.cli;

import io.clgrad.bench.Benchmark;
import io.clgrad.bench.RatioMedians;
import io.clgrad.data.FashionMnist;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code clgrad bench}: GEMM, SimpleNet and Fashion-MNIST MLP throughput on each device (see
 * docs/benchmarks.md and {@link Benchmark}); {@code --vs-pytorch} runs PyTorch and numpy alongside.
 */
@Command(name = "bench",
        showDefaultValues = true,
        description = {"Benchmarks each device: gemm n=256..2048 GFLOP/s, SimpleNet training steps/s at batch 5, 64 "
                + "and 4096, the Fashion-MNIST CNN's two conv2d layers (forward+backward GFLOP/s), 3 Fashion-MNIST MLP"
                + " epochs and 1 CNN epoch; optionally against PyTorch and numpy.",
            "Lines: 'device: ...', 'gemm n=N: X GFLOP/s', 'simplenet batch=B: X steps/s', "
                + "'conv2d SHAPE: X GFLOP/s', 'fmnist mlp|cnn epoch E: T s (N samples/s), test acc A', "
                + "'infer mlp|cnn batch=B: X us' (mean latency of a no-grad forward, logits read back), "
                + "'ratio clgrad/pytorch W: X.XXx' (a latency ratio, lower is better, for infer lines; also "
                + "clgrad/numpy for gemm and clgrad/onnxruntime for infer with --vs-onnxruntime)."})
final class BenchCommand extends CliCommand {

    @Option(names = "--device", paramLabel = "DEVICE",
            description = "Only this device: cpu, opencl, opencl:N or gpu (default: every device).")
    String device;

    @Option(names = "--quick", description = "A reduced set that runs in under a minute: gemm n=256,512; simplenet "
            + "batch=64 with 200 steps; 1 fmnist mlp and 1 cnn epoch on 10,000 training samples.")
    boolean quick;

    @Option(names = "--no-fmnist", negatable = false, description = "Skip the Fashion-MNIST MLP and CNN.")
    boolean noFmnist;

    @Option(names = "--vs-pytorch", description = "Also run each workload in PyTorch (and GEMM in numpy), "
            + "alternating with clgrad, and print the ratios clgrad/PyTorch.")
    boolean vsPyTorch;

    @Option(names = "--vs-onnxruntime", negatable = false, description = "Also run the infer workloads in ONNX "
            + "Runtime's Java API (the models exported from PyTorch, checked against its logits), alternating with "
            + "clgrad, and print the latency ratios clgrad/onnxruntime. Needs its jar (--onnxruntime-jar; "
            + "scripts/bench fetches it) and PyTorch for the export.")
    boolean vsOnnxRuntime;

    @Option(names = "--onnxruntime-jar", paramLabel = "FILE", defaultValue = "${env:CLGRAD_BENCH_ONNXRUNTIME_JAR}",
            description = "com.microsoft.onnxruntime:onnxruntime's jar, for --vs-onnxruntime "
                    + "(env CLGRAD_BENCH_ONNXRUNTIME_JAR; scripts/bench sets it).")
    Path onnxRuntimeJar;

    @Option(names = "--onnxruntime-script", paramLabel = "FILE",
            defaultValue = "${env:CLGRAD_BENCH_ONNXRUNTIME:-scripts/bench-onnxruntime.java}",
            description = "The ONNX Runtime side (env CLGRAD_BENCH_ONNXRUNTIME; scripts/bench sets it).")
    Path onnxRuntimeScript;

    @Option(names = "--no-kernel-setup", negatable = false,
            description = "Skip measuring cold and warm kernel set-up (two child JVMs per OpenCL device).")
    boolean noKernelSetup;

    @Option(names = "--python", paramLabel = "PY", defaultValue = "${env:CLGRAD_BENCH_PYTHON:-/usr/bin/python3}",
            description = "Python with torch and numpy (env CLGRAD_BENCH_PYTHON).")
    String python;

    @Option(names = "--pytorch-script", paramLabel = "FILE",
            defaultValue = "${env:CLGRAD_BENCH_PYTORCH:-scripts/bench-pytorch.py}",
            description = "The PyTorch side (env CLGRAD_BENCH_PYTORCH; scripts/bench sets it).")
    Path script;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "2", description = "PyTorch and OpenBLAS threads.")
    int threads;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Fashion-MNIST IDX files (default: "
            + "/usr/share/datasets/fashion-mnist).")
    Path dataDir;

    @Option(names = "--thread-sweep", negatable = false, description = "Also run GEMM n=1024 and a 10,000-sample "
            + "Fashion-MNIST MLP epoch on the CPU backend at 1, 2, 4, ... threads up to the processor count, each in a "
            + "fresh JVM: lines 'gemm n=1024 threads=T: X GFLOP/s' and 'fmnist mlp threads=T: X samples/s'.")
    boolean threadSweep;

    @Option(names = "--runs", paramLabel = "N", defaultValue = "1",
            description = "Run everything N times; with --vs-pytorch or --vs-onnxruntime, end with the median of each"
                    + " ratio.")
    int runs;

    /** The benchmark's options from the command line (after the argument checks). */
    Benchmark.Options options() {
        return new Benchmark.Options(deviceOrAll(device), quick, !noFmnist, !noKernelSetup, vsPyTorch, python, script,
                threads, dataDir != null ? dataDir : FashionMnist.DEFAULT_DIR,
                vsOnnxRuntime ? new Benchmark.OnnxRuntime(onnxRuntimeJar, onnxRuntimeScript) : null);
    }

    @Override
    public Integer call() throws IOException {
        ArgumentChecks.atLeastOne("--threads", threads);
        ArgumentChecks.atLeastOne("--runs", runs);
        Benchmark.Options options = options();
        RatioMedians medians = new RatioMedians();
        PrintWriter tee = new PrintWriter(new LineTee(out(), medians::accept), true);
        for (int i = 1; i <= runs; i++) {
            if (runs > 1) {
                tee.println("run " + i + " of " + runs);
            }
            new Benchmark(options, tee).run();
        }
        if (runs > 1) {
            medians.lines(runs).forEach(tee::println);
        }
        if (threadSweep) {
            new io.clgrad.bench.ThreadSweep(options.dataDir(), quick ? 1.0 : 2.0).run(tee);
        }
        tee.flush();
        return 0;
    }
}
