package io.clgrad.data;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Operations on whole datasets: random splits. */
public final class Datasets {
    private Datasets() {
    }

    /**
     * Splits a dataset into non-overlapping random subsets, as PyTorch's {@code random_split} with
     * fractions: part {@code k} gets {@code floor(n * fractions[k])} samples, and the samples left
     * over are handed out one each to parts 0, 1, 2, ... in turn. Every sample lands in exactly one
     * part. The permutation is a Fisher-Yates shuffle seeded by {@code seed}, so the same seed
     * gives the same split (not the same split as PyTorch's generator).
     * <pre>{@code
     * List<Subset<Tensor[]>> parts = Datasets.randomSplit(data, new double[] {0.8, 0.2}, 42);
     * Subset<Tensor[]> train = parts.get(0), val = parts.get(1);
     * }</pre>
     *
     * @param d         the dataset to split
     * @param fractions one fraction per part, each in {@code [0, 1]}, summing to 1 (within 1e-6)
     * @param seed      the seed of the permutation
     * @param <T>       the sample type
     * @return the parts, in the order of {@code fractions}
     * @throws IllegalArgumentException when a fraction is out of range or they do not sum to 1
     */
    public static <T> List<Subset<T>> randomSplit(Dataset<T> d, double[] fractions, long seed) {
        int n = d.size();
        int[] sizes = splitSizes(n, fractions);
        int[] perm = permutation(n, new SplittableRandom(seed));
        List<Subset<T>> out = new ArrayList<>();
        int at = 0;
        for (int size : sizes) {
            out.add(new Subset<>(d, java.util.Arrays.copyOfRange(perm, at, at + size)));
            at += size;
        }
        return out;
    }

    /**
     * The part sizes {@link #randomSplit} gives {@code n} samples, PyTorch's rounding: part
     * {@code k} gets {@code floor(n * fractions[k])}, then the samples left over go one each to
     * parts 0, 1, 2, ... in turn. For example {@code splitSizes(4, {0.8, 0.2})} is {@code [4, 0]}.
     *
     * @param n         the number of samples, at least 0
     * @param fractions as for {@link #randomSplit}
     * @return one size per fraction, summing to {@code n}
     * @throws IllegalArgumentException when a fraction is out of range or they do not sum to 1
     */
    public static int[] splitSizes(int n, double[] fractions) {
        if (fractions == null || fractions.length == 0) {
            throw new IllegalArgumentException("randomSplit: at least one fraction is needed");
        }
        double sum = 0;
        for (double f : fractions) {
            if (!(f >= 0 && f <= 1)) {
                throw new IllegalArgumentException("randomSplit: fractions must be in [0, 1], got "
                        + java.util.Arrays.toString(fractions));
            }
            sum += f;
        }
        if (Math.abs(sum - 1) > 1e-6) {
            throw new IllegalArgumentException("randomSplit: fractions must sum to 1, got "
                    + java.util.Arrays.toString(fractions) + " (sum " + sum + ")");
        }
        if (n < 0) {
            throw new IllegalArgumentException("randomSplit: the number of samples must be at least 0, got " + n);
        }
        int[] sizes = new int[fractions.length];
        int total = 0;
        for (int i = 0; i < fractions.length; i++) {
            sizes[i] = (int) Math.floor(n * fractions[i]);
            total += sizes[i];
        }
        for (int i = 0; total < n; i = (i + 1) % sizes.length) {
            sizes[i]++;
            total++;
        }
        return sizes;
    }

    /**
     * A uniformly random permutation of {@code 0..n-1} (Fisher-Yates), the same for the same
     * generator state in every JVM.
     *
     * <pre>{@code
     * int[] order = Datasets.permutation(5, new SplittableRandom(42));   // e.g. [3, 0, 4, 1, 2]
     * }</pre>
     *
     * @param n   the count (at least 0)
     * @param rng the generator (advanced)
     * @return the permutation
     */
    public static int[] permutation(int n, SplittableRandom rng) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}
