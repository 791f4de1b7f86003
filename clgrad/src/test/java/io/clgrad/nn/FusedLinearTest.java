package io.clgrad.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clgrad.Device;
import io.clgrad.Functional;
import io.clgrad.Tensor;
import io.clgrad.TensorScope;
import io.clgrad.Tensors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The fused Linear (+ReLU) gives the numbers of the unfused ops it replaces: forward values and
 * every gradient of {@code Sequential(Linear, ReLU, Linear)} against the same model computed as
 * separate matmul, add and relu ops.
 */
class FusedLinearTest {

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void sequentialLinearReluMatchesTheUnfusedOps(Device d) {
        try (TensorScope s = Tensors.scope()) {
            Tensor.manualSeed(5);
            Sequential model = new Sequential(new Linear(7, 33), new ReLU(), new Linear(33, 3));
            model.to(d);
            Tensor x = Tensor.randn(d, 9, 7);
            Linear l1 = (Linear) model.children().get(0);
            Linear l2 = (Linear) model.children().get(2);

            Tensor fused = model.forward(x);
            fused.pow(2f).sum().backward();
            float[] gw1 = l1.weight().grad().toFloatArray();
            float[] gb1 = l1.bias().grad().toFloatArray();
            float[] gw2 = l2.weight().grad().toFloatArray();
            model.zeroGrad();

            Tensor h = x.matmul(l1.weight().t()).add(l1.bias()).relu();
            Tensor plain = h.matmul(l2.weight().t()).add(l2.bias());
            plain.pow(2f).sum().backward();

            assertArrayEquals(plain.toFloatArray(), fused.toFloatArray(), 1e-5f);
            assertArrayEquals(l1.weight().grad().toFloatArray(), gw1, 1e-4f);
            assertArrayEquals(l1.bias().grad().toFloatArray(), gb1, 1e-4f);
            assertArrayEquals(l2.weight().grad().toFloatArray(), gw2, 1e-4f);
            int zeros = 0;
            for (float v : h.toFloatArray()) {
                zeros += v == 0f ? 1 : 0;
            }
            assertTrue(zeros > 0 && zeros < h.numel(), "the ReLU should clamp some but not all: " + zeros);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void badShapesNameTheProblem(Device d) {
        try (TensorScope s = Tensors.scope()) {
            Tensor x = Tensor.zeros(d, 2, 3);
            Tensor w = Tensor.zeros(d, 4, 3);
            String msg = assertThrows(IllegalArgumentException.class,
                    () -> Functional.linear(x, w, Tensor.zeros(d, 5))).getMessage();
            assertEquals("linear: bias shape [5] must be [4] (weight shape [4, 3])", msg);
            msg = assertThrows(IllegalArgumentException.class,
                    () -> Functional.linearRelu(Tensor.zeros(d, 2, 5), w, null)).getMessage();
            assertTrue(msg.startsWith("linear_relu: input shape [2, 5] does not end in in_features=3"), msg);
        }
    }

    /** A Linear subclass that overrides forward keeps its forward inside a Sequential (no fusion). */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void aLinearSubclassKeepsItsOwnForward(Device d) {
        try (TensorScope s = Tensors.scope()) {
            Linear shifted = new Linear(3, 2) {
                @Override
                public Tensor forward(Tensor x) {
                    return super.forward(x).mul(0f).add(5f);
                }
            };
            Sequential model = new Sequential(shifted, new ReLU());
            model.to(d);
            assertArrayEquals(new float[] {5f, 5f}, model.forward(Tensor.ones(d, 1, 3)).toFloatArray());
        }
    }

    /** No input features: the output is act(bias) in the input's leading shape, as in PyTorch. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void zeroInputFeatures(Device d) {
        try (TensorScope s = Tensors.scope()) {
            Tensor bias = Tensor.of(d, new float[] {1f, -2f, 3f, -4f}, 4);
            Tensor y = Functional.linearRelu(Tensor.zeros(d, 2, 3, 0), Tensor.zeros(d, 4, 0), bias);
            assertArrayEquals(new int[] {2, 3, 4}, y.shape());
            float[] v = y.toFloatArray();
            for (int i = 0; i < v.length; i += 4) {
                assertArrayEquals(new float[] {1f, 0f, 3f, 0f}, java.util.Arrays.copyOfRange(v, i, i + 4));
            }
        }
    }
}
