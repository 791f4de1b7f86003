package io.clgrad.data.synthetic;

import io.clgrad.data.TensorDataset;
import java.util.SplittableRandom;

/**
 * The XOR problem: points uniform in {@code [-1, 1]^2}, label 1 where {@code x * y > 0} (first and
 * third quadrants) and 0 elsewhere; the label is taken before Gaussian noise of standard deviation
 * {@code noise} is added to the coordinates. Not linearly separable: a network needs a hidden layer.
 */
public final class Xor {
    private Xor() {
    }

    /**
     * Generates the dataset.
     *
     * <pre>{@code
     * TensorDataset d = Xor.generate(1000, 0.0, 42);
     * }</pre>
     *
     * @param n     number of points, {@code >= 1}
     * @param noise standard deviation of the noise added to each coordinate, {@code >= 0}
     * @param seed  the seed; the same seed gives the same points
     * @return features float32 {@code [n, 2]}, labels float32 {@code [n, 1]} of 0 and 1
     */
    public static TensorDataset generate(int n, double noise, long seed) {
        Points.checkArgs("Xor", n, noise);
        SplittableRandom rng = new SplittableRandom(seed);
        double[] xy = new double[2 * n];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            double x = rng.nextDouble(-1, 1);
            double y = rng.nextDouble(-1, 1);
            xy[2 * i] = x;
            xy[2 * i + 1] = y;
            labels[i] = x * y > 0 ? 1 : 0;
        }
        Points.addNoise(xy, noise, rng);
        return Points.binary(xy, labels);
    }
}
