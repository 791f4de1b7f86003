package io.clgrad;

import io.clgrad.backend.StridedView;
import java.util.List;

/**
 * {@code cat} and {@code stack}, as PyTorch's: one new output, each input copied into its window
 * of it with {@link io.clgrad.backend.Backend#copyInto} (read through the input's own strides,
 * no dense copy first); the gradient of each input is its window of the output's gradient (a view).
 * Mixed float32 and int32 inputs give float32, as PyTorch's type promotion does.
 */
final class Joining {
    private Joining() {
    }

    /** torch.cat: the inputs joined along {@code dim}; all of one rank with equal sizes but in dim. */
    static Tensor cat(List<Tensor> tensors, int dim) {
        String op = "cat";
        Tensor[] xs = inputs(op, tensors);
        // PyTorch's legacy rule: a 1-D empty tensor (shape [0]) is skipped whatever the others' shape
        int ref = -1;
        for (int i = 0; i < xs.length; i++) {
            if (!isLegacyEmpty(xs[i])) {
                ref = i;
                break;
            }
        }
        if (ref < 0) {
            ref = 0;
        }
        int[] refShape = xs[ref].shapeRef();
        if (refShape.length == 0) {
            throw new IllegalArgumentException(op + ": zero-dimensional tensor (at position " + ref
                    + ") cannot be concatenated");
        }
        int d = Shape.normalizeDim(op, dim, refShape);
        int[] outShape = refShape.clone();
        outShape[d] = 0;
        for (int i = 0; i < xs.length; i++) {
            int[] s = xs[i].shapeRef();
            if (isLegacyEmpty(xs[i]) && refShape.length != 1) {
                continue;
            }
            if (s.length == 0) {
                throw new IllegalArgumentException(op + ": zero-dimensional tensor (at position " + i
                        + ") cannot be concatenated");
            }
            if (s.length != refShape.length) {
                throw new IllegalArgumentException(op + ": tensors must have the same number of dimensions: got "
                        + refShape.length + " (tensor " + ref + ", shape " + Shape.str(refShape) + ") and " + s.length
                        + " (tensor " + i + ", shape " + Shape.str(s) + ")");
            }
            for (int k = 0; k < s.length; k++) {
                if (k != d && s[k] != refShape[k]) {
                    throw new IllegalArgumentException(op + ": sizes of tensors must match except in dimension " + d
                            + ": expected size " + refShape[k] + " but got size " + s[k] + " for tensor number " + i
                            + " in the list (shapes " + Shape.str(refShape) + " and " + Shape.str(s) + ")");
                }
            }
            outShape[d] += s[d];
        }
        Shape.checkLimits(op, outShape);
        DType dtype = promoted(xs);
        int[] starts = new int[xs.length];
        Tensor out;
        try (OpLaunch l = new OpLaunch(op, xs[0].device())) {
            out = l.output(dtype, outShape);
            StridedView window = out.stridedView(op);
            int at = 0;
            for (int i = 0; i < xs.length; i++) {
                starts[i] = at;
                if (isLegacyEmpty(xs[i]) && refShape.length != 1) {
                    continue;
                }
                int len = xs[i].shapeRef()[d];
                int from = at;
                write(l, xs[i], dtype, RunCopy.cut(window, w -> w.slice(d, from, len, 1)));
                at += len;
            }
            l.keep(out);
        }
        int[][] shapes = shapes(xs);
        return Graph.record(out, "CatBackward0", xs, g -> {
            Tensor[] grads = new Tensor[shapes.length];
            for (int i = 0; i < shapes.length; i++) {
                grads[i] = shapes[i].length == 1 && shapes[i][0] == 0 && refShape.length != 1
                        ? Factories.full(g.device(), 0f, shapes[i])
                        : g.narrow(d, starts[i], shapes[i][d]);   // a view, unrecorded in backward
            }
            return grads;
        });
    }

