package io.clgrad.backend.conformance;

/** Reference of the stable argsort, written independently of any backend (by counting ranks). */
final class RefSort {
    private RefSort() {
    }

    /**
     * For each row (o, j) of [outer, len, inner]: the rank of element l is the count of elements
     * before it (smaller ascending, larger descending; NaN the largest) plus the count of equal
     * elements at earlier positions (NaN equal to NaN); position l is written at its rank. Scale 0:
     * indices must be exact.
     */
    static RefLinalg.Result argsort(float[] x, int outer, int len, int inner, boolean descending) {
        int n = outer * len * inner;
        double[] out = new double[n];
        for (int o = 0; o < outer; o++) {
            for (int j = 0; j < inner; j++) {
                int first = o * len * inner + j;
                for (int l = 0; l < len; l++) {
                    double v = x[first + l * inner];
                    int rank = 0;
                    for (int m = 0; m < len; m++) {
                        double w = x[first + m * inner];
                        boolean before = descending ? larger(w, v) : larger(v, w);
                        boolean tie = w == v || (Double.isNaN(w) && Double.isNaN(v));
                        if (before || (m < l && tie)) {
                            rank++;
                        }
                    }
                    out[first + rank * inner] = l;
                }
            }
        }
        return new RefLinalg.Result(out, new double[n]);
    }

    /** a > b with NaN larger than every number. */
    private static boolean larger(double a, double b) {
        return Double.isNaN(a) ? !Double.isNaN(b) : (!Double.isNaN(b) && a > b);
    }
}
