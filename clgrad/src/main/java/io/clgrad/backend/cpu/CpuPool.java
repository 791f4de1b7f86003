package io.clgrad.backend.cpu;

import io.clgrad.backend.PoolSpec;

/**
 * 2-D max and average pooling and their gradients over [planes, height, width] (see
 * {@link PoolSpec}), the twins of {@code kernels-cl/pool.cl}. The forwards make one output at a
 * time, walking its window as PyTorch's CPU kernels do (first of equal maxima, NaN wins); the
 * backwards gather: each input element adds up the outputs whose windows hold it (and, for max,
 * whose index points at it), so no two tasks write one element and the sums need no atomics.
 * Sums are kept in double and rounded once.
 */
final class CpuPool {
    /** Whether {@link VectorPool} can be used: the JVM has the Vector API module. */
    private static final boolean VECTOR = CpuMatmul.vectorKernelsUsable();

    private final CpuParallel par;

    CpuPool(CpuParallel par) {
        this.par = par;
    }

    /** One output element of a forward: its plane's first input element, its row and column, its position. */
    private interface OutputBody {
        void run(int base, int r, int c, int o);
    }

    /** Runs {@code body} for every output element, a task taking whole output rows. */
    private void forEachOutput(PoolSpec s, OutputBody body) {
        int oh = s.outHeight();
        int ow = s.outWidth();
        int plane = s.height() * s.width();
        par.forEach(s.planes() * oh, s.windowWork(), (lo, hi) -> {
            for (int row = lo; row < hi; row++) {
                for (int c = 0; c < ow; c++) {
                    body.run((row / oh) * plane, row % oh, c, row * ow + c);
                }
            }
        });
    }

    /**
     * Max pooling of x into out, and each maximum's position into idx (null: not wanted): with the
     * Vector API ({@link VectorPool}) when every window lies inside the input, else
     * {@link #maxForwardPlain}.
     */
    void maxForward(PoolSpec s, float[] x, float[] out, int[] idx) {
        if (VECTOR && isTwoByTwo(s)) {
            VectorPool.maxForward2x2(par, s, x, out, idx);
            return;
        }
        if (VECTOR && VectorPool.applies(s)) {
            VectorPool.maxForward(par, s, x, out, idx);
            return;
        }
        maxForwardPlain(s, x, out, idx);
    }

    /**
     * Whether {@code s} is the CNNs' 2×2 window at stride 2 (no padding, no dilation) with every
     * window inside the input ({@link VectorPool#maxForward2x2}).
     */
    static boolean isTwoByTwo(PoolSpec s) {
        return s.kernelH() == 2 && s.kernelW() == 2 && s.strideH() == 2 && s.strideW() == 2 && s.padH() == 0
                && s.padW() == 0 && s.dilationH() == 1 && s.dilationW() == 1
                && 2 * s.outHeight() <= s.height() && 2 * s.outWidth() <= s.width();
    }

    /**
     * The plain twin of {@link #maxForward}: a task per run of output rows, each row's window rows
     * clipped once and its columns per output; any geometry.
     */
    void maxForwardPlain(PoolSpec s, float[] x, float[] out, int[] idx) {
        int oh = s.outHeight();
        int ow = s.outWidth();
        int h = s.height();
        int w = s.width();
        int plane = h * w;
        int sh = s.strideH();
        int sw = s.strideW();
        int dh = s.dilationH();
        int dw = s.dilationW();
        int spanH = (s.kernelH() - 1) * dh + 1;
        int spanW = (s.kernelW() - 1) * dw + 1;
        par.forEach(s.planes() * oh, s.windowWork(), (lo, hi) -> {
            for (int row = lo; row < hi; row++) {
                int base = (row / oh) * plane;
                int ih0 = (row % oh) * sh - s.padH();
                int ih1 = Math.min(ih0 + spanH, h);
                while (ih0 < 0) {
                    ih0 += dh;
                }
                for (int c = 0, o = row * ow; c < ow; c++, o++) {
                    int iw0 = c * sw - s.padW();
                    int iw1 = Math.min(iw0 + spanW, w);
                    while (iw0 < 0) {
                        iw0 += dw;
                    }
                    int best = ih0 * w + iw0;
                    float max = Float.NEGATIVE_INFINITY;
                    for (int ih = ih0; ih < ih1; ih += dh) {
                        int at = ih * w;
                        for (int iw = iw0; iw < iw1; iw += dw) {
                            float v = x[base + at + iw];
                            boolean take = v > max | v != v;   // no branch: maxima of random data are unpredictable
                            max = take ? v : max;
                            best = take ? at + iw : best;
                        }
                    }
                    out[o] = max;
                    if (idx != null) {
                        idx[o] = best;
                    }
                }
            }
        });
    }

    /** Average pooling of x into out. */
    void avgForward(PoolSpec s, float[] x, float[] out) {
        int h = s.height();
        int w = s.width();
        forEachOutput(s, (base, r, c, o) -> {
            int h0 = Math.max(r * s.strideH() - s.padH(), 0);
            int h1 = Math.min(r * s.strideH() - s.padH() + s.kernelH(), h);
            int w0 = Math.max(c * s.strideW() - s.padW(), 0);
            int w1 = Math.min(c * s.strideW() - s.padW() + s.kernelW(), w);
            double sum = 0;
            for (int ih = h0; ih < h1; ih++) {
                for (int iw = w0; iw < w1; iw++) {
                    sum += x[base + ih * w + iw];
                }
            }
            out[o] = h0 >= h1 || w0 >= w1 ? 0f : (float) (sum / divisor(s, r, c));
        });
    }

