package io.clgrad;

import io.clgrad.backend.BinaryOp;
import io.clgrad.backend.ElementType;
import io.clgrad.backend.Int32Support;
import io.clgrad.backend.ReduceOp;
import io.clgrad.backend.UnaryOp;

/**
 * PyTorch's type promotion for clgrad's three dtypes, in one place: which kernel an op runs on
 * which element type, and the dtype of its result. The dtypes are ordered
 * {@code bool < int32 < float32}; a binary op computes in the larger of its operands' dtypes; a
 * scalar counts only when it is of a higher kind than the tensor (a float scalar makes an int32 or
 * bool tensor's op float32, an int scalar makes a bool tensor's op int32). Then each op entry's
 * {@link Int32Support} decides: an int32 kernel, float32 (true division, the floating-point
 * functions), or an error naming the op and the dtypes. Comparisons give bool. On two bools,
 * {@code add} is logical or (computed as {@code maximum} on 0/1), {@code mul}, {@code maximum} and
 * {@code minimum} stay bool and {@code div} gives float32; {@code sub} with any bool operand is
 * refused, as in PyTorch.
 */
final class Promotion {
    private Promotion() {
    }

    /**
     * How an op runs: the entry the kernel computes (bool {@code add} runs {@code maximum}), the
     * element type its operands are converted to, and the dtype of the result.
     */
    record Plan<O>(O op, ElementType compute, DType result) {
    }

    /** The larger of two dtypes in {@code bool < int32 < float32}. */
    static DType promote(DType a, DType b) {
        return rank(a) >= rank(b) ? a : b;
    }

    private static int rank(DType t) {
        return switch (t) {
            case BOOL -> 0;
            case INT32 -> 1;
            case FLOAT32 -> 2;
        };
    }

    /** {@code f(a, b)} on tensors of dtypes {@code a} and {@code b}; {@code op} names it in errors. */
    static Plan<BinaryOp> binary(String op, BinaryOp f, DType a, DType b) {
        return binaryIn(op, f, promote(a, b), a == DType.BOOL || b == DType.BOOL, a + " and " + b);
    }

    /**
     * {@code f(x, s)} on a tensor of dtype {@code x} and a scalar, an int one when {@code intScalar}
     * (Java's {@code add(int)}) else a float one.
     */
    static Plan<BinaryOp> scalar(String op, BinaryOp f, DType x, boolean intScalar) {
        DType p = !intScalar ? DType.FLOAT32 : x == DType.BOOL ? DType.INT32 : x;
        return binaryIn(op, f, promote(x, p), x == DType.BOOL, x + " and " + (intScalar ? "an int" : "a float") + " scalar");
    }

    /**
     * A binary op computed in the dtype {@code p}, {@code withBool} when an operand is bool;
     * {@code operands} describes them for errors.
     */
    private static Plan<BinaryOp> binaryIn(String op, BinaryOp f, DType p, boolean withBool, String operands) {
        if (f.kind() == BinaryOp.Kind.GRADIENT) {   // float backward helpers (a bool mask may be one operand)
            if (p != DType.FLOAT32) {
                throw unsupported(op, operands);
            }
            return new Plan<>(f, ElementType.F32, DType.FLOAT32);
        }
        if (f.isComparison()) {
            return new Plan<>(f, p.elementType(), DType.BOOL);
        }
        if (f == BinaryOp.SUB && withBool) {
            throw new IllegalArgumentException(op + ": subtraction, the `-` operator, with a bool tensor is not"
                    + " supported (as in PyTorch); convert with toFloat() or toInt()");
        }
        return switch (p) {
            case FLOAT32 -> new Plan<>(f, ElementType.F32, DType.FLOAT32);
            case INT32 -> switch (f.int32()) {
                case KERNEL -> new Plan<>(f, ElementType.I32, DType.INT32);
                case AS_FLOAT -> new Plan<>(f, ElementType.F32, DType.FLOAT32);
                case REFUSED -> throw unsupported(op, operands);
            };
            case BOOL -> switch (f) {
                case ADD -> new Plan<>(BinaryOp.MAXIMUM, ElementType.F32, DType.BOOL);   // logical or
                case MUL, MAXIMUM, MINIMUM -> new Plan<>(f, ElementType.F32, DType.BOOL);
                case DIV -> new Plan<>(f, ElementType.F32, DType.FLOAT32);
                default -> throw unsupported(op, operands);
            };
        };
    }

    /** {@code f(x)} on a tensor of dtype {@code x}. */
    static Plan<UnaryOp> unary(String op, UnaryOp f, DType x) {
        if (x != DType.FLOAT32 && f.int32() == Int32Support.REFUSED) {
            throw unsupported(op, "a " + x + " tensor");
        }
        if (x == DType.FLOAT32 || f.int32() == Int32Support.AS_FLOAT) {
            return new Plan<>(f, ElementType.F32, DType.FLOAT32);   // int32 and bool inputs computed in float32
        }
        if (x == DType.INT32) {
            return new Plan<>(f, ElementType.I32, DType.INT32);
        }
        if (f == UnaryOp.NEG) {
            throw new IllegalArgumentException(op + ": negation, the `-` operator, on a bool tensor is not supported"
                    + " (as in PyTorch); use logical operations, or convert with toFloat()");
        }
        throw unsupported(op, "a bool tensor");
    }

    /** The reduction {@code f} of a tensor of dtype {@code x}. */
    static Plan<ReduceOp> reduce(String op, ReduceOp f, DType x) {
        if (x == DType.FLOAT32) {
            return new Plan<>(f, ElementType.F32, f.producesIndices() ? DType.INT32 : DType.FLOAT32);
        }
        if (f == ReduceOp.MEAN) {
            throw new IllegalArgumentException(op + ": could not infer output dtype. Input dtype must be a floating"
                    + " point dtype, got " + x + " (as in PyTorch; convert with toFloat())");
        }
        if (x == DType.INT32 && f.int32() == Int32Support.KERNEL) {
            return new Plan<>(f, ElementType.I32, DType.INT32);
        }
        return switch (f) {
            case SUM -> new Plan<>(f, ElementType.I32, DType.INT32);   // a count of the true elements
            case MAX, MIN -> new Plan<>(f, ElementType.F32, DType.BOOL);
            default -> throw unsupported(op, "a " + x + " tensor");
        };
    }

    private static IllegalArgumentException unsupported(String op, String operands) {
        return new IllegalArgumentException(op + ": not supported for " + operands + " (convert with toFloat())");
    }

    /**
     * {@code x}'s values as the element type {@code compute}: x itself when it is stored so (a
     * bool is stored as float32), else a converted dense copy (float32 of an int32, int32 of a
     * bool) that {@code l} releases after the launch.
     */
    static Tensor operand(OpLaunch l, Tensor x, ElementType compute) {
        if (x.dtype().elementType() == compute) {
            return x;
        }
        Tensor c = Transfers.cast(x, compute == ElementType.F32 ? DType.FLOAT32 : DType.INT32);
        l.operand(c, x);
        return c;
    }
}
