package io.clgrad;

import io.clgrad.backend.ConvSpec;

/**
 * 2-D transposed convolution, as {@code torch.nn.functional.conv_transpose2d}: the input gradient of
 * a conv2d, so it runs on {@link Convolution}'s pieces. For x [N, Cin, H, W] and weight
 * [Cin, Cout/groups, kh, kw], take the conv2d that maps an image [N, Cout, outH, outW] to [N, Cin, H, W]
 * with that weight (same stride, padding, dilation and groups); then
 * <ul>
 *   <li>forward: {@code y = col2im(x[g]ᵀ · W[g])} + bias, that conv2d's input gradient for the output
 *       gradient x ({@link Convolution#inputGrad});</li>
 *   <li>backward (node {@code ConvolutionBackward0}): {@code dx = conv2d(gy, W)}
 *       ({@link Convolution#forward}), {@code dW[g] = x[g] · im2col(gy)[g]} ({@link Convolution#weightGrad}),
 *       {@code db = Σ gy} over the batch and the pixels.</li>
 * </ul>
 * With {@code outH = (H−1)·stride − 2·padding + dilation·(kh−1) + output_padding + 1}. When the output
 * padding is at least the stride (allowed when it is less than the dilation) that conv2d's output has
 * more rows than x; x is then padded with zeros at the bottom/right first (PyTorch gives those extra
 * output pixels only the taps of the real ones, which is what zeros give).
 */
final class ConvTranspose {
    static final String OP = "conv_transpose2d";

    private ConvTranspose() {
    }

    /**
     * conv_transpose2d with int pairs.
     *
     * @param x             [N, Cin, H, W] or [Cin, H, W]
     * @param w             [Cin, Cout/groups, kh, kw]
     * @param b             [Cout] or null
     * @param stride        one or two ints
     * @param padding       one or two ints: {@code dilation·(k−1) − padding} zeros on each side of the input
     * @param outputPadding one or two ints: extra rows/columns at the bottom/right of the output
     * @param groups        channel groups
     * @param dilation      one or two ints
     * @return [N, Cout, outH, outW] (or [Cout, outH, outW])
     */
    static Tensor convTranspose2d(Tensor x, Tensor w, Tensor b, int[] stride, int[] padding, int[] outputPadding,
                                  int groups, int[] dilation) {
        int[] st = Convolution.pair(OP, "stride", stride);
        int[] pa = Convolution.pair(OP, "padding", padding);
        int[] op = Convolution.pair(OP, "output_padding", outputPadding);
        int[] di = Convolution.pair(OP, "dilation", dilation);
        Convolution.checkOperands(OP, x, w, b);
        if (x.dim() == 3) {
            return convTranspose2d(x.unsqueeze(0), w, b, st, pa, op, groups, di).squeeze(0);
        }
        ConvSpec s = spec(x, w, b, st, pa, op, di, groups);
        int[] xs = x.shapeRef();
        Tensor in = x;
        if (s.outH() > xs[2] || s.outW() > xs[3]) {
            in = Functional.pad(x, new int[] {0, s.outW() - xs[3], 0, s.outH() - xs[2]});
        }
        return run(s, in, w, b);
    }

    private static Tensor run(ConvSpec s, Tensor x, Tensor w, Tensor b) {
        int[] outShape = {s.batch(), s.channels(), s.height(), s.width()};
        Tensor y;
        try (Autograd.Mode m = Autograd.noGrad()) {
            Tensor gc = Convolution.groupMajor(s, x, w.shapeRef()[0] / s.groups());
            Tensor raw = Convolution.inputGrad(s, gc, w, outShape);
            gc.close();
            if (b == null) {
                y = raw;
            } else {
                try (Tensor bias = b.view(1, s.channels(), 1, 1)) {
                    y = raw.add(bias);
                }
                raw.close();
            }
        }
        if (!Graph.shouldRecord(x, w, b)) {
            return y;
        }
        return Graph.record(y, "ConvolutionBackward0", b == null ? new Tensor[] {x, w} : new Tensor[] {x, w, b},
                new Tensor[] {w.requiresGrad() ? x : null, x.requiresGrad() ? w : null},
                g -> backward(s, g, x, w, b));
    }

