package io.clgrad;

import io.clgrad.backend.StridedView;
import java.util.Arrays;

/**
 * Index-driven ops with gradients: {@code index_select}, {@code gather}, {@code scatter},
 * {@code scatter_add}, {@code masked_fill}, {@code where}, {@code masked_select}, {@code x[mask]}
 * and {@code one_hot}. The first four are the backend's {@link io.clgrad.backend.Backend#gather} and
 * {@link io.clgrad.backend.Backend#scatter} on strided views (index_select is a gather whose index
 * view repeats along the other dims with stride 0, so nothing is expanded in memory);
 * masked_fill and where are {@link io.clgrad.backend.Backend#where}; masked_select and
 * {@code x[mask]} read the mask to the host (their output size depends on its values, as in
 * PyTorch on a GPU) and index_select the selected elements, so their gradient is index_select's.
 *
 * <p>Indices are int32 tensors (PyTorch uses int64). Masks and conditions are float32 or int32
 * tensors, true where non-zero (clgrad has no bool dtype; comparisons return float32 1/0). An
 * index outside its dimension raises {@link io.clgrad.backend.IndexOutOfRangeException}: on the CPU
 * from the call, on OpenCL from the next read (see that class). The public entries are in
 * {@link Tensor} and {@link Functional}.
 */
final class IndexOps {
    static final String INDEX_SELECT = "index_select";
    static final String GATHER = "gather";
    static final String SCATTER = "scatter";
    static final String SCATTER_ADD = "scatter_add";
    static final String WHERE = "where";
    static final String MASKED_FILL = "masked_fill";
    static final String MASKED_SELECT = "masked_select";
    static final String ONE_HOT = "one_hot";

    private IndexOps() {
    }

    // ---------------------------------------------------------------- index_select, gather

    static Tensor indexSelect(Tensor x, int dim, Tensor index) {
        x.checkOpen(INDEX_SELECT);
        Checks.int32(INDEX_SELECT, "index", index);
        Checks.sameDevice(INDEX_SELECT, x, index);
        if (index.dim() > 1) {
            throw new IllegalArgumentException(INDEX_SELECT + "(): Index is supposed to be a vector, got shape "
                    + Shape.str(index.shapeRef()));
        }
        if (x.dim() == 0) {
            return indexSelect(x.reshape(1), dim, index).reshape(index.numel() == 1 ? new int[0] : new int[] {-1});
        }
        int d = Shape.normalizeDim(INDEX_SELECT, dim, x.shapeRef());
        int[] outShape = x.shape();
        outShape[d] = index.numel();
        int[] inShape = x.shapeRef();
        Tensor out = OpLaunch.run(INDEX_SELECT, x.device(), x.dtype(), outShape, (l, o) -> x.backend().gather(
                INDEX_SELECT, view(l, x, inShape), d, repeated(l, index, outShape, d), o));
        if (!Graph.shouldRecord(x)) {
            return out;
        }
        return Graph.record(out, "IndexSelectBackward0", new Tensor[] {x}, new Tensor[] {index},
                g -> new Tensor[] {OpLaunch.run(INDEX_SELECT, g.device(), g.dtype(), inShape, (l, o) -> g.backend()
                        .scatter(INDEX_SELECT, inShape, null, d, repeated(l, index, outShape, d),
                                view(l, g, outShape), true, o))});
    }

