package io.clgrad;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

/** Double-precision host references and assertions for the tensor-level tests. */
final class HostRef {
    private HostRef() {
    }

    static float[] randomFloats(Random r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) r.nextGaussian();
        }
        return a;
    }

    /** Row-major strides of a shape. */
    static int[] strides(int[] shape) {
        int[] s = new int[shape.length];
        int acc = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            s[d] = acc;
            acc *= shape[d];
        }
        return s;
    }

    /** Element of a row-major array of shape {@code shape} at the broadcast index {@code idx} of a larger shape. */
    static double at(float[] data, int[] shape, int[] idx) {
        int lead = idx.length - shape.length;
        int[] st = strides(shape);
        int off = 0;
        for (int d = 0; d < shape.length; d++) {
            int i = shape[d] == 1 ? 0 : idx[lead + d];
            off += i * st[d];
        }
        return data[off];
    }

    /** Unravels flat index {@code flat} of {@code shape}. */
    static int[] unravel(int flat, int[] shape) {
        int[] idx = new int[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            idx[d] = flat % shape[d];
            flat /= shape[d];
        }
        return idx;
    }

    /** Asserts elementwise |got - want| <= tol * max(1, |want|). */
    static void assertClose(double[] want, float[] got, double tol, String what) {
        assertTrue(want.length == got.length, what + ": length " + got.length + " != " + want.length);
        for (int i = 0; i < want.length; i++) {
            double err = Math.abs(got[i] - want[i]);
            if (!(err <= tol * Math.max(1, Math.abs(want[i])))) {
                throw new AssertionError(what + ": element " + i + ": got " + got[i] + ", expected " + want[i]);
            }
        }
    }

    static void assertShape(int[] want, Tensor t) {
        assertArrayEquals(want, t.shape(), () -> "shape " + Shape.str(t.shape()) + " != " + Shape.str(want));
    }

    /** Plain triple loop: C[m,n] = A[m,k] · B[k,n], row-major, in double. */
    static double[] matmul(float[] a, float[] b, int m, int n, int k) {
        double[] c = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    s += (double) a[i * k + p] * b[p * n + j];
                }
                c[i * n + j] = s;
            }
        }
        return c;
    }
}
