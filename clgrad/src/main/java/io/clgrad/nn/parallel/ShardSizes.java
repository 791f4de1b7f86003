package io.clgrad.nn.parallel;

/**
 * How a global batch of {@code n} samples is cut into one shard per replica: in proportion to
 * weights (equal weights give equal shards, the remainder going to the first replicas), every
 * shard at least one sample.
 */
final class ShardSizes {
    private ShardSizes() {
    }

    /**
     * Shard sizes summing to {@code n}, {@code size_i ≈ n · w_i / Σ w} (largest remainders first),
     * each at least 1.
     *
     * <p>Example: {@code split(10, new double[] {1, 1, 1})} is {@code [4, 3, 3]};
     * {@code split(8, new double[] {3, 1})} is {@code [6, 2]}.
     *
     * @param n       samples in the global batch, at least {@code weights.length}
     * @param weights one positive weight per replica
     */
    static int[] split(int n, double[] weights) {
        int k = weights.length;
        double total = 0;
        for (double w : weights) {
            total += w;
        }
        int[] sizes = new int[k];
        double[] rest = new double[k];
        int given = 0;
        int free = n - k;   // one sample per shard first, the rest by weight
        for (int i = 0; i < k; i++) {
            double share = free * weights[i] / total;
            sizes[i] = 1 + (int) Math.floor(share);
            rest[i] = share - Math.floor(share);
            given += sizes[i];
        }
        while (given < n) {
            int best = 0;
            for (int i = 1; i < k; i++) {
                if (rest[i] > rest[best]) {
                    best = i;
                }
            }
            sizes[best]++;
            rest[best] = -1;
            given++;
        }
        return sizes;
    }
}
