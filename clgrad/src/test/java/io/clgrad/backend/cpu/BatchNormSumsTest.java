package io.clgrad.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link BatchNormSums}: the Vector API loops give the plain loops' bits at the vector's lane
 * count, and both stay near a double reference — over runs of every length from 0 to past a segment
 * and nine vectors (short runs in double, four partials with 0-3 vectors left over, a second
 * segment or a longer last one, then the tail), at odd offsets, several runs per channel, data
 * whose mean is a hundred times its spread (the case a float sum of x rather than x − shift gets
 * wrong) and a row of 2^20 elements; and {@link CpuBatchNorm} sums a channel again in double where
 * the float terms overflow.
 */
class BatchNormSumsTest {
    private static final double TOLERANCE = 1e-6;

    @Test
    void vectorLoopsGiveThePlainBits() {
        assumeTrue(CpuMatmul.vectorModulePresent(), "JVM started without --add-modules jdk.incubator.vector");
        int lanes = VectorBatchNorm.lanes();
        Random r = new Random(5);
        for (int len = 0; len <= (BatchNormSums.SEGMENT + 2 * BatchNormSums.MIN_VECTORS + 1) * lanes + 3; len++) {
            float[] x = values(r, 3 + 3 * len, 0.5f, 2f);
            float[] g = values(r, 3 + 3 * len, 0f, 1f);
            float mu = 0.37f;
            BatchNormSums vector = new BatchNormSums(true);
            BatchNormSums plain = new BatchNormSums(lanes);
            for (BatchNormSums s : new BatchNormSums[] {vector, plain}) {
                s.reset(false);
                s.sum(x, 3, len, 0.25f);
                s.sum(x, 3 + len, len, 0.25f);   // a second run of the same channel
            }
            assertEquals(Double.doubleToLongBits(plain.total()), Double.doubleToLongBits(vector.total()), "sum, len " + len);
            for (BatchNormSums s : new BatchNormSums[] {vector, plain}) {
                s.reset(false);
                s.squaredDeviations(x, 3, len, mu);
                s.squaredDeviations(x, 3 + 2 * len, len, mu);
            }
            assertEquals(Double.doubleToLongBits(plain.total()), Double.doubleToLongBits(vector.total()),
                    "squared deviations, len " + len);
            for (BatchNormSums s : new BatchNormSums[] {vector, plain}) {
                s.reset(false);
                s.sumAndDot(g, x, 3, len, mu);
                s.sumAndDot(g, x, 3 + len, len, mu);
            }
            assertEquals(Double.doubleToLongBits(plain.total()), Double.doubleToLongBits(vector.total()), "Σg, len " + len);
            assertEquals(Double.doubleToLongBits(plain.totalSecond()), Double.doubleToLongBits(vector.totalSecond()),
                    "Σg·(x - mu), len " + len);
        }
    }

    @Test
    void sumsStayNearTheDoubleReference() {
        Random r = new Random(6);
        for (boolean vector : new boolean[] {false, true}) {
            if (vector && !CpuMatmul.vectorModulePresent()) {
                continue;
            }
            for (int len : new int[] {1, 31, 196, 784, 4099}) {
                float[] x = values(r, 5 * len, 100f, 1f);   // mean 100, spread 1
                float[] g = values(r, 5 * len, 0f, 1f);
                BatchNormSums s = vector ? new BatchNormSums(true) : new BatchNormSums(8);
                float shift = x[0];
                s.reset(false);
                for (int run = 0; run < 5; run++) {
                    s.sum(x, run * len, len, shift);
                }
                double sum = 0;
                for (float v : x) {
                    sum += v;
                }
                double spread = 0;
                for (float v : x) {
                    spread += Math.abs(v - sum / x.length);
                }
                // the mean to within 1e-6 of the mean absolute deviation (the sum of x alone in float: 1e-4 here)
                double mean = shift + s.total() / x.length;
                assertNear(sum / x.length, mean, spread / x.length + Math.abs(shift - sum / x.length),
                        "mean, len " + len + (vector ? " (vector)" : ""));
                float mu = (float) (sum / x.length);
                double sq = 0;
                double sqAbs = 0;
                double gs = 0;
                double gAbs = 0;
                double dot = 0;
                double dotAbs = 0;
                for (int i = 0; i < x.length; i++) {
                    double d = (double) x[i] - mu;
                    sq += d * d;
                    sqAbs += d * d;
                    gs += g[i];
                    gAbs += Math.abs(g[i]);
                    dot += g[i] * d;
                    dotAbs += Math.abs(g[i] * d);
                }
                s.reset(false);
                for (int run = 0; run < 5; run++) {
                    s.squaredDeviations(x, run * len, len, mu);
                }
                assertNear(sq, s.total(), sqAbs, "Σ(x-mu)², len " + len);
                s.reset(false);
                for (int run = 0; run < 5; run++) {
                    s.sumAndDot(g, x, run * len, len, mu);
                }
                assertNear(gs, s.total(), gAbs, "Σg, len " + len);
                assertNear(dot, s.totalSecond(), dotAbs, "Σg·(x-mu), len " + len);
            }
        }
    }

