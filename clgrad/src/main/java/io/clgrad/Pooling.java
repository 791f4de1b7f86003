package io.clgrad;

import io.clgrad.backend.PoolSpec;
import java.util.Arrays;

/**
 * 2-D pooling over the last two dims of [N, C, H, W] or [C, H, W] tensors, with gradients:
 * {@code max_pool2d} (with or without indices) and {@code avg_pool2d} launch the backend's pooling
 * ops ({@link io.clgrad.backend.Backend#maxPool2d} and the rest, geometry in a {@link PoolSpec});
 * {@code adaptive_avg_pool2d} is average pooling when each output size divides its input size, and
 * otherwise two products with constant averaging matrices (PyTorch's window rule, see
 * {@link #adaptiveAvg}). The public entries are in {@link Functional}.
 */
final class Pooling {
    static final String MAX = "max_pool2d";
    static final String AVG = "avg_pool2d";
    static final String ADAPTIVE = "adaptive_avg_pool2d";

    private Pooling() {
    }

    /** max_pool2d; indices (int32, positions in each H·W plane) in the result when {@code returnIndices}. */
    static ValuesAndIndices max(Tensor x, int[] kernelSize, int[] stride, int[] padding, int[] dilation,
                                boolean ceilMode, boolean returnIndices) {
        int[] k = pair(MAX, "kernel_size", kernelSize, false);
        int[] s = pair(MAX, "stride", stride, true);
        int[] p = pair(MAX, "padding", padding, false);
        int[] d = pair(MAX, "dilation", dilation, false);
        Planes in = planes(MAX, x);
        int[] st = s == null ? k : s;
        PoolSpec spec = spec(MAX, () -> PoolSpec.max(in.planes, in.h, in.w, k[0], k[1], st[0], st[1], p[0], p[1],
                d[0], d[1], ceilMode));
        int[] outShape = in.outShape(spec.outHeight(), spec.outWidth());
        boolean grad = Graph.shouldRecord(x);
        Tensor out;
        Tensor idx;
        try (OpLaunch l = new OpLaunch(MAX, x.device())) {
            out = l.output(DType.FLOAT32, outShape);
            idx = returnIndices || grad ? l.output(DType.INT32, outShape) : null;
            if (out.numel() > 0) {
                x.backend().maxPool2d(spec, l.dense(x), l.buffer(out), l.buffer(idx));
            }
            l.keep(out);
        }
        int[] inShape = x.shapeRef();
        Graph.record(out, "MaxPool2DWithIndicesBackward0", new Tensor[] {x}, new Tensor[] {idx},
                g -> new Tensor[] {maxBackward(spec, g, idx, inShape)});
        return new ValuesAndIndices(out, returnIndices ? idx : null);
    }

    /** avg_pool2d; {@code divisorOverride} null for the window's count. */
    static Tensor avg(Tensor x, int[] kernelSize, int[] stride, int[] padding, boolean ceilMode,
                      boolean countIncludePad, Integer divisorOverride) {
        int[] k = pair(AVG, "kernel_size", kernelSize, false);
        int[] s = pair(AVG, "stride", stride, true);
        int[] p = pair(AVG, "padding", padding, false);
        if (divisorOverride != null && divisorOverride == 0) {
            throw new IllegalArgumentException(AVG + ": divisor must be not zero");
        }
        Planes in = planes(AVG, x);
        int[] st = s == null ? k : s;
        PoolSpec spec = spec(AVG, () -> PoolSpec.avg(in.planes, in.h, in.w, k[0], k[1], st[0], st[1], p[0], p[1],
                ceilMode, countIncludePad, divisorOverride == null ? 0 : divisorOverride));
        Tensor out = OpLaunch.run(AVG, x.device(), DType.FLOAT32, in.outShape(spec.outHeight(), spec.outWidth()),
                (l, o) -> x.backend().avgPool2d(spec, l.dense(x), o));
        int[] inShape = x.shapeRef();
        return Graph.record(out, "AvgPool2DBackward0", new Tensor[] {x},
                g -> new Tensor[] {OpLaunch.run(AVG, g.device(), DType.FLOAT32, inShape,
                        (l, o) -> g.backend().avgPool2dBackward(spec, l.dense(g), o))});
    }

