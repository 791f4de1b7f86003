package io.clgrad.backend;

/**
 * Special functions Java's {@link Math} lacks, in double precision to about 1e-14 relative: the
 * error function and its complement, used by the CPU backend's {@code erf} and {@code gelu} and
 * by their references. Built from the series and continued fraction of the definitions (no fitted
 * constants): the Maclaurin series {@code erf(t) = 2/√π Σ (-1)^n t^(2n+1) / (n! (2n+1))} below
 * |t| = 1.5, and Laplace's continued fraction
 * {@code erfc(t) = e^(-t²)/√π · 1/(t + (1/2)/(t + 1/(t + (3/2)/(t + ...))))} above it
 * (both within about 1e-14 relative of Python's {@code math.erf}/{@code math.erfc} over [0, 9]).
 */
public final class SpecialFunctions {
    private static final double TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);
    private static final double SERIES_LIMIT = 1.5;

    private SpecialFunctions() {
    }

    /**
     * The error function {@code erf(t) = 2/√π ∫_0^t e^(-s²) ds}; odd, ±1 at ±∞, NaN for NaN.
     *
     * @param t any double
     * @return erf(t)
     */
    public static double erf(double t) {
        if (Double.isNaN(t)) {
            return t;
        }
        double a = Math.abs(t);
        double r = a < SERIES_LIMIT ? series(a) : 1 - tail(a);
        return t < 0 || (t == 0 && 1 / t < 0) ? -r : r;
    }

    /**
     * The complementary error function {@code erfc(t) = 1 - erf(t)}, accurate where it is tiny (large t).
     *
     * @param t any double
     * @return erfc(t), in [0, 2]
     */
    public static double erfc(double t) {
        if (Double.isNaN(t)) {
            return t;
        }
        double a = Math.abs(t);
        double upper = a < SERIES_LIMIT ? 1 - series(a) : tail(a);
        return t < 0 ? 2 - upper : upper;
    }

    /** erf(a) for 0 <= a < 1.5 by its Maclaurin series. */
    private static double series(double a) {
        double a2 = a * a;
        double term = a;    // (-1)^n a^(2n+1) / n!
        double sum = a;
        for (int n = 1; n < 200; n++) {
            term *= -a2 / n;
            double add = term / (2 * n + 1);
            sum += add;
            if (Math.abs(add) < 1e-17 * Math.abs(sum)) {
                break;
            }
        }
        return TWO_OVER_SQRT_PI * sum;
    }

    /** erfc(a) for a >= 1.5 by Laplace's continued fraction, evaluated from the 80th level up. */
    private static double tail(double a) {
        if (a > 27) {
            return 0;   // e^(-a²) underflows
        }
        double f = a;
        for (int k = 80; k >= 1; k--) {
            f = a + (k / 2.0) / f;
        }
        return Math.exp(-a * a) / (Math.sqrt(Math.PI) * f);
    }
}