    @Test
    void aLongRowKeepsItsVariance() {
        int len = 1 << 20;
        float[] x = new float[len];
        for (int i = 0; i < len; i++) {
            x[i] = i % 2 == 0 ? 0.1f : -0.1f;   // equal squares: a long float sum of them drifts
        }
        double sum = 0;
        for (float v : x) {
            sum += v;
        }
        double mean = sum / len;
        double sq = 0;
        for (float v : x) {
            sq += (v - mean) * (v - mean);
        }
        float[] mu = new float[1];
        float[] var = new float[1];
        CpuParallel par = new CpuParallel(1);
        try {
            new CpuBatchNorm(par).stats(x, mu, var, null, null, 0.1, 1, 1, len);
        } finally {
            par.shutdown();
        }
        assertTrue(Math.abs(var[0] - sq / len) <= 1e-6 * sq / len, "variance " + var[0] + " against " + sq / len);
        assertTrue(Math.abs(mu[0] - mean) <= 1e-6 * Math.sqrt(sq / len), "mean " + mu[0] + " against " + mean);
    }

    @Test
    void overflowingFloatTermsAreSummedAgainInDouble() {
        int inner = 784;
        float[] x = new float[inner];
        float[] g = new float[inner];
        for (int i = 0; i < inner; i++) {
            x[i] = i % 2 == 0 ? 1e19f : -1e19f;   // (x - mean)² = 1e38 per term: a float sum overflows
            g[i] = i % 2 == 0 ? 1e20f : -1e20f;   // g·(x - mean) = 1e39: overflows as a float
        }
        float[] mu = new float[1];
        float[] var = new float[1];
        float[] gw = new float[1];
        float[] gb = new float[1];
        CpuParallel par = new CpuParallel(1);
        try {
            CpuBatchNorm bn = new CpuBatchNorm(par);
            bn.stats(x, mu, var, null, null, 0.1, 1, 1, inner);
            bn.backwardReduce(g, x, mu, var, 1e-5, gw, gb, 1, 1, inner);
        } finally {
            par.shutdown();
        }
        assertEquals(0f, mu[0], 1e19f * 1e-6f, "mean (within 1e-6 of the spread)");
        assertEquals(1e38f, var[0], 1e38f * 1e-6f, "variance");
        // Σ g·(x - mean) = 784e39, times invstd 1e-19: 7.84e22
        assertEquals(7.84e22f, gw[0], 7.84e22f * 1e-6f, "weight gradient");
        assertEquals(0f, gb[0], 1e20f * 1e-6f, "bias gradient");
    }

    private static void assertNear(double expected, double actual, double absSum, String what) {
        assertTrue(Math.abs(expected - actual) <= TOLERANCE * absSum + 1e-30,
                what + ": " + actual + " against " + expected + " (Σ|terms| " + absSum + ")");
    }

    private static float[] values(Random r, int n, float mean, float spread) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = mean + (float) r.nextGaussian() * spread;
        }
        return v;
    }
}
