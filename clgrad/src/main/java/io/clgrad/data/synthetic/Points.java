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
