package io.clgrad.data.synthetic;

import io.clgrad.data.TensorDataset;
import java.util.SplittableRandom;

/**
 * Two interleaving half circles, as scikit-learn's {@code make_moons}: the outer moon
 * {@code (cos t, sin t)} (label 0, {@code n / 2} points) and the inner moon
 * {@code (1 - cos t, 0.5 - sin t)} (label 1, the rest), {@code t} evenly spaced in {@code [0, pi]};
 * the points are shuffled, then Gaussian noise of standard deviation {@code noise} is added.
 */
public final class TwoMoons {
    private TwoMoons() {
    }

    /**
     * Generates the dataset.
     *
     * <pre>{@code
     * TensorDataset d = TwoMoons.generate(1000, 0.2, 42);
     * }</pre>
     *
     * @param n     number of points, {@code >= 1}
     * @param noise standard deviation of the noise added to each coordinate, {@code >= 0}
     * @param seed  the seed; the same seed gives the same points
     * @return features float32 {@code [n, 2]}, labels float32 {@code [n, 1]} of 0 and 1
     */
    public static TensorDataset generate(int n, double noise, long seed) {
        Points.checkArgs("TwoMoons", n, noise);
        int nOut = n / 2;
        int nIn = n - nOut;
        double[] xy = new double[2 * n];
        int[] labels = new int[n];
        for (int i = 0; i < nOut; i++) {
            double t = nOut == 1 ? 0 : Math.PI * i / (nOut - 1);
            xy[2 * i] = Math.cos(t);
            xy[2 * i + 1] = Math.sin(t);
        }
        for (int i = 0; i < nIn; i++) {
            double t = nIn == 1 ? 0 : Math.PI * i / (nIn - 1);
            int k = nOut + i;
            xy[2 * k] = 1 - Math.cos(t);
            xy[2 * k + 1] = 1 - Math.sin(t) - 0.5;
            labels[k] = 1;
        }
        SplittableRandom rng = new SplittableRandom(seed);
        Points.shuffle(xy, labels, rng);
        Points.addNoise(xy, noise, rng);
        return Points.binary(xy, labels);
    }
}