    /**
     * Gradient of max pooling: each input element sums the upstream gradients whose index is its own.
     * When no two windows share an input element ({@link #disjoint}), each element has at most one
     * such gradient, and {@link #maxBackwardDisjoint} writes it directly; otherwise {@link #gather}.
     */
    void maxBackward(PoolSpec s, float[] g, int[] idx, float[] gin) {
        if (disjoint(s)) {
            maxBackwardDisjoint(s, g, idx, gin);
        } else {
            gather(s, g, idx, gin);
        }
    }

    /** The plain twin of {@link #maxBackward}: the gather, whatever the geometry. */
    void maxBackwardGather(PoolSpec s, float[] g, int[] idx, float[] gin) {
        gather(s, g, idx, gin);
    }

    /**
     * Whether no two windows overlap: a window spans {@code (kernel-1)·dilation+1} input rows (columns),
     * no more than the stride on both axes (the CNN's 2×2 stride 2 pooling).
     */
    static boolean disjoint(PoolSpec s) {
        return (s.kernelH() - 1) * s.dilationH() + 1 <= s.strideH()
                && (s.kernelW() - 1) * s.dilationW() + 1 <= s.strideW();
    }

    /**
     * Max pooling's gradient for disjoint windows, a task per run of planes: each plane is zeroed, then
     * each of its outputs writes its gradient at its index. {@code g + 0f} gives +0 for a -0 gradient, as the
     * gather's sum starting from +0 does, so both paths agree bit for bit.
     */
    private void maxBackwardDisjoint(PoolSpec s, float[] g, int[] idx, float[] gin) {
        int plane = s.height() * s.width();
        int outs = s.outHeight() * s.outWidth();
        par.forEach(s.planes(), s.inputCount(), (lo, hi) -> {
            for (int p = lo; p < hi; p++) {
                int base = p * plane;
                // zeroed plane by plane, so the writes below find it in cache (a task's whole range is
                // megabytes for the CNN's first pooling: zeroed first, it was out of cache again)
                java.util.Arrays.fill(gin, base, base + plane, 0f);
                for (int o = p * outs, end = o + outs; o < end; o++) {
                    gin[base + idx[o]] = g[o] + 0f;
                }
            }
        });
    }

    /** Gradient of average pooling: each input element sums gradOut/divisor over the windows holding it. */
    void avgBackward(PoolSpec s, float[] g, float[] gin) {
        gather(s, g, null, gin);
    }

    /**
     * The backwards: gin[p, i] sums, over the outputs o of plane p whose window holds i, g[o] where
     * idx[o] == i (max pooling, idx given) or g[o] / divisor(o) (average pooling, idx null).
     */
    private void gather(PoolSpec s, float[] g, int[] idx, float[] gin) {
        int oh = s.outHeight();
        int ow = s.outWidth();
        int h = s.height();
        int w = s.width();
        par.forEach(s.planes() * h, (long) s.inputCount() * s.kernelH() * s.kernelW(), (lo, hi) -> {
            for (int row = lo; row < hi; row++) {
                int obase = (row / h) * oh * ow;
                int ih = row % h;
                for (int iw = 0; iw < w; iw++) {
                    double sum = 0;
                    for (int kh = 0; kh < s.kernelH(); kh++) {
                        int r = window(ih + s.padH() - kh * s.dilationH(), s.strideH(), oh);
                        for (int kw = 0; r >= 0 && kw < s.kernelW(); kw++) {
                            int c = window(iw + s.padW() - kw * s.dilationW(), s.strideW(), ow);
                            if (c < 0) {
                                continue;
                            }
                            int o = obase + r * ow + c;
                            if (idx == null) {
                                sum += g[o] / (double) divisor(s, r, c);
                            } else if (idx[o] == ih * w + iw) {
                                sum += g[o];
                            }
                        }
                    }
                    gin[row * w + iw] = (float) sum;
                }
            }
        });
    }

    /**
     * The output row (or column) whose window starts {@code offset} padded positions before an input
     * element, i.e. {@code offset / stride} when that is whole and below {@code count}; else -1.
     */
    private static int window(int offset, int stride, int count) {
        if (offset < 0 || offset % stride != 0) {
            return -1;
        }
        int o = offset / stride;
        return o < count ? o : -1;
    }

    /** PyTorch's divide_factor of output (r, c): the override, or the window's size with or without padding. */
    private static int divisor(PoolSpec s, int r, int c) {
        if (s.divisorOverride() != 0) {
            return s.divisorOverride();
        }
        int hs = r * s.strideH() - s.padH();
        int ws = c * s.strideW() - s.padW();
        int he = Math.min(hs + s.kernelH(), s.height() + s.padH());
        int we = Math.min(ws + s.kernelW(), s.width() + s.padW());
        if (s.countIncludePad()) {
            return (he - hs) * (we - ws);
        }
        return (Math.min(he, s.height()) - Math.max(hs, 0)) * (Math.min(we, s.width()) - Math.max(ws, 0));
    }
}
