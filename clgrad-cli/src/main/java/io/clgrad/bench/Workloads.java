package io.clgrad.bench;

import io.clgrad.Autograd;
import io.clgrad.CompiledStep;
import io.clgrad.Device;
import io.clgrad.Functional;
import io.clgrad.Step;
import io.clgrad.Tensor;
import io.clgrad.TensorScope;
import io.clgrad.Tensors;
import io.clgrad.data.DataLoader;
import io.clgrad.data.FashionMnist;
import io.clgrad.data.Subset;
import io.clgrad.data.TensorDataset;
import io.clgrad.examples.CnnExample;
import io.clgrad.examples.SimpleNet;
import io.clgrad.nn.BCEWithLogitsLoss;
import io.clgrad.nn.CrossEntropyLoss;
import io.clgrad.nn.Linear;
import io.clgrad.nn.Loss;
import io.clgrad.nn.Module;
import io.clgrad.nn.ReLU;
import io.clgrad.nn.Sequential;
import io.clgrad.optim.Adam;
import io.clgrad.optim.Optimizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * The reference benchmark workloads (docs/benchmarks.md), written with the public API as a user would
 * write them. Each one synchronises the device before it stops the clock.
 */
public final class Workloads {
    /** Seed for weights, data and shuffling. */
    static final long SEED = 42;

    private Workloads() {
    }

    /**
     * GFLOP/s of a square float32 matmul {@code [n, n] x [n, n]}: the median over {@code runs} timed
     * runs, after untimed warm-up runs for at least {@code warmupSeconds} (and at least two), so the
     * JIT has compiled the CPU backend's kernels. A run repeats the matmul enough times to do about
     * 2 GFLOP (at least once) and ends with {@link Device#synchronize()}.
     */
    public static double gemm(Device dev, int n, int runs, double warmupSeconds) {
        double flops = 2.0 * n * n * n;
        int reps = (int) Math.max(1, 2e9 / flops);
        Tensor.manualSeed(SEED);
        try (TensorScope s = Tensors.scope(); var g = Autograd.noGrad()) {
            Tensor a = Tensor.randn(dev, n, n);
            Tensor b = Tensor.randn(dev, n, n);
            dev.synchronize();
            long warmupEnd = System.nanoTime() + (long) (warmupSeconds * 1e9);
            for (int i = 0; i < 2 || System.nanoTime() < warmupEnd; i++) {
                a.matmul(b).close();
                dev.synchronize();
            }
            double[] perMatmul = new double[runs];
            for (int r = 0; r < runs; r++) {
                long t0 = System.nanoTime();
                for (int i = 0; i < reps; i++) {
                    a.matmul(b).close();
                }
                dev.synchronize();
                perMatmul[r] = (System.nanoTime() - t0) / 1e9 / reps;
            }
            return flops / median(perMatmul) / 1e9;
        }
    }

    /** What a SimpleNet run measured. */
    public record SimpleNetResult(int batch, int steps, double stepsPerSecond, double optimizerLaunchesPerStep,
                                  double launchesPerStep) {
    }

    /**
     * Training steps per second of the PyTorch chapter's SimpleNet(2, 10, 1) with BCEWithLogitsLoss and
     * Adam(lr=0.01) on one random batch: untimed steps for at least {@code warmupSeconds} (at least
     * 20), then timed ones: at least {@code minSteps} and at least {@code minSeconds}. Each step is
     * zeroGrad, forward, loss, backward, step, in a tensor scope.
     */
    public static SimpleNetResult simpleNet(Device dev, int batch, double warmupSeconds, int minSteps,
                                            double minSeconds) {
        return simpleNet(dev, batch, warmupSeconds, minSteps, minSeconds, false);
    }

