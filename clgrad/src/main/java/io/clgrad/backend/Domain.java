package io.clgrad.backend;

import java.util.Arrays;
import java.util.Random;

/**
 * Where an op's inputs are drawn from when it is tested: a distribution over a range, plus edge
 * values (zeros, overflow points, huge and tiny magnitudes) spread over long inputs. An op entry
 * ({@link UnaryOp}, {@link BinaryOp}) names one domain for its conformance cases and a smoother one
 * for finite-difference gradient checks, where a kink or a pole within a step would fail the check.
 *
 * @param kind  the distribution
 * @param lo    its lower bound (the least magnitude for {@link Kind#AWAY_FROM_ZERO})
 * @param hi    its upper bound (exclusive)
 * @param edges values written over evenly spaced elements of inputs with room for them
 */
public record Domain(Kind kind, double lo, double hi, float... edges) {
    /** The distributions a domain can use. */
    public enum Kind {
        /** Uniform in [lo, hi). */
        UNIFORM,
        /** Log-uniform in [lo, hi), both positive: several orders of magnitude. */
        LOG_UNIFORM,
        /** Magnitude uniform in [lo, hi), random sign: safe divisors, no kink at zero. */
        AWAY_FROM_ZERO,
        /** Integers in [lo, hi] as floats: many exact ties. */
        SMALL_INTS
    }

    /** Checks the bounds. */
    public Domain {
        if (!(lo <= hi) || (kind == Kind.LOG_UNIFORM && lo <= 0) || (kind == Kind.AWAY_FROM_ZERO && lo < 0)) {
            throw new IllegalArgumentException(kind + " domain with bounds " + lo + ", " + hi);
        }
        edges = edges.clone();
    }

    /** Uniform in [lo, hi). */
    public static Domain uniform(double lo, double hi) {
        return new Domain(Kind.UNIFORM, lo, hi);
    }

    /** Log-uniform in [lo, hi), both positive. */
    public static Domain logUniform(double lo, double hi) {
        return new Domain(Kind.LOG_UNIFORM, lo, hi);
    }

    /** Magnitude uniform in [lo, hi), random sign. */
    public static Domain awayFromZero(double lo, double hi) {
        return new Domain(Kind.AWAY_FROM_ZERO, lo, hi);
    }

    /** Integers in [lo, hi] as floats. */
    public static Domain smallInts(int lo, int hi) {
        return new Domain(Kind.SMALL_INTS, lo, hi);
    }

    /** This domain with edge values added. */
    public Domain withEdges(float... values) {
        return new Domain(kind, lo, hi, values);
    }

    /** The edge values (a copy). */
    @Override
    public float[] edges() {
        return edges.clone();
    }

    /**
     * {@code n} values drawn from this domain with {@code r}; the edge values overwrite evenly
     * spaced elements when there are at least four elements per edge value.
     */
    public float[] sample(Random r, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            double u = r.nextDouble();
            x[i] = (float) switch (kind) {
                case UNIFORM -> lo + (hi - lo) * u;
                case LOG_UNIFORM -> Math.exp(Math.log(lo) + (Math.log(hi) - Math.log(lo)) * u);
                case AWAY_FROM_ZERO -> (r.nextBoolean() ? -1 : 1) * (lo + (hi - lo) * u);
                case SMALL_INTS -> Math.floor(lo + (hi - lo + 1) * u);
            };
        }
        if (n >= 4 * edges.length && edges.length > 0) {
            int step = n / edges.length;
            for (int e = 0; e < edges.length; e++) {
                x[e * step] = edges[e];
            }
        }
        return x;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Domain d && d.kind == kind && Double.compare(d.lo, lo) == 0 && Double.compare(d.hi, hi) == 0
                && Arrays.equals(d.edges, edges);
    }

    @Override
    public int hashCode() {
        return kind.hashCode() * 31 + Arrays.hashCode(edges) + Double.hashCode(lo) * 7 + Double.hashCode(hi);
    }

    @Override
    public String toString() {
        return kind + "[" + lo + ", " + hi + ")" + (edges.length == 0 ? "" : " edges " + Arrays.toString(edges));
    }
}
