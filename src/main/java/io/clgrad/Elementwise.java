package io.clgrad;

import io.clgrad.backend.BinaryOp;
import io.clgrad.backend.UnaryOp;

/**
 * Elementwise ops on float32 tensors: unary functions, broadcasting binary ops, ops with a scalar,
 * each recording its backward when an input requires grad.
 */
final class Elementwise {
    private Elementwise() {
    }

    static Tensor unary(String op, UnaryOp f, Tensor x) {
        Tensor out = unaryRaw(op, f, x);
        if (!Graph.shouldRecord(x)) {
            return out;   // no graph: build no node name or saved list (noGrad, inference)
        }
        return Graph.record(out, unaryNode(f), new Tensor[] {x}, unarySaved(f, x, out),
                g -> new Tensor[] {unaryGrad(f, g, x, out)});
    }

    /** What {@link #unaryGrad} reads: x, the output, or nothing. */
    private static Tensor[] unarySaved(UnaryOp f, Tensor x, Tensor out) {
        switch (f) {
            case LOG:
            case ABS:
            case RELU:
                return new Tensor[] {x};
            case EXP:
            case SQRT:
            case SIGMOID:
            case TANH:
                return new Tensor[] {out};
            default:
                return new Tensor[0];
        }
    }

    private static Tensor unaryGrad(UnaryOp f, Tensor g, Tensor x, Tensor out) {
        switch (f) {
            case NEG:
                return g.neg();
            case EXP:
                return g.mul(out);
            case LOG:
                return g.div(x);
            case SQRT:
                return g.div(out).mul(0.5f);
            case ABS:
                return g.mul(x.gt(0f).sub(x.lt(0f)));
            case RELU:
                return binaryRaw("relu_backward", BinaryOp.RELU_BACKWARD, g, x);
            case SIGMOID:
                return binaryRaw("sigmoid_backward", BinaryOp.SIGMOID_BACKWARD, g, out);
            case TANH:
                return binaryRaw("tanh_backward", BinaryOp.TANH_BACKWARD, g, out);
            default:
                throw new IllegalStateException("no backward for " + f);
        }
    }

    private static String unaryNode(UnaryOp f) {
        String n = f.name().charAt(0) + f.name().substring(1).toLowerCase();
        return n + "Backward0";
    }

    static Tensor binary(String op, BinaryOp f, Tensor a, Tensor b) {
        Tensor out = binaryRaw(op, f, a, b);
        if (isComparison(f) || !Graph.shouldRecord(a, b)) {
            return out;
        }
        int[] as = a.shapeRef();
        int[] bs = b.shapeRef();
        String node = Character.toUpperCase(op.charAt(0)) + op.substring(1) + "Backward0";
        return Graph.record(out, node, new Tensor[] {a, b}, binarySaved(f, a, b, out), g -> {
            Tensor ga = a.requiresGrad() ? Graph.sumTo(gradA(f, g, a, b, out), as) : null;
            Tensor gb = b.requiresGrad() ? Graph.sumTo(gradB(f, g, a, b, out), bs) : null;
            return new Tensor[] {ga, gb};
        });
    }

    /** What {@link #gradA} (when a requires grad) and {@link #gradB} (when b does) read, as PyTorch saves them. */
    private static Tensor[] binarySaved(BinaryOp f, Tensor a, Tensor b, Tensor out) {
        boolean ga = a.requiresGrad();
        boolean gb = b.requiresGrad();
        switch (f) {
            case MUL:
                return new Tensor[] {gb ? a : null, ga ? b : null};
            case DIV:
                return new Tensor[] {b, gb ? out : null};
            case POW:
                return new Tensor[] {a, ga ? b : null, gb ? out : null};
            case MAXIMUM:
            case MINIMUM:
                return new Tensor[] {a, b};
            default:
                return new Tensor[0];   // add, sub: the gradient only
        }
    }

    private static Tensor gradA(BinaryOp f, Tensor g, Tensor a, Tensor b, Tensor out) {
        switch (f) {
            case ADD:
            case SUB:
                return g;
            case MUL:
                return g.mul(b);
            case DIV:
                return g.div(b);
            case POW:
                // PyTorch's pow_backward_self: 0 where the exponent is 0 (not 0·a^-1, NaN at a = 0).
                return where0(b.ne(0f), g.mul(b).mul(a.pow(b.sub(1f))));
            case MAXIMUM:   // PyTorch: half each on a tie, the whole to both where either is NaN
                return g.mul(extremeShare(a.lt(b), a, b));
            case MINIMUM:
                return g.mul(extremeShare(a.gt(b), a, b));
            default:
                throw new IllegalStateException("no backward for " + f);
        }
    }

