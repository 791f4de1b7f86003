package io.clgrad.backend.cpu;

import io.clgrad.backend.BinaryOp;
import io.clgrad.backend.ReduceOp;
import io.clgrad.backend.StridedView;
import io.clgrad.backend.UnaryOp;
import java.util.function.IntBinaryOperator;
import java.util.function.IntUnaryOperator;

/**
 * The int32 kernels of the ops whose entries say {@link io.clgrad.backend.Int32Support#KERNEL}:
 * unary, binary (strided and broadcasting, through {@link CpuGeometry}), binary with an int scalar,
 * and reductions of [outer, len, inner] along the middle axis. Java's int arithmetic wraps modulo
 * 2^32, as PyTorch's int32 does. A comparison writes 1.0f/0.0f into a float output; everything
 * else writes ints. Int32 ops are rare (labels, indices, counts), so the loops are plain: one
 * function per element, chosen by an exhaustive switch over the entry.
 */
final class CpuIntKernels {
    private final CpuParallel par;

    CpuIntKernels(CpuParallel par) {
        this.par = par;
    }

    /** The int32 twin of each {@link UnaryOp}; ops computed in float32 have none. */
    private static IntUnaryOperator unaryFn(UnaryOp op) {
        return switch (op) {
            case NEG -> x -> -x;
            case ABS -> Math::abs;                 // abs(MIN_VALUE) wraps to MIN_VALUE
            case RELU -> x -> x > 0 ? x : 0;
            case EXP, LOG, SQRT, SIGMOID, TANH, SIN, COS, LOG1P, EXPM1, ERF, GELU, SILU ->
                    throw new IllegalArgumentException(op + " has no int32 kernel (it is computed in float32)");
        };
    }

    /** The int32 twin of each {@link BinaryOp}; comparisons give 1 or 0. */
    private static IntBinaryOperator binaryFn(BinaryOp op) {
        return switch (op) {
            case ADD -> Integer::sum;
            case SUB -> (a, b) -> a - b;
            case MUL -> (a, b) -> a * b;
            case MAXIMUM -> Math::max;
            case MINIMUM -> Math::min;
            case EQ -> (a, b) -> a == b ? 1 : 0;
            case NE -> (a, b) -> a != b ? 1 : 0;
            case LT -> (a, b) -> a < b ? 1 : 0;
            case LE -> (a, b) -> a <= b ? 1 : 0;
            case GT -> (a, b) -> a > b ? 1 : 0;
            case GE -> (a, b) -> a >= b ? 1 : 0;
            case DIV, POW, RELU_BACKWARD, SIGMOID_BACKWARD, TANH_BACKWARD ->
                    throw new IllegalArgumentException(op + " has no int32 kernel");
        };
    }

    /** {@code out[i] = op(x[i])} for i in [0, n). */
    void unary(UnaryOp op, int[] x, int[] out, int n) {
        IntUnaryOperator f = unaryFn(op);
        par.forEach(n, n, (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                out[i] = f.applyAsInt(x[i]);
            }
        });
    }

    /** Where a binary op writes: ints, or floats (a comparison's 1.0f/0.0f); exactly one is non-null. */
    record Out(int[] ints, float[] floats) {
        void set(int i, int v) {
            if (ints != null) {
                ints[i] = v;
            } else {
                floats[i] = v;
            }
        }
    }

    /** {@code out = op(a, b)} over {@code outShape}, both operands read through their strides. */
    void binary(BinaryOp op, int[] av, StridedView a, int[] bv, StridedView b, Out out, int[] outShape) {
        IntBinaryOperator f = binaryFn(op);
        CpuGeometry g = CpuGeometry.of(outShape, new StridedView[] {a, b}, new int[] {av.length, bv.length});
        int as = g.innerStride(0);
        int bs = g.innerStride(1);
        g.run(par, (pos, len, outPos) -> {
            for (int i = 0; i < len; i++) {
                out.set(outPos + i, f.applyAsInt(av[pos[0] + i * as], bv[pos[1] + i * bs]));
            }
        });
    }

    /** {@code out[i] = op(x[i], s)}, or {@code op(s, x[i])} when {@code scalarFirst}. */
    void binaryScalar(BinaryOp op, int[] x, int s, boolean scalarFirst, Out out, int n) {
        IntBinaryOperator f = binaryFn(op);
        par.forEach(n, n, (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                out.set(i, scalarFirst ? f.applyAsInt(s, x[i]) : f.applyAsInt(x[i], s));
            }
        });
    }

    /**
     * Reduces x, viewed as [outer, len, inner], along the middle axis into out ([outer, inner]):
     * a wrapping sum, the max or min, or the first index of the max or min.
     */
    void reduce(ReduceOp op, int[] x, int[] out, int outer, int len, int inner) {
        if (op.int32() != io.clgrad.backend.Int32Support.KERNEL) {
            throw new IllegalArgumentException(op + " has no int32 kernel");
        }
        par.forEach(outer * inner, (long) outer * len * inner, (lo, hi) -> {
            for (int o = lo; o < hi; o++) {
                int base = (o / inner) * len * inner + o % inner;
                int total = 0;
                int best = x[base];
                int at = 0;
                for (int l = 0; l < len; l++) {
                    int v = x[base + l * inner];
                    total += v;
                    if (op.seeksMax() ? v > best : v < best) {
                        best = v;
                        at = l;
                    }
                }
                out[o] = switch (op.kind()) {
                    case TOTAL -> total;
                    case EXTREME -> best;
                    case INDEX -> at;
                };
            }
        });
    }
}
