package io.clgrad.backend.conformance;

import java.util.Arrays;
import java.util.Random;

/** Random test inputs from a seeded {@link Random}, as float arrays (the values the device sees). */
public final class Inputs {
    private Inputs() {
    }

    /** Uniform in [lo, hi). */
    public static float[] uniform(Random r, int n, double lo, double hi) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (lo + (hi - lo) * r.nextDouble());
        }
        return x;
    }

    /** Log-uniform in [lo, hi) (both positive): covers several orders of magnitude. */
    public static float[] logUniform(Random r, int n, double lo, double hi) {
        float[] x = new float[n];
        double a = Math.log(lo);
        double b = Math.log(hi);
        for (int i = 0; i < n; i++) {
            x[i] = (float) Math.exp(a + (b - a) * r.nextDouble());
        }
        return x;
    }

    /** Magnitude uniform in [lo, hi), random sign: safe divisors. */
    public static float[] awayFromZero(Random r, int n, double lo, double hi) {
        float[] x = uniform(r, n, lo, hi);
        for (int i = 0; i < n; i++) {
            if (r.nextBoolean()) {
                x[i] = -x[i];
            }
        }
        return x;
    }

    /** Small integers in [lo, hi] as floats: many exact ties, for comparisons and arg-reductions. */
    public static float[] smallInts(Random r, int n, int lo, int hi) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = lo + r.nextInt(hi - lo + 1);
        }
        return x;
    }

    /** Ints uniform in [lo, hi). */
    public static int[] ints(Random r, int n, int lo, int hi) {
        int[] x = new int[n];
        for (int i = 0; i < n; i++) {
            x[i] = lo + r.nextInt(hi - lo);
        }
        return x;
    }

    /** Overwrites elements spread over {@code x} with edge values (only when x has room for them). */
    public static float[] withEdges(float[] x, float... edges) {
        if (x.length >= 4 * edges.length) {
            int step = x.length / edges.length;
            for (int e = 0; e < edges.length; e++) {
                x[e * step] = edges[e];
            }
        }
        return x;
    }

    /** The values of {@code x} widened to double. */
    public static double[] d(float[] x) {
        double[] r = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            r[i] = x[i];
        }
        return r;
    }

    /** The values of {@code x} widened to double. */
    public static double[] d(int[] x) {
        return Arrays.stream(x).asDoubleStream().toArray();
    }

    /** The values of {@code x} rounded to the nearest float, as a device would hold them. */
    public static float[] f(double[] x) {
        float[] r = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            r[i] = (float) x[i];
        }
        return r;
    }

    /** The number of elements of a shape (1 for rank 0). */
    public static int numel(int... shape) {
        int n = 1;
        for (int s : shape) {
            n *= s;
        }
        return n;
    }

    /** A shape as "[a, b, c]". */
    public static String shape(int... shape) {
        return Arrays.toString(shape);
    }
}
