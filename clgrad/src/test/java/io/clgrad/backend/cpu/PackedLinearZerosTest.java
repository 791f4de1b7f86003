package io.clgrad.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.clgrad.backend.MatmulSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link PackedLinear}'s rows that skip their zero inputs: for inputs from all nonzero to all zero
 * (−0 among them), on one and two threads, with each kernel, the result equals the dense loop's bit
 * for bit and a double-precision reference; the vector kernel equals its plain twin; a weight that
 * is Inf or NaN where the input is zero still makes the output NaN (0·Inf, as the dense loop and
 * PyTorch give), an input that is NaN is never skipped, and the zeros' weights are really not read
 * (a copy whose flag is forged to "finite" hides NaN weights behind zero inputs).
 */
class PackedLinearZerosTest {
    private static final CpuParallel[] POOLS = {new CpuParallel(1), new CpuParallel(2)};
    private static final double[] ZERO_FRACTIONS = {0, 0.1, 0.3, 0.5, 0.9, 1};
    private static final int[][] SHAPES = {{1, 64, 784}, {1, 130, 100}, {2, 512, 512}, {3, 65, 17}, {4, 33, 200}, {1, 16, 7}, {1, 192, 50}, {2, 320, 9}};

    @AfterAll
    static void stop() {
        for (CpuParallel p : POOLS) {
            p.shutdown();
        }
    }

    private static PackedLinear path(boolean vector, CpuParallel par, boolean skipZeros) {
        if (vector) {
            assumeTrue(CpuMatmul.vectorModulePresent(), "JVM started without --add-modules jdk.incubator.vector");
        }
        return new PackedLinear(par, vector, par.threads() > 1 ? 0 : Double.MAX_VALUE, skipZeros);
    }

    /** x [m, in] uniform in [-1, 1), each element zero (half of them −0) with probability {@code zeros}. */
    private static float[] sparse(Random r, int n, double zeros) {
        float[] x = GemmReference.uniform(r, n);
        for (int i = 0; i < n; i++) {
            if (r.nextDouble() < zeros) {
                x[i] = r.nextBoolean() ? 0f : -0f;
            }
        }
        return x;
    }

    private static float[] packed(PackedLinear pl, float[] w, int out, int in) {
        float[] packed = new float[(int) pl.packedSize(out, in)];
        pl.pack(w, 0, in, 1, out, in, packed);
        return packed;
    }

    private static float[] run(PackedLinear pl, float[] packed, float[] x, float[] bias, boolean relu, int m, int out, int in) {
        float[] y = new float[m * out];
        pl.run(MatmulSpec.rowMajor(m, out, in), x, packed, bias, relu, y);
        return y;
    }

