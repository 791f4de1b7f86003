package io.clgrad.backend.conformance;

import io.clgrad.backend.Backend;
import io.clgrad.backend.Buffer;
import io.clgrad.backend.CounterRng;
import io.clgrad.backend.ElementType;
import java.util.ArrayList;
import java.util.List;

/**
 * Cases for the random fills {@link Backend#randomUniform}, {@link Backend#randomNormal} and
 * {@link Backend#randomInt}: every backend must produce {@link CounterRng}'s numbers for the same seed
 * and counter offset (negative seeds and counters beyond 2³² included). Int fills and uniform fills
 * whose range width is a power of two ({@code (high-low)·u} exact, one rounding in the add) are
 * compared exactly, other uniform widths to one ulp, normal fills within {@link Tolerance}. Their statistics
 * (mean, variance, histogram) are the test suite's business, not the tables'.
 */
final class RandomCases {
    private static final long[][] SEED_OFFSET = {{42, 0}, {7, 12_345}, {-1, 1L << 33}, {Long.MIN_VALUE, 3}, {0, (1L << 40) + 5}};

    private RandomCases() {
    }

    static List<OpCase> random(CaseSize size) {
        List<OpCase> cases = new ArrayList<>();
        for (long[] so : SEED_OFFSET) {
            for (int n : size.lengths(1, 7, 33, 1000, 100_003)) {
                for (float[] lh : new float[][] {{0f, 1f}, {-2f, 2f}, {-1f, 3.5f}, {10f, 10.5f}}) {
                    cases.add(uniformCase(n, so[0], so[1], lh[0], lh[1]));
                }
                for (float[] ms : new float[][] {{0f, 1f}, {1f, 2f}, {2f, 3f}}) {
                    cases.add(normalCase(n, so[0], so[1], ms[0], ms[1]));
                }
                for (int[] lh : new int[][] {{0, 10}, {-5, 7}, {0, 1}, {Integer.MIN_VALUE / 2, Integer.MAX_VALUE / 2}, {3, 1_000_003}}) {
                    cases.add(intCase(n, so[0], so[1], lh[0], lh[1]));
                }
            }
        }
        return cases;
    }

    private static String where(int n, long seed, long offset) {
        return " n=" + n + " seed=" + seed + " offset=" + offset;
    }

    private static OpCase uniformCase(int n, long seed, long offset, float low, float high) {
        boolean exact = Integer.bitCount(Float.floatToIntBits(high - low) & 0x7FFFFF) == 0;
        double[] ref = new double[n];
        for (int i = 0; i < n; i++) {
            ref[i] = low + (high - low) * CounterRng.uniform(seed, offset + i); // float arithmetic, as specified
        }
        return OpCase.of("randomUniform [" + low + "," + high + ")" + where(n, seed, offset), b -> {
            try (Bufs m = new Bufs(b)) {
                Buffer out = m.out(n);
                b.randomUniform(out, n, seed, offset, low, high);
                return List.of(m.readOut(out, n));
            }
        }, new OpCase.Out("out", new int[] {n}, ref, exact ? Tolerance.exact(n) : oneUlp(ref)));
    }

    /** Scales that make the suite's bound one float ulp of each reference value. */
    private static double[] oneUlp(double[] ref) {
        double[] scale = new double[ref.length];
        for (int i = 0; i < ref.length; i++) {
            scale[i] = Math.ulp((float) ref[i]) / Tolerance.EPS;
        }
        return scale;
    }

    private static OpCase normalCase(int n, long seed, long offset, float mean, float std) {
        double[] ref = new double[n];
        double[] scale = new double[n];
        for (int i = 0; i < n; i++) {
            double z = CounterRng.normal(seed, offset + i);
            ref[i] = mean + std * z;
            scale[i] = Math.abs(mean) + std * Math.max(1, Math.abs(z));
        }
        return OpCase.of("randomNormal mean=" + mean + " std=" + std + where(n, seed, offset), b -> {
            try (Bufs m = new Bufs(b)) {
                Buffer out = m.out(n);
                b.randomNormal(out, n, seed, offset, mean, std);
                return List.of(m.readOut(out, n));
            }
        }, new OpCase.Out("out", new int[] {n}, ref, scale));
    }

    private static OpCase intCase(int n, long seed, long offset, int low, int high) {
        double[] ref = new double[n];
        for (int i = 0; i < n; i++) {
            ref[i] = low + CounterRng.below(seed, offset + i, high - low);
        }
        return OpCase.of("randomInt [" + low + "," + high + ")" + where(n, seed, offset), b -> {
            try (Bufs m = new Bufs(b)) {
                Buffer out = m.out(ElementType.I32, n);
                b.randomInt(out, n, seed, offset, low, high);
                return List.of(m.readOut(out, n));
            }
        }, OpCase.Out.exact("out", new int[] {n}, ref));
    }
}
