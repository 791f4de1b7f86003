package io.clgrad.backend.conformance;

import io.clgrad.backend.Backend;
import io.clgrad.backend.BinaryOp;
/**
 * Double-precision reference for {@link Backend#binary} over strided, broadcasting views: a plain
 * loop over the output applying each op entry's {@link BinaryOp#reference()}, sharing no code with
 * any backend.
 */
final class RefElementwise {
    private RefElementwise() {
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
            out[i] = op.facts().reference().applyAsDouble(a, b);
            scaleOut[i] = op.facts().errorScale().of(a, b, out[i]);
        }
        return out;
    }
}
