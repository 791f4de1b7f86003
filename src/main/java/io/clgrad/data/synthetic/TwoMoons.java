package io.clgrad.data.synthetic;

import io.clgrad.data.TensorDataset;

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
        return Points.twoCurves("TwoMoons", n, noise, seed, (i, count) -> count == 1 ? 0 : Math.PI * i / (count - 1),
                Points.UNIT_CIRCLE,
                (t, xy, k) -> {
                    xy[2 * k] = 1 - Math.cos(t);
                    xy[2 * k + 1] = 1 - Math.sin(t) - 0.5;
                });
    }
}
