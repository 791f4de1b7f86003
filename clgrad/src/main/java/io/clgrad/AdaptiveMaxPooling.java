package io.clgrad;


/**
 * {@code adaptive_max_pool2d}: output (oh, ow) is the largest element of input rows
 * {@code [⌊oh·H/OH⌋, ⌈(oh+1)·H/OH⌉)} and columns likewise (PyTorch's window rule, as
 * {@code adaptive_avg_pool2d}'s). When each output size divides its input size these are the windows
 * of max pooling with kernel = stride = H/OH, which runs on the pooling kernels. Otherwise the windows
 * differ in size: each plane, seen as [H·W], is gathered through one host-built table of every
 * window's positions ([OH·OW, K], K the largest window, smaller windows repeating one of their own
 * positions, which changes no maximum), and the maximum is taken along K; its gradient is
 * {@code max}'s and {@code gather}'s. The indices ({@code ih·W + iw} in each plane, int32) are the
 * table's entries at the argmax. The public entries are in {@link Functional}.
 */
final class AdaptiveMaxPooling {
    static final String OP = "adaptive_max_pool2d";

    private AdaptiveMaxPooling() {
    }

    /**
     * adaptive_max_pool2d with indices.
     *
     * @param x          [N, C, H, W] or [C, H, W], float32, H and W at least 1
     * @param outputSize    {S} or {OH, OW}, each at least 1
     * @param returnIndices whether to make the indices
     * @return values (with a gradient) and int32 indices (null unless asked), [N, C, OH, OW] or [C, OH, OW]
     */
    static ValuesAndIndices adaptiveMax(Tensor x, int[] outputSize, boolean returnIndices) {
        Checks.float32(OP, x);
        int[] size = Pooling.outputSize(OP, outputSize);
        int oh = size[0];
        int ow = size[1];
        int[] shape = x.shapeRef();
        if (shape.length != 3 && shape.length != 4) {
            throw new IllegalArgumentException(OP + "(): Expected 3D or 4D tensor, but got " + Shape.str(shape));
        }
        int h = shape[shape.length - 2];
        int w = shape[shape.length - 1];
        if (h == 0 || w == 0 || oh < 1 || ow < 1) {
            throw new IllegalArgumentException(OP + "(): Expected input with non-empty non-batch dimensions and an"
                    + " output_size of at least 1, got input " + Shape.str(shape) + " and output_size {" + oh + ", "
                    + ow + "}");
        }
        if (h % oh == 0 && w % ow == 0) {
            int[] k = {h / oh, w / ow};
            int[] none = {0};
            int[] one = {1};
            return returnIndices ? Functional.maxPool2dWithIndices(x, k, k, none, one, false)
                    : new ValuesAndIndices(Functional.maxPool2d(x, k, k, none, one, false), null);
        }
        int[] rows = windows(oh, h);
        int[] cols = windows(ow, w);
        int kh = rows.length / oh;
        int kw = cols.length / ow;
        int k = kh * kw;
        int[] table = new int[oh * ow * k];
        for (int o = 0; o < oh * ow; o++) {
            for (int i = 0; i < kh; i++) {
                for (int j = 0; j < kw; j++) {
                    table[(o * kh + i) * kw + j] = rows[(o / ow) * kh + i] * w + cols[(o % ow) * kw + j];
                }
            }
        }
        int planes = (int) (x.numel() / ((long) h * w));
        int[] outShape = shape.clone();
        outShape[shape.length - 2] = oh;
        outShape[shape.length - 1] = ow;
        Tensor t = Tensor.of(x.device(), table, 1, oh * ow * k);
        Tensor index = t.expand(planes, oh * ow * k);
        Tensor flat = x.reshape(planes, h * w);
        Tensor taps = flat.gather(1, index).reshape(planes, oh * ow, k);
        Tensor best = taps.max(2, false);
        Tensor values = best.reshape(outShape);
        Tensor indices = null;
        if (returnIndices) {
            try (Autograd.Mode m = Autograd.noGrad(); Tensor at = taps.argmax(2, true);
                 Tensor where = index.reshape(planes, oh * ow, k); Tensor picked = where.gather(2, at)) {
                indices = picked.reshape(outShape);
            }
        }
        if (!Graph.shouldRecord(x)) {
            // gather's and max's backwards keep these when recording (then the scope or the GC frees them)
            for (Tensor tmp : new Tensor[] {best, taps, flat, index, t}) {
                tmp.close();
            }
        }
        return new ValuesAndIndices(values, indices);
    }

    /**
     * For each of the m outputs, the input positions of its window {@code [⌊o·n/m⌋, ⌈(o+1)·n/m⌉)},
     * padded to the largest window's length by repeating the window's first position: [m · K].
     */
    private static int[] windows(int m, int n) {
        int longest = 0;
        for (int o = 0; o < m; o++) {
            longest = Math.max(longest, end(o, m, n) - start(o, m, n));
        }
        int[] out = new int[m * longest];
        for (int o = 0; o < m; o++) {
            int s = start(o, m, n);
            int e = end(o, m, n);
            for (int i = 0; i < longest; i++) {
                out[o * longest + i] = s + i < e ? s + i : s;
            }
        }
        return out;
    }

    private static int start(int o, int m, int n) {
        return (int) ((long) o * n / m);
    }

    private static int end(int o, int m, int n) {
        return (int) (((long) (o + 1) * n + m - 1) / m);
    }
}
