package io.clgrad.bench;

import io.clgrad.Autograd;
import io.clgrad.Device;
import io.clgrad.Tensor;
import io.clgrad.TensorScope;
import io.clgrad.Tensors;
import io.clgrad.examples.CnnExample;
import io.clgrad.nn.Linear;
import io.clgrad.nn.Module;
import io.clgrad.nn.ReLU;
import io.clgrad.nn.Sequential;
import java.util.List;

/**
 * The inference workloads of the benchmark (docs/benchmarks.md, "Inference latency"): the mean
 * latency of one call of a model as a JVM service makes it, one request at a time: a no-grad forward
 * in evaluation mode and the logits read back to the host as a {@code float[]}.
 *
 * <pre>{@code
 * double us = InferenceWorkloads.latency(Device.cpu(), "mlp", 1, 1.0, 200, 1.0);
 * }</pre>
 */
public final class InferenceWorkloads {
    /** The bench's inference lines: (model, batch). */
    public static final List<Case> CASES = List.of(new Case("mlp", 1), new Case("mlp", 128), new Case("cnn", 1));

    /**
     * One inference line.
     *
     * @param model mlp (784-512-ReLU-512-ReLU-10) or cnn ({@link CnnExample#network()})
     * @param batch samples per call
     */
    public record Case(String model, int batch) {
        /**
         * The word of scripts/bench-pytorch.py's workload:
         * {@code infer:MODEL:BATCH:CALLS:SECONDS:WARMUP_SECONDS}.
         */
        public String pytorchWord(int minCalls, double minSeconds, double warmupSeconds) {
            return "infer:" + model + ":" + batch + ":" + minCalls + ":" + minSeconds + ":" + warmupSeconds;
        }
    }

    private InferenceWorkloads() {
    }

    /**
     * The model of an inference line, seeded as the training workloads are, on {@code dev}, in
     * evaluation mode.
     *
     * @param model mlp or cnn
     */
    static Module<?> model(Device dev, String model) {
        Tensor.manualSeed(Workloads.SEED);
        Module<?> m = switch (model) {
            case "mlp" -> new Sequential(new Linear(784, 512), new ReLU(), new Linear(512, 512), new ReLU(),
                    new Linear(512, 10));
            case "cnn" -> CnnExample.network();
            default -> throw new IllegalArgumentException("unknown inference model '" + model + "' (mlp or cnn)");
        };
        m.to(dev);
        m.eval();
        return m;
    }

    /**
     * Mean latency in microseconds of {@code float[] logits = model.forward(x).toFloatArray()} under
     * {@link Autograd#noGrad()} for a fixed random input of {@code batch} samples ([batch, 784] for the
     * MLP, [batch, 1, 28, 28] for the CNN): untimed calls for at least {@code warmupSeconds} (and at
     * least 20), then timed calls, at least {@code minCalls} and for at least {@code minSeconds}; the
     * total time over the number of calls. The read-back synchronises the device on every call.
     */
    public static double latency(Device dev, String model, int batch, double warmupSeconds, int minCalls,
                                 double minSeconds) {
        Module<?> m = model(dev, model);
        try (TensorScope s = Tensors.scope(); var g = Autograd.noGrad()) {
            Tensor x = model.equals("cnn") ? Tensor.randn(dev, batch, 1, 28, 28) : Tensor.randn(dev, batch, 784);
            float sink = 0;
            long warmupEnd = System.nanoTime() + (long) (warmupSeconds * 1e9);
            for (int i = 0; i < 20 || System.nanoTime() < warmupEnd; i++) {
                sink += call(m, x);
            }
            long t0 = System.nanoTime();
            long minEnd = t0 + (long) (minSeconds * 1e9);
            int calls = 0;
            while (calls < minCalls || System.nanoTime() < minEnd) {
                for (int i = 0; i < 20; i++) {
                    sink += call(m, x);
                }
                calls += 20;
            }
            double us = (System.nanoTime() - t0) / 1e3 / calls;
            if (Float.isNaN(sink)) {
                throw new IllegalStateException(model + " inference produced NaN logits");
            }
            return us;
        }
    }

    /** One request: forward, read back, in a scope that frees the intermediates. */
    private static float call(Module<?> m, Tensor x) {
        try (TensorScope s = Tensors.scope()) {
            float[] logits = m.forward(x).toFloatArray();
            return logits[0];
        }
    }
}
