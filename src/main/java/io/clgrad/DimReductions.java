package io.clgrad;

import io.clgrad.backend.ReduceOp;

/**
 * Tensor reductions over all elements or one dim (sum, mean, max, min, argmax) and (log-)softmax
 * along a dim, with their gradients; the kernels they launch are {@link io.clgrad.backend.ReduceOp}s.
 * (A loss's NONE/MEAN/SUM is {@link LossReduction}.)
 */
final class DimReductions {
    private DimReductions() {
    }

    static Tensor all(String op, ReduceOp f, Tensor x) {
        Tensor out = allRaw(op, f, x);
        if (f.producesIndices()) {
            return out;
        }
        int[] shape = x.shapeRef();
        int n = x.numel();
        String node = (f == ReduceOp.SUM ? "Sum" : f == ReduceOp.MEAN ? "Mean" : f == ReduceOp.MAX ? "Max" : "Min")
                + "Backward0";
        Tensor[] saved = f == ReduceOp.SUM || f == ReduceOp.MEAN ? new Tensor[0] : new Tensor[] {x, out};
        return Graph.record(out, node, new Tensor[] {x}, saved, g -> {
            switch (f) {
                case SUM:
                    return new Tensor[] {g.expand(shape)};
                case MEAN:
                    return new Tensor[] {g.div((float) n).expand(shape)};
                default:
                    // PyTorch spreads the gradient evenly over the tied extremes of a full reduction;
                    // when the result is NaN, over the NaN elements (x == NaN is never true).
                    Tensor mask = x.eq(out).add(x.ne(x).mul(out.ne(out)));
                    return new Tensor[] {mask.mul(g.div(mask.sum()))};
            }
        });
    }

    static Tensor along(String op, ReduceOp f, Tensor x, int dim, boolean keepdim) {
        Tensor out = alongRaw(op, f, x, dim, keepdim);
        if (f.producesIndices() || x.dim() == 0) {
            return f.producesIndices() ? out : Graph.record(out, "SumBackward1", new Tensor[] {x}, g -> new Tensor[] {g});
        }
        int[] shape = x.shapeRef();
        int d = Shape.normalizeDim(op, dim, shape);
        String node = (f == ReduceOp.SUM ? "Sum" : f == ReduceOp.MEAN ? "Mean" : f == ReduceOp.MAX ? "Max" : "Min")
                + "Backward1";
        Tensor[] saved = f == ReduceOp.SUM || f == ReduceOp.MEAN ? new Tensor[0] : new Tensor[] {x};
        return Graph.record(out, node, new Tensor[] {x}, saved, g -> {
            Tensor gk = keepdim ? g : g.unsqueeze(d);
            switch (f) {
                case SUM:
                    return new Tensor[] {gk.expand(shape)};
                case MEAN:
                    return new Tensor[] {gk.div((float) shape[d]).expand(shape)};
                default:
                    // As PyTorch's max(dim)/min(dim): the whole gradient goes to the selected index.
                    ReduceOp arg = f == ReduceOp.MAX ? ReduceOp.ARGMAX : ReduceOp.ARGMIN;
                    Tensor index = alongRaw(op, arg, x, d, true).toFloat();
                    int[] posShape = new int[shape.length];
                    java.util.Arrays.fill(posShape, 1);
                    posShape[d] = shape[d];
                    Tensor positions = Factories.arange(x.device(), shape[d]).toFloat().reshape(posShape);
                    return new Tensor[] {positions.eq(index).mul(gk)};
            }
        });
    }

    static Tensor softmax(String op, Tensor x, int dim, boolean log) {
        Tensor out = softmaxRaw(op, x, dim, log);
        int d = Shape.normalizeDim(op, dim, x.shapeRef());
        if (log) {
            return Graph.record(out, "LogSoftmaxBackward0", new Tensor[] {x}, new Tensor[] {out},
                    g -> new Tensor[] {g.sub(out.exp().mul(g.sum(d, true)))});
        }
        return Graph.record(out, "SoftmaxBackward0", new Tensor[] {x}, new Tensor[] {out},
                g -> new Tensor[] {out.mul(g.sub(g.mul(out).sum(d, true)))});
    }

    private static Tensor allRaw(String op, ReduceOp f, Tensor x) {
        Checks.float32(op, x);
        DType outType = f.producesIndices() ? DType.INT32 : DType.FLOAT32;
        Tensor out = Tensor.empty(x.device(), outType, new int[0]);
        int n = x.numel();
        if (n == 0) {
            return empty(op, f, out, x);
        }
        Tensor d = Layouts.dense(x);
        try {
            x.backend().reduce(f, d.buffer(op), out.buffer(op), 1, n, 1);
        } catch (RuntimeException e) {
            out.close();
            throw e;
        } finally {
            Checks.closeTemp(d, x);
            java.lang.ref.Reference.reachabilityFence(x);
        }
        return out;
    }

    private static Tensor alongRaw(String op, ReduceOp f, Tensor x, int dim, boolean keepdim) {
        Checks.float32(op, x);
        int[] shape = x.shapeRef();
        int d = Shape.normalizeDim(op, dim, shape);
        int outer = Shape.prod(shape, 0, d);
        int len = shape.length == 0 ? 1 : shape[d];
        int inner = shape.length == 0 ? 1 : Shape.prod(shape, d + 1, shape.length);
        int[] outShape = reducedShape(shape, d, keepdim);
        DType outType = f.producesIndices() ? DType.INT32 : DType.FLOAT32;
        Tensor out = Tensor.empty(x.device(), outType, outShape);
        if (out.numel() == 0) {
            return out;
        }
        if (len == 0) {
            return empty(op + "(dim=" + dim + ")", f, out, x);
        }
        Tensor dx = Layouts.dense(x);
        try {
            x.backend().reduce(f, dx.buffer(op), out.buffer(op), outer, len, inner);
        } catch (RuntimeException e) {
            out.close();
            throw e;
        } finally {
            Checks.closeTemp(dx, x);
            java.lang.ref.Reference.reachabilityFence(x);
        }
        return out;
    }

    private static Tensor softmaxRaw(String op, Tensor x, int dim, boolean log) {
        Checks.float32(op, x);
        int[] shape = x.shapeRef();
        int d = Shape.normalizeDim(op, dim, shape);
        int outer = Shape.prod(shape, 0, d);
        int len = shape.length == 0 ? 1 : shape[d];
        int inner = shape.length == 0 ? 1 : Shape.prod(shape, d + 1, shape.length);
        Tensor out = Tensor.empty(x.device(), DType.FLOAT32, shape);
        if (out.numel() == 0) {
            return out;
        }
        Tensor dx = Layouts.dense(x);
        try {
            x.backend().softmax(dx.buffer(op), out.buffer(op), outer, len, inner, log);
        } catch (RuntimeException e) {
            out.close();
            throw e;
        } finally {
            Checks.closeTemp(dx, x);
            java.lang.ref.Reference.reachabilityFence(x);
        }
        return out;
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
    private static Tensor empty(String op, ReduceOp f, Tensor out, Tensor x) {
        if (f == ReduceOp.SUM || f == ReduceOp.MEAN) {
            out.backend().fill(out.buffer(op), out.numel(), f == ReduceOp.SUM ? 0.0 : Double.NaN);
            return out;
        }
        out.close();
        throw new IllegalArgumentException(op + ": cannot reduce an empty tensor of shape "
                + Shape.str(x.shapeRef()) + " (no identity for " + f.name().toLowerCase() + ")");
    }
}
