package io.clgrad.bench;

import io.clgrad.Autograd;
import io.clgrad.Device;
import io.clgrad.Tensor;
import io.clgrad.TensorScope;
import io.clgrad.Tensors;
import io.clgrad.data.DataLoader;
import io.clgrad.data.FashionMnist;
import io.clgrad.data.Subset;
import io.clgrad.data.TensorDataset;
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
        Tensor.manualSeed(SEED);
        SimpleNet model = new SimpleNet(2, 10, 1);
        model.to(dev);
        Loss<?> criterion = new BCEWithLogitsLoss();
        Optimizer opt = new Adam(model.parameters(), 0.01);
        Tensor x = Tensor.randn(dev, batch, 2);
        Tensor y = Tensor.randint(0, 2, batch, 1).toFloat().to(dev);
        long warmupEnd = System.nanoTime() + (long) (warmupSeconds * 1e9);
        for (int i = 0; i < 20 || System.nanoTime() < warmupEnd; i++) {
            simpleNetStep(model, criterion, opt, x, y);
        }
        dev.synchronize();
        long launches0 = optimizerLaunches(dev);
        long kernels0 = kernelLaunches(dev);
        long t0 = System.nanoTime();
        long minEnd = t0 + (long) (minSeconds * 1e9);
        int steps = 0;
        while (steps < minSteps || System.nanoTime() < minEnd) {
            for (int i = 0; i < 100; i++) {
                simpleNetStep(model, criterion, opt, x, y);
            }
            steps += 100;
        }
        dev.synchronize();
        double secs = (System.nanoTime() - t0) / 1e9;
        long launches = optimizerLaunches(dev) - launches0;
        long kernels = kernelLaunches(dev) - kernels0;
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
        TensorDataset train = new FashionMnist(dataDir, true, null).asTensorDataset(true);
        TensorDataset test = new FashionMnist(dataDir, false, null).asTensorDataset(true);
        io.clgrad.data.Dataset<Tensor[]> trainSet = train;
        if (limit > 0 && limit < train.size()) {
            int[] first = new int[limit];
            Arrays.setAll(first, i -> i);
            trainSet = new Subset<>(train, first);
        }
        Tensor.manualSeed(SEED);
        Sequential model = new Sequential(new Linear(784, 512), new ReLU(), new Linear(512, 512), new ReLU(),
                new Linear(512, 10));
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

    private static double accuracy(Module<?> model, DataLoader<Tensor[]> loader) {
        model.eval();
        double correct = 0;
        int n = 0;
        try (var g = Autograd.noGrad()) {
            for (Tensor[] batch : loader) {
                try (TensorScope s = Tensors.scope()) {
                    Tensor hits = model.forward(batch[0]).argmax(1).toFloat().eq(batch[1].reshape(-1).toFloat()).sum();
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
