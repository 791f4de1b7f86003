package io.clgrad.backend.conformance;

import io.clgrad.backend.Backend;
import io.clgrad.backend.PoolSpec;

/**
 * Double-precision reference for {@link Backend#maxPool2d}, {@link Backend#avgPool2d} and their
 * gradients, written from PyTorch's definitions window by window, independently of the backends:
 * the output size is found by counting the windows that qualify (not from
 * {@link PoolSpec#outputSize}), each window is visited position by position in the padded input,
 * the average's divisor is a count of positions, and the gradients are scattered from the
 * outputs (the backends gather).
 */
final class RefPool {
    private RefPool() {
    }

    /** A result with a tolerance scale per element. */
    record Result(double[] value, double[] scale) {
    }

    /**
     * Windows along one axis: window {@code o} spans {@code [o·stride − pad, o·stride − pad + eff)},
     * eff = dilation·(kernel−1)+1. Without ceil mode a window counts when it ends inside the padded
     * input {@code [−pad, in+pad)}; in ceil mode when the window before it (o−1, real or not) ended
     * before the padded input does and it starts inside the input or its left padding.
     */
    static int outSize(int in, int kernel, int pad, int stride, int dilation, boolean ceil) {
        long eff = (long) dilation * (kernel - 1) + 1;
        int n = 0;
        while (true) {
            long start = (long) n * stride - pad;
            boolean counts = ceil ? start - stride + eff < in + pad && start < in : start + eff <= in + pad;
            if (!counts) {
                return n;
            }
            n++;
        }
    }

    static int outH(PoolSpec s) {
        return outSize(s.height(), s.kernelH(), s.padH(), s.strideH(), s.dilationH(), s.ceilMode());
    }

    static int outW(PoolSpec s) {
        return outSize(s.width(), s.kernelW(), s.padW(), s.strideW(), s.dilationW(), s.ceilMode());
    }

    /** Max pooling: values (scale 0: exact) and indices (exact). */
    static Result[] max(PoolSpec s, float[] x) {
        int oh = outH(s);
        int ow = outW(s);
        int n = s.planes() * oh * ow;
        double[] value = new double[n];
        double[] index = new double[n];
        for (int p = 0; p < s.planes(); p++) {
            for (int r = 0; r < oh; r++) {
                for (int c = 0; c < ow; c++) {
                    double best = Double.NEGATIVE_INFINITY;
                    int at = -1;
                    for (int kh = 0; kh < s.kernelH(); kh++) {
                        int ih = r * s.strideH() - s.padH() + kh * s.dilationH();
                        for (int kw = 0; kw < s.kernelW(); kw++) {
                            int iw = c * s.strideW() - s.padW() + kw * s.dilationW();
                            if (ih < 0 || ih >= s.height() || iw < 0 || iw >= s.width()) {
                                continue;   // padding never wins
                            }
                            double v = x[(p * s.height() + ih) * s.width() + iw];
                            // the first in-range position holds until a larger value or a NaN comes
                            if (at < 0 || v > best || Double.isNaN(v)) {
                                best = v;
                                at = ih * s.width() + iw;
                            }
                        }
                    }
                    int o = (p * oh + r) * ow + c;
                    value[o] = best;
                    index[o] = at;
                }
            }
        }
        return new Result[] {new Result(value, new double[n]), new Result(index, new double[n])};
    }

    /** Gradient of max pooling: each output's gradient added at its index. */
    static Result maxBackward(PoolSpec s, float[] g, int[] indices) {
        int plane = outH(s) * outW(s);
        int in = s.height() * s.width();
        Scatter acc = new Scatter(s.planes() * in);
        for (int o = 0; o < g.length; o++) {
            acc.add((o / plane) * in + indices[o], g[o]);
        }
        return acc.result();
    }

