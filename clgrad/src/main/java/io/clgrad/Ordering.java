package io.clgrad;

import io.clgrad.backend.ReduceOp;

/**
 * Ops along one dim (issue 11): {@code max}/{@code min} with their indices, {@code sort} and
 * {@code topk} (the backend's stable argsort, then a {@code gather}), {@code cumsum} (the
 * backend's scan) and {@code prod} (a tree of pairwise products). Gradients: {@code gather}'s for
 * sorted values, the reversed cumulative sum for cumsum, and through the product tree PyTorch's
 * rule for zeros (the product of the other elements at a single zero, 0 elsewhere) without dividing.
 */
final class Ordering {
    private Ordering() {
    }

    /** {@code max(dim)} or {@code min(dim)}: the values (with gradient) and their int32 indices. */
    static ValuesAndIndices extreme(Tensor x, int dim, boolean keepdim, boolean max) {
        Tensor values = DimReductions.along(max ? ReduceOp.MAX : ReduceOp.MIN, x, dim, keepdim);
        Tensor indices = DimReductions.along(max ? ReduceOp.ARGMAX : ReduceOp.ARGMIN, x, dim, keepdim);
        return new ValuesAndIndices(values, indices);
    }

    /**
     * Sorted along {@code dim}, stably (equal elements keep their order, PyTorch's
     * {@code stable=True}); NaN counts as larger than every number, as PyTorch (last ascending,
     * first descending). The backend's argsort gives the indices; the values are their
     * {@code gather}, which carries the gradient.
     */
    static ValuesAndIndices sort(String op, Tensor x, int dim, boolean descending) {
        Checks.float32(op, x);
        int[] shape = x.shapeRef();
        int d = Shape.normalizeDim(op, dim, shape);
        if (shape.length == 0) {
            return new ValuesAndIndices(x.mul(1f), Tensor.zeros(x.device(), new int[0]).toInt());
        }
        int outer = Shape.prod(shape, 0, d);
        int inner = Shape.prod(shape, d + 1, shape.length);
        Tensor indices = OpLaunch.run(op, x.device(), DType.INT32, shape,
                (l, o) -> x.backend().argsort(l.dense(x), o, outer, shape[d], inner, descending));
        return new ValuesAndIndices(x.gather(d, indices), indices);
    }

    /** The k largest (or smallest) along {@code dim}, in sorted order, as PyTorch's {@code topk}. */
    static ValuesAndIndices topk(Tensor x, int k, int dim, boolean largest) {
        Checks.float32("topk", x);
        int d = Shape.normalizeDim("topk", dim, x.shapeRef());
        int len = x.dim() == 0 ? 1 : x.shapeRef()[d];
        if (k < 0 || k > len) {
            throw new IllegalArgumentException("topk: k (" + k + ") out of range for dimension " + dim
                    + " of size " + len + " (shape " + Shape.str(x.shapeRef()) + ")");
        }
        ValuesAndIndices s = sort("topk", x, dim, largest);
        if (x.dim() == 0) {
            return s;
        }
        return new ValuesAndIndices(s.values().narrow(d, 0, k).contiguous(), s.indices().narrow(d, 0, k).contiguous());
    }

    /**
     * {@code y_i = Σ_{j ≤ i} x_j} along {@code dim}: the backend's scan over [outer, len, inner];
     * the gradient is the reversed cumulative sum of the output's gradient.
     */
    static Tensor cumsum(Tensor x, int dim) {
        Checks.float32("cumsum", x);
        int[] shape = x.shapeRef();
        int d = Shape.normalizeDim("cumsum", dim, shape);
        int outer = shape.length == 0 ? 1 : Shape.prod(shape, 0, d);
        int len = shape.length == 0 ? 1 : shape[d];
        int inner = shape.length == 0 ? 1 : Shape.prod(shape, d + 1, shape.length);
        Tensor out = OpLaunch.run("cumsum", x.device(), DType.FLOAT32, shape,
                (l, o) -> x.backend().cumsum(l.dense(x), o, outer, len, inner));
        if (shape.length == 0) {
            return Graph.record(out, "CumsumBackward0", new Tensor[] {x}, g -> new Tensor[] {g});
        }
        return Graph.record(out, "CumsumBackward0", new Tensor[] {x}, g -> new Tensor[] {g.flip(d).cumsum(d).flip(d)});
    }

    /**
     * The product along {@code dim} as a tree of pairwise products of halves (log2 L launches);
     * int32 products wrap; bool is counted as int32 as PyTorch's integer result.
     */
    static Tensor prod(Tensor x, int dim, boolean keepdim) {
        Tensor t = x.dtype() == DType.BOOL ? x.toInt() : x;
        if (x.dim() == 0) {
            Shape.normalizeDim("prod", dim, x.shapeRef());
            return t.mul(1);
        }
        int d = Shape.normalizeDim("prod", dim, x.shapeRef());
        int len = t.shapeRef()[d];
        if (len == 0) {
            int[] s = t.shapeRef().clone();
            s[d] = 1;
            Tensor one = Tensor.ones(x.device(), s);
            one = t.dtype() == DType.INT32 ? one.toInt() : one;
            return keepdim ? one : one.squeeze(d);
        }
        while (len > 1) {
            int h = len / 2;
            Tensor p = t.narrow(d, 0, h).mul(t.narrow(d, h, h));
            t = len % 2 == 0 ? p : Tensor.cat(new Tensor[] {p, t.narrow(d, len - 1, 1)}, d);
            len = (len + 1) / 2;
        }
        Tensor out = t.dtype() == x.dtype() && t == x ? t.mul(1) : t;
        return keepdim ? out : out.squeeze(d);
    }

    /** The product of all elements (a scalar). */
    static Tensor prod(Tensor x) {
        return prod(x.reshape(-1), 0, false);
    }
}
