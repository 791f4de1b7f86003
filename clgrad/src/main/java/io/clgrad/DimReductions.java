package io.clgrad;

import io.clgrad.backend.BinaryOp;
import io.clgrad.backend.ReduceOp;

/**
 * Tensor reductions over all elements or one dim (sum, mean, max, min, argmax) and (log-)softmax
 * along a dim, with their gradients; a reduction launches the backend's
 * {@link io.clgrad.backend.ReduceOp} kernel. (A loss's NONE/MEAN/SUM is {@link LossReduction}.)
 */
final class DimReductions {
    private DimReductions() {
    }

    /** {@code f} over every element of x, named in errors as the op entry's {@code opName()}. */
    static Tensor all(ReduceOp f, Tensor x) {
        return all(f.opName(), f, x);
    }

    /** {@code f} along {@code dim} of x, named in errors as the op entry's {@code opName()}. */
    static Tensor along(ReduceOp f, Tensor x, int dim, boolean keepdim) {
        return along(f.opName(), f, x, dim, keepdim);
    }

    /** {@code f} over every element of x; {@code op} names the caller (a loss) in errors. */
    static Tensor all(String op, ReduceOp f, Tensor x) {
        x.checkOpen(op);
        int n = x.numel();
        Tensor out = reduceRaw(op, f, x, new int[0], 1, n, 1);
        if (f.producesIndices() || x.dtype() != DType.FLOAT32) {
            return out;   // indices, or an int32/bool reduction: no gradient
        }
        int[] shape = x.shapeRef();
        Tensor[] saved = selects(f) ? new Tensor[] {x, out} : new Tensor[0];
        return Graph.record(out, f.nodeName(false), new Tensor[] {x}, saved, g -> new Tensor[] {switch (f) {
            case SUM -> g.expand(shape);
            case MEAN -> g.div((float) n).expand(shape);
            case MAX, MIN -> {
                // PyTorch spreads the gradient evenly over the tied extremes of a full reduction;
                // when the result is NaN, over the NaN elements (x == NaN is never true).
                Tensor mask = Elementwise.mask(BinaryOp.EQ, x, out)
                        .add(Elementwise.mask(BinaryOp.NE, x, x).mul(Elementwise.mask(BinaryOp.NE, out, out)));
                yield mask.mul(g.div(mask.sum()));
            }
            case ARGMAX, ARGMIN -> throw new IllegalStateException(f + " has no gradient");
        }});
    }

    /** {@code f} along {@code dim} of x; {@code op} names the caller in errors. */
    static Tensor along(String op, ReduceOp f, Tensor x, int dim, boolean keepdim) {
        Tensor out = alongRaw(op, f, x, dim, keepdim);
        if (x.dtype() != DType.FLOAT32) {
            return out;   // an int32/bool reduction: no gradient
        }
        if (f.producesIndices() || x.dim() == 0) {
            return f.producesIndices() ? out : Graph.record(out, "SumBackward1", new Tensor[] {x}, g -> new Tensor[] {g});
        }
        int[] shape = x.shapeRef();
        int d = Shape.normalizeDim(op, dim, shape);
        Tensor[] saved = selects(f) ? new Tensor[] {x} : new Tensor[0];
        return Graph.record(out, f.nodeName(true), new Tensor[] {x}, saved, g -> {
            Tensor gk = keepdim ? g : g.unsqueeze(d);
            return new Tensor[] {switch (f) {
                case SUM -> gk.expand(shape);
                case MEAN -> gk.div((float) shape[d]).expand(shape);
                case MAX, MIN -> {
                    // As PyTorch's max(dim)/min(dim): the whole gradient goes to the selected index.
                    ReduceOp arg = f.seeksMax() ? ReduceOp.ARGMAX : ReduceOp.ARGMIN;
                    Tensor index = alongRaw(op, arg, x, d, true).toFloat();
                    int[] posShape = new int[shape.length];
                    java.util.Arrays.fill(posShape, 1);
                    posShape[d] = shape[d];
                    Tensor positions = Factories.arange(x.device(), shape[d]).toFloat().reshape(posShape);
                    yield positions.eq(index).mul(gk);
                }
                case ARGMAX, ARGMIN -> throw new IllegalStateException(f + " has no gradient");
            }};
        });
    }

