package io.clgrad;

import io.clgrad.backend.BinaryOp;
import io.clgrad.backend.ElementType;
import io.clgrad.backend.UnaryOp;

/**
 * Elementwise ops: unary functions, broadcasting binary ops, ops with a scalar, each recording its
 * backward when an input requires grad. Float32 operands run the float32 kernels; int32 and bool
 * operands run the kernel and give the result dtype that {@link Promotion} picks.
 */
final class Elementwise {
    private Elementwise() {
    }

    /** Operands a gradient rule reads besides the upstream gradient, as bits (x is A for one operand). */
    private static final int NOTHING = 0;
    private static final int A = 1;
    private static final int B = 2;
    private static final int OUT = 4;

    private static final float TWO_OVER_SQRT_PI = (float) (2 / Math.sqrt(Math.PI));
    private static final float SQRT1_2 = (float) Math.sqrt(0.5);
    private static final float INV_SQRT_2PI = (float) (1 / Math.sqrt(2 * Math.PI));

    /** A gradient of one operand from the upstream gradient g, the operands and the output. */
    @FunctionalInterface
    private interface Grad {
        Tensor of(Tensor g, Tensor a, Tensor b, Tensor out);
    }

    /** A one-operand gradient rule: what it reads (bits of A and OUT) and the gradient. */
    private record UnaryRule(int reads, Grad grad) {
    }

    /** A two-operand gradient rule: what each operand's gradient reads and computes it. */
    private record BinaryRule(int readsForA, int readsForB, Grad gradA, Grad gradB) {
    }

    static Tensor unary(UnaryOp f, Tensor x) {
        Tensor out = unaryRaw(f.opName(), f, x);
        if (!Graph.shouldRecord(x)) {
            return out;   // no graph: build no node name or saved list (noGrad, inference)
        }
        UnaryRule rule = unaryRule(f);
        return Graph.record(out, f.nodeName(), new Tensor[] {x}, reads(rule.reads(), x, null, out),
                g -> new Tensor[] {rule.grad().of(g, x, null, out)});
    }

    /**
     * The gradient of each unary op, as PyTorch's derivatives.yaml has it. A switch expression: an
     * op without a rule does not compile.
     */
    private static UnaryRule unaryRule(UnaryOp f) {
        return switch (f) {
            case NEG -> new UnaryRule(NOTHING, (g, x, unused, y) -> g.neg());
            case EXP -> new UnaryRule(OUT, (g, x, unused, y) -> g.mul(y));
            case LOG -> new UnaryRule(A, (g, x, unused, y) -> g.div(x));
            case SQRT -> new UnaryRule(OUT, (g, x, unused, y) -> g.div(y).mul(0.5f));
            case ABS -> new UnaryRule(A, (g, x, unused, y) -> g.mul(mask(BinaryOp.GT, x, 0f).sub(mask(BinaryOp.LT, x, 0f))));
            case RELU -> new UnaryRule(A, (g, x, unused, y) -> helper(BinaryOp.RELU_BACKWARD, g, x));
            case SIGMOID -> new UnaryRule(OUT, (g, x, unused, y) -> helper(BinaryOp.SIGMOID_BACKWARD, g, y));
            case TANH -> new UnaryRule(OUT, (g, x, unused, y) -> helper(BinaryOp.TANH_BACKWARD, g, y));
            case SIN -> new UnaryRule(A, (g, x, unused, y) -> g.mul(x.cos()));
            case COS -> new UnaryRule(A, (g, x, unused, y) -> g.mul(x.sin()).neg());
            case LOG1P -> new UnaryRule(A, (g, x, unused, y) -> g.div(x.add(1f)));
            case EXPM1 -> new UnaryRule(OUT, (g, x, unused, y) -> g.mul(y.add(1f)));
            case ERF -> new UnaryRule(A, (g, x, unused, y) -> g.mul(x.mul(x).neg().exp().mul(TWO_OVER_SQRT_PI)));
            // PyTorch's GeluBackward (approximate='none'): g·(Φ(x) + x·φ(x))
            case GELU -> new UnaryRule(A, (g, x, unused, y) -> g.mul(x.mul(SQRT1_2).erf().add(1f).mul(0.5f)
                    .add(x.mul(x.mul(x).mul(-0.5f).exp()).mul(INV_SQRT_2PI))));
            // PyTorch's silu_backward: g·σ(x)·(1 + x·(1 - σ(x)))
            case SILU -> new UnaryRule(A, (g, x, unused, y) -> {
                Tensor s = x.sigmoid();
                return g.mul(s).mul(x.mul(s.neg().add(1f)).add(1f));
            });
        };
    }

    /** A backward helper kernel ({@link BinaryOp.Kind#GRADIENT}) applied to the upstream gradient. */
    static Tensor helper(BinaryOp f, Tensor g, Tensor saved) {
        return binaryRaw(f.opName(), f, g, saved);
    }