    static Tensor gather(Tensor x, int dim, Tensor index) {
        x.checkOpen(GATHER);
        Checks.int32(GATHER, "index", index);
        Checks.sameDevice(GATHER, x, index);
        if (x.dim() == 0 && index.dim() <= 1) {
            return gather(x.reshape(1), dim, index.reshape(1)).reshape(index.shapeRef());
        }
        int d = Shape.normalizeDim(GATHER, dim, x.shapeRef());
        checkIndexShape(GATHER, x.shapeRef(), "self", index.shapeRef(), d, false);
        int[] inShape = x.shapeRef();
        int[] outShape = index.shapeRef();
        int[] selfView = outShape.clone();
        selfView[d] = inShape[d];
        Tensor out = OpLaunch.run(GATHER, x.device(), x.dtype(), outShape, (l, o) -> x.backend().gather(
                GATHER, view(l, x, selfView), d, indices(l, index), o));
        if (!Graph.shouldRecord(x)) {
            return out;
        }
        return Graph.record(out, "GatherBackward0", new Tensor[] {x}, new Tensor[] {index},
                g -> new Tensor[] {scatterRaw(SCATTER_ADD, null, inShape, d, index, g, true)});
    }

    // ---------------------------------------------------------------- scatter, scatter_add

    /** Out-of-place scatter ({@code add} false) or scatter_add of {@code src} into a copy of x. */
    static Tensor scatter(Tensor x, int dim, Tensor index, Tensor src, boolean add) {
        String op = add ? SCATTER_ADD : SCATTER;
        x.checkOpen(op);
        src.checkOpen(op);
        Checks.int32(op, "index", index);
        Checks.sameDevice(op, x, index);
        Checks.sameDevice(op, x, src);
        if (src.dtype() != x.dtype()) {
            throw new IllegalArgumentException(op + "(): Expected self.dtype to be equal to src.dtype, got "
                    + x.dtype() + " and " + src.dtype());
        }
        if (x.dim() == 0) {
            return scatter(x.reshape(1), dim, index.reshape(-1), src.reshape(-1), add).reshape(new int[0]);
        }
        int d = Shape.normalizeDim(op, dim, x.shapeRef());
        checkIndexShape(op, x.shapeRef(), "self", index.shapeRef(), d, false);
        checkIndexShape(op, src.shapeRef(), "src", index.shapeRef(), d, true);
        int[] shape = x.shapeRef();
        int[] srcShape = src.shapeRef();
        Tensor out = scatterRaw(op, x, shape, d, index, src, add);
        if (!Graph.shouldRecord(x, src)) {
            return out;
        }
        return Graph.record(out, add ? "ScatterAddBackward0" : "ScatterBackward0", new Tensor[] {x, src},
                new Tensor[] {index}, g -> new Tensor[] {
                    add ? g : scatterValue(op, g, d, index, 0f),
                    padTo(gather(g, d, index), srcShape)});
    }

    /** scatter with one value for every index (PyTorch's {@code scatter(dim, index, value)}); no gradient to x where written. */
    static Tensor scatterValue(Tensor x, int dim, Tensor index, float value) {
        x.checkOpen(SCATTER);
        Checks.int32(SCATTER, "index", index);
        Checks.sameDevice(SCATTER, x, index);
        if (x.dim() == 0) {
            return scatterValue(x.reshape(1), dim, index.reshape(-1), value).reshape(new int[0]);
        }
        int d = Shape.normalizeDim(SCATTER, dim, x.shapeRef());
        checkIndexShape(SCATTER, x.shapeRef(), "self", index.shapeRef(), d, false);
        Tensor out = scatterValue(SCATTER, x, d, index, value);
        if (!Graph.shouldRecord(x)) {
            return out;
        }
        return Graph.record(out, "ScatterBackward1", new Tensor[] {x}, new Tensor[] {index},
                g -> new Tensor[] {scatterValue(SCATTER, g, d, index, 0f)});
    }

    /** A copy of x (zeros of {@code shape} when x is null) with src scattered, unrecorded. */
    private static Tensor scatterRaw(String op, Tensor x, int[] shape, int d, Tensor index, Tensor src, boolean add) {
        int[] is = index.shapeRef();
        return OpLaunch.run(op, src.device(), src.dtype(), shape, (l, o) -> src.backend().scatter(op, shape,
                x == null ? null : view(l, x, shape), d, indices(l, index), view(l, src, is), add, o));
    }