    /** act(x·Wᵀ + b) in double; NaN where a product is. */
    private static String mismatch(float[] w, float[] x, float[] bias, boolean relu, int m, int out, int in, float[] y) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < out; j++) {
                double sum = bias == null ? 0 : bias[j];
                double abs = Math.abs(sum);
                for (int p = 0; p < in; p++) {
                    double t = (double) x[i * in + p] * w[j * in + p];
                    sum += t;
                    abs += Math.abs(t);
                }
                if (relu && !Double.isNaN(sum)) {
                    sum = Math.max(sum, 0);
                }
                float got = y[i * out + j];
                boolean ok = Double.isNaN(sum) ? Float.isNaN(got) : Math.abs(got - sum) <= 1e-6 + 4e-7 * Math.sqrt(in) * abs;
                if (!ok) {
                    return "[" + m + "x" + out + "x" + in + "] at [" + i + "," + j + "]: got " + got + ", want " + sum;
                }
            }
        }
        return null;
    }

    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {false, true})
    void skippingZerosGivesTheDenseLoopsBitsAndTheReference(boolean vector) {
        Random r = new Random(41);
        List<String> failures = new ArrayList<>();
        int compared = 0;
        for (CpuParallel par : POOLS) {
            PackedLinear skip = path(vector, par, true);
            PackedLinear dense = path(vector, par, false);
            for (int[] sh : SHAPES) {
                int m = sh[0];
                int out = sh[1];
                int in = sh[2];
                float[] w = GemmReference.uniform(r, out * in);
                float[] packed = packed(skip, w, out, in);
                assertEquals(1f, packed[out * in], "finite weights are flagged so");
                for (double zeros : ZERO_FRACTIONS) {
                    float[] x = sparse(r, m * in, zeros);
                    float[] bias = zeros == 0.5 || zeros == 0.9 ? null : GemmReference.uniform(r, out);
                    boolean relu = zeros == 0.3 || zeros == 0.5;
                    float[] b = run(dense, packed, x, bias, relu, m, out, in);
                    // each path twice: the calls on one copy walk its panels forward and backward in turn
                    float[][] others = {run(dense, packed, x, bias, relu, m, out, in),
                        run(skip, packed, x, bias, relu, m, out, in), run(skip, packed, x, bias, relu, m, out, in)};
                    for (float[] a : others) {
                        for (int e = 0; e < a.length; e++) {
                            if (Float.floatToRawIntBits(a[e]) != Float.floatToRawIntBits(b[e])) {
                                failures.add(par.threads() + " threads, zeros " + zeros + ", [" + m + "x" + out + "x" + in
                                        + "] at " + e + ": " + a[e] + ", dense " + b[e]);
                                break;
                            }
                            compared++;
                        }
                    }
                    float[] a = others[1];
                    String f = mismatch(w, x, bias, relu, m, out, in, a);
                    if (f != null) {
                        failures.add(par.threads() + " threads, zeros " + zeros + ": " + f);
                    }
                }
            }
        }
        GemmReference.assertNone(failures);
        assertTrue(compared > 10_000, "compared " + compared);
    }

    /**
     * A product that underflows to −0 followed by zero inputs: the dense loop adds their +0 products
     * (−0 + +0 = +0), the skipping loop never sees them; both store a zero sum as +0 (a review found
     * the skipping loop returning −0 here), with and without a −0 bias.
     */
    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {false, true})
    void aSumThatUnderflowsToMinusZeroIsPlusZeroOnBothPaths(boolean vector) {
        int out = 128;
        int in = 16;
        float[] w = new float[out * in];
        java.util.Arrays.fill(w, 1f);
        for (int j = 0; j < out; j++) {
            w[j * in] = -1e-30f;
        }
        float[] x = new float[in];
        x[0] = 1e-30f;   // 1e-30 * -1e-30 underflows to -0; the other inputs are zero
        float[] minusZeroBias = new float[out];
        java.util.Arrays.fill(minusZeroBias, -0f);
        for (CpuParallel par : POOLS) {
            for (boolean skipZeros : new boolean[] {false, true}) {
                PackedLinear pl = path(vector, par, skipZeros);
                float[] packed = packed(pl, w, out, in);
                for (float[] bias : new float[][] {null, minusZeroBias}) {
                    for (int call = 0; call < 2; call++) {
                        float[] y = run(pl, packed, x, bias, false, 1, out, in);
                        for (int j = 0; j < out; j++) {
                            assertEquals(Float.floatToRawIntBits(0f), Float.floatToRawIntBits(y[j]),
                                    par.threads() + " threads, skipZeros " + skipZeros + ", bias " + (bias != null)
                                            + ": y[" + j + "] = " + y[j]);
                        }
                    }
                }
            }
        }
    }

    @Test
    void theVectorKernelSkipsAsItsPlainTwinBitForBit() {
        assumeTrue(CpuMatmul.vectorModulePresent(), "JVM started without --add-modules jdk.incubator.vector");
        Random r = new Random(42);
        PackedLinear plain = path(false, POOLS[1], true);
        PackedLinear vector = path(true, POOLS[1], true);
        int nb = vector.panelWidth();
        int compared = 0;
        for (int[] sh : SHAPES) {
            int m = sh[0];
            int out = sh[1];
            int in = sh[2];
            float[] w = GemmReference.uniform(r, out * in);
            float[] pp = packed(plain, w, out, in);
            float[] pv = packed(vector, w, out, in);
            for (double zeros : ZERO_FRACTIONS) {
                float[] x = sparse(r, m * in, zeros);
                float[] a = run(plain, pp, x, null, false, m, out, in);
                float[] b = run(vector, pv, x, null, false, m, out, in);
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < out / nb * nb; j++) {   // the panels' outputs (the tail rows are SmallGemm's)
                        assertEquals(Float.floatToRawIntBits(a[i * out + j]), Float.floatToRawIntBits(b[i * out + j]),
                                "zeros " + zeros + " [" + m + "x" + out + "x" + in + "] at [" + i + "," + j + "]");
                        compared++;
                    }
                }
            }
        }
        assertTrue(compared > 1000, "compared " + compared);
    }

    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {false, true})
    void aNonFiniteWeightBehindAZeroInputStillGivesNaN(boolean vector) {
        Random r = new Random(43);
        int out = 130;
        int in = 100;
        for (CpuParallel par : POOLS) {
            PackedLinear pl = path(vector, par, true);
            for (float bad : new float[] {Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN}) {
                float[] w = GemmReference.uniform(r, out * in);
                float[] x = sparse(r, in, 0.5);
                int p = 0;
                while (x[p] != 0f) {
                    p++;
                }
                w[7 * in + p] = bad;       // a panel row
                w[129 * in + p] = bad;     // a tail row (130 = 2 panels of 64 + 2 with AVX-512)
                float[] packed = packed(pl, w, out, in);
                assertEquals(0f, packed[out * in], "a non-finite weight clears the flag");
                float[] y = run(pl, packed, x, null, false, 1, out, in);
                assertEquals(null, mismatch(w, x, null, false, 1, out, in, y), par.threads() + " threads, weight " + bad);
                assertTrue(Float.isNaN(y[7]) && Float.isNaN(y[129]), "0 * " + bad + " is NaN: " + y[7] + ", " + y[129]);
            }
        }
    }

    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {false, true})
    void aNaNInputIsNotSkippedAndTheZerosWeightsAreNotRead(boolean vector) {
        Random r = new Random(44);
        int out = 128;
        int in = 64;
        PackedLinear pl = path(vector, POOLS[1], true);
        float[] w = GemmReference.uniform(r, out * in);
        float[] x = sparse(r, in, 0.5);
        int zero = 0;
        while (x[zero] != 0f) {
            zero++;
        }
        int nonZero = zero + 1;
        while (x[nonZero] == 0f) {
            nonZero++;
        }
        x[nonZero] = Float.NaN;
        float[] y = run(pl, packed(pl, w, out, in), x, null, false, 1, out, in);
        for (float v : y) {
            assertTrue(Float.isNaN(v), "a NaN input reaches every output, got " + v);
        }

        x[nonZero] = 0.5f;
        for (int j = 0; j < out; j++) {
            w[j * in + zero] = Float.NaN;
        }
        float[] forged = packed(pl, w, out, in);
        assertEquals(0f, forged[out * in]);
        forged[out * in] = 1f;   // claims every weight is finite: the skipped zero's NaN weights go unread
        float[] skipped = run(pl, forged, x, null, false, 1, out, in);
        int panelOutputs = out / pl.panelWidth() * pl.panelWidth();
        assertTrue(panelOutputs > 0);
        for (int j = 0; j < panelOutputs; j++) {
            assertTrue(Float.isFinite(skipped[j]), "the panels skip the zero input, got " + skipped[j] + " at " + j);
        }
    }
}
