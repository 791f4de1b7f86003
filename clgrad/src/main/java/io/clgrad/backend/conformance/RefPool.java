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

    /** One output element: its plane, row and column, and its position in the output. */
    private interface OutputBody {
        void run(int p, int r, int c, int o);
    }

    /** Runs {@code body} for every output element, in order. */
    private static void forEachOutput(PoolSpec s, OutputBody body) {
        int oh = outH(s);
        int ow = outW(s);
        for (int o = 0; o < s.planes() * oh * ow; o++) {
            body.run(o / (oh * ow), (o / ow) % oh, o % ow, o);
        }
    }

    /** Max pooling: values (scale 0: exact) and indices (exact). */
    static Result[] max(PoolSpec s, float[] x) {
        int n = s.planes() * outH(s) * outW(s);
        double[] value = new double[n];
        double[] index = new double[n];
        forEachOutput(s, (p, r, c, o) -> {
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
            value[o] = best;
            index[o] = at;
        });
        return new Result[] {new Result(value, new double[n]), new Result(index, new double[n])};
    }

    /** The indices of {@link #max} as ints (what a backward case feeds {@link Backend#maxPool2dBackward}). */
    static int[] indices(PoolSpec s, float[] x) {
        double[] d = max(s, x)[1].value();
        int[] idx = new int[d.length];
        for (int i = 0; i < d.length; i++) {
            idx[i] = (int) d[i];
        }
        return idx;
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
        int n = s.planes() * outH(s) * outW(s);
        double[] value = new double[n];
        double[] scale = new double[n];
        forEachOutput(s, (p, r, c, o) -> {
            double div = divisor(s, r, c);
            double sum = 0;
            double maxTerm = 0;
            int terms = 0;
            for (int i : windowInputs(s, p, r, c)) {
                sum += x[i];
                maxTerm = Math.max(maxTerm, Math.abs(x[i] / div));
                terms++;
            }
            value[o] = terms == 0 ? 0 : sum / div;
            scale[o] = Tolerance.accum(value[o], Math.max(terms, 1), maxTerm);
        });
        return new Result(value, scale);
    }

    /** Gradient of average pooling: each output's gradient over its divisor, added at every input of its window. */
    static Result avgBackward(PoolSpec s, float[] g) {
        Scatter acc = new Scatter(s.planes() * s.height() * s.width());
        forEachOutput(s, (p, r, c, o) -> {
            double t = g[o] / (double) divisor(s, r, c);
            for (int i : windowInputs(s, p, r, c)) {
                acc.add(i, t);
            }
        });
        return acc.result();
    }

    /** The input elements (flat, in [planes, H, W]) of average pooling window (p, r, c). */
    private static int[] windowInputs(PoolSpec s, int p, int r, int c) {
        java.util.List<Integer> in = new java.util.ArrayList<>();
        for (int kh = 0; kh < s.kernelH(); kh++) {
            for (int kw = 0; kw < s.kernelW(); kw++) {
                int ih = r * s.strideH() - s.padH() + kh;
                int iw = c * s.strideW() - s.padW() + kw;
                if (ih >= 0 && ih < s.height() && iw >= 0 && iw < s.width()) {
                    in.add((p * s.height() + ih) * s.width() + iw);
                }
            }
        }
        return in.stream().mapToInt(Integer::intValue).toArray();
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
