package io.clgrad.backend.conformance;

import io.clgrad.backend.Backend;

/**
 * Double-precision reference for batch normalisation, {@link Backend#batchNormStats},
 * {@link Backend#batchNormForward}, {@link Backend#batchNormBackwardReduce} and
 * {@link Backend#batchNormBackward}, written from the formulas in {@link Backend}'s Javadoc, with the
 * tolerance scale of every output element (see {@link Tolerance}). A tensor is [n, C, inner] with
 * element (i, c, l) at (i·C + c)·inner + l; a channel has M = n·inner elements.
 *
 * <p>Scales: a per-channel sum over M terms t is an accumulation, {@code max(1, |ref|, sqrt(M)·max|t|)},
 * and a mean divides that by M. Wherever {@code x - mean} is formed in float, its rounding is about
 * an ulp of {@code |x| + |mean|}, so that magnitude (times what multiplies the difference) enters the
 * scale in place of {@code |x - mean|}: a large common offset is allowed its float rounding and no more.
 */
final class RefNorm {
    private RefNorm() {
    }

    /** The geometry of a case: [n, channels, inner]. */
    record Geo(int n, int channels, int inner) {
        int numel() {
            return n * channels * inner;
        }

        int perChannel() {
            return n * inner;
        }

        int at(int i, int c, int l) {
            return (i * channels + c) * inner + l;
        }

        @Override
        public String toString() {
            return "[" + n + ", " + channels + ", " + inner + "]";
        }
    }

    /** A result with a tolerance scale per element. */
    record Result(double[] value, double[] scale) {
    }

    /** Per-channel statistics: mean, biased var, and (when running ones are given) the updated running pair. */
    record Stats(Result mean, Result var, Result runningMean, Result runningVar) {
    }

    private static double at(float[] a, int i, double absent) {
        return a == null ? absent : a[i];
    }

    private static double invstd(double var, double eps) {
        return 1 / Math.sqrt(var + eps);
    }

    /** mean, var (biased) and the running update {@code (1-m)·r + m·stat} with the unbiased variance. */
    static Stats stats(Geo g, float[] x, float[] runningMean, float[] runningVar, double momentum) {
        int cs = g.channels();
        int m = g.perChannel();
        double[][] v = new double[8][cs];
        for (int c = 0; c < cs; c++) {
            double sum = 0;
            double maxAbs = 0;
            for (int i = 0; i < g.n(); i++) {
                for (int l = 0; l < g.inner(); l++) {
                    double xv = x[g.at(i, c, l)];
                    sum += xv;
                    maxAbs = Math.max(maxAbs, Math.abs(xv));
                }
            }
            double mean = sum / m;
            double sq = 0;
            double maxSq = 0;
            for (int i = 0; i < g.n(); i++) {
                for (int l = 0; l < g.inner(); l++) {
                    double d = x[g.at(i, c, l)] - mean;
                    sq += d * d;
                    maxSq = Math.max(maxSq, d * d);
                }
            }
            double var = sq / m;
            v[0][c] = mean;
            v[1][c] = Math.max(Math.max(1, Math.abs(mean)), Math.sqrt(m) * maxAbs / m);
            v[2][c] = var;
            v[3][c] = Math.max(Math.max(1, var), Math.sqrt(m) * maxSq / m + maxAbs * Math.sqrt(var));
            if (runningMean != null) {
                double unbiased = m > 1 ? var * m / (m - 1.0) : Double.NaN;
                v[4][c] = (1 - momentum) * runningMean[c] + momentum * mean;
                v[5][c] = Math.max(1, Math.abs(v[4][c])) + momentum * v[1][c];
                v[6][c] = (1 - momentum) * runningVar[c] + momentum * unbiased;
                v[7][c] = Math.max(1, Math.abs(v[6][c])) + momentum * v[3][c] * m / Math.max(1, m - 1.0);
            }
        }
        return new Stats(new Result(v[0], v[1]), new Result(v[2], v[3]),
                runningMean == null ? null : new Result(v[4], v[5]), runningMean == null ? null : new Result(v[6], v[7]));
    }