    private static Tensor gradB(BinaryOp f, Tensor g, Tensor a, Tensor b, Tensor out) {
        switch (f) {
            case ADD:
                return g;
            case SUB:
                return g.neg();
            case MUL:
                return g.mul(a);
            case DIV:
                return g.mul(out).div(b).neg();
            case POW: {
                // PyTorch's pow_backward_exponent: 0 where a = 0 and b >= 0 (out·log a is 0·(-inf) there).
                Tensor keep = a.ne(0f).sub(b.ge(0f)).add(1f);
                return g.mul(where0(keep, out.mul(a.log())));
            }
            case MAXIMUM:
                return g.mul(extremeShare(b.lt(a), a, b));
            case MINIMUM:
                return g.mul(extremeShare(b.gt(a), a, b));
            default:
                throw new IllegalStateException("no backward for " + f);
        }
    }

    /**
     * {@code x} where {@code keep} is non-zero, else exactly 0 (a select, as {@code torch.where(keep, x, 0)}:
     * no {@code 0·inf = NaN}), {@code keep} broadcast against {@code x}; the gradient passes where
     * {@code keep} is set and is 0 elsewhere, whatever the upstream value.
     */
    static Tensor where0(Tensor keep, Tensor x) {
        // RELU_BACKWARD(a, m) = m <= 0 ? 0 : a is exactly this select for a 0/1 mask m.
        Tensor out = binaryRaw("where", BinaryOp.RELU_BACKWARD, x, keep);
        if (!Graph.shouldRecord(x)) {
            return out;
        }
        int[] xs = x.shapeRef();
        return Graph.record(out, "WhereBackward0", new Tensor[] {x}, new Tensor[] {keep},
                g -> new Tensor[] {Graph.sumTo(binaryRaw("where backward", BinaryOp.RELU_BACKWARD, g, keep), xs)});
    }

    /**
     * An operand's share of the gradient of maximum/minimum, as PyTorch's derivative: 0 where
     * {@code loses} (the operand is not the extreme), 1/2 on a tie, else 1 (so 1 where a NaN
     * makes every comparison false).
     */
    private static Tensor extremeShare(Tensor loses, Tensor a, Tensor b) {
        return loses.add(a.eq(b).mul(0.5f)).neg().add(1f);
    }

    static Tensor scalar(String op, BinaryOp f, Tensor x, float s, boolean scalarFirst) {
        Tensor out = scalarRaw(op, f, x, s, scalarFirst);
        if (isComparison(f) || !Graph.shouldRecord(x)) {
            return out;
        }
        String node = Character.toUpperCase(op.charAt(0)) + op.substring(1) + "Backward1";
        Tensor[] saved = f == BinaryOp.DIV && scalarFirst ? new Tensor[] {x, out}
                : f == BinaryOp.POW ? new Tensor[] {scalarFirst ? out : x} : new Tensor[0];
        return Graph.record(out, node, new Tensor[] {x}, saved,
                g -> new Tensor[] {scalarGrad(f, g, x, s, scalarFirst, out)});
    }

    private static Tensor scalarGrad(BinaryOp f, Tensor g, Tensor x, float s, boolean scalarFirst, Tensor out) {
        switch (f) {
            case ADD:
                return g;
            case SUB:
                return scalarFirst ? g.neg() : g;
            case MUL:
                return g.mul(s);
            case DIV:
                return scalarFirst ? g.mul(out).div(x).neg() : g.div(s);
            case POW:
                if (!scalarFirst && s == 0f) {
                    return Tensor.zeros(x.device(), x.shapeRef());   // PyTorch: zeros, not 0·x^-1
                }
                return scalarFirst ? g.mul(out).mul((float) Math.log(s)) : g.mul(x.pow(s - 1f)).mul(s);
            default:
                throw new IllegalStateException("no backward for " + f + " with a scalar");
        }
    }

    private static boolean isComparison(BinaryOp f) {
        switch (f) {
            case EQ:
            case NE:
            case LT:
            case LE:
            case GT:
            case GE:
                return true;
            default:
                return false;
        }
    }

    static Tensor unaryRaw(String op, UnaryOp f, Tensor x) {
        Checks.float32(op, x);
        return OpLaunch.run(op, x.device(), DType.FLOAT32, x.shapeRef(),
                (l, out) -> x.backend().unary(f, l.dense(x), out, x.numel()));
    }

    static Tensor binaryRaw(String op, BinaryOp f, Tensor a, Tensor b) {
        Checks.float32(op, a);
        Checks.float32(op, b);
        Checks.sameDevice(op, a, b);
        int[] outShape = Shape.broadcast(op, a.shapeRef(), b.shapeRef());
        return OpLaunch.run(op, a.device(), DType.FLOAT32, outShape,
                (l, out) -> a.backend().binary(f, l.broadcast(a, outShape), l.broadcast(b, outShape), out, outShape));
    }

    static Tensor scalarRaw(String op, BinaryOp f, Tensor x, float s, boolean scalarFirst) {
        Checks.float32(op, x);
        return OpLaunch.run(op, x.device(), DType.FLOAT32, x.shapeRef(),
                (l, out) -> x.backend().binaryScalar(f, l.dense(x), s, scalarFirst, out, x.numel()));
    }
}
