package io.clgrad.backend.cpu;

import io.clgrad.backend.ConvSpec;

/**
 * The patch copies of a 2-D convolution (see {@link ConvSpec}): im2col writes one row of the
 * patch matrix per output pixel; col2im adds every patch element back onto the pixel it was copied
 * from, one image per task (so no two tasks write one pixel). Both split their work over the
 * worker pool, and walk an output row's patches a tap row (c, i) at a time,
 * the output columns whose windows lie inside the input ({@link #inside}) without bounds checks.
 * col2im sums each pixel's terms in float with the taps descending (i, then j), the order of the
 * OpenCL kernel's gather, so the two backends agree bit for bit. {@link #im2colPlain} and
 * {@link #col2imPlain} are the per-element twins the tests compare them with.
 */
final class CpuConv {
    private final CpuParallel par;
    private final CpuConvConfig config;

    /** The patch copies with the built-in split by work ({@link CpuConvConfig#AUTO}). */
    CpuConv(CpuParallel par) {
        this(par, CpuConvConfig.AUTO);
    }

    /** The patch copies with {@code config}'s chunks per thread (the tuned or a candidate configuration). */
    CpuConv(CpuParallel par, CpuConvConfig config) {
        this.par = par;
        this.config = config;
    }

    /** The configuration these copies run with. */
    CpuConvConfig config() {
        return config;
    }

    /**
     * {@code cols = im2col(x)}: a task per run of output rows (g, n, oh); each row's patches are
     * written a tap row (c, i) at a time across the output columns, the columns whose window lies
     * inside the input ({@link #inside}) without per-element bounds checks. Same values as
     * {@link #im2colPlain}.
     */
    void im2col(ConvSpec s, float[] x, float[] cols) {
        int outH = s.outH();
        int units = s.groups() * s.batch() * outH;
        par.forEachChunked(units, s.colsSize(), config.im2col(), (lo, hi) -> {
            for (int u = lo; u < hi; u++) {
                patchRow(s, x, cols, u / (outH * s.batch()), (u / outH) % s.batch(), u % outH, u * s.outW());
            }
        });
    }

    /**
     * The output columns [lo, hi) whose windows lie inside the input's columns (no left or right
     * padding read): {@code ow·sw - padLeft >= 0} and {@code ow·sw - padLeft + (kw-1)·dw < width}.
     */
    static int[] inside(ConvSpec s) {
        int outW = s.outW();
        int sw = s.strideW();
        int lo = Math.min((s.padLeft() + sw - 1) / sw, outW);
        int last = s.width() - 1 + s.padLeft() - (s.kernelW() - 1) * s.dilationW();   // ow·sw <= last
        int hi = last < 0 ? 0 : Math.min(last / sw + 1, outW);
        return new int[] {lo, Math.max(lo, hi)};
    }

    /** The patch-matrix rows row0.. of output row oh of image n, channels of group g, all output columns. */
    private static void patchRow(ConvSpec s, float[] x, float[] cols, int g, int n, int oh, int row0) {
        int[] in = inside(s);
        int k = s.patchSize();
        int kw = s.kernelW();
        int dw = s.dilationW();
        int sw = s.strideW();
        int outW = s.outW();
        int h0 = oh * s.strideH() - s.padTop();
        for (int c = 0; c < s.groupChannels(); c++) {
            int plane = (n * s.channels() + g * s.groupChannels() + c) * s.height();
            for (int i = 0; i < s.kernelH(); i++) {
                int at = row0 * k + (c * s.kernelH() + i) * kw;   // tap (c, i, 0) of column 0
                int h = h0 + i * s.dilationH();
                if (h < 0 || h >= s.height()) {
                    for (int ow = 0, o = at; ow < outW; ow++, o += k) {
                        for (int j = 0; j < kw; j++) {
                            cols[o + j] = 0f;
                        }
                    }
                    continue;
                }
                int rowBase = (plane + h) * s.width();
                int rowAt = rowBase - s.padLeft();   // + ow·sw + j·dw
                for (int ow = 0; ow < in[0]; ow++) {
                    edge(x, cols, at + ow * k, rowBase, ow * sw - s.padLeft(), kw, dw, s.width());
                }
                if (kw == 3 && dw == 1) {
                    for (int ow = in[0], o = at + in[0] * k, src = rowAt + in[0] * sw; ow < in[1];
                         ow++, o += k, src += sw) {
                        cols[o] = x[src];
                        cols[o + 1] = x[src + 1];
                        cols[o + 2] = x[src + 2];
                    }
                } else {
                    for (int ow = in[0], o = at + in[0] * k, src = rowAt + in[0] * sw; ow < in[1];
                         ow++, o += k, src += sw) {
                        for (int j = 0; j < kw; j++) {
                            cols[o + j] = x[src + j * dw];
                        }
                    }
                }
                for (int ow = in[1]; ow < outW; ow++) {
                    edge(x, cols, at + ow * k, rowBase, ow * sw - s.padLeft(), kw, dw, s.width());
                }
            }
        }
    }