    /** Average pooling: window sums over their divisors; scale from the terms x/divisor. */
    static Result avg(PoolSpec s, float[] x) {
        int oh = outH(s);
        int ow = outW(s);
        int n = s.planes() * oh * ow;
        double[] value = new double[n];
        double[] scale = new double[n];
        for (int p = 0; p < s.planes(); p++) {
            for (int r = 0; r < oh; r++) {
                for (int c = 0; c < ow; c++) {
                    double div = divisor(s, r, c);
                    double sum = 0;
                    double maxTerm = 0;
                    int terms = 0;
                    for (int kh = 0; kh < s.kernelH(); kh++) {
                        for (int kw = 0; kw < s.kernelW(); kw++) {
                            int ih = r * s.strideH() - s.padH() + kh;
                            int iw = c * s.strideW() - s.padW() + kw;
                            if (ih >= 0 && ih < s.height() && iw >= 0 && iw < s.width()) {
                                double v = x[(p * s.height() + ih) * s.width() + iw];
                                sum += v;
                                maxTerm = Math.max(maxTerm, Math.abs(v / div));
                                terms++;
                            }
                        }
                    }
                    int o = (p * oh + r) * ow + c;
                    value[o] = terms == 0 ? 0 : sum / div;
                    scale[o] = Tolerance.accum(value[o], Math.max(terms, 1), maxTerm);
                }
            }
        }
        return new Result(value, scale);
    }

    /** Gradient of average pooling: each output's gradient over its divisor, added at every input of its window. */
    static Result avgBackward(PoolSpec s, float[] g) {
        int oh = outH(s);
        int ow = outW(s);
        Scatter acc = new Scatter(s.planes() * s.height() * s.width());
        for (int p = 0; p < s.planes(); p++) {
            for (int r = 0; r < oh; r++) {
                for (int c = 0; c < ow; c++) {
                    double t = g[(p * oh + r) * ow + c] / (double) divisor(s, r, c);
                    for (int kh = 0; kh < s.kernelH(); kh++) {
                        for (int kw = 0; kw < s.kernelW(); kw++) {
                            int ih = r * s.strideH() - s.padH() + kh;
                            int iw = c * s.strideW() - s.padW() + kw;
                            if (ih >= 0 && ih < s.height() && iw >= 0 && iw < s.width()) {
                                acc.add((p * s.height() + ih) * s.width() + iw, t);
                            }
                        }
                    }
                }
            }
        }
        return acc.result();
    }

    /**
     * The divisor of window (r, c): the override; else its positions that lie in the padded input
     * (count_include_pad) or in the input, counted one by one.
     */
    static int divisor(PoolSpec s, int r, int c) {
        if (s.divisorOverride() != 0) {
            return s.divisorOverride();
        }
        int count = 0;
        int pad = s.countIncludePad() ? 1 : 0;
        for (int kh = 0; kh < s.kernelH(); kh++) {
            for (int kw = 0; kw < s.kernelW(); kw++) {
                int ih = r * s.strideH() - s.padH() + kh;
                int iw = c * s.strideW() - s.padW() + kw;
                if (ih >= -pad * s.padH() && ih < s.height() + pad * s.padH()
                        && iw >= -pad * s.padW() && iw < s.width() + pad * s.padW()) {
                    count++;
                }
            }
        }
        return count;
    }

    /** Sums scattered terms in double, keeping the count and largest term per element for the scale. */
    private static final class Scatter {
        private final double[] sum;
        private final double[] maxTerm;
        private final int[] terms;

        Scatter(int n) {
            sum = new double[n];
            maxTerm = new double[n];
            terms = new int[n];
        }

        void add(int i, double t) {
            sum[i] += t;
            maxTerm[i] = Math.max(maxTerm[i], Math.abs(t));
            terms[i]++;
        }

        Result result() {
            double[] scale = new double[sum.length];
            for (int i = 0; i < sum.length; i++) {
                scale[i] = Tolerance.accum(sum[i], Math.max(terms[i], 1), maxTerm[i]);
            }
            return new Result(sum, scale);
        }
    }
}