    /**
     * {@link #simpleNet(Device, int, double, int, double)}, eager or with replayed steps: with
     * {@code replay} the step is compiled once ({@link Step#compile}) and each later step is a replay
     * of its recorded launches, the loss handed back and closed as the eager step's is.
     */
    public static SimpleNetResult simpleNet(Device dev, int batch, double warmupSeconds, int minSteps,
                                            double minSeconds, boolean replay) {
        Tensor.manualSeed(SEED);
        SimpleNet model = new SimpleNet(2, 10, 1);
        model.to(dev);
        Loss<?> criterion = new BCEWithLogitsLoss();
        Optimizer opt = new Adam(model.parameters(), 0.01);
        Tensor x = Tensor.randn(dev, batch, 2);
        Tensor y = Tensor.randint(0, 2, batch, 1).toFloat().to(dev);
        CompiledStep compiled = replay ? Step.compile(dev, (xs, ys) -> {
            opt.zeroGrad();
            Tensor loss = criterion.forward(model.forward(xs), ys);
            loss.backward();
            opt.step();
            return loss;
        }) : null;
        Runnable step = replay ? () -> compiled.run(x, y).close() : () -> simpleNetStep(model, criterion, opt, x, y);
        long warmupEnd = System.nanoTime() + (long) (warmupSeconds * 1e9);
        for (int i = 0; i < 20 || System.nanoTime() < warmupEnd; i++) {
            step.run();
        }
        dev.synchronize();
        long launches0 = optimizerLaunches(dev);
        long kernels0 = kernelLaunches(dev);
        long t0 = System.nanoTime();
        long minEnd = t0 + (long) (minSeconds * 1e9);
        int steps = 0;
        while (steps < minSteps || System.nanoTime() < minEnd) {
            for (int i = 0; i < 100; i++) {
                step.run();
            }
            steps += 100;
        }
        dev.synchronize();
        double secs = (System.nanoTime() - t0) / 1e9;
        long launches = optimizerLaunches(dev) - launches0;
        long kernels = kernelLaunches(dev) - kernels0;
        if (compiled != null) {
            compiled.close();
        }
        x.close();
        y.close();
        return new SimpleNetResult(batch, steps, steps / secs, launches < 0 ? Double.NaN : (double) launches / steps,
                kernels < 0 ? Double.NaN : (double) kernels / steps);
    }

    private static void simpleNetStep(Module<?> model, Loss<?> criterion, Optimizer opt, Tensor x, Tensor y) {
        try (TensorScope s = Tensors.scope()) {
            opt.zeroGrad();
            Tensor loss = criterion.forward(model.forward(x), y);
            loss.backward();
            opt.step();
        }
    }

    /** The backend's count of optimizer launches, or -1 where it counts none (the CPU backend). */
    private static long optimizerLaunches(Device dev) {
        return dev.backend().optimizerLaunches();
    }

    /** The backend's count of all kernel launches, or -1 where it counts none (the CPU backend). */
    private static long kernelLaunches(Device dev) {
        return dev.backend().kernelLaunches();
    }

    /** One Fashion-MNIST epoch: training time (device synchronised) and test accuracy after it. */
    public record Epoch(int epoch, int samples, double seconds, double testAccuracy) {
        /** Training samples per second. */
        public double samplesPerSecond() {
            return samples / seconds;
        }
    }

    /**
     * Trains the 784-512-ReLU-512-ReLU-10 MLP with CrossEntropyLoss and Adam(1e-3), batch 128, shuffled,
     * for {@code epochs} epochs, reporting each epoch to {@code sink} as it ends.
     *
     * @param limit train on the first {@code limit} training samples only; 0 for all 60,000
     */
    public static List<Epoch> fmnistMlp(Device dev, Path dataDir, int epochs, int limit, Consumer<Epoch> sink)
            throws IOException {
        Tensor.manualSeed(SEED);
        Sequential model = new Sequential(new Linear(784, 512), new ReLU(), new Linear(512, 512), new ReLU(),
                new Linear(512, 10));
        return fmnist(dev, dataDir, true, model, epochs, limit, sink);
    }

