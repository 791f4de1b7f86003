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
     * Reduction of x viewed as [outer, len, inner] along the middle axis: each row through the
     * entry's {@link ReduceOp#reference} and {@link ReduceOp#errorScale}.
     */
    static Result reduce(ReduceOp op, float[] x, int outer, int len, int inner) {
        double[] out = new double[outer * inner];
        double[] scale = new double[outer * inner];
        double[] row = new double[len];
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                for (int l = 0; l < len; l++) {
                    row[l] = x[(o * len + l) * inner + i];
                }
                int k = o * inner + i;
                out[k] = op.reference(row);
                scale[k] = op.errorScale(row, out[k]);
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
