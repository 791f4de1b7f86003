package io.clgrad.nn.parallel;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * How a module's parameters are grouped into all-reduce buckets, as PyTorch DDP's
 * {@code bucket_cap_mb}: parameters in reverse registration order (the order backward usually
 * finishes them: the last layer first), a new bucket whenever the next parameter would take the
 * current one past the cap (a parameter larger than the cap gets a bucket of its own).
 *
 * <p>Example: parameters of 40, 10, 40 and 10 floats (a two-layer MLP's weights and biases) with a
 * cap of 200 bytes give buckets {@code [[3, 2], [1, 0]]}: the last layer's bias and weight first.
 */
final class GradBuckets {
    private final int[][] buckets;
    private final int[] bucketOf;

    /**
     * @param numels   elements of each parameter, in registration order (float32: 4 bytes each)
     * @param capBytes the most bytes a bucket holds (unless one parameter alone is larger), at least 1
     */
    GradBuckets(int[] numels, long capBytes) {
        List<int[]> out = new ArrayList<>();
        List<Integer> current = new ArrayList<>();
        long bytes = 0;
        for (int p = numels.length - 1; p >= 0; p--) {
            long size = 4L * numels[p];
            if (!current.isEmpty() && bytes + size > capBytes) {
                out.add(current.stream().mapToInt(Integer::intValue).toArray());
                current.clear();
                bytes = 0;
            }
            current.add(p);
            bytes += size;
        }
        if (!current.isEmpty()) {
            out.add(current.stream().mapToInt(Integer::intValue).toArray());
        }
        this.buckets = out.toArray(new int[0][]);
        this.bucketOf = new int[numels.length];
        for (int b = 0; b < buckets.length; b++) {
            for (int p : buckets[b]) {
                bucketOf[p] = b;
            }
        }
    }

    /** The number of buckets. */
    int count() {
        return buckets.length;
    }

    /** The parameter indices of bucket {@code b}, in the order they were added. */
    int[] bucket(int b) {
        return buckets[b];
    }

    /** The bucket that holds parameter {@code p}. */
    int bucketOf(int p) {
        return bucketOf[p];
    }

    @Override
    public String toString() {
        return Arrays.deepToString(buckets);
    }
}
