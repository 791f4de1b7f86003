package io.clgrad;

import io.clgrad.backend.Backend;
import io.clgrad.backend.ConvSpec;
import io.clgrad.backend.MatmulSpec;

/**
 * 2-D convolution (and 1-D as 2-D with height 1), as {@code torch.nn.functional.conv2d}, lowered to
 * the backend's {@link Backend#im2col} and its tuned GEMM ({@link Backend#matmul}).
 *
 * <p>With P = N·outH·outW output pixels, K = (C/groups)·kh·kw taps and Cg = Cout/groups, the
 * forward is: {@code cols = im2col(x)} [groups, P, K]; one batched product over the groups
 * {@code y[g] = cols[g] · W[g]ᵀ} [groups, P, Cg] (W[g] the group's rows of the weight seen as
 * [Cout, K], read transposed through its strides); then y, which is laid out [groups, N, outH·outW,
 * Cg], is permuted to [N, Cout, outH, outW] by the one elementwise pass that also adds the bias.
 *
 * <p>The backward (node {@code ConvolutionBackward0}) takes the output gradient to
 * {@code gC} [groups, Cg, P] (one permuting copy), and gives {@code db = Σ_P gC},
 * {@code dW[g] = gC[g] · cols[g]} (both operands row-major, so the long inner dimension P streams
 * through both) and {@code dx = col2im(gC[g]ᵀ · W[g])}, each a batched product over the groups.
 *
 * <p>Where the backend computes the convolution itself ({@link Backend#directConv}: the CPU backend
 * for stride-1, one-group convolutions, reading the padded input in place), the forward is
 * {@link Backend#conv2d}, the backend's {@link Backend#conv2dWeightGrad} and
 * {@link Backend#conv2dInputGrad} take the output gradient as it is, and {@code db} sums it over
 * the batch and the pixels: no patch matrix and no permutes.
 *
 * <p>The patch matrix is a temporary of each launch, released as soon as its product is enqueued,
 * and the backward makes it again from the saved input (a pass over memory, cheap beside the
 * products) instead of keeping it from the forward: the graph then holds only the input and the
 * weight, as PyTorch's does, and a network's peak memory does not grow by one patch matrix per
 * convolution layer (9× the input for a 3×3 kernel) between its forward and backward.
 */
final class Convolution {
    private static final String OP = "conv2d";

    private Convolution() {
    }

    /**
     * conv2d with explicit per-side padding {top, bottom, left, right}.
     *
     * @param op       the name in messages ("conv2d", or "conv1d" when called for it)
     * @param x        [N, C, H, W], or [C, H, W] unbatched
     * @param w        [Cout, C/groups, kh, kw]
     * @param b        [Cout] or null
     * @param stride   {sh, sw}
     * @param padding  {top, bottom, left, right}
     * @param dilation {dh, dw}
     * @param groups   channel groups
     * @return [N, Cout, outH, outW] (or [Cout, outH, outW] for an unbatched input)
     */
    static Tensor conv2d(String op, Tensor x, Tensor w, Tensor b, int[] stride, int[] padding, int[] dilation,
                         int groups) {
        checkOperands(op, x, w, b);
        if (x.dim() == 3) {
            return conv2d(op, x.unsqueeze(0), w, b, stride, padding, dilation, groups).squeeze(0);
        }
        ConvSpec s = spec(op, x, w, b, stride, padding, dilation, groups);
        Tensor y;
        try (Autograd.Mode m = Autograd.noGrad()) {
            y = forward(s, x, w, b);
        }
        if (!Graph.shouldRecord(x, w, b)) {
            return y;
        }
        return Graph.record(y, "ConvolutionBackward0", b == null ? new Tensor[] {x, w} : new Tensor[] {x, w, b},
                new Tensor[] {w.requiresGrad() ? x : null, x.requiresGrad() ? w : null},
                g -> backward(s, g, x, w, b));
    }

    /** Input, weight and bias (if any) are float32 and on one device. */
    static void checkOperands(String op, Tensor x, Tensor w, Tensor b) {
        Checks.float32(op, x);
        Checks.float32(op, w);
        Checks.sameDevice(op, x, w);
        if (b != null) {
            Checks.float32(op, b);
            Checks.sameDevice(op, x, b);
        }
    }

