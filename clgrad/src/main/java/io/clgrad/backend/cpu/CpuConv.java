package io.clgrad.backend.cpu;

import io.clgrad.backend.ConvSpec;

/**
 * The patch copies of a 2-D convolution (see {@link ConvSpec}): im2col writes one row of the
 * patch matrix per output pixel; col2im adds every patch element back onto the pixel it was copied
 * from, one input plane per task (so no two tasks write one pixel). Both split their work over the
 * worker pool. col2im sums each pixel's terms in float with the taps descending (i, then j), the
 * order of the OpenCL kernel's gather, so the two backends agree bit for bit.
 */
final class CpuConv {
    private final CpuParallel par;

    CpuConv(CpuParallel par) {
        this.par = par;
    }

    /** {@code cols = im2col(x)}: a task per run of one output row's patches of one group. */
    void im2col(ConvSpec s, float[] x, float[] cols) {
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
     * {@code dx = col2im(cols)}: a task per run of input planes (n, c); each plane is zeroed, then
     * every patch element read from it is added onto its pixel, walking the output pixels in order
     * (so a pixel's terms arrive with the taps (i, j) descending, the order conv.cl's gather uses).
     * Each plane's taps sit at the same columns of every patch row.
     */
    void col2im(ConvSpec s, float[] cols, float[] dx) {
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
