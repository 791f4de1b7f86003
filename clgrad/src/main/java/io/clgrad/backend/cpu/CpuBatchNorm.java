package io.clgrad.backend.cpu;

/**
 * Batch normalisation of a contiguous tensor viewed as [n, channels, inner] (element (i, c, l) at
 * (i·channels + c)·inner + l), the CPU twins of {@code kernels-cl/batchnorm.cl}: per-channel
 * statistics (two passes), the normalise-and-affine forward, and PyTorch's {@code batch_norm_backward}
 * as a per-channel reduction (Σg and Σg·(x - mean) in one pass) and an elementwise pass. The sums
 * are {@link BatchNormSums}' (float partial sums per run, added in double). Channels (for the
 * sums) and rows (i, c) (for the elementwise passes) are split across the pool; per-channel
 * constants are computed in double and each output is rounded to float once.
 */
final class CpuBatchNorm {
    /** Whether the per-channel sums run as vectors ({@link BatchNormSums}): the JVM has the Vector API module. */
    private static final boolean VECTOR = CpuMatmul.vectorKernelsUsable();

    private final CpuParallel par;

    CpuBatchNorm(CpuParallel par) {
        this.par = par;
    }

    /** Walks channel c's M = n·inner elements row by row: {@code runs} sees each contiguous run's base and length. */
    private static void eachRun(int c, int n, int channels, int inner, IntPairConsumer runs) {
        for (int i = 0; i < n; i++) {
            runs.accept((i * channels + c) * inner, inner);
        }
    }

    /**
     * Channel c's sums through {@code runs} (called with each run), in float segments; again in double
     * when a total comes out infinite or NaN (an overflow of the float terms, or non-finite input).
     */
    private static void sumChannel(BatchNormSums sums, int c, int n, int channels, int inner, IntPairConsumer runs) {
        sums.reset(false);
        eachRun(c, n, channels, inner, runs);
        if (!Double.isFinite(sums.total()) || !Double.isFinite(sums.totalSecond())) {
            sums.reset(true);
            eachRun(c, n, channels, inner, runs);
        }
    }

    /** Mean and biased variance per channel; the running statistics updated when not null. */
    void stats(float[] x, float[] mean, float[] var, float[] runningMean, float[] runningVar, double momentum,
               int n, int channels, int inner) {
        long m = (long) n * inner;
        par.forEach(channels, 2L * n * channels * inner, (lo, hi) -> {
            BatchNormSums sums = new BatchNormSums(VECTOR);
            for (int c = lo; c < hi; c++) {
                float first = x[c * inner];
                float shift = Float.isFinite(first) ? first : 0f;   // near the mean: the float sums see the spread
                sumChannel(sums, c, n, channels, inner, (base, len) -> sums.sum(x, base, len, shift));
                double mu = shift + sums.total() / m;
                float muF = (float) mu;
                sumChannel(sums, c, n, channels, inner, (base, len) -> sums.squaredDeviations(x, base, len, muF));
                double v = sums.total() / m;
                mean[c] = muF;
                var[c] = (float) v;
                if (runningMean != null) {
                    runningMean[c] = (float) ((1 - momentum) * runningMean[c] + momentum * mu);
                    runningVar[c] = (float) ((1 - momentum) * runningVar[c] + momentum * v * m / (m - 1));
                }
            }
        });
    }

    /** {@code out = (x - mean)·invstd·w + b} per channel. */
    void forward(float[] x, float[] mean, float[] var, float[] weight, float[] bias, double eps, float[] out,
                 int n, int channels, int inner) {
        float[] scale = new float[channels];
        float[] shift = new float[channels];
        for (int c = 0; c < channels; c++) {
            scale[c] = (float) (invstd(var[c], eps) * (weight == null ? 1 : weight[c]));
            shift[c] = bias == null ? 0f : bias[c];
        }
        eachRow(n, channels, inner, (c, from, to) -> {
            float mu = mean[c];
            float s = scale[c];
            float b = shift[c];
            for (int e = from; e < to; e++) {
                out[e] = (x[e] - mu) * s + b;
            }
        });
    }

    /** {@code gradBias = Σ g}, {@code gradWeight = Σ g·(x - mean)·invstd} per channel. */
    void backwardReduce(float[] g, float[] x, float[] mean, float[] var, double eps, float[] gradWeight,
                        float[] gradBias, int n, int channels, int inner) {
        par.forEach(channels, 2L * n * channels * inner, (lo, hi) -> {
            BatchNormSums sums = new BatchNormSums(VECTOR);
            for (int c = lo; c < hi; c++) {
                float mu = mean[c];
                sumChannel(sums, c, n, channels, inner, (base, len) -> sums.sumAndDot(g, x, base, len, mu));
                gradBias[c] = (float) sums.total();
                gradWeight[c] = (float) (sums.totalSecond() * invstd(var[c], eps));
            }
        });
    }

    /** The input gradient: the training formula with the sums given, the evaluation one without. */
    void backward(float[] g, float[] x, float[] mean, float[] var, float[] weight, float[] gradWeight,
                  float[] gradBias, double eps, float[] gradInput, int n, int channels, int inner) {
        double m = (double) n * inner;
        boolean training = gradWeight != null;
        float[] k = new float[channels];   // w·invstd
        float[] a = new float[channels];   // Σg / M
        float[] b = new float[channels];   // invstd·Σg·x̂ / M
        for (int c = 0; c < channels; c++) {
            double is = invstd(var[c], eps);
            k[c] = (float) (is * (weight == null ? 1 : weight[c]));
            a[c] = training ? (float) (gradBias[c] / m) : 0f;
            b[c] = training ? (float) (is * gradWeight[c] / m) : 0f;
        }
        eachRow(n, channels, inner, (c, from, to) -> {
            float mu = mean[c];
            float kc = k[c];
            float ac = a[c];
            float bc = b[c];
            for (int e = from; e < to; e++) {
                gradInput[e] = kc * (g[e] - ac - (x[e] - mu) * bc);
            }
        });
    }

    /** One row (i, c) of an elementwise pass: channel c, elements [from, to). */
    private interface Row {
        void run(int c, int from, int to);
    }

    /** Runs {@code row} over every row (i, c), the rows split across the pool. */
    private void eachRow(int n, int channels, int inner, Row row) {
        par.forEach(n * channels, (long) n * channels * inner, (lo, hi) -> {
            for (int r = lo; r < hi; r++) {
                row.run(r % channels, r * inner, (r + 1) * inner);
            }
        });
    }

    private static double invstd(float var, double eps) {
        return 1 / Math.sqrt(var + eps);
    }
}