    /**
     * Trains the CNN of PyTorch's classifier tutorial ({@link CnnExample#network()}: two blocks of
     * Conv2d 3x3 - BatchNorm2d - ReLU - MaxPool2d(2) with 32 and 64 channels, then 3136-128-10) on
     * [128, 1, 28, 28] batches, as {@link #fmnistMlp} trains the MLP; BatchNorm in training mode for
     * the epoch and in evaluation mode for the test accuracy.
     *
     * @param limit train on the first {@code limit} training samples only; 0 for all 60,000
     */
    public static List<Epoch> fmnistCnn(Device dev, Path dataDir, int epochs, int limit, Consumer<Epoch> sink)
            throws IOException {
        Tensor.manualSeed(SEED);
        return fmnist(dev, dataDir, false, CnnExample.network(), epochs, limit, sink);
    }

    /**
     * The Fashion-MNIST loop of {@link #fmnistMlp} and {@link #fmnistCnn}: CrossEntropyLoss, Adam(1e-3),
     * batch 128, shuffled; images flat [784] or [1, 28, 28].
     */
    private static List<Epoch> fmnist(Device dev, Path dataDir, boolean flat, Module<?> model, int epochs, int limit,
                                      Consumer<Epoch> sink) throws IOException {
        TensorDataset train = new FashionMnist(dataDir, true, null).asTensorDataset(flat);
        TensorDataset test = new FashionMnist(dataDir, false, null).asTensorDataset(flat);
        io.clgrad.data.Dataset<Tensor[]> trainSet = train;
        if (limit > 0 && limit < train.size()) {
            int[] first = new int[limit];
            Arrays.setAll(first, i -> i);
            trainSet = new Subset<>(train, first);
        }
        model.to(dev);
        Loss<?> criterion = new CrossEntropyLoss();
        Optimizer opt = new Adam(model.parameters(), 1e-3);
        DataLoader<Tensor[]> trainLoader = DataLoader.builder(trainSet).batchSize(128).shuffle(true).seed(SEED)
                .device(dev).prefetch(2).build();
        DataLoader<Tensor[]> testLoader = DataLoader.builder(test).batchSize(1000).device(dev).prefetch(2).build();
        List<Epoch> result = new ArrayList<>();
        for (int e = 1; e <= epochs; e++) {
            model.train();
            long t0 = System.nanoTime();
            for (Tensor[] batch : trainLoader) {
                try (TensorScope s = Tensors.scope()) {
                    opt.zeroGrad();
                    Tensor loss = criterion.forward(model.forward(batch[0]), batch[1].reshape(-1));
                    loss.backward();
                    opt.step();
                } finally {
                    for (Tensor t : batch) {
                        t.close();
                    }
                }
            }
            dev.synchronize();
            double secs = (System.nanoTime() - t0) / 1e9;
            Epoch epoch = new Epoch(e, trainSet.size(), secs, accuracy(model, testLoader));
            result.add(epoch);
            sink.accept(epoch);
        }
        return result;
    }

    /**
     * A convolution of the benchmark: input {@code [n, c, h, w]}, weight {@code [k, c, kernel, kernel]},
     * bias, stride 1, zero padding {@code padding}.
     */
    public record ConvShape(int n, int c, int h, int w, int k, int kernel, int padding) {
        /** The two convolutions of the Fashion-MNIST CNN at batch 128. */
        public static final List<ConvShape> CNN = List.of(new ConvShape(128, 1, 28, 28, 32, 3, 1),
                new ConvShape(128, 32, 14, 14, 64, 3, 1));

        /** The shape as the bench lines write it, e.g. {@code 128x1x28x28 w=32x1x3x3 pad=1}. */
        public String label() {
            return n + "x" + c + "x" + h + "x" + w + " w=" + k + "x" + c + "x" + kernel + "x" + kernel + " pad=" + padding;
        }

