package io.clgrad.backend.conformance;

/**
 * Double-precision references for gather, scatter (replace and add) and where, written from the
 * definitions with nested coordinate loops, independently of any backend. Every array is a
 * logical tensor in row-major order of its shape.
 */
final class RefIndex {
    private RefIndex() {
    }

    /** Row-major coordinates of element {@code i} of {@code shape}. */
    static int[] coords(int i, int[] shape) {
        int[] c = new int[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            c[d] = i % shape[d];
            i /= shape[d];
        }
        return c;
    }

    /** The row-major number of coordinates {@code c} in {@code shape}. */
    static int linear(int[] c, int[] shape) {
        int i = 0;
        for (int d = 0; d < shape.length; d++) {
            i = i * shape[d] + c[d];
        }
        return i;
    }

    /** {@code out[c] = self[c with c[dim] = index[c]]}, out of index's shape; self of selfShape. */
    static double[] gather(double[] self, int[] selfShape, int dim, int[] index, int[] indexShape) {
        double[] out = new double[index.length];
        for (int i = 0; i < index.length; i++) {
            int[] c = coords(i, indexShape);
            c[dim] = index[i];
            out[i] = self[linear(c, selfShape)];
        }
        return out;
    }

    /**
     * Out-of-place scatter: out starts as {@code self} (null: zeros) of {@code shape}; each index
     * element in row-major order sends its src value to the element with its coordinates but
     * {@code c[dim] = index}, replacing or adding. Returns {value, scale}: exact where replaced
     * (scale 0), and an accumulation's scale (over the terms each element received) where added.
     */
    static double[][] scatter(double[] self, int[] shape, int dim, int[] index, int[] indexShape, double[] src,
                              boolean add) {
        int n = Inputs.numel(shape);
        double[] out = self == null ? new double[n] : self.clone();
        int[] terms = new int[n];
        double[] maxTerm = new double[n];
        for (int i = 0; i < n; i++) {
            terms[i] = 1;
            maxTerm[i] = Math.abs(out[i]);
        }
        for (int i = 0; i < index.length; i++) {
            int[] c = coords(i, indexShape);
            c[dim] = index[i];
            int o = linear(c, shape);
            out[o] = add ? out[o] + src[i] : src[i];
            terms[o]++;
            maxTerm[o] = Math.max(maxTerm[o], Math.abs(src[i]));
        }
        double[] scale = new double[n];
        for (int i = 0; add && i < n; i++) {
            scale[i] = Tolerance.accum(out[i], terms[i], maxTerm[i]);
        }
        return new double[][] {out, scale};
    }

    /**
     * {@code cond ? x : y} over {@code shape}, each operand of its own shape broadcast to it (NumPy
     * rules, shapes already of the output's rank); the condition is true where non-zero or NaN.
     */
    static double[] where(double[] cond, int[] condShape, double[] x, int[] xShape, double[] y, int[] yShape,
                          int[] shape) {
        int n = Inputs.numel(shape);
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            int[] c = coords(i, shape);
            double t = cond[broadcastLinear(c, condShape)];
            out[i] = t != 0 || Double.isNaN(t) ? x[broadcastLinear(c, xShape)] : y[broadcastLinear(c, yShape)];
        }
        return out;
    }

    private static int broadcastLinear(int[] c, int[] shape) {
        int i = 0;
        for (int d = 0; d < shape.length; d++) {
            i = i * shape[d] + (shape[d] == 1 ? 0 : c[d]);
        }
        return i;
    }
}
