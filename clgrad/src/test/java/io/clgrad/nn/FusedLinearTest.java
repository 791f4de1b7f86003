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

    /**
     * A Linear+ReLU whose input needs no gradient (SimpleNet's first layer): the ReLU mask, the
     * weight gradient and the bias gradient come from one backend call, one launch on an OpenCL
     * CPU device; the gradients equal, bit for bit, the same layer's gradients when the ReLU's
     * backward runs on its own (the input needs a gradient there, so gz is written out), and match
     * a double-precision reference.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void aLinearRelusWeightAndBiasGradientsTakeOneLaunch(Device d) {
        try (TensorScope s = Tensors.scope()) {
            Tensor.manualSeed(11);
            int rows = 64;
            int in = 2;
            int out = 10;
            Tensor x = Tensor.randn(d, rows, in);
            Tensor w = Tensor.randn(d, out, in).requiresGrad(true);
            Tensor b = Tensor.randn(d, out).requiresGrad(true);
            Tensor g = Tensor.randn(d, rows, out);
            Tensor y = Functional.linearRelu(x, w, b);
            d.synchronize();
            long before = d.backend().kernelLaunches();
            y.backward(g);
            long launches = d.backend().kernelLaunches() - before;
            if (d.backend().kernelLaunches() > 0) {
                assertEquals(1, launches, "launches of the backward on " + d);
            }
            float[] gw = w.grad().toFloatArray();
            float[] gb = b.grad().toFloatArray();

            Tensor xg = x.detach().requiresGrad(true);
            w.zeroGrad();
            b.zeroGrad();
            Functional.linearRelu(xg, w, b).backward(g);
            assertArrayEquals(gw, w.grad().toFloatArray(), 0f);
            assertArrayEquals(gb, b.grad().toFloatArray(), 0f);

            float[] xs = x.toFloatArray();
            float[] ws = w.toFloatArray();
            float[] bs = b.toFloatArray();
            float[] gs = g.toFloatArray();
            int masked = 0;
            for (int j = 0; j < out; j++) {
                double sumB = 0;
                double[] sumW = new double[in];
                for (int r = 0; r < rows; r++) {
                    double z = bs[j];
                    for (int p = 0; p < in; p++) {
                        z += (double) xs[r * in + p] * ws[j * in + p];
                    }
                    double gz = z > 0 ? gs[r * out + j] : 0;
                    masked += z > 0 ? 0 : 1;
                    sumB += gz;
                    for (int p = 0; p < in; p++) {
                        sumW[p] += gz * xs[r * in + p];
                    }
                }
                assertEquals(sumB, gb[j], 1e-4, "gb[" + j + "]");
                for (int p = 0; p < in; p++) {
                    assertEquals(sumW[p], gw[j * in + p], 1e-4, "gW[" + j + ", " + p + "]");
                }
            }
            assertTrue(masked > 0 && masked < rows * out, "the ReLU should cut some but not all: " + masked);
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