    /** One tap row of a window that reads padding columns: x where column w0 + j·dw is inside, else 0. */
    private static void edge(float[] x, float[] cols, int o, int rowBase, int w0, int kw, int dw, int width) {
        for (int j = 0; j < kw; j++) {
            int w = w0 + j * dw;
            cols[o + j] = w >= 0 && w < width ? x[rowBase + w] : 0f;
        }
    }

    /**
     * The plain twin of {@link #im2col}: one patch row at a time, each element bounds-checked (the
     * tests compare the two bit for bit).
     */
    void im2colPlain(ConvSpec s, float[] x, float[] cols) {
        int outH = s.outH();
        int outW = s.outW();
        int units = s.groups() * s.batch() * outH;
        par.forEach(units, s.colsSize(), (lo, hi) -> {
            for (int u = lo; u < hi; u++) {
                int oh = u % outH;
                int n = (u / outH) % s.batch();
                int g = u / (outH * s.batch());
                int row = (g * s.batch() + n) * outH + oh;   // [g][n][oh] flattened, times outW below
                for (int ow = 0; ow < outW; ow++) {
                    patch(s, x, cols, g, n, oh, ow, (row * outW + ow) * s.patchSize());
                }
            }
        });
    }

    /** One patch-matrix row: the taps of output pixel (oh, ow) of image n, channels of group g. */
    private static void patch(ConvSpec s, float[] x, float[] cols, int g, int n, int oh, int ow, int at) {
        int h0 = oh * s.strideH() - s.padTop();
        int w0 = ow * s.strideW() - s.padLeft();
        int kh = s.kernelH();
        int kw = s.kernelW();
        int o = at;
        for (int c = 0; c < s.groupChannels(); c++) {
            int plane = (n * s.channels() + g * s.groupChannels() + c) * s.height();
            for (int i = 0; i < kh; i++) {
                int h = h0 + i * s.dilationH();
                if (h < 0 || h >= s.height()) {
                    java.util.Arrays.fill(cols, o, o + kw, 0f);
                    o += kw;
                    continue;
                }
                int rowAt = (plane + h) * s.width();
                for (int j = 0; j < kw; j++) {
                    int w = w0 + j * s.dilationW();
                    cols[o++] = w >= 0 && w < s.width() ? x[rowAt + w] : 0f;
                }
            }
        }
    }

    /**
     * {@code dx = col2im(cols)}: a task per run of images; each image's dx is zeroed, then its patch
     * rows are added on, output row by output row (oh ascending), a tap row (c, i) at a time across
     * the output columns (ow ascending), the columns inside the input without bounds checks. Each
     * pixel meets its terms with (oh, ow) ascending, i.e. the taps (i, j) descending, as in
     * {@link #col2imPlain} and conv.cl's gather, so all three give the same bits.
     */
    void col2im(ConvSpec s, float[] cols, float[] dx) {
        int image = s.channels() * s.height() * s.width();
        par.forEachChunked(s.batch(), s.colsSize(), config.col2im(), (lo, hi) -> {
            java.util.Arrays.fill(dx, lo * image, hi * image, 0f);
            for (int n = lo; n < hi; n++) {
                for (int g = 0; g < s.groups(); g++) {
                    for (int oh = 0; oh < s.outH(); oh++) {
                        addRow(s, cols, dx, g, n, oh, g * s.patches() + (n * s.outH() + oh) * s.outW());
                    }
                }
            }
        });
    }

    /** Adds patch rows row0.. (output row oh of image n, group g) onto their pixels of dx. */
    private static void addRow(ConvSpec s, float[] cols, float[] dx, int g, int n, int oh, int row0) {
        int[] in = inside(s);
        int kh = s.kernelH();
        for (int c = 0; c < s.groupChannels(); c++) {
            int plane = (n * s.channels() + g * s.groupChannels() + c) * s.height();
            for (int i = 0; i < kh; i++) {
                int h = oh * s.strideH() - s.padTop() + i * s.dilationH();
                if (h >= 0 && h < s.height()) {
                    addTapRow(s, cols, dx, row0 * s.patchSize() + (c * kh + i) * s.kernelW(), (plane + h) * s.width(),
                            in);
                }
            }
        }
    }

