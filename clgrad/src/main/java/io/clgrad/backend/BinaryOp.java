package io.clgrad.backend;

import java.util.Arrays;
import java.util.List;
import java.util.function.DoubleBinaryOperator;
import java.util.function.IntBinaryOperator;

/**
 * Elementwise functions of two float operands, {@code out = f(a, b)}: one entry per op holding
 * what every backend and the tests need to know of it (see {@link UnaryOp} for the scheme). The
 * {@link Kind} says whether it is arithmetic (a {@code Tensor} method named {@link #opName()} with
 * a gradient), a comparison (1.0f where true, 0.0f where false; no gradient) or a helper of another
 * op's backward, which takes the upstream gradient as {@code a}:
 * {@code RELU_BACKWARD(g, x) = x <= 0 ? 0 : g} (PyTorch's threshold_backward: g passes where x is
 * NaN), {@code SIGMOID_BACKWARD(g, y) = g*y*(1-y)}, {@code TANH_BACKWARD(g, y) = g*(1-y*y)} where
 * {@code y} is the forward output.
 */
public enum BinaryOp implements ElementwiseOp {
    ADD(Kind.ARITHMETIC, any(), any(), Double::sum, BinaryOp::termsScale),
    SUB(Kind.ARITHMETIC, any(), any(), (a, b) -> a - b, BinaryOp::termsScale),
    MUL(Kind.ARITHMETIC, any(), any(), (a, b) -> a * b, BinaryOp::unitScale),
    DIV(Kind.ARITHMETIC, any(), Domain.awayFromZero(0.5, 4), (a, b) -> a / b, BinaryOp::unitScale),
    /** C's {@code pow}: {@code pow(1, y) = 1} and {@code pow(-1, ±inf) = 1}, as PyTorch. */
    POW(Kind.ARITHMETIC, Domain.uniform(0.1, 4), Domain.uniform(-3, 3), Math::pow,
            // the result's relative sensitivity to rounding inside exp(b·log a) is |b·ln|a||
            (a, b, r) -> unitScale(a, b, r) * Math.max(1, Math.abs(b * Math.log(Math.abs(a))))),
    /** Propagates NaN, as {@code torch.maximum}. */
    MAXIMUM(Kind.ARITHMETIC, any(), any(), (a, b) -> Double.isNaN(a) || Double.isNaN(b) ? Double.NaN : Math.max(a, b),
            BinaryOp::exact),
    /** Propagates NaN, as {@code torch.minimum}. */
    MINIMUM(Kind.ARITHMETIC, any(), any(), (a, b) -> Double.isNaN(a) || Double.isNaN(b) ? Double.NaN : Math.min(a, b),
            BinaryOp::exact),
    EQ(Kind.COMPARISON, (a, b) -> a == b ? 1 : 0),
    NE(Kind.COMPARISON, (a, b) -> a != b ? 1 : 0),
    LT(Kind.COMPARISON, (a, b) -> a < b ? 1 : 0),
    LE(Kind.COMPARISON, (a, b) -> a <= b ? 1 : 0),
    GT(Kind.COMPARISON, (a, b) -> a > b ? 1 : 0),
    GE(Kind.COMPARISON, (a, b) -> a >= b ? 1 : 0),
    RELU_BACKWARD(Kind.GRADIENT, Domain.uniform(-2, 2), Domain.smallInts(-2, 2), (g, x) -> x <= 0 ? 0 : g,
            BinaryOp::exact),
    SIGMOID_BACKWARD(Kind.GRADIENT, Domain.uniform(-2, 2), Domain.uniform(0, 1), (g, y) -> g * y * (1 - y),
            BinaryOp::unitScale),
    TANH_BACKWARD(Kind.GRADIENT, Domain.uniform(-2, 2), Domain.uniform(-1, 1), (g, y) -> g * (1 - y * y),
            (g, y, r) -> Math.max(1, Math.abs(g) * (1 + y * y)));

    /** What an op is for. */
    public enum Kind {
        /** A {@code Tensor} method with a gradient. */
        ARITHMETIC,
        /** A {@code Tensor} method giving 1.0f or 0.0f, not differentiable. */
        COMPARISON,
        /** A step of another op's backward, not a {@code Tensor} method. */
        GRADIENT
    }

    /**
     * The magnitude that a float32 result's error is measured against, from the operands and the
     * exact result: the suite accepts an error up to 1e-5 times it; 0 demands the exact result.
     */
    @FunctionalInterface
    public interface ErrorScale {
        /** The scale for {@code f(a, b) = ref}. */
        double of(double a, double b, double ref);
    }

    /**
     * What the tests need to know of an op.
     *
     * @param domainA    conformance inputs for the first operand
     * @param domainB    conformance inputs for the second operand
     * @param reference  the op in double precision, the reference every backend is compared with
     * @param errorScale the error scale of the op's float32 result (see {@link ErrorScale})
     */
    public record Facts(Domain domainA, Domain domainB, DoubleBinaryOperator reference, ErrorScale errorScale) {
    }

    private final Kind kind;
    private final Facts facts;