    private static Tensor[] backward(ConvSpec s, Tensor g, Tensor x, Tensor w, Tensor b) {
        Tensor dx = x.requiresGrad() ? Convolution.forward(s, g, w, null) : null;
        Tensor dw = null;
        if (w.requiresGrad()) {
            Tensor gc = Convolution.groupMajor(s, x, w.shapeRef()[0] / s.groups());
            dw = Convolution.weightGrad(s, gc, g, w.shapeRef());
            gc.close();
        }
        Tensor db = null;
        if (b != null && b.requiresGrad()) {
            try (Tensor perImage = g.reshape(s.batch(), s.channels(), -1).sum(2, false)) {
                db = perImage.sum(0, false);
            }
        }
        return b == null ? new Tensor[] {dx, dw} : new Tensor[] {dx, dw, db};
    }

    /** PyTorch's checks (its messages, prefixed with the op) and the geometry of the conv2d whose input gradient this is. */
    private static ConvSpec spec(Tensor x, Tensor w, Tensor b, int[] stride, int[] padding, int[] outputPadding,
                                 int[] dilation, int groups) {
        int[] xs = x.shapeRef();
        int[] ws = w.shapeRef();
        if (x.dim() != 4) {
            throw new IllegalArgumentException(OP + ": expected 3D (unbatched) or 4D (batched) input, but got input of"
                    + " size: " + Shape.str(xs));
        }
        if (w.dim() != 4) {
            throw new IllegalArgumentException(OP + ": expected weight to be 4-D [in_channels, out_channels/groups, kH,"
                    + " kW], but got weight of size " + Shape.str(ws));
        }
        for (int i = 0; i < 2; i++) {
            if (stride[i] < 1) {
                throw new IllegalArgumentException(OP + ": non-positive stride is not supported");
            }
            if (dilation[i] < 1) {
                throw new IllegalArgumentException(OP + ": dilation should be greater than zero");
            }
            if (padding[i] < 0) {
                throw new IllegalArgumentException(OP + ": negative padding is not supported");
            }
            if (outputPadding[i] < 0 || outputPadding[i] >= stride[i] && outputPadding[i] >= dilation[i]) {
                throw new IllegalArgumentException(OP + ": output padding must be smaller than either stride or"
                        + " dilation, but got output_padding: " + outputPadding[0] + ", " + outputPadding[1]
                        + ", stride: " + stride[0] + ", " + stride[1] + ", dilation: " + dilation[0] + ", "
                        + dilation[1]);
            }
        }
        if (groups < 1) {
            throw new IllegalArgumentException(OP + ": non-positive groups is not supported, got " + groups);
        }
        if (xs[1] != ws[0] || ws[0] % groups != 0) {
            throw new IllegalArgumentException(OP + ": given groups=" + groups + ", weight of size " + Shape.str(ws)
                    + ", expected input" + Shape.str(xs) + " to have " + ws[0] + " channels (divisible by groups),"
                    + " but got " + xs[1] + " channels instead");
        }
        int cout = ws[1] * groups;
        if (b != null && (b.dim() != 1 || b.shapeRef()[0] != cout)) {
            throw new IllegalArgumentException(OP + ": given transposed=1, weight of size " + Shape.str(ws)
                    + ", expected bias to be 1-dimensional with " + cout + " elements, but got bias of size "
                    + Shape.str(b.shapeRef()) + " instead");
        }
        if (xs[0] < 1) {
            throw new IllegalArgumentException(OP + ": the batch of input " + Shape.str(xs) + " is empty");
        }
        int[] out = new int[2];
        for (int i = 0; i < 2; i++) {
            long o = (long) (xs[2 + i] - 1) * stride[i] - 2L * padding[i] + (long) dilation[i] * (ws[2 + i] - 1)
                    + outputPadding[i] + 1;
            if (o < 1 || o > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(OP + ": given input size " + Shape.str(xs) + ", weight " + Shape.str(ws)
                        + " and its arguments, the output size (" + o + ") is too small");
            }
            out[i] = (int) o;
        }
        return new ConvSpec(xs[0], cout, groups, out[0], out[1], ws[2], ws[3], stride[0], stride[1], padding[0],
                padding[0], padding[1], padding[1], dilation[0], dilation[1]);
    }
}
