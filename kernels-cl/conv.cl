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
 *                         so both give the same bits. Stride 1 takes a branch without the
 *                         division and modulo per tap (the same terms in the same order).
 *
 * Memory layout: x and dx are contiguous float [N, C, H, W] (row-major); cols is contiguous float
 * [groups, N*outH*outW, Cg*kh*kw] with Cg = C/groups: one row per output pixel, the row's taps
 * channel-major, so a group's block is the row-major left operand of its GEMM.
 *
 * Launch geometry: both 1-D, global size rounded up to the work-group size, bounds-checked.
 * im2col: one work-item per (group, patch row, block of CONV_CPI channels),
 * groups*N*outH*outW*ceil(Cg/CONV_CPI) of them, each writing its channels' kh*kw taps, contiguous
 * in the row (index arithmetic once per kh*kw floats: 7x faster on PoCL than a work-item per
 * float); col2im: one work-item per element of dx. Work-group sizes and CONV_CPI are tunables
 * (io.clgrad.backend.opencl.ClConvConfig, `clgrad tune`). Geometry arguments are ints
 * (the host checks that cols and x fit an int). Launched by io.clgrad.backend.opencl.ConvOps.
 *
 * Built after the prelude common.cl, which io.clgrad.backend.opencl.ProgramCache prepends: this
 * file compiles on its own together with that prelude (and only with it); nothing from it is used
 * here.
 */

/* Tunable (-D): channels per im2col work-item; 1 by default, so the file compiles alone. */
#ifndef CONV_CPI
#define CONV_CPI 1
#endif

/* The geometry, in the order both kernels take it after their buffers. */
#define CONV_GEOMETRY int N, int C, int groups, int H, int W, int kh, int kw, int sh, int sw, \
                      int padTop, int padLeft, int dh, int dw, int outH, int outW

__kernel void im2col(__global const float* x, __global float* cols, CONV_GEOMETRY)
{
    int idx = get_global_id(0);   /* (g, n, oh, ow, channel block): one row's taps of CONV_CPI channels */
    int Cg = C / groups;
    int P = N * outH * outW;
    int blocks = (Cg + CONV_CPI - 1) / CONV_CPI;
    if (idx >= groups * P * blocks) {
        return;
    }
    int c0 = (idx % blocks) * CONV_CPI;
    int r = idx / blocks;
    int ow = r % outW;
    int oh = (r / outW) % outH;
    int n = (r / (outW * outH)) % N;
    int g = r / P;
    int h0 = oh * sh - padTop;
    int w0 = ow * sw - padLeft;
    int cEnd = min(c0 + CONV_CPI, Cg);
    for (int c = c0; c < cEnd; c++) {
        __global const float* plane = x + (long)(n * C + g * Cg + c) * H * W;
        __global float* out = cols + ((long)r * Cg + c) * kh * kw;
        for (int i = 0; i < kh; i++) {
            int h = h0 + i * dh;
            bool rowIn = h >= 0 && h < H;
            for (int j = 0; j < kw; j++) {
                int w = w0 + j * dw;
                out[i * kw + j] = rowIn && w >= 0 && w < W ? plane[h * W + w] : 0.0f;
            }
        }
    }
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
    if (sh == 1 && sw == 1) {   /* the same sum without a division or modulo per tap */
        for (int i = kh - 1; i >= 0; i--) {
            int oh = h + padTop - i * dh;
            if (oh < 0 || oh >= outH) {
                continue;
            }
            int rowBase = base + (n * outH + oh) * outW;
            int tapBase = (c * kh + i) * kw;
            for (int j = kw - 1; j >= 0; j--) {
                int ow = w + padLeft - j * dw;
                if (ow >= 0 && ow < outW) {
                    sum += cols[(rowBase + ow) * K + tapBase + j];
                }
            }
        }
        dx[idx] = sum;
        return;
    }
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