    /** {@code out = (x - mean)·invstd·w + b}; scale {@code max(1, (|x| + |mean|)·invstd·|w| + |b|)}. */
    static Result forward(Geo g, float[] x, float[] mean, float[] var, float[] weight, float[] bias, double eps) {
        double[] out = new double[g.numel()];
        double[] scale = new double[g.numel()];
        for (int i = 0; i < g.n(); i++) {
            for (int c = 0; c < g.channels(); c++) {
                double is = invstd(var[c], eps);
                double w = at(weight, c, 1);
                double b = at(bias, c, 0);
                for (int l = 0; l < g.inner(); l++) {
                    int k = g.at(i, c, l);
                    out[k] = (x[k] - (double) mean[c]) * is * w + b;
                    scale[k] = Math.max(1, (Math.abs(x[k]) + Math.abs(mean[c])) * is * Math.abs(w) + Math.abs(b));
                }
            }
        }
        return new Result(out, scale);
    }

    /**
     * {@code gradBias = Σ g}, {@code gradWeight = Σ g·(x - mean)·invstd}: values [gradWeight, gradBias],
     * each [C], as accumulations.
     */
    static Result[] backwardReduce(Geo g, float[] grad, float[] x, float[] mean, float[] var, double eps) {
        int cs = g.channels();
        int m = g.perChannel();
        double[] gw = new double[cs];
        double[] gwScale = new double[cs];
        double[] gb = new double[cs];
        double[] gbScale = new double[cs];
        for (int c = 0; c < cs; c++) {
            double is = invstd(var[c], eps);
            double sg = 0;
            double sgx = 0;
            double maxG = 0;
            double maxGx = 0;
            for (int i = 0; i < g.n(); i++) {
                for (int l = 0; l < g.inner(); l++) {
                    int k = g.at(i, c, l);
                    sg += grad[k];
                    sgx += grad[k] * (x[k] - (double) mean[c]);
                    maxG = Math.max(maxG, Math.abs(grad[k]));
                    maxGx = Math.max(maxGx, Math.abs(grad[k]) * (Math.abs(x[k]) + Math.abs(mean[c])));
                }
            }
            gb[c] = sg;
            gbScale[c] = Tolerance.accum(sg, m, maxG);
            gw[c] = sgx * is;
            gwScale[c] = Tolerance.accum(gw[c], m, maxGx * is);
        }
        return new Result[] {new Result(gw, gwScale), new Result(gb, gbScale)};
    }

    /**
     * The input gradient {@code k·(g - a - (x - mean)·b)} with {@code k = w·invstd}, and in training
     * {@code a = gradBias/M}, {@code b = invstd·gradWeight/M} (0 in evaluation, where the sums are
     * null); scale {@code max(1, |k|·(|g| + |a| + (|x| + |mean|)·|b|))}.
     */
    static Result backward(Geo g, float[] grad, float[] x, float[] mean, float[] var, float[] weight,
                           float[] gradWeight, float[] gradBias, double eps) {
        int m = g.perChannel();
        double[] out = new double[g.numel()];
        double[] scale = new double[g.numel()];
        for (int c = 0; c < g.channels(); c++) {
            double is = invstd(var[c], eps);
            double k = at(weight, c, 1) * is;
            double a = gradBias == null ? 0 : gradBias[c] / (double) m;
            double b = gradWeight == null ? 0 : is * gradWeight[c] / m;
            for (int i = 0; i < g.n(); i++) {
                for (int l = 0; l < g.inner(); l++) {
                    int e = g.at(i, c, l);
                    out[e] = k * (grad[e] - a - (x[e] - (double) mean[c]) * b);
                    scale[e] = Math.max(1, Math.abs(k) * (Math.abs(grad[e]) + Math.abs(a)
                            + (Math.abs(x[e]) + Math.abs(mean[c])) * Math.abs(b)));
                }
            }
        }
        return new Result(out, scale);
    }
}