    /** The tensors among a, b and out that {@code bits} names: what backward reads, for the version check. */
    private static Tensor[] reads(int bits, Tensor a, Tensor b, Tensor out) {
        Tensor[] all = {(bits & A) != 0 ? a : null, (bits & B) != 0 ? b : null, (bits & OUT) != 0 ? out : null};
        return java.util.Arrays.stream(all).filter(java.util.Objects::nonNull).toArray(Tensor[]::new);
    }

    static Tensor binary(BinaryOp f, Tensor a, Tensor b) {
        Tensor out = binaryRaw(f.opName(), f, a, b);
        if (f.isComparison() || !Graph.shouldRecord(a, b)) {
            return out;
        }
        int[] as = a.shapeRef();
        int[] bs = b.shapeRef();
        boolean ga = a.requiresGrad();
        boolean gb = b.requiresGrad();
        BinaryRule rule = binaryRule(f);
        int bits = (ga ? rule.readsForA() : 0) | (gb ? rule.readsForB() : 0);
        return Graph.record(out, f.nodeName(false), new Tensor[] {a, b}, reads(bits, a, b, out), g -> new Tensor[] {
            ga ? Graph.sumTo(rule.gradA().of(g, a, b, out), as) : null,
            gb ? Graph.sumTo(rule.gradB().of(g, a, b, out), bs) : null});
    }

