package io.clgrad.backend.cpu;

import io.clgrad.backend.MatmulSpec;
import java.util.Random;

/**
 * The double-precision reference the CPU matmul path tests compare with: each element of
 * {@code act(A·B + bias)} summed in double, with a tolerance of {@code 1e-6 + 4e-7·√k·Σ|terms|}
 * (float accumulation in any order stays well inside it).
 */
final class GemmReference {
    private GemmReference() {
    }

    /**
     * The first element of C that is off the reference by more than the tolerance, described, or null
     * when all are within it.
     *
     * @param s   the product
     * @param a   A's array
     * @param b   B's array
     * @param c   C as computed, contiguous [batch, m, n]
     * @param epi the epilogue that was applied
     */
    static String firstMismatch(MatmulSpec s, float[] a, float[] b, float[] c, GemmEpilogue epi) {
        int m = s.m();
        int n = s.n();
        int k = s.k();
        for (int bb = 0; bb < s.batch(); bb++) {
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double sum = 0;
                    double abs = 0;
                    for (int p = 0; p < k; p++) {
                        double t = (double) a[s.aOffset() + bb * s.aBatchStride() + i * s.aRowStride() + p * s.aColStride()]
                                * b[s.bOffset() + bb * s.bBatchStride() + p * s.bRowStride() + j * s.bColStride()];
                        sum += t;
                        abs += Math.abs(t);
                    }
                    if (epi.bias() != null) {
                        sum += epi.bias()[j];
                        abs += Math.abs(epi.bias()[j]);
                    }
                    if (epi.relu()) {
                        sum = Math.max(sum, 0);
                    }
                    float got = c[(bb * m + i) * n + j];
                    double tol = 1e-6 + 4e-7 * Math.sqrt(k) * abs;
                    if (!(Math.abs(got - sum) <= tol)) {
                        return s + " " + epi + " at [" + bb + "," + i + "," + j + "]: got " + got + ", want " + sum;
                    }
                }
            }
        }
        return null;
    }

    /** Fails with the count and the first five when {@code failures} is not empty. */
    static void assertNone(java.util.List<String> failures) {
        org.junit.jupiter.api.Assertions.assertTrue(failures.isEmpty(),
                failures.size() + " failures, first: " + failures.stream().limit(5).toList());
    }

    /** {@code n} floats uniform in [-1, 1). */
    static float[] uniform(Random r, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = r.nextFloat() * 2 - 1;
        }
        return x;
    }

    /** A matmul path under test: computes C for {@code s}, then applies {@code epi}. */
    interface Run {
        /** Computes C ([m, n] contiguous) from A and B as {@code s} says, then the epilogue. */
        void run(MatmulSpec s, float[] a, float[] b, float[] c, GemmEpilogue epi);
    }

    /**
     * Runs {@code path} on operands uniform in [-1, 1) laid out as {@code s} says, C filled with NaN
     * first (garbage must not leak into the result), and adds the first mismatch with the double
     * reference, if any, to {@code failures}.
     */
    static void checkRandom(Run path, Random r, MatmulSpec s, GemmEpilogue epi, java.util.List<String> failures) {
        int m = s.m();
        int n = s.n();
        int k = s.k();
        float[] a = uniform(r, s.aOffset() + (m - 1) * Math.max(s.aRowStride(), 1) + (k - 1) * s.aColStride() + 1);
        float[] b = uniform(r, s.bLength());
        float[] c = new float[m * n];
        java.util.Arrays.fill(c, Float.NaN);
        s.checkOperands(a.length, b.length);
        path.run(s, a, b, c, epi);
        String bad = firstMismatch(s, a, b, c, epi);
        if (bad != null) {
            failures.add(bad);
        }
    }
}
