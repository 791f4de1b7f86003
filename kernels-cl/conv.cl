/*
 * conv.cl - the patch copies of a 2-D convolution (io.clgrad.backend.ConvSpec): im2col, which a
 * convolution multiplies with its weights on the tuned GEMM (matmul.cl), and its adjoint col2im,
 * which turns the gradient of the patch matrix into the input's gradient.
 *
 *   im2col(x, cols, ...)  cols[g][(n*outH + oh)*outW + ow][(c*kh + i)*kw + j]
 *                             = x[n][g*Cg + c][oh*sh - padTop + i*dh][ow*sw - padLeft + j*dw]
 *                         (0 where that pixel lies in the zero padding)
 *   col2im(cols, dx, ...) dx[n][g*Cg + c][h][w] = sum over taps (i, j) of
 *                             cols[g][(n*outH + oh)*outW + ow][(c*kh + i)*kw + j]
 *                         where oh*sh - padTop + i*dh = h and ow*sw - padLeft + j*dw = w (oh in
 *                         [0, outH), ow in [0, outW)); 0 for a pixel no window reads. A gather: each
 *                         work-item writes one pixel, no atomics, the sum in float with the taps
 *                         descending (i, then j): the order in which the Java twin
 *                         io.clgrad.backend.cpu.CpuConv's scatter over the output pixels meets them,
 *                         so both give the same bits.
 *
 * Memory layout: x and dx are contiguous float [N, C, H, W] (row-major); cols is contiguous float
 * [groups, N*outH*outW, Cg*kh*kw] with Cg = C/groups: one row per output pixel, the row's taps
 * channel-major, so a group's block is the row-major left operand of its GEMM.
 *
 * Launch geometry: both 1-D, one work-item per output element (im2col: per element of cols, the
 * tap index fastest, so neighbouring work-items write neighbouring floats; col2im: per element of
 * dx), global size rounded up to the work-group size, bounds-checked. Geometry arguments are ints
 * (the host checks that cols and x fit an int). Launched by io.clgrad.backend.opencl.ConvOps.
 *
 * Built after the prelude common.cl, which io.clgrad.backend.opencl.ProgramCache prepends: this
 * file compiles on its own together with that prelude (and only with it); nothing from it is used
 * here.
 */

/* The geometry, in the order both kernels take it after their buffers. */
#define CONV_GEOMETRY int N, int C, int groups, int H, int W, int kh, int kw, int sh, int sw, \
                      int padTop, int padLeft, int dh, int dw, int outH, int outW

__kernel void im2col(__global const float* x, __global float* cols, CONV_GEOMETRY)
{
    int idx = get_global_id(0);
    int Cg = C / groups;
    int K = Cg * kh * kw;
    int P = N * outH * outW;
    if (idx >= groups * P * K) {
        return;
    }
    int t = idx % K;         /* tap (c, i, j) */
    int r = idx / K;         /* row (g, n, oh, ow) */
    int j = t % kw;
    int i = (t / kw) % kh;
    int c = t / (kw * kh);
    int ow = r % outW;
    int oh = (r / outW) % outH;
    int n = (r / (outW * outH)) % N;
    int g = r / P;
    int h = oh * sh - padTop + i * dh;
    int w = ow * sw - padLeft + j * dw;
    float v = 0.0f;
    if (h >= 0 && h < H && w >= 0 && w < W) {
        v = x[((n * C + g * Cg + c) * H + h) * W + w];
    }
    cols[idx] = v;
}

__kernel void col2im(__global const float* cols, __global float* dx, CONV_GEOMETRY)
{
    int idx = get_global_id(0);
    if (idx >= N * C * H * W) {
        return;
    }
    int w = idx % W;
    int h = (idx / W) % H;
    int ch = (idx / (W * H)) % C;
    int n = idx / (W * H * C);
    int Cg = C / groups;
    int g = ch / Cg;
    int c = ch % Cg;
    int K = Cg * kh * kw;
    int base = g * N * outH * outW;
    float sum = 0.0f;
    for (int i = kh - 1; i >= 0; i--) {
        int ohs = h + padTop - i * dh;
        if (ohs < 0 || ohs % sh != 0 || ohs / sh >= outH) {
            continue;
        }
        int rowBase = base + (n * outH + ohs / sh) * outW;
        int tapBase = (c * kh + i) * kw;
        for (int j = kw - 1; j >= 0; j--) {
            int ows = w + padLeft - j * dw;
            if (ows < 0 || ows % sw != 0 || ows / sw >= outW) {
                continue;
            }
            sum += cols[(rowBase + ows / sw) * K + tapBase + j];
        }
    }
    dx[idx] = sum;
}
