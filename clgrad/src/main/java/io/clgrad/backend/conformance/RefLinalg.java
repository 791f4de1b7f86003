package io.clgrad.backend.conformance;

import io.clgrad.backend.Backend;
import io.clgrad.backend.MatmulSpec;
import io.clgrad.backend.ReduceOp;
/**
 * Double-precision reference for {@link Backend#matmul}, {@link Backend#reduce} and
 * {@link Backend#softmax}, with the tolerance scale of every output element (see {@link Tolerance}).
 */
final class RefLinalg {
    private RefLinalg() {
    }

    /** A result with a tolerance scale per element. */
    record Result(double[] value, double[] scale) {
    }

    /**
     * {@code C[b][i][j] = Σ_p A[b][i][p]·B[b][p][j]}, operands read through the spec's offsets and
     * strides; scale {@code max(1, |c|, sqrt(k)·max_p |a·b|)}.
     */
    static Result matmul(MatmulSpec s, float[] a, float[] b) {
        int n = s.batch() * s.m() * s.n();
        double[] c = new double[n];
        double[] scale = new double[n];
        for (int bb = 0; bb < s.batch(); bb++) {
            for (int i = 0; i < s.m(); i++) {
                for (int j = 0; j < s.n(); j++) {
                    double sum = 0;
                    double maxTerm = 0;
                    for (int p = 0; p < s.k(); p++) {
                        double t = (double) a[s.aOffset() + bb * s.aBatchStride() + i * s.aRowStride() + p * s.aColStride()]
                                * b[s.bOffset() + bb * s.bBatchStride() + p * s.bRowStride() + j * s.bColStride()];
                        sum += t;
                        maxTerm = Math.max(maxTerm, Math.abs(t));
                    }
                    int o = (bb * s.m() + i) * s.n() + j;
                    c[o] = sum;
                    scale[o] = Tolerance.accum(sum, s.k(), maxTerm);
                }
            }
        }
        return new Result(c, scale);
    }

    /**
     * Reduction of x viewed as [outer, len, inner] along the middle axis. MAX/MIN propagate NaN;
     * ARGMAX/ARGMIN give the first index among ties (exact). SUM uses the accumulation scale, MEAN the
     * same divided by len, MAX/MIN are exact.
     */
    static Result reduce(ReduceOp op, float[] x, int outer, int len, int inner) {
        double[] out = new double[outer * inner];
        double[] scale = new double[outer * inner];
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                double sum = 0;
                double maxAbs = 0;
                double best = x[o * len * inner + i];
                int bestAt = 0;
                boolean nan = false;
                for (int l = 0; l < len; l++) {
                    double v = x[(o * len + l) * inner + i];
                    sum += v;
                    maxAbs = Math.max(maxAbs, Math.abs(v));
                    nan |= Double.isNaN(v);
                    boolean better = (op == ReduceOp.MAX || op == ReduceOp.ARGMAX) ? v > best : v < best;
                    if (better) {
                        best = v;
                        bestAt = l;
                    }
                }
                int k = o * inner + i;
                switch (op) {
                    case SUM:
                        out[k] = sum;
                        scale[k] = Tolerance.accum(sum, len, maxAbs);
                        break;
                    case MEAN:
                        out[k] = sum / len;
                        scale[k] = Tolerance.accum(sum / len, len, maxAbs / len);
                        break;
                    case MAX:
                    case MIN:
                        out[k] = nan ? Double.NaN : best;
                        break;
                    default:
                        out[k] = bestAt;
                        break;
                }
            }
        }
        return new Result(out, scale);
    }

    /**
     * Softmax (or log-softmax) along the middle axis of [outer, len, inner]. With m the max and
     * S = Σ exp(x - m): softmax = exp(x - m)/S, relative scale max(1, |x - m|, sqrt(len)) (rounding of
     * x - m is amplified by exp, and S is a len-term sum of positives); log-softmax = (x - m) - ln S,
     * absolute scale max(1, |x - m| + |ln S|, sqrt(len)).
     */
    static Result softmax(float[] x, int outer, int len, int inner, boolean log) {
        int n = outer * len * inner;
        double[] out = new double[n];
        double[] scale = new double[n];
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                double m = Double.NEGATIVE_INFINITY;
                for (int l = 0; l < len; l++) {
                    m = Math.max(m, x[(o * len + l) * inner + i]);
                }
                double s = 0;
                for (int l = 0; l < len; l++) {
                    s += Math.exp(x[(o * len + l) * inner + i] - m);
                }
                double lnS = Math.log(s);
                for (int l = 0; l < len; l++) {
                    int k = (o * len + l) * inner + i;
                    double d = x[k] - m;
                    if (log) {
                        out[k] = d - lnS;
                        scale[k] = Math.max(Math.max(1, Math.abs(d) + lnS), Math.sqrt(len));
                    } else {
                        out[k] = Math.exp(d) / s;
                        scale[k] = out[k] * Math.max(Math.max(1, Math.abs(d)), Math.sqrt(len));
                    }
                }
            }
        }
        return new Result(out, scale);
    }
}