    BinaryOp(Kind kind, Domain domainA, Domain domainB, DoubleBinaryOperator reference, ErrorScale errorScale) {
        this.kind = kind;
        this.facts = new Facts(domainA, domainB, reference, errorScale);
    }

    /** A comparison: small integers on both sides, so that ties occur; exact results. */
    BinaryOp(Kind kind, DoubleBinaryOperator reference) {
        this(kind, Domain.smallInts(-2, 2), Domain.smallInts(-2, 2), reference, BinaryOp::exact);
    }

    private static Domain any() {
        return Domain.uniform(-5, 5);
    }

    private static double unitScale(double a, double b, double ref) {
        return Math.max(1, Math.abs(ref));
    }

    private static double termsScale(double a, double b, double ref) {
        return Math.max(1, Math.abs(a) + Math.abs(b));
    }

    private static double exact(double a, double b, double ref) {
        return 0;
    }

    /** The ops of one kind, in declaration order. */
    public static List<BinaryOp> ofKind(Kind kind) {
        return Arrays.stream(values()).filter(op -> op.kind == kind).toList();
    }

    /** What the op is for. */
    public Kind kind() {
        return kind;
    }

    /** Whether the op is a comparison (1.0f or 0.0f, no gradient). */
    public boolean isComparison() {
        return kind == Kind.COMPARISON;
    }

    /** {@code "binary"}: the kernels are {@code binary_<op>}. */
    @Override
    public String kernelFamily() {
        return "binary";
    }

    /**
     * The name of the op's autograd node, as PyTorch's: {@code "MulBackward0"} with a tensor
     * operand, {@code "MulBackward1"} with a scalar one.
     */
    public String nodeName(boolean scalarOperand) {
        return name().charAt(0) + opName().substring(1) + (scalarOperand ? "Backward1" : "Backward0");
    }

    /** The op's domains, reference and error scale, for the tests. */
    public Facts facts() {
        return facts;
    }

    /**
     * How the op treats int32 operands (PyTorch's rules): {@link Int32Support#KERNEL} for
     * {@code add}, {@code sub}, {@code mul}, {@code maximum}, {@code minimum} (an int32 result) and
     * the comparisons (a bool result); {@link Int32Support#AS_FLOAT} for {@code div}, which is
     * true division; {@link Int32Support#REFUSED} for {@code pow} (PyTorch's integer power is not
     * implemented) and the float backward helpers. A switch expression: a new entry states how it
     * treats integers.
     */
    public Int32Support int32() {
        return switch (this) {
            case ADD, SUB, MUL, MAXIMUM, MINIMUM, EQ, NE, LT, LE, GT, GE -> Int32Support.KERNEL;
            case DIV -> Int32Support.AS_FLOAT;
            case POW, RELU_BACKWARD, SIGMOID_BACKWARD, TANH_BACKWARD -> Int32Support.REFUSED;
        };
    }

    /**
     * The op on int32 values, wrapping modulo 2^32 as PyTorch's int32 does (computed exactly in
     * long and narrowed; a comparison gives 1 or 0): the exact reference of the int32 kernels; null unless
     * {@link #int32()} is {@link Int32Support#KERNEL}.
     */
    public IntBinaryOperator int32Reference() {
        // exact in long, then narrowed: the low 32 bits, which is what wrapping int32 arithmetic keeps
        return switch (this) {
            case ADD -> (a, b) -> (int) ((long) a + b);
            case SUB -> (a, b) -> (int) ((long) a - b);
            case MUL -> (a, b) -> (int) ((long) a * b);
            case MAXIMUM -> (a, b) -> Integer.compare(a, b) >= 0 ? a : b;
            case MINIMUM -> (a, b) -> Integer.compare(a, b) <= 0 ? a : b;
            case EQ -> (a, b) -> Integer.compare(a, b) == 0 ? 1 : 0;
            case NE -> (a, b) -> Integer.compare(a, b) != 0 ? 1 : 0;
            case LT -> (a, b) -> Integer.compare(a, b) < 0 ? 1 : 0;
            case LE -> (a, b) -> Integer.compare(a, b) <= 0 ? 1 : 0;
            case GT -> (a, b) -> Integer.compare(a, b) > 0 ? 1 : 0;
            case GE -> (a, b) -> Integer.compare(a, b) >= 0 ? 1 : 0;
            case DIV, POW, RELU_BACKWARD, SIGMOID_BACKWARD, TANH_BACKWARD -> null;
        };
    }

    /** Whether the backends run this op on operands of {@code type} (F32 always; I32 for {@link Int32Support#KERNEL}). */
    public boolean accepts(ElementType type) {
        return type == ElementType.F32 || int32() == Int32Support.KERNEL;
    }

    /**
     * The element type of the op's result on operands of {@code type}: F32 for a comparison
     * (1.0f/0.0f whatever the operands) and for float operands, I32 for int32 arithmetic.
     */
    public ElementType resultType(ElementType type) {
        return isComparison() ? ElementType.F32 : type;
    }

    /** The OpenCL kernel for operands of {@code type}: {@link #kernelName()}, with {@code "_i32"} for I32. */
    public String kernelName(ElementType type) {
        return type == ElementType.F32 ? kernelName() : kernelName() + "_i32";
    }
}