    /** One tap row (c, i): patch elements from {@code at} (column 0), k apart, onto input row {@code rowBase}. */
    private static void addTapRow(ConvSpec s, float[] cols, float[] dx, int at, int rowBase, int[] in) {
        if (s.strideW() == 1) {
            gatherRow(cols, dx, at, rowBase, s);
            return;
        }
        int k = s.patchSize();
        for (int ow = 0, outW = s.outW(); ow < outW; ow++) {
            if (ow < in[0] || ow >= in[1]) {
                addEdge(cols, dx, at + ow * k, rowBase, ow * s.strideW() - s.padLeft(), s);
                continue;
            }
            for (int j = 0, o = at + ow * k, dst = rowBase - s.padLeft() + ow * s.strideW(); j < s.kernelW(); j++) {
                dx[dst + j * s.dilationW()] += cols[o + j];
            }
        }
    }

    /**
     * Stride 1: one tap row (c, i) of an output row added onto input row {@code rowBase} pixel by
     * pixel, each pixel's terms summed in a register with j descending (ow = w + padLeft - j·dw
     * ascending, the scatter's order) onto what earlier output rows left there.
     */
    private static void gatherRow(float[] cols, float[] dx, int at, int rowBase, ConvSpec s) {
        int width = s.width();
        if (s.kernelW() == 3 && s.dilationW() == 1) {   // every tap of pixels [lo, hi) is inside [0, outW)
            int k = s.patchSize();
            int lo = Math.min(Math.max(0, 2 - s.padLeft()), width);
            int hi = Math.max(lo, Math.min(width, s.outW() - s.padLeft()));
            edgeGather(cols, dx, at, rowBase, s, 0, lo);
            for (int w = lo, o = at + (lo + s.padLeft() - 2) * k; w < hi; w++, o += k) {
                dx[rowBase + w] = dx[rowBase + w] + cols[o + 2] + cols[o + k + 1] + cols[o + 2 * k];
            }
            edgeGather(cols, dx, at, rowBase, s, hi, width);
            return;
        }
        edgeGather(cols, dx, at, rowBase, s, 0, width);
    }

    /** {@link #gatherRow} for pixels [from, to) of the row, each tap checked. */
    private static void edgeGather(float[] cols, float[] dx, int at, int rowBase, ConvSpec s, int from, int to) {
        int outW = s.outW();
        for (int w = from; w < to; w++) {
            float acc = dx[rowBase + w];
            for (int j = s.kernelW() - 1; j >= 0; j--) {
                int ow = w + s.padLeft() - j * s.dilationW();
                if (ow >= 0 && ow < outW) {
                    acc += cols[at + ow * s.patchSize() + j];
                }
            }
            dx[rowBase + w] = acc;
        }
    }

    /** One tap row of a window that reads padding columns: its elements inside the input added on. */
    private static void addEdge(float[] cols, float[] dx, int o, int rowBase, int w0, ConvSpec s) {
        for (int j = 0; j < s.kernelW(); j++) {
            int w = w0 + j * s.dilationW();
            if (w >= 0 && w < s.width()) {
                dx[rowBase + w] += cols[o + j];
            }
        }
    }

    /**
     * The plain twin of {@link #col2im}: a task per run of input planes (n, c); each plane is zeroed,
     * then every patch element read from it is added onto its pixel, walking the output pixels in
     * order (so a pixel's terms arrive with the taps (i, j) descending, the order conv.cl's gather
     * uses). Each plane's taps sit at the same columns of every patch row.
     */
    void col2imPlain(ConvSpec s, float[] cols, float[] dx) {
        int planes = s.batch() * s.channels();
        par.forEach(planes, s.colsSize(), (lo, hi) -> {
            for (int u = lo; u < hi; u++) {
                scatterPlane(s, cols, dx, u / s.channels(), u % s.channels());
            }
        });
    }

    /** Plane (n, c) of dx: the sum of its patch elements. */
    private static void scatterPlane(ConvSpec s, float[] cols, float[] dx, int n, int c) {
        int hw = s.height() * s.width();
        int plane = (n * s.channels() + c) * hw;
        java.util.Arrays.fill(dx, plane, plane + hw, 0f);
        int g = c / s.groupChannels();
        int k = s.patchSize();
        int kh = s.kernelH();
        int kw = s.kernelW();
        int outH = s.outH();
        int outW = s.outW();
        int tap0 = (c % s.groupChannels()) * kh * kw;
        int row = g * s.patches() + n * outH * outW;
        for (int oh = 0; oh < outH; oh++) {
            int h0 = oh * s.strideH() - s.padTop();
            for (int ow = 0; ow < outW; ow++, row++) {
                int w0 = ow * s.strideW() - s.padLeft();
                int at = row * k + tap0;
                for (int i = 0; i < kh; i++) {
                    int h = h0 + i * s.dilationH();
                    if (h < 0 || h >= s.height()) {
                        continue;
                    }
                    int pixelRow = plane + h * s.width();
                    int from = at + i * kw;
                    for (int j = 0; j < kw; j++) {
                        int w = w0 + j * s.dilationW();
                        if (w >= 0 && w < s.width()) {
                            dx[pixelRow + w] += cols[from + j];
                        }
                    }
                }
            }
        }
    }
}
