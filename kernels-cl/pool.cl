/*
 * pool.cl - 2-D max and average pooling and their gradients (PyTorch's max_pool2d_with_indices,
 * avg_pool2d and their backwards), over contiguous float planes.
 *
 * Layout: the input x is [planes, H, W] (the planes of an [N, C, H, W] tensor), element (p, ih, iw)
 * at (p*H + ih)*W + iw; the output, the upstream gradient and the int32 indices are [planes, OH, OW]
 * the same way. Output (p, oh, ow) pools the window of rows oh*sH - pH + kh*dH, kh in [0, kH), and
 * columns ow*sW - pW + kw*dW, kw in [0, kW); positions outside [0, H) x [0, W) are padding.
 *
 * The geometry comes as one int16 argument g (io.clgrad.backend.PoolSpec, set by PoolOps):
 *     g.s0 planes  g.s1 H   g.s2 W   g.s3 OH  g.s4 OW  g.s5 kH  g.s6 kW  g.s7 sH  g.s8 sW
 *     g.s9 pH      g.sa pW  g.sb dH  g.sc dW  g.sd countIncludePad  g.se divisorOverride (0: none)
 *     g.sf wantIndices (max_pool2d: 0 leaves idx alone; the host then passes the input x as idx)
 *
 * Every kernel takes (in, idx, out, g); the average kernels never read idx (the host passes in).
 *
 * max_pool2d(x, idx, out, g)           out = the window's largest element, idx = its position
 *     ih*W + iw in its plane. Visited row by row from the first in-range element; a later element
 *     replaces the maximum when it is larger or NaN, so the first of equal maxima wins and a NaN
 *     propagates (the last NaN of the window), as on PyTorch's CPU. All -inf: -inf at the first.
 * max_pool2d_backward(gout, idx, gin, g)   gin[p, i] = sum of gout[p, o] over the outputs o whose
 *     window holds i and whose idx is i: a gather, one work-item per input element, so every
 *     element is written by one work-item and overlapping windows need no atomics. When no two
 *     windows overlap ((k-1)*d + 1 <= stride on both axes, the CNN's 2x2 stride 2), the one window
 *     that can hold i is found by a division instead of walking kH*kW candidates (0.0f + gout: the
 *     same +0 for a -0 gradient as the sum).
 * avg_pool2d(x, unused, out, g)        out = (sum of the window's input elements) / divisor, the
 *     divisor being divisorOverride when not 0, else the window clipped to the padded input
 *     [-pH, H+pH) x [-pW, W+pW) when countIncludePad, else its count of input elements. 0 for a
 *     window without input elements.
 * avg_pool2d_backward(gout, unused, gin, g)   gin[p, i] = sum of gout[p, o] / divisor(o) over the
 *     outputs o whose window holds i: a gather, one work-item per input element.
 *
 * Launch geometry: 1-D, one work-item per output element (forwards: planes*OH*OW) or per input
 * element (backwards: planes*H*W), global size rounded up to the group size, bounds-checked;
 * neighbouring work-items take neighbouring columns. Launched by
 * io.clgrad.backend.opencl.PoolOps. Sums are plain float sums of at most kH*kW terms.
 *
 * Built after the prelude common.cl, which io.clgrad.backend.opencl.ProgramCache prepends: this
 * file compiles on its own together with that prelude (and only with it); nothing from it is used
 * here, and it has no tunables.
 */

/* The output row (or column) whose window starts `offset` padded positions before an input
 * element: offset / stride when whole and below count, else -1. */
inline int pool_window(int offset, int stride, int count)
{
    if (offset < 0 || offset % stride != 0) {
        return -1;
    }
    int o = offset / stride;
    return o < count ? o : -1;
}

/* PyTorch's divide_factor of output (oh, ow). */
inline int pool_divisor(int16 g, int oh, int ow)
{
    if (g.se != 0) {
        return g.se;
    }
    int hs = oh * g.s7 - g.s9;
    int ws = ow * g.s8 - g.sa;
    int he = min(hs + g.s5, g.s1 + g.s9);
    int we = min(ws + g.s6, g.s2 + g.sa);
    if (g.sd) {
        return (he - hs) * (we - ws);
    }
    return (min(he, g.s1) - max(hs, 0)) * (min(we, g.s2) - max(ws, 0));
}

/* Work-item i of a forward (one output element): its output row and column, and its input plane. */
inline __global const float* pool_output_at(__global const float* x, int16 g, int i, int* oh, int* ow)
{
    *ow = i % g.s4;
    *oh = (i / g.s4) % g.s3;
    return x + (i / (g.s4 * g.s3)) * g.s1 * g.s2;
}

