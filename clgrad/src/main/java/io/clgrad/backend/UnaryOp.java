package io.clgrad.backend;

import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;
import java.util.function.IntUnaryOperator;

/**
 * Elementwise functions of one float operand, {@code out[i] = f(x[i])}: one entry per op holding
 * what every backend and the tests need to know of it. A backend implements each entry (the CPU
 * backend in an exhaustive switch, OpenCL as the kernel {@link #kernelName()} of
 * {@code elementwise.cl}); the conformance tables draw inputs from its {@link Facts#domain()} and
 * compare with its {@link Facts#reference()}; the gradient checks draw from {@link Facts#gradDomain()}. The gradient rule
 * itself lives in the core, beside the op's {@code Tensor} method, which is named {@link #opName()}.
 */
public enum UnaryOp implements ElementwiseOp {
    /** {@code -x}. */
    NEG(real(), Domain.uniform(-2, 2), x -> -x),
    /** {@code e^x}; overflows to +inf above about 88.7. */
    EXP(Domain.uniform(-20, 20).withEdges(0f, 88f, -87f, -100f, 100f), Domain.uniform(-2, 2), Math::exp),
    /** Natural logarithm; NaN below 0, -inf at 0. */
    LOG(Domain.logUniform(1e-3, 1e3).withEdges(1f, 1e-30f, 1e30f, Float.MIN_NORMAL, 1.0000001f),
            Domain.uniform(0.5, 2), Math::log),
    /** Square root; NaN below 0. */
    SQRT(Domain.logUniform(1e-4, 1e4).withEdges(0f, 1e-30f, 1e30f, 1f, 4f), Domain.uniform(0.5, 2), Math::sqrt),
    /** {@code |x|}. */
    ABS(real(), Domain.awayFromZero(0.2, 2), Math::abs),
    /** {@code x < 0 ? +0 : x}, as {@code torch.relu}: NaN and -0 kept. */
    RELU(real(), Domain.awayFromZero(0.2, 2), x -> x < 0 ? 0 : x),
    /** {@code 1 / (1 + e^-x)}, evaluated without overflow. */
    SIGMOID(saturating(), Domain.uniform(-3, 3), x -> 1 / (1 + Math.exp(-x))),
    /** Hyperbolic tangent. */
    TANH(saturating(), Domain.uniform(-3, 3), Math::tanh),
    /** Sine of x in radians. */
    SIN(periodic(), Domain.uniform(-3, 3), Math::sin),
    /** Cosine of x in radians. */
    COS(periodic(), Domain.uniform(-3, 3), Math::cos),
    /**
     * {@code log(1 + x)}, accurate for tiny x (where {@code 1 + x} rounds to 1); -inf at -1, NaN
     * below. Held to 1e-5 of |ref| (relative even near 0, where a composed {@code log(1 + x)} fails).
     */
    LOG1P(Domain.uniform(-0.999, 10).withEdges(0f, -0f, 1e-30f, -1e-30f, 1e-7f, -1e-7f, 3e-5f, -1f, 1e30f,
            Float.MIN_NORMAL), Domain.uniform(-0.5, 2), Math::log1p, (x, ref) -> Math.abs(ref)),
    /**
     * {@code e^x - 1}, accurate for tiny x (where {@code e^x} rounds to 1); overflows to +inf above
     * about 88.7. Held to 1e-5 of |ref|, as {@link #LOG1P}.
     */
    EXPM1(Domain.uniform(-20, 20).withEdges(0f, -0f, 1e-30f, -1e-30f, 1e-7f, -1e-7f, 3e-5f, 88f, -100f, 100f),
            Domain.uniform(-2, 2), Math::expm1, (x, ref) -> Math.abs(ref)),
    /** The error function {@code erf(x) = 2/√π ∫_0^x e^(-t²) dt}, as {@code torch.erf}. */
    ERF(saturating(), Domain.uniform(-2, 2), SpecialFunctions::erf),
    /**
     * The exact GELU, {@code x Φ(x) = x/2 · erfc(-x/√2)} ({@code torch.nn.functional.gelu} with
     * {@code approximate='none'}); the tanh approximation is a composite in the core.
     */
    GELU(saturating(), Domain.uniform(-3, 3), x -> 0.5 * x * SpecialFunctions.erfc(-x / Math.sqrt(2))),
    /** SiLU (swish), {@code x σ(x) = x / (1 + e^-x)}. */
    SILU(saturating(), Domain.uniform(-3, 3), x -> x / (1 + Math.exp(-x)));