    /** A copy of x with {@code value} written at the indexed places, unrecorded. */
    private static Tensor scatterValue(String op, Tensor x, int d, Tensor index, float value) {
        int[] shape = x.shapeRef();
        int[] is = index.shapeRef();
        try (Tensor v = scalarLike(x, value)) {
            return OpLaunch.run(op, x.device(), x.dtype(), shape, (l, o) -> x.backend().scatter(op, shape,
                    view(l, x, shape), d, indices(l, index), constant(l, v, is), false, o));
        }
    }

    /**
     * The gradient of a src larger than its index: {@code g} in the leading corner, zeros elsewhere
     * (a scatter along dim 0 of g's rows to the same rows, the index an arange repeated over the rest).
     */
    private static Tensor padTo(Tensor g, int[] shape) {
        int[] gs = g.shapeRef();
        if (Arrays.equals(gs, shape)) {
            return g;
        }
        try (Tensor rows = Factories.arange(g.device(), gs[0])) {
            Tensor out = OpLaunch.run(SCATTER, g.device(), g.dtype(), shape, (l, o) -> g.backend().scatter(SCATTER,
                    shape, null, 0, repeated(l, rows, gs, 0), view(l, g, gs), false, o));
            g.close();
            return out;
        }
    }

    // ---------------------------------------------------------------- where, masked_fill

    static Tensor where(Tensor condition, Tensor x, Tensor y) {
        checkMask(WHERE, "condition", condition);
        x.checkOpen(WHERE);
        y.checkOpen(WHERE);
        Checks.sameDevice(WHERE, condition, x);
        Checks.sameDevice(WHERE, x, y);
        if (x.dtype() != y.dtype()) {   // PyTorch's promotion of int32 with float32: float32
            Tensor xf = x.dtype() == DType.FLOAT32 ? x : x.toFloat();
            Tensor yf = y.dtype() == DType.FLOAT32 ? y : y.toFloat();
            return where(condition, xf, yf);
        }
        int[] shape = Shape.broadcast(WHERE, Shape.broadcast(WHERE, condition.shapeRef(), x.shapeRef()),
                y.shapeRef());
        Tensor out = whereRaw(WHERE, condition, x, y, shape);
        if (!Graph.shouldRecord(x, y)) {
            return out;
        }
        int[] xs = x.shapeRef();
        int[] ys = y.shapeRef();
        return Graph.record(out, "WhereBackward0", new Tensor[] {x, y}, new Tensor[] {condition}, g -> {
            try (Tensor zero = scalarLike(g, 0f)) {
                return new Tensor[] {Graph.sumTo(whereRaw(WHERE, condition, g, zero, g.shapeRef()), xs),
                    Graph.sumTo(whereRaw(WHERE, condition, zero, g, g.shapeRef()), ys)};
            }
        });
    }

    static Tensor maskedFill(Tensor x, Tensor mask, float value) {
        checkMask(MASKED_FILL, "mask", mask);
        x.checkOpen(MASKED_FILL);
        Checks.sameDevice(MASKED_FILL, x, mask);
        int[] shape = x.shapeRef();
        int[] both = Shape.broadcast(MASKED_FILL, mask.shapeRef(), shape);
        if (!Arrays.equals(both, shape)) {
            throw new IllegalArgumentException(MASKED_FILL + ": mask of shape " + Shape.str(mask.shapeRef())
                    + " does not broadcast to the input's shape " + Shape.str(shape));
        }
        Tensor out;
        try (Tensor v = scalarLike(x, value)) {
            out = whereRaw(MASKED_FILL, mask, v, x, shape);
        }
        if (!Graph.shouldRecord(x)) {
            return out;
        }
        return Graph.record(out, "MaskedFillBackward0", new Tensor[] {x}, new Tensor[] {mask}, g -> {
            try (Tensor zero = scalarLike(g, 0f)) {
                return new Tensor[] {whereRaw(MASKED_FILL, mask, zero, g, shape)};
            }
        });
    }

