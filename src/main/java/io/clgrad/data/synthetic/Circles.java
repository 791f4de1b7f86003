package io.clgrad.data.synthetic;

import io.clgrad.data.TensorDataset;

/**
 * A small circle inside a large one, as scikit-learn's {@code make_circles(factor=0.5)}: the outer
 * circle of radius 1 (label 0, {@code n / 2} points) and the inner circle of radius 0.5 (label 1,
 * the rest), angles evenly spaced in {@code [0, 2 pi)}; the points are shuffled, then Gaussian noise
 * of standard deviation {@code noise} is added.
 */
public final class Circles {
    /** The inner radius relative to the outer one. */
    public static final double FACTOR = 0.5;

    private Circles() {
    }

    /**
     * Generates the dataset.
     *
     * <pre>{@code
     * TensorDataset d = Circles.generate(1000, 0.1, 42);
     * }</pre>
     *
     * @param n     number of points, {@code >= 1}
     * @param noise standard deviation of the noise added to each coordinate, {@code >= 0}
     * @param seed  the seed; the same seed gives the same points
     * @return features float32 {@code [n, 2]}, labels float32 {@code [n, 1]} of 0 and 1
     */
    public static TensorDataset generate(int n, double noise, long seed) {
        return Points.twoCurves("Circles", n, noise, seed, (i, count) -> 2 * Math.PI * i / count,
                Points.UNIT_CIRCLE,
                (t, xy, k) -> {
                    xy[2 * k] = FACTOR * Math.cos(t);
                    xy[2 * k + 1] = FACTOR * Math.sin(t);
                });
    }
}
