package io.clgrad.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clgrad.backend.conformance.Inputs;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The statistics of the random fills on every backend: 100k samples have the right mean and
 * variance (bounds of five standard errors; the seeds are fixed, so nothing is flaky). That every
 * fill equals {@link CounterRng}'s numbers is the conformance table's RANDOM family.
 */
class RandomFillTest {

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
