package io.clgrad.backend.conformance;

/**
 * The suite's one tolerance rule. A float32 result {@code got} is accepted against the
 * double-precision reference {@code ref} when
 *
 * <pre>
 *   |got - ref| &lt;= max(EPS * scale, Float.MIN_NORMAL)          EPS = 1e-5 (about 168 ulps at 1.0)
 * </pre>
 *
 * where {@code scale} is the magnitude of the quantities the result is computed from, chosen per op
 * by the case that produces it (see {@link OpCase.Out}):
 * <ul>
 *   <li>elementwise results of unit-scale inputs: {@code max(1, |ref|)} — relative 1e-5, with an
 *       absolute floor of 1e-5 near zero, where a relative bound would demand more than float can
 *       give (sigmoid(-20), log(1+δ), a - b with cancellation);</li>
 *   <li>results that add several terms t (losses, optimizer updates, tanh' = g(1-y²)):
 *       {@code max(1, Σ|t|)} — rounding errors scale with the terms, not with their sum; results that are
 *       intrinsically small and well conditioned (Adam's m and v, softmax probabilities) use the
 *       terms without the floor of 1, i.e. they are held to a relative bound;</li>
 *   <li>accumulations over {@code len} terms t (sums, dot products of matmul, softmax
 *       denominators): {@code max(1, |ref|, sqrt(len) * max|t|)} — float rounding errors of a sum
 *       behave like a random walk, so their typical size grows like sqrt(len) (pairwise and blocked
 *       sums do better; a plain serial float loop of 100k mixed-sign terms stays 4x inside);
 *       {@code max|t|} (not Σ|t|) keeps the bound below one term, so a dropped or doubled element
 *       still fails;</li>
 *   <li>{@code scale == 0}: bit-exact (copies, converts, fills, comparisons, max/min, arg-indices).</li>
 * </ul>
 * A NaN reference requires NaN; a reference beyond float range requires the same-signed infinity.
 * The floor {@code Float.MIN_NORMAL} lets devices flush denormals to zero, as OpenCL allows.
 * Cross-backend comparisons allow twice the bound, since each side may be off by it.
 */
public final class Tolerance {
    /** The relative bound: 1e-5, about 168 float ulps at 1.0. */
    public static final double EPS = 1e-5;

    private Tolerance() {
    }

    /** The absolute bound for a scale and a multiplier (1 against the reference, 2 between backends). */
    public static double bound(double scale, double factor) {
        return Math.max(EPS * scale * factor, Float.MIN_NORMAL);
    }

    /** Whether {@code got} is acceptable for {@code ref} at this scale. */
    public static boolean accepts(double got, double ref, double scale, double factor) {
        if (Double.isNaN(ref)) {
            return Double.isNaN(got);
        }
        if (Double.isNaN(got)) {
            return false;
        }
        float refF = (float) ref;
        if (Float.isInfinite(refF) || Double.isInfinite(got)) {
            return got == refF;
        }
        if (scale == 0) {
            return got == ref;
        }
        return Math.abs(got - ref) <= bound(scale, factor);
    }

    /** {@code max(1, |ref|)}: the scale of an elementwise result. */
    public static double unit(double ref) {
        return Math.max(1, Math.abs(ref));
    }

    /** {@code max(1, |ref|, sqrt(len) * maxTerm)}: the scale of an accumulation. */
    public static double accum(double ref, int len, double maxAbsTerm) {
        return Math.max(1, Math.max(Math.abs(ref), Math.sqrt(len) * maxAbsTerm));
    }

    /** Elementwise scales {@code max(1, |ref[i]|)}. */
    public static double[] unit(double[] ref) {
        double[] s = new double[ref.length];
        for (int i = 0; i < ref.length; i++) {
            s[i] = unit(ref[i]);
        }
        return s;
    }

    /** All-zero scales: bit-exact comparison. */
    public static double[] exact(int n) {
        return new double[n];
    }
}