    /**
     * adaptive_avg_pool2d: output (oh, ow) averages input rows {@code [⌊oh·H/OH⌋, ⌈(oh+1)·H/OH⌉)} and
     * columns likewise (PyTorch's start/end index rule). When OH divides H and OW divides W these are
     * the windows of average pooling with kernel and stride H/OH (W/OW), which runs; otherwise the
     * result is {@code A_H · x · A_Wᵀ} with {@code A_H[oh, ih] = 1/rows(oh)} on the window and 0 off
     * it, two products whose gradients come from matmul's.
     */
    static Tensor adaptiveAvg(Tensor x, int[] outputSize) {
        Checks.float32(ADAPTIVE, x);
        int[] size = outputSize(ADAPTIVE, outputSize);
        int oh = size[0];
        int ow = size[1];
        if (oh < 0 || ow < 0) {
            throw new IllegalArgumentException(ADAPTIVE + ": elements of output_size must be greater than or equal to 0"
                    + " but received {" + oh + ", " + ow + "}");
        }
        int[] shape = x.shapeRef();
        if (shape.length != 3 && shape.length != 4) {
            throw new IllegalArgumentException(ADAPTIVE + "(): Expected 3D or 4D tensor, but got " + Shape.str(shape));
        }
        int h = shape[shape.length - 2];
        int w = shape[shape.length - 1];
        if (h == 0 || w == 0) {
            throw new IllegalArgumentException(ADAPTIVE + "(): Expected input to have non-zero size for non-batch"
                    + " dimensions, but input has sizes " + Shape.str(shape) + " with dimension "
                    + (shape.length - (h == 0 ? 2 : 1)) + " being empty");
        }
        if (oh > 0 && ow > 0 && h % oh == 0 && w % ow == 0) {
            int[] k = {h / oh, w / ow};
            return avg(x, k, k, new int[] {0}, false, true, null);
        }
        Tensor rows = averaging(x.device(), oh, h);                  // [OH, H]
        Tensor cols = averaging(x.device(), ow, w);                  // [OW, W]
        Tensor colsT = cols.t();
        Tensor mid = x.matmul(colsT);                                 // [*, H, OW]
        Tensor out = rows.matmul(mid);                                // [*, OH, OW]
        if (!Graph.shouldRecord(x)) {
            // the products' backwards keep these when recording (then the scope or the GC frees them)
            for (Tensor t : new Tensor[] {mid, colsT, cols, rows}) {
                t.close();
            }
        }
        return out;
    }

    /** {@code A[o, i] = 1/(end(o) − start(o))} for i in PyTorch's window {@code [⌊o·n/m⌋, ⌈(o+1)·n/m⌉)}. */
    private static Tensor averaging(Device device, int m, int n) {
        float[] a = new float[m * n];
        for (int o = 0; o < m; o++) {
            int start = (int) ((long) o * n / m);
            int end = (int) (((long) (o + 1) * n + m - 1) / m);
            for (int i = start; i < end; i++) {
                a[o * n + i] = 1f / (end - start);
            }
        }
        return Tensor.of(device, a, m, n);
    }

    private static Tensor maxBackward(PoolSpec spec, Tensor g, Tensor idx, int[] inShape) {
        return OpLaunch.run(MAX, g.device(), DType.FLOAT32, inShape,
                (l, o) -> g.backend().maxPool2dBackward(spec, l.dense(g), l.dense(idx), o));
    }

    /** An input seen as planes of H × W: [N, C, H, W] or [C, H, W] (no empty dim but the batch). */
    private record Planes(int[] shape, int planes, int h, int w) {
        int[] outShape(int oh, int ow) {
            int[] out = shape.clone();
            out[out.length - 2] = oh;
            out[out.length - 1] = ow;
            return out;
        }
    }

    private static Planes planes(String op, Tensor x) {
        Checks.float32(op, x);
        int[] s = x.shapeRef();
        boolean ok = (s.length == 3 || s.length == 4) && s[s.length - 1] > 0 && s[s.length - 2] > 0
                && s[s.length - 3] > 0;
        if (!ok) {
            throw new IllegalArgumentException(op + ": Expected 3D or 4D (batch mode) tensor with optional 0 dim batch"
                    + " size for input, but got: " + Shape.str(s));
        }
        int planes = s.length == 4 ? s[0] * s[1] : s[0];
        return new Planes(s, planes, s[s.length - 2], s[s.length - 1]);
    }

    /**
     * An adaptive pooling's {@code output_size} as {@code {OH, OW}}: one int for both dims or two
     * ints; the values are not checked here (each op has its own rule and message).
     */
    static int[] outputSize(String op, int[] outputSize) {
        if (outputSize == null || outputSize.length < 1 || outputSize.length > 2) {
            throw new IllegalArgumentException(op + ": output_size must be 2, got "
                    + (outputSize == null ? "null" : Arrays.toString(outputSize)));
        }
        return outputSize.length == 2 ? new int[] {outputSize[0], outputSize[1]}
                : new int[] {outputSize[0], outputSize[0]};
    }

    /**
     * A size argument as a pair: one int for both dims or two ints; {@code null} or empty stays null
     * where {@code optional} (a stride defaults to the kernel size, as PyTorch's {@code stride=None}).
     */
    static int[] pair(String op, String name, int[] v, boolean optional) {
        if (optional && (v == null || v.length == 0)) {
            return null;
        }
        if (v == null || v.length < 1 || v.length > 2) {
            throw new IllegalArgumentException(op + ": " + name + " must " + (optional ? "either be omitted, " : "either be ")
                    + "a single int, or a tuple of two ints, got " + (v == null ? "null" : Arrays.toString(v)));
        }
        return v.length == 1 ? new int[] {v[0], v[0]} : v.clone();
    }

    /** The spec, its problems named after the op. */
    private static PoolSpec spec(String op, java.util.function.Supplier<PoolSpec> make) {
        try {
            return make.get();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(op + ": " + e.getMessage(), e);
        }
    }
}
