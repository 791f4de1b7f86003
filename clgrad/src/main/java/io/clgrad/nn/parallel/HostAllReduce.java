package io.clgrad.nn.parallel;

/**
 * The all-reduce of one parameter's gradient through host memory: {@code Σ_i (n_i / N) · g_i}, in
 * replica order, in float32 (one arithmetic, so the one-bucket and the overlapped bucketed
 * all-reduce give the same bits).
 */
final class HostAllReduce {
    private HostAllReduce() {
    }

    /**
     * The weighted sum of the replicas' gradients of one parameter.
     *
     * <p>Example: {@code reduce(new float[][] {{1, 2}, {3, 4}}, new int[] {3, 1}, 4)} is
     * {@code [1.5, 2.5]}.
     *
     * @param perReplica the gradient on each replica, in replica order (null where one has none)
     * @param sizes      the shard sizes {@code n_i}
     * @param n          the global batch size {@code N}
     * @return the reduced gradient, or null when no replica has one
     */
    static float[] reduce(float[][] perReplica, int[] sizes, int n) {
        float[] acc = null;
        for (int i = 0; i < perReplica.length; i++) {
            float[] g = perReplica[i];
            if (g == null) {
                continue;
            }
            float w = (float) sizes[i] / n;
            if (acc == null) {
                acc = new float[g.length];
            }
            for (int j = 0; j < g.length; j++) {
                acc[j] += w * g[j];
            }
        }
        return acc;
    }
}
