package io.clgrad.backend.cpu;

/**
 * The fused loss kernels: binary cross-entropy with logits and softmax cross-entropy, forward and
 * backward, per element (BCE) or per row (cross-entropy). Each value is computed in double from
 * the float inputs and rounded to float once. Formulas are those of {@link io.clgrad.backend.Backend}.
 */
final class CpuLosses {
    private final CpuParallel par;

    CpuLosses(CpuParallel par) {
        this.par = par;
    }

    /**
     * {@code out[i] = w·[(1-y)·x + (1+(pw-1)·y)·(log1p(exp(-|x|)) + max(-x, 0))]}; a null
     * {@code w} or {@code pw} means 1.
     */
    void bceWithLogits(float[] x, float[] y, float[] w, float[] pw, float[] out, int n) {
        par.forEach(n, 8L * n, (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                double xi = x[i];
                double yi = y[i];
                double p = pw == null ? 1.0 : pw[i];
                double softplusNeg = Math.log1p(Math.exp(-Math.abs(xi))) + Math.max(-xi, 0.0); // log(1+e^-x), stable
                double l = (1.0 - yi) * xi + (1.0 + (p - 1.0) * yi) * softplusNeg;
                out[i] = (float) (w == null ? l : w[i] * l);
            }
        });
    }

    /** {@code out[i] = scale · g[i·gStride] · w · ((pw·y + 1 - y)·σ(x) - pw·y)}. */
    void bceWithLogitsBackward(float[] x, float[] y, float[] w, float[] pw, float[] g, int gStride,
                               float scale, float[] out, int n) {
        par.forEach(n, 8L * n, (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                double xi = x[i];
                double yi = y[i];
                double p = pw == null ? 1.0 : pw[i];
                double sig = 1.0 / (1.0 + Math.exp(-xi));
                double d = (p * yi + 1.0 - yi) * sig - p * yi;
                double wi = w == null ? 1.0 : w[i];
                out[i] = (float) ((double) scale * g[i * gStride] * wi * d);
            }
        });
    }

    /**
     * {@code loss[0] = scale · Σ l_i} (summed in double) and, when {@code grad} is not null,
     * {@code grad[i] = scale · w · ((pw·y + 1 - y)·σ(x) - pw·y)}: the fused twin of
     * {@link #bceWithLogits} and {@link #bceWithLogitsBackward}, single-threaded (small losses).
     */
    void bceWithLogitsFused(float[] x, float[] y, float[] w, float[] pw, float[] loss, float[] grad, int n,
                            float scale) {
        double sum = 0;
        for (int i = 0; i < n; i++) {
            double xi = x[i];
            double yi = y[i];
            double p = pw == null ? 1.0 : pw[i];
            double wi = w == null ? 1.0 : w[i];
            double softplusNeg = Math.log1p(Math.exp(-Math.abs(xi))) + Math.max(-xi, 0.0);
            sum += wi * ((1.0 - yi) * xi + (1.0 + (p - 1.0) * yi) * softplusNeg);
            if (grad != null) {
                double sig = 1.0 / (1.0 + Math.exp(-xi));
                grad[i] = (float) (scale * wi * ((p * yi + 1.0 - yi) * sig - p * yi));
            }
        }
        loss[0] = (float) (sum * scale);
    }

    /**
     * Per row r of logits [rows, classes]: {@code loss[r] = -((1-ε)·logp[t] + (ε/C)·Σ_c logp[c])}
     * and valid[r] = 1; both 0 where t == ignoreIndex; loss NaN (valid 1) for another target
     * outside [0, C). {@code valid} is written to whichever of validF/validI is non-null.
     */
    void crossEntropy(float[] logits, int[] targets, float[] loss, float[] validF, int[] validI,
                      int rows, int classes, int ignoreIndex, float labelSmoothing) {
        double eps = labelSmoothing;
        par.forEach(rows, 4L * rows * classes, (lo, hi) -> {
            for (int r = lo; r < hi; r++) {
                int t = targets[r];
                boolean ignored = t == ignoreIndex;
                if (validF != null) {
                    validF[r] = ignored ? 0f : 1f;
                } else {
                    validI[r] = ignored ? 0 : 1;
                }
                if (ignored) {
                    loss[r] = 0f;
                    continue;
                }
                if (t < 0 || t >= classes) {
                    loss[r] = Float.NaN;
                    continue;
                }
                loss[r] = (float) rowLoss(logits, r * classes, classes, t, eps);
            }
        });
    }

    /**
     * {@code out[r][c] = g[r·gStride] · (softmax[r][c] - (1-ε)·[c == t] - ε/C)}, 0 for ignored
     * rows. A target outside [0, C) (and not ignoreIndex) gives a row of NaN, as its loss is NaN.
     */
    void crossEntropyBackward(float[] logits, int[] targets, float[] g, int gStride, float[] out,
                              int rows, int classes, int ignoreIndex, float labelSmoothing) {
        double eps = labelSmoothing;
        double off = eps / classes;
        par.forEach(rows, 4L * rows * classes, (lo, hi) -> {
            for (int r = lo; r < hi; r++) {
                int t = targets[r];
                int base = r * classes;
                if (t == ignoreIndex) {
                    java.util.Arrays.fill(out, base, base + classes, 0f);
                    continue;
                }
                if (t < 0 || t >= classes) {
                    java.util.Arrays.fill(out, base, base + classes, Float.NaN);
                    continue;
                }
                double lse = CpuSoftmax.logSumExp(logits, base, classes);
                double gr = g[r * gStride];
                for (int c = 0; c < classes; c++) {
                    double sm = Math.exp(logits[base + c] - lse);
                    double hot = c == t ? 1.0 - eps : 0.0;
                    out[base + c] = (float) (gr * (sm - hot - off));
                }
            }
        });
    }

    /**
     * The fused twin of {@link #crossEntropy} plus its reduction and {@link #crossEntropyBackward}:
     * {@code loss[0]} = Σ row losses over non-ignored rows (÷ their count when {@code mean}), and
     * when {@code grad} is not null the gradient of that loss. Row losses in double.
     */
    void crossEntropyFused(float[] logits, int[] targets, float[] loss, float[] grad, int rows, int classes,
                           int ignoreIndex, float labelSmoothing, boolean mean) {
        double eps = labelSmoothing;
        double total = 0;
        int count = 0;
        for (int r = 0; r < rows; r++) {
            int t = targets[r];
            if (t == ignoreIndex) {
                continue;
            }
            count++;
            if (t < 0 || t >= classes) {
                total = Double.NaN;
                continue;
            }
            total += rowLoss(logits, r * classes, classes, t, eps);
        }
        double scale = mean ? 1.0 / count : 1.0;
        loss[0] = (float) (mean ? total / count : total);
        if (grad == null) {
            return;
        }
        double off = eps / classes;
        for (int r = 0; r < rows; r++) {
            int t = targets[r];
            int base = r * classes;
            if (t == ignoreIndex || t < 0 || t >= classes) {
                java.util.Arrays.fill(grad, base, base + classes, t == ignoreIndex ? 0f : Float.NaN);
                continue;
            }
            double lse = CpuSoftmax.logSumExp(logits, base, classes);
            for (int c = 0; c < classes; c++) {
                double sm = Math.exp(logits[base + c] - lse);
                grad[base + c] = (float) (scale * (sm - (c == t ? 1.0 - eps : 0.0) - off));
            }
        }
    }

    /** One row's {@code -((1-ε)·logp[t] + (ε/C)·Σ_c logp[c])}, in double, for a target t in [0, C). */
    private static double rowLoss(float[] logits, int base, int classes, int t, double eps) {
        double lse = CpuSoftmax.logSumExp(logits, base, classes);
        double logpT = logits[base + t] - lse;
        if (eps == 0) {
            // Without smoothing the other classes' log-probabilities are not part of the loss: a
            // masked (-inf) logit elsewhere in the row must not turn 0·(-inf) into NaN.
            return -logpT;
        }
        double sumX = 0;
        for (int c = 0; c < classes; c++) {
            sumX += logits[base + c];
        }
        return -((1.0 - eps) * logpT + (eps / classes) * (sumX - classes * lse));
    }
}