        /** {@code [n, c, h, w, k, kernel, padding]}: the numbers of scripts/bench-pytorch.py's conv2d workload. */
        public String numbers() {
            return n + ":" + c + ":" + h + ":" + w + ":" + k + ":" + kernel + ":" + padding;
        }

        /**
         * FLOP of one forward and backward: three products of {@code 2·n·k·c·kernel²·H_out·W_out}
         * (the output, the input's gradient, the weight's gradient; the bias terms are not counted).
         */
        public double flops() {
            return 3 * 2.0 * n * k * c * kernel * kernel * outH() * outW();
        }

        /** The output's height. */
        public int outH() {
            return h + 2 * padding - kernel + 1;
        }

        /** The output's width. */
        public int outW() {
            return w + 2 * padding - kernel + 1;
        }
    }

    /**
     * GFLOP/s of {@link Functional#conv2d} forward and backward (gradients of the input, weight and
     * bias, from a fixed random output gradient; {@link ConvShape#flops()}) for {@code shape}: the median over {@code runs}
     * timed runs after warm-up, as {@link #gemm} (a run repeats the step to about 2 GFLOP).
     */
    public static double conv2d(Device dev, ConvShape shape, int runs, double warmupSeconds) {
        double flops = shape.flops();
        int reps = (int) Math.max(1, 2e9 / flops);
        Tensor.manualSeed(SEED);
        try (TensorScope s = Tensors.scope()) {
            Tensor x = Tensor.randn(dev, shape.n(), shape.c(), shape.h(), shape.w()).requiresGrad(true);
            Tensor w = Tensor.randn(dev, shape.k(), shape.c(), shape.kernel(), shape.kernel()).requiresGrad(true);
            Tensor b = Tensor.randn(dev, shape.k()).requiresGrad(true);
            Tensor[] leaves = {x, w, b};
            Tensor g = Tensor.randn(dev, shape.n(), shape.k(), shape.outH(), shape.outW());
            dev.synchronize();
            long warmupEnd = System.nanoTime() + (long) (warmupSeconds * 1e9);
            for (int i = 0; i < 2 || System.nanoTime() < warmupEnd; i++) {
                convStep(x, w, b, g, leaves, shape.padding());
                dev.synchronize();
            }
            double[] perStep = new double[runs];
            for (int r = 0; r < runs; r++) {
                long t0 = System.nanoTime();
                for (int i = 0; i < reps; i++) {
                    convStep(x, w, b, g, leaves, shape.padding());
                }
                dev.synchronize();
                perStep[r] = (System.nanoTime() - t0) / 1e9 / reps;
            }
            for (Tensor t : leaves) {
                t.zeroGrad();
            }
            return flops / median(perStep) / 1e9;
        }
    }

    private static void convStep(Tensor x, Tensor w, Tensor b, Tensor g, Tensor[] leaves, int padding) {
        for (Tensor t : leaves) {
            t.zeroGrad();
        }
        try (TensorScope s = Tensors.scope()) {
            Functional.conv2d(x, w, b, 1, padding, 1, 1).backward(g);
        }
    }

    static double accuracy(Module<?> model, DataLoader<Tensor[]> loader) {
        model.eval();
        double correct = 0;
        int n = 0;
        try (var g = Autograd.noGrad()) {
            for (Tensor[] batch : loader) {
                try (TensorScope s = Tensors.scope()) {
                    Tensor hits = model.forward(batch[0]).argmax(1).eq(batch[1].reshape(-1)).sum();
                    correct += hits.item();
                    n += batch[0].shape(0);
                } finally {
                    for (Tensor t : batch) {
                        t.close();
                    }
                }
            }
        }
        model.train();
        return correct / n;
    }

    static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        int m = v.length / 2;
        return v.length % 2 == 1 ? v[m] : (v[m - 1] + v[m]) / 2;
    }
}
