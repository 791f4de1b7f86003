package io.clgrad;

import static io.clgrad.HostRef.assertClose;
import static io.clgrad.HostRef.assertShape;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Tensor-level semantics on every device: broadcasting through views, PyTorch's matmul shape rules,
 * reductions with keepdim, views and copies, transfers, int32 tensors and seeded random fills.
 * Values are checked against double-precision host loops.
 */
class TensorOpsTest {
    private static final double TOL = 1e-5;

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void broadcastingThroughTransposedView(Device d) {
        Random r = new Random(1);
        float[] a = HostRef.randomFloats(r, 4 * 3);
        float[] b = HostRef.randomFloats(r, 4);
        try (TensorScope s = Tensors.scope()) {
            Tensor at = Tensor.of(d, a, 4, 3).t();          // [3, 4], non-contiguous
            Tensor bt = Tensor.of(d, b, 4);                 // [4] broadcasts over rows
            Tensor sum = at.add(bt).mul(2f).sub(bt.unsqueeze(0));
            assertShape(new int[] {3, 4}, sum);
            double[] want = new double[12];
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 4; j++) {
                    want[i * 4 + j] = ((double) a[j * 3 + i] + b[j]) * 2 - b[j];
                }
            }
            assertClose(want, sum.toFloatArray(), TOL, "add/mul/sub");
            Tensor col = Tensor.of(d, new float[] {1, 2, 3}, 3, 1);
            Tensor row = Tensor.of(d, new float[] {10, 20, 30, 40}, 1, 4);
            assertArrayEquals(new float[] {11, 21, 31, 41, 12, 22, 32, 42, 13, 23, 33, 43},
                    col.add(row).toFloatArray());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void matmulShapeRules(Device d) {
        Random r = new Random(2);
        float[] a = HostRef.randomFloats(r, 7 * 5);
        float[] b = HostRef.randomFloats(r, 5 * 3);
        try (TensorScope s = Tensors.scope()) {
            Tensor ta = Tensor.of(d, a, 7, 5);
            Tensor tb = Tensor.of(d, b, 5, 3);
            assertClose(HostRef.matmul(a, b, 7, 3, 5), ta.matmul(tb).toFloatArray(), TOL, "2-D");
            // A·Bᵀ through a transposed view (the Linear forward layout): B' = [3, 5] stored, used as .t()
            Tensor bStoredT = Tensor.of(d, transpose(b, 5, 3), 3, 5);
            assertClose(HostRef.matmul(a, b, 7, 3, 5), ta.matmul(bStoredT.t()).toFloatArray(), TOL, "A·(Bᵀ)ᵀ");
            // 1-D cases
            Tensor v = Tensor.of(d, new float[] {1, 2, 3, 4, 5});
            Tensor mv = ta.matmul(v);
            assertShape(new int[] {7}, mv);
            Tensor dot = v.matmul(v);
            assertShape(new int[0], dot);
            assertEquals(55f, dot.item(), 1e-5);
            assertShape(new int[] {3}, v.matmul(tb));
            // batched with broadcasting: [2, 1, 7, 5] x [4, 5, 3] -> [2, 4, 7, 3]
            float[] ba = HostRef.randomFloats(r, 2 * 7 * 5);
            float[] bb = HostRef.randomFloats(r, 4 * 5 * 3);
            Tensor out = Tensor.of(d, ba, 2, 1, 7, 5).matmul(Tensor.of(d, bb, 4, 5, 3));
            assertShape(new int[] {2, 4, 7, 3}, out);
            float[] got = out.toFloatArray();
            for (int i = 0; i < 2; i++) {
                for (int j = 0; j < 4; j++) {
                    double[] want = HostRef.matmul(slice(ba, i, 35), slice(bb, j, 15), 7, 3, 5);
                    float[] part = new float[21];
                    System.arraycopy(got, (i * 4 + j) * 21, part, 0, 21);
                    assertClose(want, part, TOL, "batch " + i + "," + j);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void reductionsKeepdimAndArgmax(Device d) {
        float[] x = {1, 5, 3, 9, 2, 9, 0, -1, 4, 4, 8, 7};
        try (TensorScope s = Tensors.scope()) {
            Tensor t = Tensor.of(d, x, 2, 2, 3);
            assertEquals(51f, t.sum().item(), 1e-4);
            assertEquals(51f / 12, t.mean().item(), 1e-5);
            Tensor s1 = t.sum(1, true);
            assertShape(new int[] {2, 1, 3}, s1);
            assertArrayEquals(new float[] {10, 7, 12, 4, 7, 11}, s1.toFloatArray());
            Tensor m = t.max(-1, false);
            assertShape(new int[] {2, 2}, m);
            assertArrayEquals(new float[] {5, 9, 4, 8}, m.toFloatArray());
            Tensor am = t.argmax(-1);
            assertEquals(DType.INT32, am.dtype());
            assertArrayEquals(new int[] {1, 0, 2, 1}, am.toIntArray());  // first index among ties
            assertEquals(3f, t.argmax().item());
            assertArrayEquals(new float[] {-1}, t.min().reshape(1).toFloatArray());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void softmaxAlongEachDim(Device d) {
        Random r = new Random(3);
        float[] x = HostRef.randomFloats(r, 4 * 6);
        try (TensorScope s = Tensors.scope()) {
            Tensor t = Tensor.of(d, x, 4, 6);
            for (int dim : new int[] {0, 1}) {
                double[] want = new double[24];
                for (int i = 0; i < 4; i++) {
                    for (int j = 0; j < 6; j++) {
                        double z = 0;
                        for (int q = 0; q < (dim == 0 ? 4 : 6); q++) {
                            z += Math.exp(dim == 0 ? x[q * 6 + j] : x[i * 6 + q]);
                        }
                        want[i * 6 + j] = Math.exp(x[i * 6 + j]) / z;
                    }
                }
                assertClose(want, t.softmax(dim).toFloatArray(), TOL, "softmax dim " + dim);
                double[] logWant = new double[24];
                for (int i = 0; i < 24; i++) {
                    logWant[i] = Math.log(want[i]);
                }
                assertClose(logWant, t.logSoftmax(dim - 2).toFloatArray(), TOL, "logSoftmax dim " + dim);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void viewsAndCopies(Device d) {
        try (TensorScope s = Tensors.scope()) {
            Tensor t = Tensor.of(d, new float[] {0, 1, 2, 3, 4, 5}, 2, 3);
            assertShape(new int[] {3, 2}, t.reshape(-1, 2));
            Tensor tt = t.t();
            assertArrayEquals(new float[] {0, 3, 1, 4, 2, 5}, tt.toFloatArray());
            assertArrayEquals(new float[] {0, 3, 1, 4, 2, 5}, tt.reshape(6).toFloatArray());  // copy of a view
            assertArrayEquals(new float[] {0, 3, 1, 4, 2, 5}, t.permute(1, 0).contiguous().toFloatArray());
            assertShape(new int[] {2, 1, 3}, t.unsqueeze(1));
            assertShape(new int[] {2, 3}, t.unsqueeze(0).squeeze(0));
            assertArrayEquals(new float[] {0, 1, 2, 0, 1, 2}, t.reshape(2, 3).sum(0, true).sub(t.sum(0, true))
                    .add(Tensor.of(d, new float[] {0, 1, 2}, 1, 3).expand(2, 3)).toFloatArray());
            assertSame(t, t.to(d));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void transfersAndIntTensors(Device d) {
        try (TensorScope s = Tensors.scope()) {
            Tensor labels = Tensor.of(new int[] {3, 0, 2}).to(d);
            assertEquals(DType.INT32, labels.dtype());
            assertEquals(d, labels.device());
            assertArrayEquals(new int[] {3, 0, 2}, labels.to(Device.cpu()).toIntArray());
            assertArrayEquals(new float[] {3, 0, 2}, labels.toFloat().toFloatArray());
            assertArrayEquals(new int[] {1, -2, 0}, Tensor.of(d, new float[] {1.7f, -2.9f, 0.2f}).toInt().toIntArray());
            assertArrayEquals(new int[] {0, 1, 2, 3}, Tensor.arange(4).to(d).toIntArray());
            Tensor z = Tensor.zeros(d, 2, 2);
            assertArrayEquals(new float[4], z.toFloatArray());
            assertEquals(7f, Tensor.full(d, 7f, 3).sum().item() / 3, 1e-6);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void seededRandomIsTheSameOnEveryDevice(Device d) {
        try (TensorScope s = Tensors.scope()) {
            Tensor.manualSeed(42);
            float[] cpuU = Tensor.rand(1000).toFloatArray();
            float[] cpuN = Tensor.randn(1000).toFloatArray();
            int[] cpuI = Tensor.randint(-3, 7, 1000).toIntArray();
            Tensor.manualSeed(42);
            assertArrayEquals(cpuU, Tensor.rand(d, 1000).toFloatArray());
            float[] n = Tensor.randn(d, 1000).toFloatArray();
            for (int i = 0; i < n.length; i++) {
                assertEquals(cpuN[i], n[i], 1e-5, "normal sample " + i);
            }
            int[] ints = RandomState.randint(d, -3, 7, new int[] {1000}).toIntArray();
            assertArrayEquals(cpuI, ints);
            for (int v : ints) {
                assertEquals(true, v >= -3 && v < 7, "randint out of range: " + v);
            }
        }
    }

    private static float[] transpose(float[] m, int rows, int cols) {
        float[] t = new float[m.length];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                t[j * rows + i] = m[i * cols + j];
            }
        }
        return t;
    }

    private static float[] slice(float[] a, int index, int size) {
        float[] s = new float[size];
        System.arraycopy(a, index * size, s, 0, size);
        return s;
    }
}
