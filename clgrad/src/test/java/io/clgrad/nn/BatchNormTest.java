package io.clgrad.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clgrad.Autograd;
import io.clgrad.Device;
import io.clgrad.Functional;
import io.clgrad.MemoryBaseline;
import io.clgrad.Tensor;
import io.clgrad.TensorScope;
import io.clgrad.Tensors;
import io.clgrad.autograd.GradCheck;
import io.clgrad.backend.MemoryStats;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Batch normalisation: gradients by finite differences on every device (training and evaluation,
 * input, weight and bias), the modules' names, printing and modes, flat device memory over a
 * training loop, and the errors. Values against PyTorch are in
 * {@code io.clgrad.golden.BatchNormGoldenTest}.
 */
@SuppressWarnings("try")   // scopes opened for their effect
class BatchNormTest {

    /** {@code shift + scale·N(0, 1)} from the global generator seeded with {@code seed}. */
    private static Tensor rnd(Device d, long seed, double scale, double shift, int... shape) {
        Tensor.manualSeed(seed);
        try (Tensor z = Tensor.randn(d, shape); Tensor scaled = z.mul((float) scale)) {
            return scaled.add((float) shift);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void gradCheckTrainingInputWeightBias(Device d) {
        Tensor rm = Tensor.zeros(d, 3);
        Tensor rv = Tensor.ones(d, 3);
        GradCheck.check("batch_norm training [4, 3, 5]",
                xs -> Functional.batchNorm(xs[0], rm, rv, xs[1], xs[2], true, 0.1, 1e-5),
                rnd(d, 1, 1.5, 0.5, 4, 3, 5), rnd(d, 2, 0.5, 1, 3), rnd(d, 3, 1, 0, 3));
        GradCheck.check("batch_norm training [3, 2, 3, 3], no running statistics",
                xs -> Functional.batchNorm(xs[0], null, null, xs[1], xs[2], true, 0.1, 1e-5),
                rnd(d, 4, 2, -1, 3, 2, 3, 3), rnd(d, 5, 0.5, 1, 2), rnd(d, 6, 1, 0, 2));
        GradCheck.check("batch_norm training [6, 4] without weight and bias",
                xs -> Functional.batchNorm(xs[0], null, null, null, null, true, 0.1, 1e-5),
                rnd(d, 7, 1, 0, 6, 4));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void gradCheckEvaluationInputWeightBias(Device d) {
        Tensor rm = rnd(d, 8, 0.5, 0, 3);
        Tensor rv = rnd(d, 9, 0.2, 1, 3);
        GradCheck.check("batch_norm eval [2, 3, 2, 2]",
                xs -> Functional.batchNorm(xs[0], rm, rv, xs[1], xs[2], false, 0.1, 1e-5),
                rnd(d, 10, 1, 0, 2, 3, 2, 2), rnd(d, 11, 0.5, 1, 3), rnd(d, 12, 1, 0, 3));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void trainingUpdatesRunningStatisticsInPlaceAndEvalUsesThem(Device d) {
        BatchNorm2d m = new BatchNorm2d(new BatchNormOptions(2, 1e-5, 0.5, true, true), d);
        Tensor rm = m.runningMean();
        int before = rm.version();
        // channel 0 holds 1, 3 (mean 2, unbiased variance 2), channel 1 holds 5, 5 (mean 5, variance 0)
        Tensor x = Tensor.of(d, new float[] {1, 5, 3, 5}, 2, 2, 1, 1);
        m.forward(x);
        assertSame(rm, m.runningMean(), "updated in place");
        assertTrue(rm.version() > before, "the running mean's version is bumped");
        assertArrayEquals(new float[] {1f, 2.5f}, rm.toFloatArray(), 1e-6f);           // 0.5·0 + 0.5·mean
        assertArrayEquals(new float[] {1.5f, 0.5f}, m.runningVar().toFloatArray(), 1e-6f); // 0.5·1 + 0.5·var
        assertEquals(1, m.numBatchesTracked().toIntArray()[0]);
        m.eval();
        float[] y = m.forward(x).toFloatArray();
        assertEquals((1 - 1) / Math.sqrt(1.5 + 1e-5), y[0], 1e-6);
        assertEquals((5 - 2.5) / Math.sqrt(0.5 + 1e-5), y[1], 1e-5);
        assertArrayEquals(new float[] {1f, 2.5f}, rm.toFloatArray(), "evaluation leaves them alone");
        assertEquals(1, m.numBatchesTracked().toIntArray()[0]);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void numBatchesTrackedCountsFromWhatWasLoaded(Device d) {
        BatchNorm1d m = new BatchNorm1d(new BatchNormOptions(3, 1e-5, null, true, true), d);   // cumulative average
        Tensor x = Tensor.randn(d, 4, 3);
        m.forward(x);
        m.forward(x);
        assertEquals(2, m.numBatchesTracked().toIntArray()[0]);
        var state = new java.util.LinkedHashMap<String, Tensor>();
        m.stateDict().forEach((k, v) -> state.put(k, v.copy()));   // loading a module's own views into it fails on OpenCL
        try (Tensor seven = Tensor.of(new int[] {7}, 1)) {
            state.put("num_batches_tracked", seven.reshape());
        }
        m.loadStateDict(state);
        m.forward(x);
        assertEquals(8, m.numBatchesTracked().toIntArray()[0]);
        m.resetRunningStats();
        assertEquals(0, m.numBatchesTracked().toIntArray()[0]);
        assertArrayEquals(new float[] {1, 1, 1}, m.runningVar().toFloatArray());
    }

    @Test
    void namesBuffersAndPrintAsPyTorch() {
        BatchNorm2d m = new BatchNorm2d(32);
        assertEquals("BatchNorm2d(32, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)", m.toString());
        assertEquals(List.of("weight", "bias", "running_mean", "running_var", "num_batches_tracked"),
                List.copyOf(m.stateDict().keySet()));
        assertEquals(List.of("weight", "bias"), List.copyOf(m.namedParameters().keySet()));
        assertArrayEquals(new int[0], m.numBatchesTracked().shape());
        assertEquals(io.clgrad.DType.INT32, m.numBatchesTracked().dtype());
        BatchNorm1d plain = new BatchNorm1d(new BatchNormOptions(10, 1e-3, null, false, false), Device.cpu());
        assertEquals("BatchNorm1d(10, eps=0.001, momentum=None, affine=False, track_running_stats=False)",
                plain.toString());
        assertEquals(List.of(), List.copyOf(plain.stateDict().keySet()));
        assertEquals(new BatchNormOptions(10, 1e-3, null, false, false), plain.options());
        assertEquals("Dropout2d(p=0.5, inplace=False)", new Dropout2d().toString());
    }

    @Test
    void errorsNameTheProblem() {
        BatchNorm2d m2 = new BatchNorm2d(3);
        assertEquals("BatchNorm: num_features must be positive, got 0",
                assertThrows(IllegalArgumentException.class, () -> new BatchNorm1d(0)).getMessage());
        assertEquals("expected 4D input (got 3D input)",
                assertThrows(IllegalArgumentException.class, () -> m2.forward(Tensor.randn(2, 3, 4))).getMessage());
        assertEquals("expected 2D or 3D input (got 4D input)", assertThrows(IllegalArgumentException.class,
                () -> new BatchNorm1d(3).forward(Tensor.randn(2, 3, 4, 4))).getMessage());
        String wrongC = assertThrows(IllegalArgumentException.class, () -> m2.forward(Tensor.randn(2, 4, 3, 3)))
                .getMessage();
        assertTrue(wrongC.contains("running_mean should contain 4 elements") && wrongC.contains("not 3"), wrongC);
        String single = assertThrows(IllegalArgumentException.class, () -> new BatchNorm1d(3).forward(Tensor.randn(1, 3)))
                .getMessage();
        assertTrue(single.contains("expected more than 1 value per channel when training"), single);
        assertThrows(IllegalArgumentException.class,
                () -> Functional.batchNorm(Tensor.randn(4, 3), null, null, null, null, false, 0.1, 1e-5));
        Tensor y = m2.forward(Tensor.randn(0, 3, 2, 2));
        assertArrayEquals(new int[] {0, 3, 2, 2}, y.shape());
        assertArrayEquals(new float[] {0, 0, 0}, m2.runningMean().toFloatArray(), "an empty batch changes nothing");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void dropoutVariantsRespectTrainAndEval(Device d) {
        Tensor x = Tensor.ones(d, 8, 50, 3, 3);
        Dropout2d drop2d = new Dropout2d(0.25);
        Tensor.manualSeed(3);
        float[] y = drop2d.forward(x).toFloatArray();
        int zeroed = 0;
        for (int ch = 0; ch < 400; ch++) {
            float first = y[ch * 9];
            for (int k = 1; k < 9; k++) {
                assertEquals(first, y[ch * 9 + k], "one value per channel");
            }
            assertTrue(first == 0f || Math.abs(first - 1 / 0.75f) < 1e-6, "kept channels are scaled by 1/(1-p)");
            zeroed += first == 0f ? 1 : 0;
        }
        assertTrue(zeroed > 60 && zeroed < 140, "about a quarter of 400 channels zeroed, got " + zeroed);
        drop2d.eval();
        assertSame(x, drop2d.forward(x));
        Dropout drop = new Dropout(0.5);
        drop.eval();
        assertSame(x, drop.forward(x));
        drop.train();
        assertNotEquals(0, java.util.Arrays.stream(box(drop.forward(x).toFloatArray())).filter(v -> v == 0f).count());
        Sequential net = new Sequential(new BatchNorm2d(new BatchNormOptions(50), d), new Dropout2d(0.5));
        net.eval();
        assertTrue(!net.children().get(0).isTraining() && !net.children().get(1).isTraining());
    }

    private static Float[] box(float[] v) {
        Float[] out = new Float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i];
        }
        return out;
    }

    /**
     * A BatchNorm2d training loop (forward, backward, gradients dropped) and evaluation forwards keep
     * the device's bytes and buffers in use flat after warm-up: the batch statistics the forward saves
     * are closed by the backward (or at once without a graph), the num_batches_tracked update's
     * temporaries at once.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void trainingLoopKeepsDeviceMemoryFlat(Device d) {
        BatchNorm2d m = new BatchNorm2d(new BatchNormOptions(4), d);
        try (TensorScope outer = Tensors.scope()) {
            Tensor x = Tensor.randn(d, 8, 4, 6, 6).requiresGrad(true);
            Tensor up = Tensor.randn(d, 8, 4, 6, 6);
            loop(d, m, x, up, 20);
            long before = MemoryBaseline.settle(d);
            long buffersBefore = d.memoryStats().buffersInUse();
            loop(d, m, x, up, 500);
            MemoryStats after = d.memoryStats();
            assertEquals(before, after.bytesInUse(), "bytes in use changed over 500 BatchNorm2d steps on " + d);
            assertEquals(buffersBefore, after.buffersInUse(), "buffers in use changed on " + d);
        }
    }

    /** Steps without a scope: every tensor the test makes is closed, so what the op keeps must be closed by it. */
    private static void loop(Device d, BatchNorm2d m, Tensor x, Tensor up, int steps) {
        for (int i = 0; i < steps; i++) {
            m.train(i % 5 != 4);
            Tensor y = m.forward(x);
            Tensor p = y.mul(up);
            Tensor loss = p.sum();
            loss.backward();
            for (Tensor t : new Tensor[] {y, p, loss}) {
                t.close();
            }
            if (i % 7 == 0) {
                try (Autograd.Mode g = Autograd.noGrad()) {
                    m.forward(x).close();   // no graph: the statistics are closed at once
                }
            }
            m.zeroGrad();
            x.zeroGrad();
        }
        d.synchronize();
        assertNull(x.grad());
    }
}
