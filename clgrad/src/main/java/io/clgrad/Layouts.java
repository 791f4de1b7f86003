package io.clgrad;

import io.clgrad.backend.StridedView;

/** Views and copies: reshape, transpose, permute, (un)squeeze, expand, contiguous copies. */
final class Layouts {
    private Layouts() {
    }

    /** The tensor itself when backend ops can read it directly (row-major from element 0), else a copy. */
    static Tensor dense(Tensor t) {
        t.checkOpen("contiguous");
        return t.isDense() ? t : copy(t);
    }

    /** A row-major copy with its own storage. */
    static Tensor copy(Tensor t) {
        Tensor out = Tensor.empty(t.device(), t.dtype(), t.shapeRef());
        if (out.numel() > 0) {
            t.backend().copy(t.stridedView("copy"), out.buffer("copy"));
        }
        return out;
    }

    static Tensor reshape(Tensor t, int[] requested) {
        t.checkOpen("reshape");
        int[] shape = inferShape(t, requested);
        Tensor out;
        if (t.isContiguous()) {
            out = t.restride(t.offset(), shape, StridedView.contiguousStrides(shape));
        } else {
            Tensor c = copy(t);
            try {
                out = c.restride(0, shape, StridedView.contiguousStrides(shape));
            } finally {
                c.close();
            }
        }
        int[] from = t.shapeRef();
        return Graph.record(out, "ViewBackward0", new Tensor[] {t}, g -> new Tensor[] {g.reshape(from)});
    }

    static Tensor view(Tensor t, int[] requested) {
        t.checkOpen("view");
        if (!t.isContiguous()) {
            throw new IllegalArgumentException("view: shape " + Shape.str(requested) + " is not compatible with the"
                    + " layout of the input (shape " + Shape.str(t.shapeRef()) + ", strides " + Shape.str(t.stridesRef())
                    + "); use reshape(), which copies when it must");
        }
        return reshape(t, requested);
    }

    /** {@link Tensor#contiguous()}: the tensor itself, or a recorded copy. */
    static Tensor contiguous(Tensor t) {
        Tensor d = dense(t);
        return d == t ? t : Graph.record(d, "CloneBackward0", new Tensor[] {t}, g -> new Tensor[] {g});
    }

    /** {@link Tensor#copy()}: a recorded copy. */
    static Tensor recordedCopy(Tensor t) {
        t.checkOpen("copy");
        return Graph.record(copy(t), "CloneBackward0", new Tensor[] {t}, g -> new Tensor[] {g});
    }