    private static Tensor whereRaw(String op, Tensor c, Tensor x, Tensor y, int[] shape) {
        return OpLaunch.run(op, x.device(), x.dtype(), shape, (l, o) -> x.backend().where(l.broadcast(c, shape),
                l.broadcast(x, shape), l.broadcast(y, shape), o, shape));
    }

    // ---------------------------------------------------------------- masked_select, x[mask]

    static Tensor maskedSelect(Tensor x, Tensor mask) {
        checkMask(MASKED_SELECT, "mask", mask);
        x.checkOpen(MASKED_SELECT);
        Checks.sameDevice(MASKED_SELECT, x, mask);
        int[] shape = Shape.broadcast(MASKED_SELECT, mask.shapeRef(), x.shapeRef());
        Tensor xb = Arrays.equals(shape, x.shapeRef()) ? x : x.expand(shape);
        return select(xb.reshape(-1), mask.expand(shape));
    }

    /** {@code x[mask]}: the mask's shape is x's leading shape; the result is [count, x's other dims...]. */
    static Tensor getMask(Tensor x, Tensor mask) {
        String op = "get(mask)";
        checkMask(op, "mask", mask);
        x.checkOpen(op);
        Checks.sameDevice(op, x, mask);
        int[] ms = mask.shapeRef();
        int[] xs = x.shapeRef();
        if (ms.length > xs.length) {
            throw new IllegalArgumentException(op + ": too many indices for tensor of dimension " + xs.length
                    + " (mask of shape " + Shape.str(ms) + ")");
        }
        for (int d = 0; d < ms.length; d++) {
            if (ms[d] != xs[d]) {
                throw new IllegalArgumentException(op + ": The shape of the mask " + Shape.str(ms) + " at index " + d
                        + " does not match the shape of the indexed tensor " + Shape.str(xs) + " at index " + d);
            }
        }
        int[] rest = Arrays.copyOfRange(xs, ms.length, xs.length);
        int[] rows = new int[rest.length + 1];
        rows[0] = Shape.prod(xs, 0, ms.length);
        System.arraycopy(rest, 0, rows, 1, rest.length);
        return select(x.reshape(rows), mask);
    }

    /** The rows of {@code rows} ([M, rest...]) where the flattened mask (M elements) is set. */
    private static Tensor select(Tensor rows, Tensor mask) {
        int[] picked = setPositions(mask);
        Tensor idx = Tensor.of(rows.device(), picked, picked.length);
        Tensor out = indexSelect(rows, 0, idx);
        if (!Graph.shouldRecord(rows)) {
            idx.close();   // else the backward reads it (then the scope or the GC frees it)
        }
        return out;
    }

    /** The row-major positions where the mask is non-zero (read from the device). */
    private static int[] setPositions(Tensor mask) {
        int n = mask.numel();
        int[] hits = new int[n];
        int k = 0;
        Tensor dense = Layouts.dense(mask);
        boolean ints = mask.dtype() == DType.INT32;
        int[] iv = ints ? dense.toIntArray() : null;
        float[] fv = ints ? null : dense.toFloatArray();
        Checks.closeTemp(dense, mask);
        if (ints) {
            int[] v = iv;
            for (int i = 0; i < n; i++) {
                hits[k] = i;
                k += v[i] != 0 ? 1 : 0;
            }
        } else {
            float[] v = fv;
            for (int i = 0; i < n; i++) {
                hits[k] = i;
                k += v[i] != 0f ? 1 : 0;   // NaN counts as set, as PyTorch's float-to-bool
            }
        }
        return Arrays.copyOf(hits, k);
    }

    // ---------------------------------------------------------------- one_hot

