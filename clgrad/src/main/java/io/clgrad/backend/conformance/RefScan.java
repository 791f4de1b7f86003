package io.clgrad.backend.conformance;

/** Double-precision reference of the cumulative sum, written independently of any backend. */
final class RefScan {
    private RefScan() {
    }

    /**
     * {@code out[o][l][j] = Σ_{m ≤ l} x[o][m][j]} in double; the error scale of each prefix is
     * {@code max(1, |sum|, sqrt(l+1)·max_{m ≤ l} |x_m|)}, the rounding of an (l+1)-term float sum.
     */
    static RefLinalg.Result cumsum(float[] x, int outer, int len, int inner) {
        int n = outer * len * inner;
        double[] out = new double[n];
        double[] scale = new double[n];
        for (int o = 0; o < outer; o++) {
            for (int j = 0; j < inner; j++) {
                double sum = 0;
                double maxAbs = 0;
                for (int l = 0; l < len; l++) {
                    int at = (o * len + l) * inner + j;
                    sum += x[at];
                    maxAbs = Math.max(maxAbs, Math.abs((double) x[at]));
                    out[at] = sum;
                    scale[at] = Math.max(1, Math.max(Math.abs(sum), Math.sqrt(l + 1.0) * maxAbs));
                }
            }
        }
        return new RefLinalg.Result(out, scale);
    }
}
