package io.clgrad.backend.cpu;

import io.clgrad.backend.ConvSpec;

/**
 * The patch copies of a 2-D convolution (see {@link ConvSpec}): im2col writes one row of the
 * patch matrix per output pixel, col2im gathers, for each input pixel, the patch elements copied
 * from it. Both split their rows over the worker pool; col2im sums each pixel's terms in float, in
 * tap order (i, then j), as the OpenCL kernel does, so the two backends agree bit for bit.
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

    /** {@code dx = col2im(cols)}: a task per run of input rows, each pixel a gather over the taps. */
    void col2im(ConvSpec s, float[] cols, float[] dx) {
        int units = s.batch() * s.channels() * s.height();
        long work = (long) s.inputSize() * s.kernelH() * s.kernelW();
        par.forEach(units, work, (lo, hi) -> {
            for (int u = lo; u < hi; u++) {
                int h = u % s.height();
                int c = (u / s.height()) % s.channels();
                int n = u / (s.height() * s.channels());
                for (int w = 0; w < s.width(); w++) {
                    dx[u * s.width() + w] = gather(s, cols, n, c, h, w);
                }
            }
        });
    }

    /** The sum over taps (i, j) of the patch elements that im2col copied from pixel (n, c, h, w). */
    private static float gather(ConvSpec s, float[] cols, int n, int c, int h, int w) {
        int g = c / s.groupChannels();
        int cg = c % s.groupChannels();
        int outH = s.outH();
        int outW = s.outW();
        int k = s.patchSize();
        int base = g * s.patches();
        float sum = 0f;
        for (int i = 0; i < s.kernelH(); i++) {
            int ohs = h + s.padTop() - i * s.dilationH();
            if (ohs < 0 || ohs % s.strideH() != 0 || ohs / s.strideH() >= outH) {
                continue;
            }
            int rowBase = base + (n * outH + ohs / s.strideH()) * outW;
            int tapBase = (cg * s.kernelH() + i) * s.kernelW();
            for (int j = 0; j < s.kernelW(); j++) {
                int ows = w + s.padLeft() - j * s.dilationW();
                if (ows < 0 || ows % s.strideW() != 0 || ows / s.strideW() >= outW) {
                    continue;
                }
                sum += cols[(rowBase + ows / s.strideW()) * k + tapBase + j];
            }
        }
        return sum;
    }
}
