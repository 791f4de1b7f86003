package io.clgrad.backend.cpu;

import io.clgrad.backend.BinaryOp;

/**
 * The loops of the two-operand elementwise ops over one run of elements. The op is switched on
 * once per run, outside the loop, so each common op's loop is a plain indexed loop the JIT can
 * vectorise; rare ops share a loop over {@link #apply}, the scalar definition of every op.
 */
final class CpuBinaryKernels {
    /** Whether {@link VectorElementwise} can be used: the JVM has the Vector API module. */
    private static final boolean VECTOR = CpuMatmul.vectorKernelsUsable();

    private CpuBinaryKernels() {
    }

    /** The definition of every op on one pair of values (comparisons give 1 or 0). */
    static float apply(BinaryOp op, float a, float b) {
        return switch (op) {
            case ADD -> a + b;
            case SUB -> a - b;
            case MUL -> a * b;
            case DIV -> a / b;
            case POW -> pow(a, b);
            case MAXIMUM -> Math.max(a, b); // propagates NaN, like torch.maximum
            case MINIMUM -> Math.min(a, b);
            case EQ -> a == b ? 1f : 0f;
            case NE -> a != b ? 1f : 0f;
            case LT -> a < b ? 1f : 0f;
            case LE -> a <= b ? 1f : 0f;
            case GT -> a > b ? 1f : 0f;
            case GE -> a >= b ? 1f : 0f;
            case RELU_BACKWARD -> reluBackward(a, b);
            case SIGMOID_BACKWARD -> a * b * (1f - b);
            case TANH_BACKWARD -> a * (1f - b * b);
        };
    }

    /**
     * C's (and OpenCL's, and PyTorch's) {@code pow}: {@code pow(1, y) = 1} for every y, NaN
     * included, and {@code pow(-1, ±inf) = 1}, where Java's {@code Math.pow} gives NaN; otherwise
     * the two agree.
     */
    static float pow(float a, float b) {
        if (a == 1f || (a == -1f && Float.isInfinite(b))) {
            return 1f;
        }
        return (float) Math.pow(a, b);
    }

    /** {@code out[oo+i] = op(a[ao+i], b[bo+i])} for i in [0, n). */
    static void contiguous(BinaryOp op, float[] a, int ao, float[] b, int bo, float[] out, int oo, int n) {
        switch (op) {
            case ADD -> {
                for (int i = 0; i < n; i++) {
                    out[oo + i] = a[ao + i] + b[bo + i];
                }
            }
            case SUB -> {
                for (int i = 0; i < n; i++) {
                    out[oo + i] = a[ao + i] - b[bo + i];
                }
            }
            case MUL -> {
                for (int i = 0; i < n; i++) {
                    out[oo + i] = a[ao + i] * b[bo + i];
                }
            }
            case DIV -> {
                for (int i = 0; i < n; i++) {
                    out[oo + i] = a[ao + i] / b[bo + i];
                }
            }
            case RELU_BACKWARD -> {
                if (VECTOR) {
                    VectorElementwise.reluBackward(a, ao, b, bo, out, oo, n);
                    return;
                }
                for (int i = 0; i < n; i++) {
                    out[oo + i] = reluBackward(a[ao + i], b[bo + i]);
                }
            }
            case SIGMOID_BACKWARD -> {
                for (int i = 0; i < n; i++) {
                    float y = b[bo + i];
                    out[oo + i] = a[ao + i] * y * (1f - y);
                }
            }
            case TANH_BACKWARD -> {
                for (int i = 0; i < n; i++) {
                    float y = b[bo + i];
                    out[oo + i] = a[ao + i] * (1f - y * y);
                }
            }
            default -> {
                for (int i = 0; i < n; i++) {
                    out[oo + i] = apply(op, a[ao + i], b[bo + i]);
                }
            }
        }
    }

