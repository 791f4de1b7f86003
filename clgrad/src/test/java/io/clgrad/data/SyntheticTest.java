package io.clgrad.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clgrad.DType;
import io.clgrad.Tensor;
import io.clgrad.data.synthetic.Blobs;
import io.clgrad.data.synthetic.Circles;
import io.clgrad.data.synthetic.TwoMoons;
import io.clgrad.data.synthetic.Xor;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SyntheticTest {

    private static void checkBinary(TensorDataset d, int n) {
        Tensor[] t = d.tensors();
        assertArrayEquals(new int[] {n, 2}, t[0].shape());
        assertArrayEquals(new int[] {n, 1}, t[1].shape());
        assertEquals(DType.FLOAT32, t[1].dtype());
        int ones = 0;
        for (float y : t[1].toFloatArray()) {
            assertTrue(y == 0 || y == 1, "label " + y);
            ones += (int) y;
        }
        assertTrue(ones > 0 && ones < n);
    }

    @Test
    void twoMoonsWithoutNoiseLieOnTheMoons() {
        TensorDataset d = TwoMoons.generate(101, 0, 1);
        checkBinary(d, 101);
        Tensor[] t = d.tensors();
        float[] x = t[0].toFloatArray();
        float[] y = t[1].toFloatArray();
        int ones = 0;
        for (int i = 0; i < 101; i++) {
            double px = x[2 * i];
            double py = x[2 * i + 1];
            double cx = y[i] == 0 ? 0 : 1;
            double cy = y[i] == 0 ? 0 : 0.5;
            assertEquals(1.0, Math.hypot(px - cx, py - cy), 1e-5);
            assertTrue(y[i] == 0 ? py >= -1e-6 : py <= 0.5 + 1e-6);
            ones += (int) y[i];
        }
        assertEquals(51, ones);   // n - n / 2 in the inner moon, as sklearn
    }

    @Test
    void circlesWithoutNoiseHaveRadiiOneAndHalf() {
        TensorDataset d = Circles.generate(40, 0, 3);
        checkBinary(d, 40);
        float[] x = d.tensors()[0].toFloatArray();
        float[] y = d.tensors()[1].toFloatArray();
        for (int i = 0; i < 40; i++) {
            assertEquals(y[i] == 0 ? 1.0 : 0.5, Math.hypot(x[2 * i], x[2 * i + 1]), 1e-5);
        }
    }

    @Test
    void xorLabelsFollowTheQuadrant() {
        TensorDataset d = Xor.generate(200, 0, 5);
        checkBinary(d, 200);
        float[] x = d.tensors()[0].toFloatArray();
        float[] y = d.tensors()[1].toFloatArray();
        for (int i = 0; i < 200; i++) {
            assertTrue(Math.abs(x[2 * i]) <= 1 && Math.abs(x[2 * i + 1]) <= 1);
            assertEquals(x[2 * i] * x[2 * i + 1] > 0 ? 1f : 0f, y[i]);
        }
    }

    @Test
    void blobsGiveClassIds() {
        TensorDataset d = Blobs.generate(100, 3, 0.5, 9);
        Tensor[] t = d.tensors();
        assertArrayEquals(new int[] {100, 2}, t[0].shape());
        assertArrayEquals(new int[] {100}, t[1].shape());
        assertEquals(DType.INT32, t[1].dtype());
        int[] counts = new int[3];
        for (int c : t[1].toIntArray()) {
            counts[c]++;
        }
        assertArrayEquals(new int[] {34, 33, 33}, counts);
        assertThrows(IllegalArgumentException.class, () -> Blobs.generate(10, 0, 1, 0));
    }

    /** Regression (issue 9, item 4): 2 * n overflowed into NegativeArraySizeException for n > 2^30. */
    @Test
    void pointCountsWhoseCoordinatesOverflowAnIntAreRefused() {
        for (int n : new int[] {Integer.MAX_VALUE, Integer.MAX_VALUE / 2 + 1}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> TwoMoons.generate(n, 0.2, 1));
            assertEquals("TwoMoons: n must be at most 1073741823 (2 features per point in one tensor of at most"
                    + " 2147483647 values), got " + n, e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> Circles.generate(n, 0.1, 1));
            assertThrows(IllegalArgumentException.class, () -> Xor.generate(n, 0, 1));
            assertThrows(IllegalArgumentException.class, () -> Blobs.generate(n, 3, 1, 1));
        }
    }

    @Test
    void generatorsAreDeterministicFromTheSeed() {
        for (int k = 0; k < 4; k++) {
            float[] a = gen(k, 7).tensors()[0].toFloatArray();
            float[] b = gen(k, 7).tensors()[0].toFloatArray();
            float[] c = gen(k, 8).tensors()[0].toFloatArray();
            assertArrayEquals(a, b, "generator " + k);
            assertFalse(Arrays.equals(a, c), "generator " + k + " ignores its seed");
        }
        assertThrows(IllegalArgumentException.class, () -> TwoMoons.generate(0, 0.1, 1));
        assertThrows(IllegalArgumentException.class, () -> Circles.generate(10, -1, 1));
    }

    private static TensorDataset gen(int k, long seed) {
        return switch (k) {
            case 0 -> TwoMoons.generate(50, 0.1, seed);
            case 1 -> Circles.generate(50, 0.1, seed);
            case 2 -> Xor.generate(50, 0.1, seed);
            default -> Blobs.generate(50, 4, 1.0, seed);
        };
    }
}
