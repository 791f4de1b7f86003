package io.clgrad;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clgrad.nn.Linear;
import io.clgrad.nn.ReLU;
import io.clgrad.nn.Sequential;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The small methods a first program reaches for (issue 9 item 14): {@code sum(dim)}/{@code mean(dim)}
 * without keepdim, comparisons with a float, {@code randint}/{@code full} with and without a device,
 * and {@code Module.numParameters()}. Each is checked against values computed here in double.
 */
class FirstProgramApiTest {
    private static final float[] X = {1.5f, -2f, 0f, 3f, 3f, Float.NaN, -0.5f, 7f, 2.25f, 3f, -1f, 4f};

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void sumAndMeanAlongADimDropIt(Device device) {
        float[] data = new float[24];
        for (int i = 0; i < data.length; i++) {
            data[i] = (i * 7 % 11) - 4.5f;
        }
        Tensor t = Tensor.of(data, 2, 3, 4).to(device);
        for (int dim = -3; dim < 3; dim++) {
            int d = dim < 0 ? dim + 3 : dim;
            int[] outShape = removeDim(new int[] {2, 3, 4}, d);
            double[] sums = referenceSum(data, new int[] {2, 3, 4}, d);
            Tensor s = t.sum(dim);
            Tensor m = t.mean(dim);
            assertArrayEquals(outShape, s.shape(), "sum(" + dim + ") shape");
            assertArrayEquals(outShape, m.shape(), "mean(" + dim + ") shape");
            float[] sv = s.toFloatArray();
            float[] mv = m.toFloatArray();
            int n = new int[] {2, 3, 4}[d];
            for (int i = 0; i < sums.length; i++) {
                assertEquals(sums[i], sv[i], 1e-5, "sum(" + dim + ")[" + i + "]");
                assertEquals(sums[i] / n, mv[i], 1e-5, "mean(" + dim + ")[" + i + "]");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void comparisonsWithAFloatFollowIeee(Device device) {
        Tensor t = Tensor.of(X, 3, 4).to(device);
        float v = 3f;
        float[] ge = t.ge(v).toFloatArray();
        float[] le = t.le(v).toFloatArray();
        float[] ne = t.ne(v).toFloatArray();
        for (int i = 0; i < X.length; i++) {
            assertEquals(X[i] >= v ? 1f : 0f, ge[i], "ge at " + i + " (x=" + X[i] + ")");
            assertEquals(X[i] <= v ? 1f : 0f, le[i], "le at " + i + " (x=" + X[i] + ")");
            assertEquals(X[i] != v ? 1f : 0f, ne[i], "ne at " + i + " (x=" + X[i] + ")");
        }
        assertArrayEquals(new int[] {3, 4}, t.ge(v).shape());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void randintAndFullWithAndWithoutDevice(Device device) {
        Tensor.manualSeed(7);
        Tensor onDevice = Tensor.randint(device, -3, 5, 4, 50);
        Tensor.manualSeed(7);
        Tensor onCpu = Tensor.randint(-3, 5, 4, 50);
        assertSame(device, onDevice.device());
        assertEquals(DType.INT32, onDevice.dtype());
        assertArrayEquals(new int[] {4, 50}, onDevice.shape());
        float[] a = onDevice.toFloatArray();
        assertArrayEquals(onCpu.toFloatArray(), a, "the same seed gives the same integers on every device");
        boolean[] seen = new boolean[8];
        for (float f : a) {
            assertTrue(f >= -3 && f < 5 && f == Math.rint(f), "randint value " + f + " outside [-3, 5)");
            seen[(int) f + 3] = true;
        }
        for (int k = 0; k < seen.length; k++) {
            assertTrue(seen[k], "200 draws from [-3, 5) never gave " + (k - 3));
        }
        assertThrows(IllegalArgumentException.class, () -> Tensor.randint(device, 5, 5, 2));

        Tensor full = Tensor.full(2.5f, 2, 3);
        assertSame(Device.cpu(), full.device());
        assertArrayEquals(new float[] {2.5f, 2.5f, 2.5f, 2.5f, 2.5f, 2.5f}, full.toFloatArray());
        Tensor fullOn = Tensor.full(device, -1f, 3);
        assertSame(device, fullOn.device());
        assertArrayEquals(new float[] {-1f, -1f, -1f}, fullOn.toFloatArray());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void numParametersCountsEachScalarOnce(Device device) {
        Linear shared = new Linear(4, 3);
        Sequential net = new Sequential(new Linear(2, 4), new ReLU(), shared, new Linear(3, 1, false), shared)
                .to(device);
        long expected = (2 * 4 + 4) + (4 * 3 + 3) + 3;   // the shared Linear once
        assertEquals(expected, net.numParameters());
        shared.weight().requiresGrad(false);
        assertEquals(expected - 12, net.numParameters(true));
        assertEquals(expected, net.numParameters(false));
    }

    private static int[] removeDim(int[] shape, int d) {
        int[] out = new int[shape.length - 1];
        for (int i = 0, j = 0; i < shape.length; i++) {
            if (i != d) {
                out[j++] = shape[i];
            }
        }
        return out;
    }

    /** Row-major sums over dimension {@code d}, in double. */
    private static double[] referenceSum(float[] data, int[] shape, int d) {
        int outer = 1;
        int inner = 1;
        for (int i = 0; i < d; i++) {
            outer *= shape[i];
        }
        for (int i = d + 1; i < shape.length; i++) {
            inner *= shape[i];
        }
        double[] out = new double[outer * inner];
        for (int o = 0; o < outer; o++) {
            for (int k = 0; k < shape[d]; k++) {
                for (int i = 0; i < inner; i++) {
                    out[o * inner + i] += data[(o * shape[d] + k) * inner + i];
                }
            }
        }
        return out;
    }
}
