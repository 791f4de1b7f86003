package io.clgrad.backend.conformance;

import io.clgrad.backend.Backend;
import io.clgrad.backend.BinaryOp;
import io.clgrad.backend.UnaryOp;
/**
 * Double-precision reference for the elementwise ops: {@link Backend#unary},
 * {@link Backend#binary} (strided, broadcasting) and {@link Backend#binaryScalar}. Plain loops,
 * written from the formulas in {@link UnaryOp} and {@link BinaryOp}, sharing no code with any backend.
 */
final class RefElementwise {
    private RefElementwise() {
    }

    static double unary(UnaryOp op, double x) {
        switch (op) {
            case NEG: return -x;
            case EXP: return Math.exp(x);
            case LOG: return Math.log(x);
            case SQRT: return Math.sqrt(x);
            case ABS: return Math.abs(x);
            case RELU: return x > 0 ? x : 0;
            case SIGMOID: return 1 / (1 + Math.exp(-x));
            case TANH: return Math.tanh(x);
            default: throw new IllegalArgumentException(op.toString());
        }
    }

    static double binary(BinaryOp op, double a, double b) {
        switch (op) {
            case ADD: return a + b;
            case SUB: return a - b;
            case MUL: return a * b;
            case DIV: return a / b;
            case POW: return Math.pow(a, b);
            case MAXIMUM: return Double.isNaN(a) || Double.isNaN(b) ? Double.NaN : Math.max(a, b);
            case MINIMUM: return Double.isNaN(a) || Double.isNaN(b) ? Double.NaN : Math.min(a, b);
            case EQ: return a == b ? 1 : 0;
            case NE: return a != b ? 1 : 0;
            case LT: return a < b ? 1 : 0;
            case LE: return a <= b ? 1 : 0;
            case GT: return a > b ? 1 : 0;
            case GE: return a >= b ? 1 : 0;
            case RELU_BACKWARD: return b <= 0 ? 0 : a;   // PyTorch's threshold_backward: NaN x passes g
            case SIGMOID_BACKWARD: return a * b * (1 - b);
            case TANH_BACKWARD: return a * (1 - b * b);
            default: throw new IllegalArgumentException(op.toString());
        }
    }

    /**
     * The tolerance scale of {@code binary(op, a, b)}: the magnitude of its terms. For POW the
     * result's relative sensitivity to rounding inside exp(b·log a) is |b·ln|a||, so that multiplies in.
     */
    static double binaryScale(BinaryOp op, double a, double b, double ref) {
        switch (op) {
            case EQ: case NE: case LT: case LE: case GT: case GE:
            case MAXIMUM: case MINIMUM: case RELU_BACKWARD:
                return 0;
            case ADD: case SUB:
                return Math.max(1, Math.abs(a) + Math.abs(b));
            case POW:
                return Tolerance.unit(ref) * Math.max(1, Math.abs(b * Math.log(Math.abs(a))));
            case TANH_BACKWARD:
                return Math.max(1, Math.abs(a) * (1 + b * b));
            default:
                return Tolerance.unit(ref);
        }
    }

    /** Element of a strided view of {@code data} at a row-major flat index of {@code shape}. */
    static int offsetOf(int flat, int offset, int[] shape, int[] strides) {
        int off = offset;
        int rest = flat;
        for (int d = shape.length - 1; d >= 0; d--) {
            off += (rest % shape[d]) * strides[d];
            rest /= shape[d];
        }
        return off;
    }

    /** {@code out = op(a, b)} over {@code outShape}, reading both operands through their strides. */
    static double[] binary(BinaryOp op, float[] aData, int aOffset, int[] aStrides,
                           float[] bData, int bOffset, int[] bStrides, int[] outShape, double[] scaleOut) {
        int n = Inputs.numel(outShape);
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            double a = aData[offsetOf(i, aOffset, outShape, aStrides)];
            double b = bData[offsetOf(i, bOffset, outShape, bStrides)];
            out[i] = binary(op, a, b);
            scaleOut[i] = binaryScale(op, a, b, out[i]);
        }
        return out;
    }
}
