package io.clgrad.backend.cpu;

/**
 * Batch normalisation of a contiguous tensor viewed as [n, channels, inner] (element (i, c, l) at
 * (i·channels + c)·inner + l), the CPU twins of {@code kernels-cl/batchnorm.cl}: per-channel
 * statistics (two passes, sums in double), the normalise-and-affine forward, and PyTorch's
 * {@code batch_norm_backward} as a per-channel reduction (Σg and Σg·(x - mean) in one pass) and an
 * elementwise pass. Channels (for the
 * sums) and rows (i, c) (for the elementwise passes) are split across the pool; per-channel
 * constants are computed in double and each output is rounded to float once.
 */
final class CpuBatchNorm {
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

    /** Mean and biased variance per channel; the running statistics updated when not null. */
    void stats(float[] x, float[] mean, float[] var, float[] runningMean, float[] runningVar, double momentum,
               int n, int channels, int inner) {
        long m = (long) n * inner;
        par.forEach(channels, 2L * n * channels * inner, (lo, hi) -> {
            double[] acc = new double[1];
            for (int c = lo; c < hi; c++) {
                acc[0] = 0;
                eachRun(c, n, channels, inner, (base, len) -> acc[0] += sum(x, base, len));
                double mu = acc[0] / m;
                acc[0] = 0;
                eachRun(c, n, channels, inner, (base, len) -> acc[0] += squaredDeviations(x, base, len, mu));
                double v = acc[0] / m;
                mean[c] = (float) mu;
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
            double[] acc = new double[2];
            for (int c = lo; c < hi; c++) {
                float mu = mean[c];
                acc[0] = 0;
                acc[1] = 0;
                eachRun(c, n, channels, inner, (base, len) -> sumAndDotDeviations(g, x, base, len, mu, acc));
                gradBias[c] = (float) acc[0];
                gradWeight[c] = (float) (acc[1] * invstd(var[c], eps));
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

    /** Σ x[base..base+len) in double, four independent partial sums. */
    private static double sum(float[] x, int base, int len) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int l = base;
        int end = base + len;
        for (; l + 3 < end; l += 4) {
            s0 += x[l];
            s1 += x[l + 1];
            s2 += x[l + 2];
            s3 += x[l + 3];
        }
        for (; l < end; l++) {
            s0 += x[l];
        }
        return (s0 + s1) + (s2 + s3);
    }

    /** Σ (x - mu)² over the run, in double, four independent partial sums. */
    private static double squaredDeviations(float[] x, int base, int len, double mu) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int l = base;
        int end = base + len;
        for (; l + 3 < end; l += 4) {
            double d0 = x[l] - mu;
            double d1 = x[l + 1] - mu;
            double d2 = x[l + 2] - mu;
            double d3 = x[l + 3] - mu;
            s0 += d0 * d0;
            s1 += d1 * d1;
            s2 += d2 * d2;
            s3 += d3 * d3;
        }
        for (; l < end; l++) {
            double d = x[l] - mu;
            s0 += d * d;
        }
        return (s0 + s1) + (s2 + s3);
    }

    /**
     * One pass over the run for the backward's two sums, in double with two partial sums each:
     * {@code acc[0] += Σ g}, {@code acc[1] += Σ g·(x - mu)}.
     */
    private static void sumAndDotDeviations(float[] g, float[] x, int base, int len, float mu, double[] acc) {
        double g0 = 0;
        double g1 = 0;
        double s0 = 0;
        double s1 = 0;
        double m = mu;
        int l = base;
        int end = base + len;
        for (; l + 1 < end; l += 2) {
            double a = g[l];
            double b = g[l + 1];
            g0 += a;
            g1 += b;
            s0 += a * (x[l] - m);
            s1 += b * (x[l + 1] - m);
        }
        for (; l < end; l++) {
            g0 += g[l];
            s0 += (double) g[l] * (x[l] - m);
        }
        acc[0] += g0 + g1;
        acc[1] += s0 + s1;
    }
}
