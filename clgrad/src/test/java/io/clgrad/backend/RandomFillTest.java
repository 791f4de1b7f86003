package io.clgrad.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.clgrad.backend.conformance.Inputs;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The random fills on every backend: uniform and int fills equal {@link CounterRng}'s Java functions
 * exactly (for any seed, including negative ones, and for counters beyond 2³²), normal fills agree
 * with {@link CounterRng#normal} to 1e-5·max(1, |x|), and 100k samples have the right mean and
 * variance (bounds of five standard errors; the seeds are fixed, so nothing is flaky).
 *
 * <p>Uniform fills are compared bit-exactly for ranges whose width is a power of two (then
 * {@code (high-low)·u} is exact and {@code low + ...} rounds once, with or without an fma), and to
 * one ulp otherwise.
 */
class RandomFillTest {
    private static final long[][] SEED_OFFSET = {{42, 0}, {7, 12_345}, {-1, 1L << 33}, {Long.MIN_VALUE, 3}, {0, (1L << 40) + 5}};
    private static final int[] SIZES = {1, 7, 33, 1000, 100_003};

    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource(Backends.ALL)
    void uniformEqualsCounterRng(Backend b) {
        float[][] ranges = {{0f, 1f}, {-2f, 2f}, {-1f, 3.5f}, {10f, 10.5f}};
        for (long[] so : SEED_OFFSET) {
            for (int n : SIZES) {
                for (float[] lh : ranges) {
                    float low = lh[0];
                    float high = lh[1];
                    float[] got = RandomFills.uniform(b, n, so[0], so[1], low, high);
                    boolean exact = Integer.bitCount(Float.floatToIntBits(high - low) & 0x7FFFFF) == 0;
                    for (int i = 0; i < n; i++) {
                        float want = low + (high - low) * CounterRng.uniform(so[0], so[1] + i);
                        boolean ok = exact ? got[i] == want : Math.abs(got[i] - want) <= Math.ulp(want);
                        if (!ok) {
                            fail(b.id() + ": randomUniform seed=" + so[0] + " offset=" + so[1] + " n=" + n + " ["
                                    + low + "," + high + ") element " + i + " got " + got[i] + " expected " + want);
                        }
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource(Backends.ALL)
    void intEqualsCounterRng(Backend b) {
        int[][] ranges = {{0, 10}, {-5, 7}, {0, 1}, {Integer.MIN_VALUE / 2, Integer.MAX_VALUE / 2}, {3, 1_000_003}};
        for (long[] so : SEED_OFFSET) {
            for (int n : SIZES) {
                for (int[] lh : ranges) {
                    int[] got = RandomFills.ints(b, n, so[0], so[1], lh[0], lh[1]);
                    for (int i = 0; i < n; i++) {
                        int want = lh[0] + CounterRng.below(so[0], so[1] + i, lh[1] - lh[0]);
                        if (got[i] != want) {
                            fail(b.id() + ": randomInt seed=" + so[0] + " offset=" + so[1] + " n=" + n + " ["
                                    + lh[0] + "," + lh[1] + ") element " + i + " got " + got[i] + " expected " + want);
                        }
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource(Backends.ALL)
    void normalMatchesCounterRng(Backend b) {
        for (long[] so : SEED_OFFSET) {
            for (int n : SIZES) {
                float[] got = RandomFills.normal(b, n, so[0], so[1], 2f, 3f);
                for (int i = 0; i < n; i++) {
                    double want = 2.0 + 3.0 * CounterRng.normal(so[0], so[1] + i);
                    if (!(Math.abs(got[i] - want) <= 1e-5 * Math.max(1, Math.abs(want)))) {
                        fail(b.id() + ": randomNormal(mean 2, std 3) seed=" + so[0] + " offset=" + so[1] + " n=" + n
                                + " element " + i + " got " + got[i] + " expected " + want);
                    }
                }
            }
        }
    }

    /** Mean and variance of 100k samples within five standard errors of the distribution's. */
    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource(Backends.ALL)
    void momentsOf100kSamples(Backend b) {
        int n = 100_000;
        // uniform [0,1): var 1/12, var of (u-1/2)^2 is 1/80 - 1/144
        checkMoments(b.id() + " uniform[0,1)", toDouble(RandomFills.uniform(b, n, 1, 0, 0f, 1f)), 0.5, 1 / 12.0, 1 / 80.0 - 1 / 144.0);
        // uniform [-3,5): width 8 scales var by 64 and the 4th central moment by 4096
        checkMoments(b.id() + " uniform[-3,5)", toDouble(RandomFills.uniform(b, n, 2, 0, -3f, 5f)), 1, 64 / 12.0,
                4096 * (1 / 80.0 - 1 / 144.0));
        // normal: var of (x-μ)^2 is 2σ⁴
        checkMoments(b.id() + " normal(0,1)", toDouble(RandomFills.normal(b, n, 3, 0, 0f, 1f)), 0, 1, 2);
        checkMoments(b.id() + " normal(2,3)", toDouble(RandomFills.normal(b, n, 4, 0, 2f, 3f)), 2, 9, 2 * 81);
        // int [0,10): mean 4.5, var (10²-1)/12; every value occurs
        int[] ints = RandomFills.ints(b, n, 5, 0, 0, 10);
        double[] d = new double[n];
        int[] hist = new int[10];
        for (int i = 0; i < n; i++) {
            d[i] = ints[i];
            hist[ints[i]]++;
        }
        double var = 99 / 12.0;
        // E[(X-4.5)^4] = 120.8625 for X uniform on 0..9
        checkMoments(b.id() + " int[0,10)", d, 4.5, var, 120.8625 - var * var);
        for (int v = 0; v < 10; v++) {
            assertTrue(Math.abs(hist[v] - n / 10.0) < 5 * Math.sqrt(n * 0.1 * 0.9),
                    b.id() + " int[0,10): value " + v + " occurs " + hist[v] + " times in " + n);
        }
    }

    private static double[] toDouble(float[] f) {
        return Inputs.d(f);
    }

    /**
     * Sample mean within 5·sqrt(var/n) and sample variance within 5·sqrt(varOfSquaredDeviation/n)
     * of the distribution's.
     */
    private static void checkMoments(String what, double[] x, double mean, double var, double varOfSq) {
        int n = x.length;
        double s = 0;
        for (double v : x) {
            s += v;
        }
        double m = s / n;
        double ss = 0;
        for (double v : x) {
            ss += (v - m) * (v - m);
        }
        double sampleVar = ss / (n - 1);
        double meanTol = 5 * Math.sqrt(var / n);
        double varTol = 5 * Math.sqrt(varOfSq / n);
        assertEquals(mean, m, meanTol, what + ": mean of " + n + " samples");
        assertEquals(var, sampleVar, varTol, what + ": variance of " + n + " samples");
    }
}