    static Tensor softmax(String op, Tensor x, int dim, boolean log) {
        Checks.float32(op, x);
        Axis a = Axis.of(op, x, dim);
        Tensor out = OpLaunch.run(op, x.device(), DType.FLOAT32, x.shapeRef(),
                (l, o) -> x.backend().softmax(l.dense(x), o, a.outer, a.len, a.inner, log));
        int d = a.dim;
        if (log) {
            return Graph.record(out, "LogSoftmaxBackward0", new Tensor[] {x}, new Tensor[] {out},
                    g -> new Tensor[] {g.sub(out.exp().mul(g.sum(d, true)))});
        }
        return Graph.record(out, "SoftmaxBackward0", new Tensor[] {x}, new Tensor[] {out},
                g -> new Tensor[] {out.mul(g.sub(g.mul(out).sum(d, true)))});
    }

    /** Max and min select elements: their backward reads the input. */
    private static boolean selects(ReduceOp f) {
        return f.kind() == ReduceOp.Kind.EXTREME;
    }

    /**
     * A tensor seen as [outer, len, inner] around one dim (a 0-d tensor as [1, 1, 1]), the
     * geometry of the reduce and softmax kernels.
     */
    private record Axis(int dim, int outer, int len, int inner) {
        static Axis of(String op, Tensor x, int dim) {
            int[] shape = x.shapeRef();
            int d = Shape.normalizeDim(op, dim, shape);
            if (shape.length == 0) {
                return new Axis(d, 1, 1, 1);
            }
            return new Axis(d, Shape.prod(shape, 0, d), shape[d], Shape.prod(shape, d + 1, shape.length));
        }
    }

    private static Tensor alongRaw(String op, ReduceOp f, Tensor x, int dim, boolean keepdim) {
        x.checkOpen(op);
        Axis a = Axis.of(op, x, dim);
        int[] outShape = reducedShape(x.shapeRef(), a.dim, keepdim);
        return reduceRaw(op + "(dim=" + dim + ")", f, x, outShape, a.outer, a.len, a.inner);
    }

    /** {@code x} seen as [outer, len, inner] reduced along len into {@code outShape}. */
    private static Tensor reduceRaw(String op, ReduceOp f, Tensor x, int[] outShape, int outer, int len, int inner) {
        Promotion.Plan<ReduceOp> p = Promotion.reduce(op, f, x.dtype());
        if (len == 0 && Shape.numel(outShape) > 0) {
            return empty(op, f, p.result(), outShape, x);
        }
        return OpLaunch.run(op, x.device(), p.result(), outShape,
                (l, out) -> x.backend().reduce(f, l.dense(Promotion.operand(l, x, p.compute())), out, outer, len, inner));
    }

    private static int[] reducedShape(int[] shape, int d, boolean keepdim) {
        if (shape.length == 0) {
            return new int[0];
        }
        if (keepdim) {
            int[] s = shape.clone();
            s[d] = 1;
            return s;
        }
        int[] s = new int[shape.length - 1];
        for (int i = 0, j = 0; i < shape.length; i++) {
            if (i != d) {
                s[j++] = shape[i];
            }
        }
        return s;
    }

    /** Reducing zero elements: sum is 0 and mean NaN as in PyTorch; max/min/argmax have no answer. */
    private static Tensor empty(String op, ReduceOp f, DType outType, int[] outShape, Tensor x) {
        if (f == ReduceOp.SUM || f == ReduceOp.MEAN) {
            Tensor out = Tensor.empty(x.device(), outType, outShape);
            out.backend().fill(out.buffer(op), out.numel(), f == ReduceOp.SUM ? 0.0 : Double.NaN);
            return out;
        }
        throw new IllegalArgumentException(op + ": cannot reduce an empty tensor of shape "
                + Shape.str(x.shapeRef()) + " (no identity for " + f.opName() + ")");
    }
}