    private static int[] inferShape(Tensor t, int[] requested) {
        int[] shape = requested.clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] == -1) {
                if (infer >= 0) {
                    throw new IllegalArgumentException("reshape: only one dimension can be -1, got " + Shape.str(requested));
                }
                infer = i;
            } else if (shape[i] < 0) {
                throw new IllegalArgumentException("reshape: invalid size " + shape[i] + " in " + Shape.str(requested));
            } else {
                known *= shape[i];
            }
        }
        if (infer >= 0) {
            if (known == 0 || t.numel() % known != 0) {
                throw new IllegalArgumentException("reshape: shape " + Shape.str(requested)
                        + " is invalid for input of size " + t.numel());
            }
            shape[infer] = (int) (t.numel() / known);
        }
        if (Shape.numel(shape) != t.numel()) {
            throw new IllegalArgumentException("reshape: shape " + Shape.str(requested)
                    + " is invalid for input of size " + t.numel() + " (shape " + Shape.str(t.shapeRef()) + ")");
        }
        return shape;
    }

    static Tensor transpose(Tensor t, int dim0, int dim1) {
        int[] shape = t.shapeRef();
        if (shape.length == 0) {
            Shape.normalizeDim("transpose", dim0, shape);
            Shape.normalizeDim("transpose", dim1, shape);
            return t.restride(t.offset(), new int[0], new int[0]);
        }
        int a = Shape.normalizeDim("transpose", dim0, shape);
        int b = Shape.normalizeDim("transpose", dim1, shape);
        int[] s = shape.clone();
        int[] st = t.stridesRef().clone();
        swap(s, a, b);
        swap(st, a, b);
        return Graph.record(t.restride(t.offset(), s, st), "TransposeBackward0", new Tensor[] {t},
                g -> new Tensor[] {g.transpose(a, b)});
    }

    static Tensor t(Tensor t) {
        int rank = t.dim();
        if (rank > 2) {
            throw new IllegalArgumentException("t: expects a tensor with <= 2 dimensions, got shape "
                    + Shape.str(t.shapeRef()) + " (use transpose(dim0, dim1))");
        }
        if (rank == 2) {
            return transpose(t, 0, 1);
        }
        return Graph.record(t.restride(t.offset(), t.shapeRef().clone(), t.stridesRef().clone()), "TBackward0",
                new Tensor[] {t}, g -> new Tensor[] {g});
    }

    static Tensor permute(Tensor t, int[] dims) {
        int[] shape = t.shapeRef();
        if (dims.length != shape.length) {
            throw new IllegalArgumentException("permute: " + dims.length + " dims given for shape " + Shape.str(shape));
        }
        int[] s = new int[dims.length];
        int[] st = new int[dims.length];
        boolean[] seen = new boolean[dims.length];
        int[] inverse = new int[dims.length];
        for (int i = 0; i < dims.length; i++) {
            int d = Shape.normalizeDim("permute", dims[i], shape);
            if (seen[d]) {
                throw new IllegalArgumentException("permute: dimension " + d + " repeats in " + Shape.str(dims));
            }
            seen[d] = true;
            s[i] = shape[d];
            st[i] = t.stridesRef()[d];
            inverse[d] = i;
        }
        return Graph.record(t.restride(t.offset(), s, st), "PermuteBackward0", new Tensor[] {t},
                g -> new Tensor[] {g.permute(inverse)});
    }

    static Tensor unsqueeze(Tensor t, int dim) {
        int rank = t.dim();
        if (dim < -(rank + 1) || dim > rank) {
            throw new IllegalArgumentException("unsqueeze: dimension " + dim + " out of range for shape "
                    + Shape.str(t.shapeRef()) + " (expected in [" + (-(rank + 1)) + ", " + rank + "])");
        }
        int d = dim < 0 ? dim + rank + 1 : dim;
        int[] s = new int[rank + 1];
        int[] st = new int[rank + 1];
        for (int i = 0, j = 0; i <= rank; i++) {
            if (i == d) {
                s[i] = 1;
                st[i] = j < rank ? t.stridesRef()[j] * t.shapeRef()[j] : 1;
            } else {
                s[i] = t.shapeRef()[j];
                st[i] = t.stridesRef()[j];
                j++;
            }
        }
        return Graph.record(t.restride(t.offset(), s, st), "UnsqueezeBackward0", new Tensor[] {t},
                g -> new Tensor[] {g.squeeze(d)});
    }

    static Tensor squeeze(Tensor t, int dim) {
        int[] from = t.shapeRef();
        return Graph.record(squeezeRaw(t, dim), "SqueezeBackward1", new Tensor[] {t},
                g -> new Tensor[] {g.reshape(from)});
    }

    private static Tensor squeezeRaw(Tensor t, int dim) {
        int[] shape = t.shapeRef();
        if (shape.length == 0) {
            Shape.normalizeDim("squeeze", dim, shape);
            return t.restride(t.offset(), new int[0], new int[0]);
        }
        int d = Shape.normalizeDim("squeeze", dim, shape);
        if (shape[d] != 1) {
            return t.restride(t.offset(), shape.clone(), t.stridesRef().clone());
        }
        int[] s = new int[shape.length - 1];
        int[] st = new int[shape.length - 1];
        for (int i = 0, j = 0; i < shape.length; i++) {
            if (i != d) {
                s[j] = shape[i];
                st[j++] = t.stridesRef()[i];
            }
        }
        return t.restride(t.offset(), s, st);
    }

    static Tensor expand(Tensor t, int[] sizes) {
        int[] shape = t.shapeRef();
        if (sizes.length < shape.length) {
            throw new IllegalArgumentException("expand: target " + Shape.str(sizes) + " has fewer dimensions than "
                    + Shape.str(shape));
        }
        int lead = sizes.length - shape.length;
        int[] s = new int[sizes.length];
        int[] st = new int[sizes.length];
        for (int i = 0; i < sizes.length; i++) {
            int src = i - lead;
            int have = src >= 0 ? shape[src] : 1;
            int want = sizes[i] == -1 && src >= 0 ? have : sizes[i];
            if (want < 0 || (have != want && have != 1)) {
                throw new IllegalArgumentException("expand: cannot expand " + Shape.str(shape) + " to "
                        + Shape.str(sizes) + " (dimension " + i + ": " + have + " -> " + sizes[i] + ")");
            }
            s[i] = want;
            st[i] = src >= 0 && have == want ? t.stridesRef()[src] : 0;
        }
        return Graph.record(t.restride(t.offset(), s, st), "ExpandBackward0", new Tensor[] {t},
                g -> new Tensor[] {Graph.sumTo(g, shape)});
    }

    /**
     * A view of {@code t} aligned to {@code outShape} for broadcasting: leading dims added and
     * size-1 dims given stride 0.
     */
    static StridedView broadcastView(String op, Tensor t, int[] outShape) {
        int[] shape = t.shapeRef();
        int[] strides = t.stridesRef();
        int lead = outShape.length - shape.length;
        int[] st = new int[outShape.length];
        for (int i = 0; i < outShape.length; i++) {
            int src = i - lead;
            st[i] = src < 0 || (shape[src] == 1 && outShape[i] != 1) ? 0 : strides[src];
        }
        return new StridedView(t.buffer(op), t.offset(), outShape, st);
    }

    private static void swap(int[] a, int i, int j) {
        int x = a[i];
        a[i] = a[j];
        a[j] = x;
    }
}
