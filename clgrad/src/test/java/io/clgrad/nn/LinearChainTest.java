package io.clgrad.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clgrad.Autograd;
import io.clgrad.CompiledStep;
import io.clgrad.Device;
import io.clgrad.Functional;
import io.clgrad.Step;
import io.clgrad.Tensor;
import io.clgrad.TensorScope;
import io.clgrad.Tensors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A Sequential's runs of Linear layers (each followed by at most one ReLU) go through
 * {@link Functional#linearChain}, which gives the numbers of {@code linear} / {@code linearRelu}
 * applied in turn: bit for bit in inference of 1 to 4 rows (where the CPU backend runs the chain as
 * one launch that allocates only its output) and in every other case (more rows, gradients being
 * recorded, a backend without chains), whose gradients are the layers' own; and it checks its
 * arguments with the layers' messages.
 */
class LinearChainTest {

    private static Sequential mlp(Device d) {
        Tensor.manualSeed(17);
        Sequential m = new Sequential(new Linear(784, 512), new ReLU(), new Linear(512, 512), new ReLU(),
                new Linear(512, 10));
        m.to(d);
        m.eval();
        return m;
    }

    /** The MLP's layers one at a time through Functional. */
    private static Tensor oneByOne(Sequential m, Tensor x) {
        Linear l1 = (Linear) m.get(0);
        Linear l2 = (Linear) m.get(2);
        Linear l3 = (Linear) m.get(4);
        Tensor h = Functional.linearRelu(x, l1.weight(), l1.bias());
        h = Functional.linearRelu(h, l2.weight(), l2.bias());
        return Functional.linear(h, l3.weight(), l3.bias());
    }

    private static void assertSameBits(float[] want, float[] got, String where) {
        assertEquals(want.length, got.length, where);
        for (int e = 0; e < want.length; e++) {
            assertEquals(Float.floatToIntBits(want[e]), Float.floatToIntBits(got[e]), where + " at " + e);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void inferenceGivesTheLayersNumbersInOneLaunchWhereTheBackendChains(Device d) {
        try (TensorScope s = Tensors.scope(); Autograd.Mode g = Autograd.noGrad()) {
            Sequential m = mlp(d);
            for (int rows : new int[] {1, 3, 4, 5}) {
                Tensor x = Tensor.randn(d, rows, 784);
                Tensor want = oneByOne(m, x);
                d.synchronize();
                long before = d.memoryStats().allocations();
                Tensor got = m.forward(x);
                d.synchronize();
                long allocations = d.memoryStats().allocations() - before;
                assertSameBits(want.toFloatArray(), got.toFloatArray(), d + ", " + rows + " rows");
                assertArrayEquals(new int[] {rows, 10}, got.shape());
                if (rows <= 4 && d.backend().packedLinearChain()) {
                    assertEquals(1, allocations, d + ", " + rows + " rows: the chain allocates only its output");
                } else {
                    assertTrue(allocations >= 3, d + ", " + rows + " rows: layer by layer, " + allocations + " allocations");
                }
            }
        }
    }

    /** With gradients recorded the chain is the layers themselves: the same forward and the same gradients. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void trainingRecordsTheLayersAndTheirGradients(Device d) {
        try (TensorScope s = Tensors.scope()) {
            Sequential m = mlp(d);
            m.train();
            Tensor x = Tensor.randn(d, 2, 784);
            Tensor y = m.forward(x);
            y.pow(2f).sum().backward();
            Linear l1 = (Linear) m.get(0);
            float[] gw1 = l1.weight().grad().toFloatArray();
            float[] gb3 = ((Linear) m.get(4)).bias().grad().toFloatArray();
            m.zeroGrad();
            Tensor want = oneByOne(m, x);
            want.pow(2f).sum().backward();
            assertSameBits(want.toFloatArray(), y.toFloatArray(), d + " forward");
            assertSameBits(l1.weight().grad().toFloatArray(), gw1, d + " first weight's gradient");
            assertSameBits(((Linear) m.get(4)).bias().grad().toFloatArray(), gb3, d + " last bias's gradient");

            // and inference of the same model agrees with training's unpacked products within float rounding
            try (Autograd.Mode g = Autograd.noGrad()) {
                assertArrayEquals(y.toFloatArray(), m.forward(x).toFloatArray(), 1e-4f);
            }
        }
    }

    /**
     * A recorded training step whose model is a Sequential of Linear layers replays the same work as
     * the same layers called one by one: asking whether the backend chains layers is not a call
     * that the recording keeps.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void aRecordedStepReplaysWhatTheLayersWould(Device d) {
        try (TensorScope s = Tensors.scope()) {
            Sequential m = mlp(d);
            m.train();
            Tensor x = Tensor.randn(d, 2, 784);
            String[] described = new String[2];
            for (int way = 0; way < 2; way++) {
                boolean sequential = way == 0;
                try (CompiledStep step = Step.compile(d, (xs, unused) -> {
                    m.zeroGrad();
                    Tensor loss = (sequential ? m.forward(xs) : oneByOne(m, xs)).pow(2f).sum();
                    loss.backward();
                    return loss;
                })) {
                    float first = step.run(x, x).item();
                    float again = step.run(x, x).item();
                    assertEquals(first, again, 0f, d + ": a replay computes the recorded step again");
                    assertTrue(step.replays() >= 1, "replayed: " + step.replays());
                    described[way] = step.describe();
                }
            }
            assertEquals(described[1], described[0], d + ": Sequential's step against the layers'");
        }
    }

    /** Runs of other shapes: Linear after Linear, a ReLU-less end, a lone Linear between other modules. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void everyRunOfLinearsAndRelusGivesTheLayersNumbers(Device d) {
        try (TensorScope s = Tensors.scope(); Autograd.Mode g = Autograd.noGrad()) {
            Tensor.manualSeed(18);
            Linear a = new Linear(20, 128);
            Linear b = new Linear(128, 64);
            Linear c = new Linear(64, 64, false);
            Linear e = new Linear(64, 3);
            Sequential m = new Sequential(a, b, new ReLU(), c, new Tanh(), e, new ReLU());
            m.to(d);
            Tensor x = Tensor.randn(d, 2, 20);
            Tensor h = Functional.linear(x, a.weight(), a.bias());
            h = Functional.linearRelu(h, b.weight(), b.bias());
            h = Functional.linear(h, c.weight(), null).tanh();
            Tensor want = Functional.linearRelu(h, e.weight(), e.bias());
            assertSameBits(want.toFloatArray(), m.forward(x).toFloatArray(), d.toString());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void linearChainChecksItsArgumentsWithTheLayersMessages(Device d) {
        try (TensorScope s = Tensors.scope(); Autograd.Mode g = Autograd.noGrad()) {
            Tensor x = Tensor.randn(d, 1, 8);
            Tensor w1 = Tensor.randn(d, 16, 8);
            Tensor w2 = Tensor.randn(d, 4, 15);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Functional.linearChain(x, new Tensor[] {w1, w2}, new Tensor[] {null}, new boolean[] {true, false}));
            assertTrue(e.getMessage().contains("2 weights, 1 biases, 2 ReLU flags"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> Functional.linearChain(x, new Tensor[] {w1, w2}, new Tensor[] {null, null}, new boolean[] {true, false}));
            assertTrue(e.getMessage().contains("linear: input shape [1, 16] does not end in in_features=15"), e.getMessage());
            Tensor b1 = Tensor.randn(d, 15);
            e = assertThrows(IllegalArgumentException.class, () -> Functional.linearChain(x, new Tensor[] {w1, w1.t()},
                    new Tensor[] {b1, null}, new boolean[] {false, false}));
            assertTrue(e.getMessage().contains("bias shape [15] must be [16]"), e.getMessage());
        }
    }
}