    /** torch.stack: the inputs (all of one shape) joined along a new dimension {@code dim}. */
    static Tensor stack(List<Tensor> tensors, int dim) {
        String op = "stack";
        Tensor[] xs = inputs(op, tensors);
        int[] shape = xs[0].shapeRef();
        for (int i = 1; i < xs.length; i++) {
            if (!java.util.Arrays.equals(xs[i].shapeRef(), shape)) {
                throw new IllegalArgumentException(op + ": stack expects each tensor to be equal size, but got "
                        + Shape.str(shape) + " at entry 0 and " + Shape.str(xs[i].shapeRef()) + " at entry " + i);
            }
        }
        int rank = shape.length;
        if (dim < -(rank + 1) || dim > rank) {
            throw new IllegalArgumentException(op + ": dimension " + dim + " out of range for the result of rank "
                    + (rank + 1) + " (inputs of shape " + Shape.str(shape) + "; expected in [" + (-(rank + 1)) + ", "
                    + rank + "])");
        }
        int d = dim < 0 ? dim + rank + 1 : dim;
        int[] outShape = new int[rank + 1];
        for (int k = 0, j = 0; k <= rank; k++) {
            outShape[k] = k == d ? xs.length : shape[j++];
        }
        Shape.checkLimits(op, outShape);
        DType dtype = promoted(xs);
        Tensor out;
        try (OpLaunch l = new OpLaunch(op, xs[0].device())) {
            out = l.output(dtype, outShape);
            StridedView all = out.stridedView(op);
            for (int i = 0; i < xs.length; i++) {
                int index = i;
                write(l, xs[i], dtype, RunCopy.cut(all, w -> w.select(d, index)));
            }
            l.keep(out);
        }
        int n = xs.length;
        return Graph.record(out, "StackBackward0", xs, g -> {
            Tensor[] grads = new Tensor[n];
            for (int i = 0; i < grads.length; i++) {
                grads[i] = g.select(d, i);
            }
            return grads;
        });
    }

    /** Copies {@code x} (converted to {@code dtype} first when it differs) into the window {@code dst}. */
    private static void write(OpLaunch l, Tensor x, DType dtype, StridedView dst) {
        if (dst.numel() == 0) {
            return;
        }
        Tensor typed = Transfers.cast(x, dtype);
        try {
            x.backend().copyInto(l.view(typed), dst);
        } finally {
            Checks.closeTemp(typed, x);
        }
    }

    /** The tensors as an array: not empty, none null or closed, all on one device. */
    private static Tensor[] inputs(String op, List<Tensor> tensors) {
        if (tensors == null || tensors.isEmpty()) {
            throw new IllegalArgumentException(op + ": expected a non-empty list of tensors");
        }
        Tensor[] xs = tensors.toArray(new Tensor[0]);
        for (int i = 0; i < xs.length; i++) {
            if (xs[i] == null) {
                throw new IllegalArgumentException(op + ": tensor " + i + " of the list is null");
            }
            xs[i].checkOpen(op);
            if (xs[i].device() != xs[0].device()) {
                throw new IllegalArgumentException(op + ": expected all tensors to be on the same device, but tensor "
                        + i + " is on " + xs[i].device() + " and tensor 0 on " + xs[0].device()
                        + " (move it with .to(device))");
            }
        }
        return xs;
    }

    /** float32 when any input is float32, else int32 (PyTorch's promotion over these two types). */
    private static DType promoted(Tensor[] xs) {
        for (Tensor x : xs) {
            if (x.dtype() == DType.FLOAT32) {
                return DType.FLOAT32;
            }
        }
        return xs[0].dtype();
    }

    private static boolean isLegacyEmpty(Tensor t) {
        int[] s = t.shapeRef();
        return s.length == 1 && s[0] == 0;
    }

    private static int[][] shapes(Tensor[] xs) {
        int[][] s = new int[xs.length][];
        for (int i = 0; i < xs.length; i++) {
            s[i] = xs[i].shapeRef().clone();
        }
        return s;
    }
}
