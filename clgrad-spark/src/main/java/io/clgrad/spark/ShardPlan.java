package io.clgrad.spark;

import io.clgrad.data.Datasets;
import java.util.SplittableRandom;

/**
 * Which samples each task trains on at each step: the same global batches on every task, and for a
 * one-process run that wants to repeat them (tests).
 *
 * <p>Task {@code i} holds {@code n_i} samples ({@code N = Σ n_i}); an epoch has
 * {@code S = ceil(N / batchSize)} steps. Each epoch task {@code i} shuffles its samples with
 * {@link #permutation(int, long, int, int)} and at step {@code s} takes positions
 * {@code [⌊s·n_i/S⌋, ⌊(s+1)·n_i/S⌋)} of that order, so every task takes a share of the global batch in
 * proportion to its partition and all tasks run the same number of steps. The global batch of step
 * {@code s} is the tasks' shards in task order; its size is about {@code batchSize}.
 */
final class ShardPlan {
    private final int[] sizes;
    private final long total;
    private final int steps;

    /**
     * @param sizes     samples per task, by task index (each at least 1)
     * @param batchSize the global batch size (at least 1)
     */
    ShardPlan(int[] sizes, int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
        }
        long n = 0;
        for (int i = 0; i < sizes.length; i++) {
            if (sizes[i] < 1) {
                throw new IllegalArgumentException("partition " + i + " has no samples; every partition of the training"
                        + " data must hold at least one (repartition the data, or use fewer partitions)");
            }
            n += sizes[i];
        }
        this.sizes = sizes.clone();
        this.total = n;
        this.steps = (int) Math.max(1, (n + batchSize - 1) / batchSize);
    }

    /** Steps per epoch, S. */
    int steps() {
        return steps;
    }

    /** All samples, N. */
    long total() {
        return total;
    }

    /** The number of tasks. */
    int tasks() {
        return sizes.length;
    }

    /** Task {@code i}'s first position (in its shuffled order) at step {@code s}. */
    int from(int task, int step) {
        return (int) ((long) step * sizes[task] / steps);
    }

    /** Task {@code i}'s end position (exclusive) at step {@code s}. */
    int to(int task, int step) {
        return from(task, step + 1);
    }

    /** The global batch size at step {@code s}: Σ_i of the shard sizes. */
    int globalBatch(int step) {
        int b = 0;
        for (int i = 0; i < sizes.length; i++) {
            b += to(i, step) - from(i, step);
        }
        return b;
    }

    /**
     * Task {@code task}'s order of its {@code n} samples in {@code epoch}: a Fisher-Yates shuffle
     * seeded by (seed, epoch, task), the same in every JVM.
     */
    static int[] permutation(int n, long seed, int epoch, int task) {
        return Datasets.permutation(n, new SplittableRandom(seed * 0x9E3779B97F4A7C15L + epoch * 0xBF58476D1CE4E5B9L
                + task * 0x94D049BB133111EBL + 1));
    }
}
