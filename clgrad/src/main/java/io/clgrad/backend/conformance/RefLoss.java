package io.clgrad.backend.conformance;

import io.clgrad.backend.Backend;
/**
 * Double-precision reference for the fused losses: {@link Backend#bceWithLogits},
 * {@link Backend#bceWithLogitsBackward}, {@link Backend#crossEntropy} and
 * {@link Backend#crossEntropyBackward}, written from the formulas in {@link Backend}'s Javadoc.
 */
final class RefLoss {
    private RefLoss() {
    }

    /** A result with a tolerance scale per element. */
    record Result(double[] value, double[] scale) {
    }

    private static double at(float[] a, int i) {
        return a == null ? 1 : a[i];
    }

    /**
     * {@code l = w·[(1-y)·x + (1+(pw-1)·y)·(log1p(exp(-|x|)) + max(-x, 0))]}; scale
     * {@code |w|·max(1, |(1-y)x| + |1+(pw-1)y|·(log1p(e^-|x|) + max(-x,0)))}.
     */
    static Result bce(float[] x, float[] y, float[] w, float[] pw) {
        int n = x.length;
        double[] out = new double[n];
        double[] scale = new double[n];
        for (int i = 0; i < n; i++) {
            double xi = x[i];
            double yi = y[i];
            double t1 = (1 - yi) * xi;
            double coef = 1 + (at(pw, i) - 1) * yi;
            double soft = Math.log1p(Math.exp(-Math.abs(xi))) + Math.max(-xi, 0);
            out[i] = at(w, i) * (t1 + coef * soft);
            scale[i] = Math.abs(at(w, i)) * Math.max(1, Math.abs(t1) + Math.abs(coef) * soft);
        }
        return new Result(out, scale);
    }

    /**
     * {@code out[i] = scale·g[i·gStride]·w·((pw·y + 1 - y)·σ(x) - pw·y)}; tolerance scale
     * {@code |scale·g·w|·max(1, |(pw·y+1-y)·σ(x)| + |pw·y|)}.
     */
    static Result bceBackward(float[] x, float[] y, float[] w, float[] pw, float[] g, int gStride,
                              float scale, int n) {
        double[] out = new double[n];
        double[] sc = new double[n];
        for (int i = 0; i < n; i++) {
            double sig = 1 / (1 + Math.exp(-(double) x[i]));
            double p = at(pw, i);
            double a = (p * y[i] + 1 - y[i]) * sig;
            double b = p * y[i];
            double f = (double) scale * g[i * gStride] * at(w, i);
            out[i] = f * (a - b);
            sc[i] = Math.abs(f) * Math.max(1, Math.abs(a) + Math.abs(b));
        }
        return new Result(out, sc);
    }

    /**
     * Per-row softmax cross-entropy with label smoothing ε: {@code loss[r] = -((1-ε)·logp[t] +
     * (ε/C)·Σ_c logp[c])}, {@code valid[r] = 1}; both 0 where t == ignoreIndex; loss NaN for a
     * target outside [0, C). Returns loss then valid (exact) in one array of 2·rows. Loss scale:
     * {@code max(1 + |ln S| + |x_t - m| + ε·mean_c|x_c - m|, sqrt(C))}.
     */
    static Result crossEntropy(float[] logits, int[] t, int rows, int classes, int ignoreIndex, float ls) {
        double[] out = new double[2 * rows];
        double[] scale = new double[2 * rows];
        for (int r = 0; r < rows; r++) {
            if (t[r] == ignoreIndex) {
                continue;
            }
            out[rows + r] = 1;
            if (t[r] < 0 || t[r] >= classes) {
                out[r] = Double.NaN;
                continue;
            }
            double m = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < classes; c++) {
                m = Math.max(m, logits[r * classes + c]);
            }
            double s = 0;
            double sumAbsD = 0;
            for (int c = 0; c < classes; c++) {
                double d = logits[r * classes + c] - m;
                s += Math.exp(d);
                sumAbsD += Math.abs(d);
            }
            double lnS = Math.log(s);
            double sumLogp = 0;
            for (int c = 0; c < classes; c++) {
                sumLogp += logits[r * classes + c] - m - lnS;
            }
            double dt = logits[r * classes + t[r]] - m;
            double eps = ls;
            out[r] = -((1 - eps) * (dt - lnS) + eps / classes * sumLogp);
            scale[r] = Math.max(1 + lnS + Math.abs(dt) + eps * sumAbsD / classes, Math.sqrt(classes));
        }
        return new Result(out, scale);
    }

    /**
     * {@code out[r][c] = g[r·gStride]·(softmax[r][c] - (1-ε)·[c == t] - ε/C)}, 0 for ignored rows.
     * Scale: {@code |g|·(p·max(1, |x - m|, sqrt(C)) + (1-ε)·[c == t] + ε/C)}, i.e. relative to the
     * softmax probability p (as for softmax) plus the constants subtracted from it.
     */
    static Result crossEntropyBackward(float[] logits, int[] t, float[] g, int gStride, int rows, int classes,
                                       int ignoreIndex, float ls) {
        double[] out = new double[rows * classes];
        double[] scale = new double[rows * classes];
        for (int r = 0; r < rows; r++) {
            if (t[r] == ignoreIndex) {
                continue;
            }
            if (t[r] < 0 || t[r] >= classes) {
                for (int c = 0; c < classes; c++) {
                    out[r * classes + c] = Double.NaN;
                    scale[r * classes + c] = 1;
                }
                continue;
            }
            double m = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < classes; c++) {
                m = Math.max(m, logits[r * classes + c]);
            }
            double s = 0;
            for (int c = 0; c < classes; c++) {
                s += Math.exp(logits[r * classes + c] - m);
            }
            double gr = g[r * gStride];
            double eps = ls;
            for (int c = 0; c < classes; c++) {
                double d = logits[r * classes + c] - m;
                double p = Math.exp(d) / s;
                double hit = c == t[r] ? 1 - eps : 0;
                out[r * classes + c] = gr * (p - hit - eps / classes);
                scale[r * classes + c] = Math.abs(gr)
                        * (p * Math.max(Math.max(1, Math.abs(d)), Math.sqrt(classes)) + hit + eps / classes);
            }
        }
        return new Result(out, scale);
    }
}