__kernel void max_pool2d(__global const float* x, __global int* idx, __global float* out, int16 g)
{
    int i = get_global_id(0);
    if (i >= g.s0 * g.s3 * g.s4) {
        return;
    }
    int W = g.s2;
    int oh;
    int ow;
    __global const float* plane = pool_output_at(x, g, i, &oh, &ow);
    int ih0 = oh * g.s7 - g.s9;
    int iw0 = ow * g.s8 - g.sa;
    int ih1 = min(ih0 + (g.s5 - 1) * g.sb + 1, g.s1);
    int iw1 = min(iw0 + (g.s6 - 1) * g.sc + 1, W);
    while (ih0 < 0) {
        ih0 += g.sb;
    }
    while (iw0 < 0) {
        iw0 += g.sc;
    }
    int best = ih0 * W + iw0;
    float m = -INFINITY;
    for (int ih = ih0; ih < ih1; ih += g.sb) {
        for (int iw = iw0; iw < iw1; iw += g.sc) {
            float v = plane[ih * W + iw];
            if (v > m || isnan(v)) {
                m = v;
                best = ih * W + iw;
            }
        }
    }
    out[i] = m;
    if (g.sf) {
        idx[i] = best;
    }
}

/* Work-item i of a backward (one input element): the sum of what the outputs whose windows hold
 * it send it. Max pooling (isMax) takes gout[o] where idx[o] is the element; average pooling
 * gout[o] / divisor(o). */
inline float pool_gather(__global const float* gout, __global const int* idx, int16 g, int i, int isMax)
{
    int H = g.s1;
    int W = g.s2;
    int OH = g.s3;
    int OW = g.s4;
    int iw = i % W;
    int ih = (i / W) % H;
    int obase = (i / (W * H)) * OH * OW;
    float sum = 0.0f;
    for (int kh = 0; kh < g.s5; kh++) {
        int r = pool_window(ih + g.s9 - kh * g.sb, g.s7, OH);
        for (int kw = 0; r >= 0 && kw < g.s6; kw++) {
            int c = pool_window(iw + g.sa - kw * g.sc, g.s8, OW);
            int o = obase + r * OW + c;
            if (c < 0) {
                continue;
            }
            if (!isMax) {
                sum += gout[o] / (float) pool_divisor(g, r, c);
            } else if (idx[o] == ih * W + iw) {
                sum += gout[o];
            }
        }
    }
    return sum;
}

/* The one tap (kh or kw) of a window that holds an input element `offset` padded positions after
 * the start of the window of output `o` = offset / stride, when windows do not overlap: the output
 * (or -1) whose window holds the element; taps is the kernel size. */
inline int pool_disjoint_window(int offset, int stride, int dilation, int taps, int count)
{
    int o = offset / stride;
    int tap = offset - o * stride;
    return o < count && tap % dilation == 0 && tap / dilation < taps ? o : -1;
}

__kernel void max_pool2d_backward(__global const float* gout, __global const int* idx, __global float* gin,
                                  int16 g)
{
    int i = get_global_id(0);
    if (i >= g.s0 * g.s1 * g.s2) {
        return;
    }
    if ((g.s5 - 1) * g.sb + 1 <= g.s7 && (g.s6 - 1) * g.sc + 1 <= g.s8) {
        /* disjoint windows (the span of each is at most the stride): at most one holds the element */
        int W = g.s2;
        int iw = i % W;
        int ih = (i / W) % g.s1;
        int r = pool_disjoint_window(ih + g.s9, g.s7, g.sb, g.s5, g.s3);
        int c = pool_disjoint_window(iw + g.sa, g.s8, g.sc, g.s6, g.s4);
        int o = (i / (W * g.s1)) * g.s3 * g.s4 + r * g.s4 + c;
        gin[i] = r >= 0 && c >= 0 && idx[o] == ih * W + iw ? 0.0f + gout[o] : 0.0f;
        return;
    }
    gin[i] = pool_gather(gout, idx, g, i, 1);
}

__kernel void avg_pool2d(__global const float* x, __global const int* unused, __global float* out, int16 g)
{
    int i = get_global_id(0);
    if (i >= g.s0 * g.s3 * g.s4) {
        return;
    }
    int H = g.s1;
    int W = g.s2;
    int oh;
    int ow;
    __global const float* plane = pool_output_at(x, g, i, &oh, &ow);
    int h0 = max(oh * g.s7 - g.s9, 0);
    int w0 = max(ow * g.s8 - g.sa, 0);
    int h1 = min(oh * g.s7 - g.s9 + g.s5, H);
    int w1 = min(ow * g.s8 - g.sa + g.s6, W);
    if (h0 >= h1 || w0 >= w1) {
        out[i] = 0.0f;
        return;
    }
    float sum = 0.0f;
    for (int ih = h0; ih < h1; ih++) {
        for (int iw = w0; iw < w1; iw++) {
            sum += plane[ih * W + iw];
        }
    }
    out[i] = sum / (float) pool_divisor(g, oh, ow);
}

__kernel void avg_pool2d_backward(__global const float* gout, __global const int* unused, __global float* gin,
                                  int16 g)
{
    int i = get_global_id(0);
    if (i < g.s0 * g.s1 * g.s2) {
        gin[i] = pool_gather(gout, unused, g, i, 0);
    }
}