    /** Checks the shapes as PyTorch does (its messages, prefixed with the op) and builds the geometry. */
    private static ConvSpec spec(String op, Tensor x, Tensor w, Tensor b, int[] stride, int[] padding, int[] dilation,
                                 int groups) {
        if (x.dim() != 4) {
            throw new IllegalArgumentException(op + ": expected 3D (unbatched) or 4D (batched) input, but got input of"
                    + " size: " + Shape.str(x.shapeRef()));
        }
        int[] xs = x.shapeRef();
        int[] ws = w.shapeRef();
        if (w.dim() != 4) {
            throw new IllegalArgumentException(op + ": expected weight to be 4-D [out_channels, in_channels/groups, kH, kW]"
                    + " for 4-D input " + Shape.str(xs) + ", but got weight of size " + Shape.str(ws));
        }
        for (int i = 0; i < 2; i++) {
            if (stride[i] < 1) {
                throw new IllegalArgumentException(op + ": non-positive stride is not supported, got stride "
                        + stride[0] + ", " + stride[1]);
            }
            if (dilation[i] < 1) {
                throw new IllegalArgumentException(op + ": dilation should be greater than zero, got dilation "
                        + dilation[0] + ", " + dilation[1]);
            }
        }
        for (int p : padding) {
            if (p < 0) {
                throw new IllegalArgumentException(op + ": negative padding is not supported");
            }
        }
        if (groups < 1) {
            throw new IllegalArgumentException(op + ": non-positive groups is not supported, got " + groups);
        }
        if (ws[0] % groups != 0 || ws[0] == 0) {
            throw new IllegalArgumentException(op + ": given groups=" + groups + ", expected weight to be divisible by "
                    + groups + " at dimension 0, but got weight of size " + Shape.str(ws) + " instead");
        }
        if (xs[1] != ws[1] * groups) {
            throw new IllegalArgumentException(op + ": given groups=" + groups + ", weight of size " + Shape.str(ws)
                    + ", expected input" + Shape.str(xs) + " to have " + ws[1] * groups + " channels, but got " + xs[1]
                    + " channels instead");
        }
        if (b != null && (b.dim() != 1 || b.shapeRef()[0] != ws[0])) {
            throw new IllegalArgumentException(op + ": given weight of size " + Shape.str(ws)
                    + ", expected bias to be 1-dimensional with " + ws[0] + " elements, but got bias of size "
                    + Shape.str(b.shapeRef()) + " instead");
        }
        long paddedH = (long) xs[2] + padding[0] + padding[1];
        long paddedW = (long) xs[3] + padding[2] + padding[3];
        long spanH = (long) dilation[0] * (ws[2] - 1) + 1;
        long spanW = (long) dilation[1] * (ws[3] - 1) + 1;
        if (ws[2] < 1 || ws[3] < 1 || spanH > paddedH || spanW > paddedW) {
            throw new IllegalArgumentException(op + ": calculated padded input size per channel: (" + paddedH + " x "
                    + paddedW + "). Kernel size: (" + spanH + " x " + spanW + "). Kernel size can't be greater than"
                    + " actual input size");
        }
        if (xs[0] < 1) {
            throw new IllegalArgumentException(op + ": the batch of input " + Shape.str(xs) + " is empty");
        }
        return new ConvSpec(xs[0], xs[1], groups, xs[2], xs[3], ws[2], ws[3], stride[0], stride[1], padding[0],
                padding[1], padding[2], padding[3], dilation[0], dilation[1]);
    }

    static Tensor forward(ConvSpec s, Tensor x, Tensor w, Tensor b) {
        int p = s.patches();
        int k = s.patchSize();
        int cout = w.shapeRef()[0];
        int cg = cout / s.groups();
        Backend be = x.backend();
        if (be.directConv(s, cout)) {
            return OpLaunch.run(OP, x.device(), DType.FLOAT32, new int[] {s.batch(), cout, s.outH(), s.outW()},
                    (l, out) -> be.conv2d(s, cout, l.dense(x), l.dense(w), b == null ? null : l.dense(b), out));
        }
        try (OpLaunch l = new OpLaunch(OP, x.device())) {
            Tensor cols = l.scratch(DType.FLOAT32, new int[] {s.groups(), p, k});
            be.im2col(s, l.dense(x), l.buffer(cols));
            Tensor y = l.scratch(DType.FLOAT32, new int[] {s.groups(), s.batch(), s.outH() * s.outW(), cg});
            // y[g] = cols[g] [P, K] · W[g]ᵀ [K, Cg], W[g] = rows g·Cg.. of W seen as [Cout, K]
            be.matmul(new MatmulSpec(s.groups(), p, cg, k, 0, p * k, k, 1, 0, cg * k, 1, k),
                    l.buffer(cols), l.dense(w), l.buffer(y));
            cols.close();   // back to the pool now, before the output is allocated
            Tensor nchw = y.permute(1, 0, 3, 2);   // [N, groups, Cg, outH·outW], a view
            Tensor bias = b == null ? null : b.view(1, s.groups(), cg, 1);
            Tensor out = bias == null ? Layouts.copy(nchw) : nchw.add(bias);
            nchw.close();
            if (bias != null) {
                bias.close();
            }
            Tensor result = out.view(s.batch(), cout, s.outH(), s.outW());
            out.close();
            return result;
        }
    }