    static Tensor oneHot(Tensor labels, int numClasses) {
        Checks.int32(ONE_HOT, "labels", labels);
        int classes = numClasses;
        if (classes == -1) {
            if (labels.numel() == 0) {
                throw new IllegalArgumentException(ONE_HOT + ": Can not infer total number of classes from empty tensor.");
            }
            Tensor dense = Layouts.dense(labels);
            classes = Arrays.stream(dense.toIntArray()).max().getAsInt() + 1;
            Checks.closeTemp(dense, labels);
        } else if (classes < 0) {
            throw new IllegalArgumentException(ONE_HOT + ": num_classes must be -1 or non-negative, got " + numClasses);
        }
        int[] ls = labels.shapeRef();
        int[] shape = Arrays.copyOf(ls, ls.length + 1);
        shape[ls.length] = classes;
        int[] is = Arrays.copyOf(ls, ls.length + 1);
        is[ls.length] = 1;
        int d = ls.length;
        try (Tensor one = Tensor.of(labels.device(), new int[] {1}, 1)) {
            return OpLaunch.run(ONE_HOT, labels.device(), DType.INT32, shape, (l, o) -> labels.backend().scatter(
                    ONE_HOT, shape, null, d, StridedView.contiguous(l.dense(labels), is),
                    constant(l, one, is), false, o));
        }
    }

    // ---------------------------------------------------------------- helpers

    /** x's own strides and offset, seen with {@code shape} (a corner of x: sizes at most x's). */
    private static StridedView view(OpLaunch l, Tensor x, int[] shape) {
        return new StridedView(l.strided(x), x.offset(), shape, x.stridesRef());
    }

    /**
     * A 1-D index (made dense) seen with {@code shape}: its elements along {@code dim}, repeated
     * (stride 0) along the others.
     */
    private static StridedView repeated(OpLaunch l, Tensor index, int[] shape, int dim) {
        int[] st = new int[shape.length];
        st[dim] = index.dim() == 0 ? 0 : 1;
        return new StridedView(l.dense(index), 0, shape, st);
    }

    /**
     * An index tensor made dense, seen with its own shape: the backend then reports a bad index's
     * position as its row-major position in the index tensor.
     */
    private static StridedView indices(OpLaunch l, Tensor index) {
        return StridedView.contiguous(l.dense(index), index.shapeRef());
    }

    /** A one-element tensor seen with {@code shape} (every stride 0). */
    private static StridedView constant(OpLaunch l, Tensor one, int[] shape) {
        return new StridedView(l.strided(one), one.offset(), shape, new int[shape.length]);
    }

    /** {@code value} as a one-element tensor of x's dtype on x's device. */
    private static Tensor scalarLike(Tensor x, float value) {
        return x.dtype() == DType.INT32 ? Tensor.of(x.device(), new int[] {(int) value}, 1)
                : Tensor.full(x.device(), value, 1);
    }

    /** PyTorch's shape rules for gather/scatter: same rank; index no larger than other off dim (than src everywhere). */
    private static void checkIndexShape(String op, int[] other, String name, int[] index, int dim, boolean everyDim) {
        if (index.length != other.length) {
            throw new IllegalArgumentException(op + "(): Index tensor must have the same number of dimensions as "
                    + name + " tensor (index " + Shape.str(index) + ", " + name + " " + Shape.str(other) + ")");
        }
        for (int d = 0; d < index.length; d++) {
            if ((everyDim || d != dim) && index[d] > other[d]) {
                throw new IllegalArgumentException(op + "(): Size does not match at dimension " + d + " expected index "
                        + Shape.str(index) + " to be smaller than " + name + " " + Shape.str(other)
                        + (everyDim ? "" : " apart from dimension " + dim));
            }
        }
    }

    private static void checkMask(String op, String what, Tensor mask) {
        mask.checkOpen(op);
        // every dtype is a mask: bool (a comparison's result), or float32/int32 with non-zero = true
        if (mask.dtype() != DType.BOOL && mask.dtype() != DType.FLOAT32 && mask.dtype() != DType.INT32) {
            throw new IllegalArgumentException(op + ": " + what + " must be a bool, float32 or int32 tensor"
                    + " (non-zero = true), got " + mask.dtype());
        }
    }
}