    /**
     * What the tests need to know of an op.
     *
     * @param domain     conformance inputs: the op's whole domain with its edge values
     * @param gradDomain inputs for finite-difference gradient checks: smooth, away from kinks and poles
     * @param reference  the op in double precision, the reference every backend is compared with
     * @param errorScale from the input x and the exact result, the magnitude a float32 result's error
     *                   is measured against: the suite accepts an error up to 1e-5 times it (0
     *                   demands the exact result); {@code max(1, |ref|)} unless the entry says otherwise
     */
    public record Facts(Domain domain, Domain gradDomain, DoubleUnaryOperator reference,
                        DoubleBinaryOperator errorScale) {
    }

    private final Facts facts;

    /** An op whose float32 result is held to 1e-5 of {@code max(1, |ref|)}, as most are. */
    UnaryOp(Domain domain, Domain gradDomain, DoubleUnaryOperator reference) {
        this(domain, gradDomain, reference, (x, ref) -> Math.max(1, Math.abs(ref)));
    }

    UnaryOp(Domain domain, Domain gradDomain, DoubleUnaryOperator reference, DoubleBinaryOperator errorScale) {
        this.facts = new Facts(domain, gradDomain, reference, errorScale);
    }

    /** The whole real line as floats see it: signed zeros, a subnormal and both huge magnitudes. */
    private static Domain real() {
        return Domain.uniform(-10, 10).withEdges(0f, -0f, 1e-30f, -1e30f, 1e30f);
    }

    /** Inputs of a function that saturates: far into both flat tails. */
    private static Domain saturating() {
        return Domain.uniform(-10, 10).withEdges(0f, 100f, -100f, 1000f, -1000f, 20f, -20f, 1e-4f);
    }

    /** Several periods each way, the zeros, and arguments that need careful range reduction. */
    private static Domain periodic() {
        return Domain.uniform(-10, 10).withEdges(0f, -0f, 1e-30f, (float) Math.PI, 100f, -1000f, 1e4f);
    }

    /** {@code "unary"}: the kernels are {@code unary_<op>}. */
    @Override
    public String kernelFamily() {
        return "unary";
    }

    /** The name of the op's autograd node, as PyTorch's, e.g. {@code "TanhBackward0"}. */
    public String nodeName() {
        return name().charAt(0) + opName().substring(1) + "Backward0";
    }

    /** The op's domains, reference and error scale, for the tests. */
    public Facts facts() {
        return facts;
    }

    /**
     * How the op treats int32 input: {@link Int32Support#KERNEL} for the ops with an int32 kernel
     * and an int32 result ({@code neg}, {@code abs}, {@code relu}), {@link Int32Support#AS_FLOAT}
     * for the floating-point functions, which compute int32 input in float32 as PyTorch does;
     * {@link Int32Support#REFUSED} for the activations PyTorch has no integer kernel of
     * ({@code gelu}, {@code silu}).
     */
    public Int32Support int32() {
        return switch (this) {
            case GELU, SILU -> Int32Support.REFUSED;   // PyTorch: "not implemented for 'Int'"
            default -> int32Reference() != null ? Int32Support.KERNEL : Int32Support.AS_FLOAT;
        };
    }

    /**
     * The op on an int32 value, wrapping as PyTorch's int32 does ({@code -MIN_VALUE} and
     * {@code abs(MIN_VALUE)} are {@code MIN_VALUE}; computed in long and narrowed), the exact reference of
     * the int32 kernels; null for an op computed in float32. A switch expression: a new entry
     * states how it treats integers.
     */
    public IntUnaryOperator int32Reference() {
        return switch (this) {
            case NEG -> x -> (int) -(long) x;                  // exact in long, narrowed: -MIN_VALUE wraps
            case ABS -> x -> (int) Math.abs((long) x);
            case RELU -> x -> x < 0 ? 0 : x;
            case EXP, LOG, SQRT, SIGMOID, TANH, SIN, COS, LOG1P, EXPM1, ERF, GELU, SILU -> null;
        };
    }

    /** Whether the backends run this op on buffers of {@code type} (F32 always; I32 for {@link Int32Support#KERNEL}). */
    public boolean accepts(ElementType type) {
        return type == ElementType.F32 || int32() == Int32Support.KERNEL;
    }

    /** The OpenCL kernel for operands of {@code type}: {@link #kernelName()}, with {@code "_i32"} for I32. */
    public String kernelName(ElementType type) {
        return type == ElementType.F32 ? kernelName() : kernelName() + "_i32";
    }
}
