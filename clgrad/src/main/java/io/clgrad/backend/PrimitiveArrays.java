package io.clgrad.backend;

/**
 * Element-wise conversions between host arrays of float32, int32 and float64 values: what the
 * host-side references and the statistics exchanged between processes need (float32 is what a
 * device holds, float64 what the references compute and what is summed across ranks).
 */
public final class PrimitiveArrays {
    private PrimitiveArrays() {
    }

    /**
     * The values of {@code x} widened to double (exactly).
     *
     * @param x float32 values
     * @return a new array of the same length
     */
    public static double[] toDouble(float[] x) {
        double[] r = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            r[i] = x[i];
        }
        return r;
    }

    /**
     * The values of {@code x} widened to double (exactly).
     *
     * @param x int32 values
     * @return a new array of the same length
     */
    public static double[] toDouble(int[] x) {
        return java.util.Arrays.stream(x).asDoubleStream().toArray();
    }

    /**
     * The values of {@code x} rounded to the nearest float32.
     *
     * @param x float64 values
     * @return a new array of the same length
     */
    public static float[] toFloat(double[] x) {
        float[] r = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            r[i] = (float) x[i];
        }
        return r;
    }
}
