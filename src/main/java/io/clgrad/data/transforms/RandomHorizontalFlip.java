package io.clgrad.data.transforms;

import io.clgrad.Tensor;
import io.clgrad.data.Transform;
import java.util.SplittableRandom;

/**
 * Mirrors a tensor left to right (reverses its last dimension) with probability {@code p}, as
 * torchvision's {@code RandomHorizontalFlip}. The coin flips come from a generator seeded once,
 * so a fresh instance with the same seed applied to the same sequence of inputs flips the same
 * ones. Calls are synchronized: from several threads the sequence of flips is still the
 * seed's, but which input gets which flip depends on the order of the calls.
 *
 * <p>Shapes: input {@code [*, W]} (e.g. {@code [C, H, W]}); output the same shape, a new CPU
 * tensor (or the input itself when not flipped).
 *
 * <pre>{@code
 * Transform<Image, Tensor> t = Compose.of(new ToTensor(), new RandomHorizontalFlip(0.5, 42));
 * }</pre>
 */
public final class RandomHorizontalFlip implements Transform<Tensor, Tensor> {
    private final double p;
    private final long seed;
    private final SplittableRandom rng;

    /**
     * A flip with probability {@code p}.
     *
     * @param p    the probability of flipping, in {@code [0, 1]}
     * @param seed the seed of the coin flips
     * @throws IllegalArgumentException when {@code p} is outside {@code [0, 1]}
     */
    public RandomHorizontalFlip(double p, long seed) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("RandomHorizontalFlip: p must be in [0, 1], got " + p);
        }
        this.p = p;
        this.seed = seed;
        this.rng = new SplittableRandom(seed);
    }

    @Override
    public Tensor apply(Tensor x) {
        boolean flip;
        synchronized (rng) {
            flip = rng.nextDouble() < p;
        }
        return flip ? flip(x) : x;
    }

    /**
     * {@code x} with its last dimension reversed, always.
     *
     * @param x a tensor with at least one dimension
     * @return a new CPU tensor of the same shape and dtype
     */
    public static Tensor flip(Tensor x) {
        int[] shape = x.shape();
        if (shape.length < 1) {
            throw new IllegalArgumentException("RandomHorizontalFlip: expected a tensor [*, W], got a scalar");
        }
        int w = shape[shape.length - 1];
        if (x.dtype() == io.clgrad.DType.INT32) {
            int[] v = x.toIntArray();
            reverseRows(v.length, w, (i, j) -> { int t = v[i]; v[i] = v[j]; v[j] = t; });
            return Tensor.of(v, shape);
        }
        float[] v = x.toFloatArray();
        reverseRows(v.length, w, (i, j) -> { float t = v[i]; v[i] = v[j]; v[j] = t; });
        return Tensor.of(v, shape);
    }

    /** Swaps two elements of a host array. */
    private interface Swap {
        void swap(int i, int j);
    }

    /** Reverses each row of {@code w} elements of an array of {@code length}, through {@code swap}. */
    private static void reverseRows(int length, int w, Swap swap) {
        for (int row = 0; row + w <= length && w > 0; row += w) {
            for (int i = row, j = row + w - 1; i < j; i++, j--) {
                swap.swap(i, j);
            }
        }
    }

    @Override
    public String toString() {
        return "RandomHorizontalFlip(p=" + p + ", seed=" + seed + ")";
    }
}
