package io.clgrad.backend.cpu;

import io.clgrad.backend.BinaryOp;
import io.clgrad.backend.SpecialFunctions;
import io.clgrad.backend.StridedView;
import io.clgrad.backend.UnaryOp;

/**
 * Elementwise ops: {@code unary}, {@code binary} over strided/broadcast views, and
 * {@code binaryScalar}. Transcendentals are evaluated in double and rounded once to float.
 *
 * <p>{@code binary} takes a fast path when both operands are contiguous with the output's shape,
 * and when one is a single broadcast element; everything else goes through {@link CpuGeometry},
 * which merges dimensions and runs the innermost one as a loop from {@link CpuBinaryKernels}.
 */
final class CpuElementwise {
    private static final double SQRT1_2 = Math.sqrt(0.5);
    private static final boolean VECTOR = CpuMatmul.vectorKernelsUsable();
    private final CpuParallel par;

    CpuElementwise(CpuParallel par) {
        this.par = par;
    }

    /** {@code out[i] = op(x[i])} for i in [0, n). */
    void unary(UnaryOp op, float[] x, float[] out, int n) {
        UnaryLoop loop = loop(op);
        par.forEach(n, n, (lo, hi) -> loop.run(x, out, lo, hi));
    }

    /** One op's loop over {@code [lo, hi)}: a plain indexed loop the JIT can vectorise. */
    @FunctionalInterface
    private interface UnaryLoop {
        void run(float[] x, float[] out, int lo, int hi);
    }

    /** The CPU twin of each entry of {@link UnaryOp}: a switch expression, so a new op without a loop does not compile. */
    private static UnaryLoop loop(UnaryOp op) {
        return switch (op) {
            case NEG -> (x, out, lo, hi) -> {
                for (int i = lo; i < hi; i++) {
                    out[i] = -x[i];
                }
            };
            case EXP -> (x, out, lo, hi) -> {
                for (int i = lo; i < hi; i++) {
                    out[i] = (float) Math.exp(x[i]);
                }
            };
            case LOG -> (x, out, lo, hi) -> {
                for (int i = lo; i < hi; i++) {
                    out[i] = (float) Math.log(x[i]);
                }
            };
            case SQRT -> (x, out, lo, hi) -> {
                for (int i = lo; i < hi; i++) {
                    out[i] = (float) Math.sqrt(x[i]); // double sqrt rounded to float is the float sqrt
                }
            };
            case ABS -> (x, out, lo, hi) -> {
                for (int i = lo; i < hi; i++) {
                    out[i] = Math.abs(x[i]);
                }
            };
            case RELU -> (x, out, lo, hi) -> {
                if (VECTOR) {   // a compare and a blend per vector: the ternary below stays a branch in C2
                    VectorElementwise.relu(x, lo, out, lo, hi - lo);
                    return;
                }
                for (int i = lo; i < hi; i++) {
                    out[i] = CpuBinaryKernels.relu(x[i]);   // NaN and -0 pass, as in torch.relu
                }
            };
            case SIGMOID -> (x, out, lo, hi) -> {
                for (int i = lo; i < hi; i++) {
                    out[i] = (float) (1.0 / (1.0 + Math.exp(-x[i])));
                }
            };
            case TANH -> (x, out, lo, hi) -> {
                for (int i = lo; i < hi; i++) {
                    out[i] = (float) Math.tanh(x[i]);
                }
            };
            case SIN -> (x, out, lo, hi) -> {
                for (int i = lo; i < hi; i++) {
                    out[i] = (float) Math.sin(x[i]);
                }
            };
            case COS -> (x, out, lo, hi) -> {
                for (int i = lo; i < hi; i++) {
                    out[i] = (float) Math.cos(x[i]);
                }
            };
            case LOG1P -> (x, out, lo, hi) -> {
                for (int i = lo; i < hi; i++) {
                    out[i] = (float) Math.log1p(x[i]);
                }
            };
            case EXPM1 -> (x, out, lo, hi) -> {
                for (int i = lo; i < hi; i++) {
                    out[i] = (float) Math.expm1(x[i]);
                }
            };
            case ERF -> (x, out, lo, hi) -> {
                for (int i = lo; i < hi; i++) {
                    out[i] = (float) SpecialFunctions.erf(x[i]);
                }
            };
            case GELU -> (x, out, lo, hi) -> {
                for (int i = lo; i < hi; i++) {
                    // x/2 · erfc(-x/√2): no cancellation in 1 + erf for negative x
                    out[i] = (float) (0.5 * x[i] * SpecialFunctions.erfc(-x[i] * SQRT1_2));
                }
            };
            case SILU -> (x, out, lo, hi) -> {
                for (int i = lo; i < hi; i++) {
                    out[i] = (float) (x[i] / (1.0 + Math.exp(-x[i])));
                }
            };
        };
    }