    /**
     * The gradients of each binary op with tensor operands, as PyTorch's derivatives.yaml has them.
     * A switch expression: an op without a rule (or an explicit "none") does not compile.
     */
    private static BinaryRule binaryRule(BinaryOp f) {
        return switch (f) {
            case ADD -> new BinaryRule(NOTHING, NOTHING, (g, a, b, y) -> g, (g, a, b, y) -> g);
            case SUB -> new BinaryRule(NOTHING, NOTHING, (g, a, b, y) -> g, (g, a, b, y) -> g.neg());
            case MUL -> new BinaryRule(B, A, (g, a, b, y) -> g.mul(b), (g, a, b, y) -> g.mul(a));
            case DIV -> new BinaryRule(B, B | OUT, (g, a, b, y) -> g.div(b), (g, a, b, y) -> g.mul(y).div(b).neg());
            // PyTorch's pow_backward_self: 0 where the exponent is 0 (not 0·a^-1, NaN at a = 0);
            // pow_backward_exponent: 0 where a = 0 and b >= 0 (out·log a is 0·(-inf) there)
            case POW -> new BinaryRule(A | B, A | B | OUT,
                    (g, a, b, y) -> where0(b.ne(0f), g.mul(b).mul(a.pow(b.sub(1f)))),
                    (g, a, b, y) -> g.mul(where0(mask(BinaryOp.NE, a, 0f).sub(mask(BinaryOp.GE, b, 0f)).add(1f), y.mul(a.log()))));
            // PyTorch: half each on a tie, the whole to both where either is NaN
            case MAXIMUM -> new BinaryRule(A | B, A | B,
                    (g, a, b, y) -> g.mul(extremeShare(a.lt(b), a, b)), (g, a, b, y) -> g.mul(extremeShare(b.lt(a), a, b)));
            case MINIMUM -> new BinaryRule(A | B, A | B,
                    (g, a, b, y) -> g.mul(extremeShare(a.gt(b), a, b)), (g, a, b, y) -> g.mul(extremeShare(b.gt(a), a, b)));
            case EQ, NE, LT, LE, GT, GE, RELU_BACKWARD, SIGMOID_BACKWARD, TANH_BACKWARD ->
                    throw new IllegalStateException(f + " has no gradient (" + f.kind() + ")");
        };
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

    /** {@code x op s}, the scalar as the second operand (as PyTorch's {@code Tensor.add(Number)} etc.). */
    static Tensor scalar(BinaryOp f, Tensor x, float s) {
        Tensor out = scalarRaw(f.opName(), f, x, s, false);
        if (f.isComparison() || !Graph.shouldRecord(x)) {
            return out;
        }
        UnaryRule rule = scalarRule(f, s);
        return Graph.record(out, f.nodeName(true), new Tensor[] {x}, reads(rule.reads(), x, null, out),
                g -> new Tensor[] {rule.grad().of(g, x, null, out)});
    }

    /**
     * The gradient of each binary op with the scalar {@code s} as its second operand; x is the
     * tensor operand. A switch expression, as {@link #binaryRule}.
     */
    private static UnaryRule scalarRule(BinaryOp f, float s) {
        return switch (f) {
            case ADD, SUB -> new UnaryRule(NOTHING, (g, x, unused, y) -> g);
            case MUL -> new UnaryRule(NOTHING, (g, x, unused, y) -> g.mul(s));
            case DIV -> new UnaryRule(NOTHING, (g, x, unused, y) -> g.div(s));
            case POW -> s == 0f ? new UnaryRule(NOTHING, (g, x, unused, y) -> Tensor.zeros(x.device(), x.shapeRef())) // PyTorch: zeros, not 0·x^-1
                    : new UnaryRule(A, (g, x, unused, y) -> g.mul(x.pow(s - 1f)).mul(s));
            case MAXIMUM, MINIMUM, EQ, NE, LT, LE, GT, GE, RELU_BACKWARD, SIGMOID_BACKWARD, TANH_BACKWARD ->
                    throw new IllegalStateException(f + " with a scalar has no gradient");
        };
    }

    static Tensor unaryRaw(String op, UnaryOp f, Tensor x) {
        x.checkOpen(op);
        Promotion.Plan<UnaryOp> p = Promotion.unary(op, f, x.dtype());
        return OpLaunch.run(op, x.device(), p.result(), x.shapeRef(),
                (l, out) -> x.backend().unary(f, l.dense(Promotion.operand(l, x, p.compute())), out, x.numel()));
    }

    static Tensor binaryRaw(String op, BinaryOp f, Tensor a, Tensor b) {
        a.checkOpen(op);
        b.checkOpen(op);
        return binaryLaunch(op, Promotion.binary(op, f, a.dtype(), b.dtype()), null, a, b);
    }

    /**
     * The launch of a binary op by its plan, the result dtype {@code as} the plan's unless given
     * (an internal comparison asks for a float32 mask).
     */
    private static Tensor binaryLaunch(String op, Promotion.Plan<BinaryOp> p, DType as, Tensor a, Tensor b) {
        Checks.sameDevice(op, a, b);
        int[] outShape = Shape.broadcast(op, a.shapeRef(), b.shapeRef());
        return OpLaunch.run(op, a.device(), as != null ? as : p.result(), outShape, (l, out) -> a.backend().binary(p.op(),
                l.broadcast(Promotion.operand(l, a, p.compute()), outShape),
                l.broadcast(Promotion.operand(l, b, p.compute()), outShape), out, outShape));
    }

    static Tensor scalarRaw(String op, BinaryOp f, Tensor x, float s, boolean scalarFirst) {
        x.checkOpen(op);
        return scalarLaunch(op, Promotion.scalar(op, f, x.dtype(), false), null, x, s, scalarFirst);
    }

    /** The launch of a float-scalar op by its plan, the result dtype {@code as} the plan's unless given. */
    private static Tensor scalarLaunch(String op, Promotion.Plan<BinaryOp> p, DType as, Tensor x, float s,
                                       boolean scalarFirst) {
        return OpLaunch.run(op, x.device(), as != null ? as : p.result(), x.shapeRef(), (l, out) -> x.backend()
                .binaryScalar(p.op(), l.dense(Promotion.operand(l, x, p.compute())), s, scalarFirst, out, x.numel()));
    }

    /**
     * {@code x op s} with an int scalar (Java's {@code add(int)}, PyTorch's integer Python
     * scalar): on a float32 tensor exactly {@link #scalar(BinaryOp, Tensor, float)} with
     * {@code (float) s}; on an int32 or bool tensor the int32 kernel where the promotion picks it
     * (no gradient: such tensors never require grad).
     */
    static Tensor scalar(BinaryOp f, Tensor x, int s) {
        String op = f.opName();
        x.checkOpen(op);
        Promotion.Plan<BinaryOp> p = Promotion.scalar(op, f, x.dtype(), true);
        if (p.compute() == ElementType.F32) {
            return x.dtype() == DType.FLOAT32 ? scalar(f, x, (float) s) : scalarLaunch(op, p, null, x, s, false);
        }
        return OpLaunch.run(op, x.device(), p.result(), x.shapeRef(), (l, out) -> x.backend()
                .binaryScalarInt(p.op(), l.dense(Promotion.operand(l, x, p.compute())), s, false, out, x.numel()));
    }

    /**
     * The comparison {@code cmp(a, b)} as a float32 mask of 1.0/0.0 rather than a bool tensor: for
     * gradient rules that compute with masks (the same kernel and values as {@code a.gt(b)}).
     */
    static Tensor mask(BinaryOp cmp, Tensor a, Tensor b) {
        return binaryLaunch(cmp.opName(), Promotion.binary(cmp.opName(), cmp, a.dtype(), b.dtype()), DType.FLOAT32, a, b);
    }

    /** {@link #mask(BinaryOp, Tensor, Tensor)} against a float scalar. */
    static Tensor mask(BinaryOp cmp, Tensor x, float s) {
        return scalarLaunch(cmp.opName(), Promotion.scalar(cmp.opName(), cmp, x.dtype(), false), DType.FLOAT32, x, s, false);
    }
}
