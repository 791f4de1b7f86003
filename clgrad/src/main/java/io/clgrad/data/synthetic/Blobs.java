package io.clgrad.data.synthetic;

import io.clgrad.data.TensorDataset;
import java.util.SplittableRandom;

/**
 * Gaussian clusters, one per class, as scikit-learn's {@code make_blobs}: class centres drawn
 * uniformly in {@code [-10, 10]^2}, {@code n / classes} points per class (the first
 * {@code n % classes} classes get one more), each centre plus Gaussian noise of standard deviation
 * {@code noise}; the points are shuffled.
 */
public final class Blobs {
    private Blobs() {
    }

    /**
     * Generates the dataset.
     *
     * <pre>{@code
     * TensorDataset d = Blobs.generate(1000, 3, 1.0, 42);   // for CrossEntropyLoss with 3 classes
     * }</pre>
     *
     * @param n       number of points, {@code >= 1}
     * @param classes number of clusters, {@code >= 1}
     * @param noise   standard deviation of each cluster (scikit-learn's {@code cluster_std}), {@code >= 0}
     * @param seed    the seed; the same seed gives the same points
     * @return features float32 {@code [n, 2]}, labels int32 {@code [n]} in {@code [0, classes)}
     */
    public static TensorDataset generate(int n, int classes, double noise, long seed) {
        Points.checkArgs("Blobs", n, noise);
        if (classes < 1) {
            throw new IllegalArgumentException("Blobs: classes must be >= 1, got " + classes);
        }
        SplittableRandom rng = new SplittableRandom(seed);
        double[] centres = new double[2 * classes];
        for (int i = 0; i < centres.length; i++) {
            centres[i] = rng.nextDouble(-10, 10);
        }
        double[] xy = new double[2 * n];
        int[] labels = new int[n];
        int k = 0;
        for (int c = 0; c < classes; c++) {
            int count = n / classes + (c < n % classes ? 1 : 0);
            for (int i = 0; i < count; i++, k++) {
                xy[2 * k] = centres[2 * c];
                xy[2 * k + 1] = centres[2 * c + 1];
                labels[k] = c;
            }
        }
        Points.addNoise(xy, noise, rng);
        Points.shuffle(xy, labels, rng);
        return Points.classes(xy, labels);
    }
}
