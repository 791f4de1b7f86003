package io.clgrad.backend.conformance;

import io.clgrad.backend.Backend;
import io.clgrad.backend.CounterRng;
import io.clgrad.backend.ElementType;
/**
 * Double-precision reference for the data-movement ops: {@link Backend#fill},
 * {@link Backend#arange}, {@link Backend#copy} of strided views and {@link Backend#convert}.
 * (The random fills are checked directly against {@link CounterRng}, see {@code RandomFillTest}.)
 */
final class RefData {
    private RefData() {
    }

    /** fill: every element the value, cast to int for I32 (Java's cast truncates toward zero). */
    static double[] fill(int n, double value, ElementType type) {
        double v = type == ElementType.I32 ? (int) value : (float) value;
        double[] out = new double[n];
        java.util.Arrays.fill(out, v);
        return out;
    }

    /** arange: start + i*step, in double for F32 (the device rounds once), in int arithmetic for I32. */
    static double[] arange(int n, double start, double step, ElementType type) {
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = type == ElementType.I32 ? (int) start + i * (int) step : start + i * step;
        }
        return out;
    }

    /** copy: gathers a strided view in row-major order of its shape. */
    static double[] gather(double[] data, int offset, int[] shape, int[] strides) {
        int n = Inputs.numel(shape);
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = data[RefElementwise.offsetOf(i, offset, shape, strides)];
        }
        return out;
    }

    /** convert F32 to I32: truncation toward zero. */
    static double[] toInt(float[] x) {
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = (int) x[i];
        }
        return out;
    }

    /** convert I32 to F32: nearest float. */
    static double[] toFloat(int[] x) {
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = (float) x[i];
        }
        return out;
    }

    /**
     * copyInto: the destination buffer {@code dst} with element i (row-major, of {@code shape}) of
     * the source view written to element i of the destination view; the rest unchanged.
     */
    static double[] scatter(double[] src, int srcOffset, int[] srcStrides, double[] dst, int dstOffset, int[] shape,
                            int[] dstStrides) {
        double[] out = dst.clone();
        int n = Inputs.numel(shape);
        for (int i = 0; i < n; i++) {
            out[RefElementwise.offsetOf(i, dstOffset, shape, dstStrides)] =
                    src[RefElementwise.offsetOf(i, srcOffset, shape, srcStrides)];
        }
        return out;
    }
}