    /** {@code out[i] = op(x[i], s)}, or {@code op(s, x[i])} when {@code scalarFirst}. */
    void binaryScalar(BinaryOp op, float[] x, float s, boolean scalarFirst, float[] out, int n) {
        if (scalarFirst) {
            par.forEach(n, n, (lo, hi) -> CpuBinaryKernels.scalarFirst(op, s, x, lo, out, lo, hi - lo));
        } else {
            par.forEach(n, n, (lo, hi) -> CpuBinaryKernels.scalarSecond(op, x, lo, s, out, lo, hi - lo));
        }
    }

    /** {@code out = op(a, b)} over {@code outShape}; out is contiguous from element 0. */
    void binary(BinaryOp op, float[] av, StridedView a, float[] bv, StridedView b, float[] out, int[] outShape) {
        long total = 1;
        for (int s : outShape) {
            total *= s;
        }
        if (total > out.length) {
            throw new IllegalArgumentException("output of " + out.length + " elements cannot hold shape "
                    + java.util.Arrays.toString(outShape));
        }
        int n = (int) total;
        if (n == 0) {
            return;
        }
        boolean aFull = denseWithShape(a, outShape, av.length, n);
        boolean bFull = denseWithShape(b, outShape, bv.length, n);
        if (aFull && bFull) {
            int ao = a.offset();
            int bo = b.offset();
            par.forEach(n, n, (lo, hi) -> CpuBinaryKernels.contiguous(op, av, ao + lo, bv, bo + lo, out, lo, hi - lo));
            return;
        }
        if (bFull && singleElement(a, outShape, av.length)) {
            float s = av[a.offset()];
            int bo = b.offset();
            par.forEach(n, n, (lo, hi) -> CpuBinaryKernels.scalarFirst(op, s, bv, bo + lo, out, lo, hi - lo));
            return;
        }
        if (aFull && singleElement(b, outShape, bv.length)) {
            float s = bv[b.offset()];
            int ao = a.offset();
            par.forEach(n, n, (lo, hi) -> CpuBinaryKernels.scalarSecond(op, av, ao + lo, s, out, lo, hi - lo));
            return;
        }
        CpuGeometry g = CpuGeometry.of(outShape, new StridedView[] {a, b}, new int[] {av.length, bv.length});
        int as = g.innerStride(0);
        int bs = g.innerStride(1);
        g.run(par, (pos, len, outPos) ->
                CpuBinaryKernels.strided(op, av, pos[0], as, bv, pos[1], bs, out, outPos, len));
    }

    /** Whether the view is row-major contiguous with exactly the output's shape and in range. */
    private static boolean denseWithShape(StridedView v, int[] outShape, int length, int n) {
        if (v.rank() != outShape.length || !v.isContiguous()) {
            return false;
        }
        for (int d = 0; d < outShape.length; d++) {
            if (v.shape()[d] != outShape[d]) {
                return false;
            }
        }
        return v.offset() >= 0 && (long) v.offset() + n <= length;
    }

    /** Whether every index of the view maps to one element (all sizes 1 or strides 0), in range. */
    private static boolean singleElement(StridedView v, int[] outShape, int length) {
        if (v.rank() != outShape.length) {
            return false;
        }
        for (int d = 0; d < v.rank(); d++) {
            if (v.shape()[d] != 1 && v.strides()[d] != 0) {
                return false;
            }
        }
        return v.offset() >= 0 && v.offset() < length;
    }
}
