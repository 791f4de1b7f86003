package io.clgrad.data.synthetic;

import io.clgrad.Tensor;
import io.clgrad.data.TensorDataset;
import java.util.SplittableRandom;

/**
 * Shared last steps of the generators: shuffle the points (with their labels), add Gaussian noise,
 * and pack them into a {@link TensorDataset}.
 */
final class Points {
    /** Most points a generator makes: their 2 * n coordinates fill one array. */
    static final int MAX_POINTS = Integer.MAX_VALUE / 2;

    private Points() {
    }

    static void checkArgs(String what, int n, double noise) {
        if (n < 1) {
            throw new IllegalArgumentException(what + ": n must be >= 1, got " + n);
        }
        if (n > MAX_POINTS) {   // 2 coordinates per point in one array: 2 * n must fit an int
            throw new IllegalArgumentException(what + ": n must be at most " + MAX_POINTS + " (2 features per point"
                    + " in one tensor of at most " + Integer.MAX_VALUE + " values), got " + n);
        }
        if (!(noise >= 0) || Double.isInfinite(noise)) {
            throw new IllegalArgumentException(what + ": noise must be a finite number >= 0, got " + noise);
        }
    }

    /** Where the points of one curve sit: the parameter of point {@code i} of {@code count}. */
    interface Spacing {
        double t(int i, int count);
    }

    /** A curve: writes the point at parameter {@code t} to {@code xy[2k]} and {@code xy[2k + 1]}. */
    interface Curve {
        void point(double t, double[] xy, int k);
    }

    /** {@code (cos t, sin t)}. */
    static final Curve UNIT_CIRCLE = (t, xy, k) -> {
        xy[2 * k] = Math.cos(t);
        xy[2 * k + 1] = Math.sin(t);
    };

    /**
     * The two-curve sets (Circles, TwoMoons): {@code n / 2} points on {@code outer} (label 0), the
     * rest on {@code inner} (label 1), each curve's points at {@code spacing}; then shuffled, then
     * noised, as scikit-learn makes them.
     */
    static TensorDataset twoCurves(String what, int n, double noise, long seed, Spacing spacing, Curve outer,
                                   Curve inner) {
        checkArgs(what, n, noise);
        int nOut = n / 2;
        int nIn = n - nOut;
        double[] xy = new double[2 * n];
        int[] labels = new int[n];
        for (int i = 0; i < nOut; i++) {
            outer.point(spacing.t(i, nOut), xy, i);
        }
        for (int i = 0; i < nIn; i++) {
            inner.point(spacing.t(i, nIn), xy, nOut + i);
            labels[nOut + i] = 1;
        }
        SplittableRandom rng = new SplittableRandom(seed);
        shuffle(xy, labels, rng);
        addNoise(xy, noise, rng);
        return binary(xy, labels);
    }

    /** Shuffles rows of {@code xy} ([n, 2]) and {@code labels} ([n]) together. */
    static void shuffle(double[] xy, int[] labels, SplittableRandom rng) {
        for (int i = labels.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int l = labels[i];
            labels[i] = labels[j];
            labels[j] = l;
            for (int d = 0; d < 2; d++) {
                double t = xy[2 * i + d];
                xy[2 * i + d] = xy[2 * j + d];
                xy[2 * j + d] = t;
            }
        }
    }

    /** Adds N(0, noise^2) to every coordinate. */
    static void addNoise(double[] xy, double noise, SplittableRandom rng) {
        if (noise == 0) {
            return;
        }
        for (int i = 0; i < xy.length; i++) {
            xy[i] += noise * gaussian(rng);
        }
    }

    /** A standard normal draw (Box-Muller, the cosine half). */
    static double gaussian(SplittableRandom rng) {
        double u1 = 1.0 - rng.nextDouble();   // in (0, 1]
        double u2 = rng.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }

    static float[] toFloats(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return f;
    }

    /** Features float [n, 2] and binary labels float [n, 1]. */
    static TensorDataset binary(double[] xy, int[] labels) {
        float[] y = new float[labels.length];
        for (int i = 0; i < y.length; i++) {
            y[i] = labels[i];
        }
        return new TensorDataset(Tensor.of(toFloats(xy), labels.length, 2), Tensor.of(y, labels.length, 1));
    }

    /** Features float [n, 2] and class ids int32 [n]. */
    static TensorDataset classes(double[] xy, int[] labels) {
        return new TensorDataset(Tensor.of(toFloats(xy), labels.length, 2), Tensor.of(labels.clone(), labels.length));
    }
}