    /**
     * The gradients: {@code dW[g] = gC[g] [Cg, P] · cols[g] [P, K]} (both operands row-major, the long
     * k = P streaming through both; the patch matrix made again from x) and {@code dx = col2im(dcols)}
     * with {@code dcols[g] = gC[g]ᵀ [P, Cg] · W[g] [Cg, K]} (A read transposed); each patch matrix is a
     * temporary of its launch.
     */
    private static Tensor[] backward(ConvSpec s, Tensor g, Tensor x, Tensor w, Tensor b) {
        int cout = w.shapeRef()[0];
        Backend be = x.backend();
        if (be.directConv(s, cout)) {
            Tensor db = b != null && b.requiresGrad() ? g.sum(new int[] {0, 2, 3}, false) : null;
            Tensor dw = !w.requiresGrad() ? null : OpLaunch.run(OP, x.device(), DType.FLOAT32, w.shape(),
                    (l, out) -> be.conv2dWeightGrad(s, cout, l.dense(g), l.dense(x), out));
            Tensor dx = !x.requiresGrad() ? null : OpLaunch.run(OP, x.device(), DType.FLOAT32, x.shape(),
                    (l, out) -> be.conv2dInputGrad(s, cout, l.dense(g), l.dense(w), out));
            return b == null ? new Tensor[] {dx, dw} : new Tensor[] {dx, dw, db};
        }
        Tensor gc = groupMajor(s, g, cout / s.groups());
        Tensor db = b != null && b.requiresGrad() ? gc.view(cout, s.patches()).sum(1, false) : null;
        Tensor dw = !w.requiresGrad() ? null : weightGrad(s, gc, x, w.shapeRef());
        Tensor dx = !x.requiresGrad() ? null : inputGrad(s, gc, w, x.shapeRef());
        return b == null ? new Tensor[] {dx, dw} : new Tensor[] {dx, dw, db};
    }

    /**
     * An output gradient [N, groups·cg, outH, outW] per group as [Cg, P] (P = N·outH·outW,
     * image-major): the contiguous [groups, cg, N, outH·outW] that both products of the backward read.
     */
    static Tensor groupMajor(ConvSpec s, Tensor g, int cg) {
        return g.reshape(s.batch(), s.groups(), cg, s.outH() * s.outW()).permute(1, 2, 0, 3).contiguous();
    }

    /** {@code dW[g] = gC[g] [Cg, P] · im2col(x)[g] [P, K]}, unrecorded; {@code gc} from {@link #groupMajor}. */
    static Tensor weightGrad(ConvSpec s, Tensor gc, Tensor x, int[] wShape) {
        int cg = wShape[0] / s.groups();
        int p = s.patches();
        int k = s.patchSize();
        Backend be = x.backend();
        return OpLaunch.run(OP, x.device(), DType.FLOAT32, wShape, (l, out) -> {
            Tensor cols = l.scratch(DType.FLOAT32, new int[] {s.groups(), p, k});
            be.im2col(s, l.dense(x), l.buffer(cols));
            be.matmul(new MatmulSpec(s.groups(), cg, k, p, 0, cg * p, p, 1, 0, p * k, k, 1),
                    l.dense(gc), l.buffer(cols), out);
        });
    }

    /** {@code dx = col2im(gC[g]ᵀ [P, Cg] · W[g] [Cg, K])}, unrecorded; {@code gc} from {@link #groupMajor}. */
    static Tensor inputGrad(ConvSpec s, Tensor gc, Tensor w, int[] xShape) {
        int cg = w.shapeRef()[0] / s.groups();
        int p = s.patches();
        int k = s.patchSize();
        Backend be = w.backend();
        return OpLaunch.run(OP, w.device(), DType.FLOAT32, xShape, (l, out) -> {
            Tensor dcols = l.scratch(DType.FLOAT32, new int[] {s.groups(), p, k});
            be.matmul(new MatmulSpec(s.groups(), p, k, cg, 0, cg * p, 1, p, 0, cg * k, k, 1),
                    l.dense(gc), l.dense(w), l.buffer(dcols));
            be.col2im(s, l.buffer(dcols), out);
        });
    }

