package io.clgrad.spark;

/**
 * One task's training samples in host memory: {@code n} rows of {@code features} floats and their
 * class labels.
 *
 * @param x        the features, row-major {@code [n, features]}
 * @param y        the class labels, {@code [n]}
 * @param features values per sample
 */
record LocalShard(float[] x, int[] y, int features) {
    LocalShard {
        if (features < 1 || x.length != (long) y.length * features) {
            throw new IllegalArgumentException("LocalShard: " + x.length + " feature values for " + y.length
                    + " samples of " + features + " features");
        }
    }

    /** The number of samples. */
    int size() {
        return y.length;
    }

    /** Copies the samples at {@code order[from..to)} into {@code xs} / {@code ys} (row-major). */
    void gather(int[] order, int from, int to, float[] xs, int[] ys) {
        for (int i = from; i < to; i++) {
            int s = order[i];
            System.arraycopy(x, s * features, xs, (i - from) * features, features);
            ys[i - from] = y[s];
        }
    }
}