    /** {@code out[oo+i] = op(x[xo+i], s)} for i in [0, n). */
    static void scalarSecond(BinaryOp op, float[] x, int xo, float s, float[] out, int oo, int n) {
        switch (op) {
            case ADD -> {
                for (int i = 0; i < n; i++) {
                    out[oo + i] = x[xo + i] + s;
                }
            }
            case SUB -> {
                for (int i = 0; i < n; i++) {
                    out[oo + i] = x[xo + i] - s;
                }
            }
            case MUL -> {
                for (int i = 0; i < n; i++) {
                    out[oo + i] = x[xo + i] * s;
                }
            }
            case DIV -> {
                for (int i = 0; i < n; i++) {
                    out[oo + i] = x[xo + i] / s;
                }
            }
            case POW -> {
                if (s == 2f) { // x*x is what pow(x, 2) rounds to, without the libm call
                    for (int i = 0; i < n; i++) {
                        float v = x[xo + i];
                        out[oo + i] = v * v;
                    }
                } else {
                    for (int i = 0; i < n; i++) {
                        out[oo + i] = pow(x[xo + i], s);
                    }
                }
            }
            default -> {
                for (int i = 0; i < n; i++) {
                    out[oo + i] = apply(op, x[xo + i], s);
                }
            }
        }
    }

    /** {@code out[oo+i] = op(s, x[xo+i])} for i in [0, n). */
    static void scalarFirst(BinaryOp op, float s, float[] x, int xo, float[] out, int oo, int n) {
        switch (op) {
            // Symmetric ops (Math.max/min included: NaN wins from either side).
            case ADD, MUL, MAXIMUM, MINIMUM, EQ, NE -> scalarSecond(op, x, xo, s, out, oo, n);
            case LT -> scalarSecond(BinaryOp.GT, x, xo, s, out, oo, n);
            case LE -> scalarSecond(BinaryOp.GE, x, xo, s, out, oo, n);
            case GT -> scalarSecond(BinaryOp.LT, x, xo, s, out, oo, n);
            case GE -> scalarSecond(BinaryOp.LE, x, xo, s, out, oo, n);
            case SUB -> {
                for (int i = 0; i < n; i++) {
                    out[oo + i] = s - x[xo + i];
                }
            }
            case DIV -> {
                for (int i = 0; i < n; i++) {
                    out[oo + i] = s / x[xo + i];
                }
            }
            default -> {
                for (int i = 0; i < n; i++) {
                    out[oo + i] = apply(op, s, x[xo + i]);
                }
            }
        }
    }

    /** {@code out[oo+i] = op(a[ao+i*as], b[bo+i*bs])} for i in [0, n): the general strided run. */
    static void strided(BinaryOp op, float[] a, int ao, int as, float[] b, int bo, int bs,
                        float[] out, int oo, int n) {
        if (as == 1 && bs == 1) {
            contiguous(op, a, ao, b, bo, out, oo, n);
        } else if (as == 0 && bs == 1) {
            scalarFirst(op, a[ao], b, bo, out, oo, n);
        } else if (as == 1 && bs == 0) {
            scalarSecond(op, a, ao, b[bo], out, oo, n);
        } else if (op == BinaryOp.ADD) { // gradient accumulation into transposed views
            for (int i = 0; i < n; i++) {
                out[oo + i] = a[ao + i * as] + b[bo + i * bs];
            }
        } else {
            for (int i = 0; i < n; i++) {
                out[oo + i] = apply(op, a[ao + i * as], b[bo + i * bs]);
            }
        }
    }

    /**
     * PyTorch's ReLU, {@code x < 0 ? +0 : x}: NaN and -0 pass unchanged ({@code torch.relu(-0.0)} is
     * -0.0, as elementwise.cl's {@code relu}); {@code Math.max(x, 0)} would give +0 for -0.
     */
    static float relu(float x) {
        return x < 0f ? 0f : x;
    }

    /**
     * PyTorch's {@code threshold_backward(g, x, 0)}: {@code x <= 0 ? 0 : g}, so g passes where x is
     * positive or NaN. Branch-free on the bits of x: with random signs a branch here mispredicts
     * half the time and costs several times the whole loop.
     */
    static float reluBackward(float g, float x) {
        int b = Float.floatToRawIntBits(x);
        int positive = ((-b) & ~b) >> 31;                       // -1 when x > 0 (+inf and +NaN too)
        int nan = (0x7f800000 - (b & 0x7fffffff)) >> 31;        // -1 when x is NaN, either sign
        return Float.intBitsToFloat(Float.floatToRawIntBits(g) & (positive | nan));
    }
}