    /**
     * The per-side padding {top, bottom, left, right} of PyTorch's padding strings: "valid" is none;
     * "same" pads {@code dilation·(kernel-1)} in total per axis, the odd one of it at the bottom or
     * right (as PyTorch does), and needs stride 1.
     *
     * @param op       the op, for messages
     * @param padding  "same" or "valid"
     * @param kernel   {kh, kw}
     * @param stride   {sh, sw}
     * @param dilation {dh, dw}
     * @return {top, bottom, left, right}
     */
    static int[] paddingOf(String op, String padding, int[] kernel, int[] stride, int[] dilation) {
        if ("valid".equals(padding)) {
            return new int[4];
        }
        if (!"same".equals(padding)) {
            throw new IllegalArgumentException(op + ": invalid padding string '" + padding
                    + "', should be one of {'valid', 'same'}");
        }
        if (stride[0] != 1 || stride[1] != 1) {
            throw new IllegalArgumentException(op + ": padding='same' is not supported for strided convolutions");
        }
        int[] out = new int[4];
        for (int i = 0; i < 2; i++) {
            int total = dilation[i] * (kernel[i] - 1);
            out[2 * i] = total / 2;
            out[2 * i + 1] = total - total / 2;
        }
        return out;
    }

    /**
     * An int pair from PyTorch's {@code int or tuple} argument: one value for both, or two.
     *
     * @param op   the op, for messages
     * @param what the argument's name
     * @param v    one or two values
     * @return {first, second}
     */
    static int[] pair(String op, String what, int... v) {
        if (v == null || v.length < 1 || v.length > 2) {
            throw new IllegalArgumentException(op + ": " + what + " must be one int or two, got "
                    + (v == null ? "null" : java.util.Arrays.toString(v)));
        }
        return v.length == 1 ? new int[] {v[0], v[0]} : v.clone();
    }

    /**
     * conv2d with PyTorch's arguments: int pairs for stride, padding (both sides) and dilation.
     *
     * @param x        [N, C, H, W] or [C, H, W]
     * @param w        [Cout, C/groups, kh, kw]
     * @param b        [Cout] or null
     * @param stride   one or two ints
     * @param padding  one or two ints
     * @param dilation one or two ints
     * @param groups   channel groups
     * @return the convolution
     */
    static Tensor conv2d(Tensor x, Tensor w, Tensor b, int[] stride, int[] padding, int[] dilation, int groups) {
        int[] p = pair(OP, "padding", padding);
        return conv2d(OP, x, w, b, pair(OP, "stride", stride), new int[] {p[0], p[0], p[1], p[1]},
                pair(OP, "dilation", dilation), groups);
    }

    /** conv2d with a padding string ("same" or "valid"); see {@link #conv2d(Tensor, Tensor, Tensor, int[], int[], int[], int)}. */
    static Tensor conv2d(Tensor x, Tensor w, Tensor b, int[] stride, String padding, int[] dilation, int groups) {
        int[] st = pair(OP, "stride", stride);
        int[] di = pair(OP, "dilation", dilation);
        int[] kernel = w.dim() == 4 ? new int[] {w.shapeRef()[2], w.shapeRef()[3]} : new int[] {1, 1};
        return conv2d(OP, x, w, b, st, paddingOf(OP, padding, kernel, st, di), di, groups);
    }

    /**
     * conv1d as conv2d of height 1: x [N, C, L] (or [C, L]) and w [Cout, C/groups, k] gain a
     * height axis of 1, which the result loses again (views, so the gradients flow through them).
     *
     * @param x        [N, C, L] or [C, L]
     * @param w        [Cout, C/groups, k]
     * @param b        [Cout] or null
     * @param stride   the step
     * @param padding  {left, right} zeros
     * @param dilation tap spacing
     * @param groups   channel groups
     * @return [N, Cout, outL] (or [Cout, outL])
     */
    static Tensor conv1d(Tensor x, Tensor w, Tensor b, int stride, int[] padding, int dilation, int groups) {
        String op = "conv1d";
        Checks.float32(op, x);
        Checks.float32(op, w);
        if (x.dim() != 2 && x.dim() != 3) {
            throw new IllegalArgumentException(op + ": expected 2D (unbatched) or 3D (batched) input, but got input of"
                    + " size: " + Shape.str(x.shapeRef()));
        }
        if (w.dim() != 3) {
            throw new IllegalArgumentException(op + ": expected weight to be 3-D [out_channels, in_channels/groups,"
                    + " kernel_size], but got weight of size " + Shape.str(w.shapeRef()));
        }
        int axis = x.dim() - 1;   // the height axis goes before the length
        Tensor y = conv2d(op, x.unsqueeze(axis), w.unsqueeze(2), b, new int[] {1, stride},
                new int[] {0, 0, padding[0], padding[1]}, new int[] {1, dilation}, groups);
        return y.squeeze(axis);
    }

    /** conv1d with a padding string ("same" or "valid"). */
    static Tensor conv1d(Tensor x, Tensor w, Tensor b, int stride, String padding, int dilation, int groups) {
        int k = w.dim() == 3 ? w.shapeRef()[2] : 1;
        int[] p = paddingOf("conv1d", padding, new int[] {1, k}, new int[] {1, stride}, new int[] {1, dilation});
        return conv1d(x, w, b, stride, new int[] {p[2], p[3]}, dilation, groups);
    }
}
