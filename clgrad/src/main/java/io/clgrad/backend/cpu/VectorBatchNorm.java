package io.clgrad.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The run loops of {@link BatchNormSums} with the Vector API (module {@code jdk.incubator.vector};
 * called only when it is present): the run's k whole vectors (k at least four) into four float
 * partial sums (vector v into partial v mod 4, the first four starting them, so no partial starts
 * from a zero vector), written out as {@code (a0 + a1) + (a2 + a3)} per lane. The same operations
 * in the same order as the plain loops of {@link BatchNormSums}, so the bits agree.
 */
final class VectorBatchNorm {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private VectorBatchNorm() {
    }

    /** Lanes per vector. */
    static int lanes() {
        return S.length();
    }

    /** {@code out[l]} = the lane sum of x − shift over the k vectors from base. */
    static void sum(float[] x, int base, int k, float shift, float[] out) {
        int w = S.length();
        FloatVector a0 = FloatVector.fromArray(S, x, base).sub(shift);
        FloatVector a1 = FloatVector.fromArray(S, x, base + w).sub(shift);
        FloatVector a2 = FloatVector.fromArray(S, x, base + 2 * w).sub(shift);
        FloatVector a3 = FloatVector.fromArray(S, x, base + 3 * w).sub(shift);
        int v = 4;
        for (; v + 3 < k; v += 4) {
            int o = base + v * w;
            a0 = a0.add(FloatVector.fromArray(S, x, o).sub(shift));
            a1 = a1.add(FloatVector.fromArray(S, x, o + w).sub(shift));
            a2 = a2.add(FloatVector.fromArray(S, x, o + 2 * w).sub(shift));
            a3 = a3.add(FloatVector.fromArray(S, x, o + 3 * w).sub(shift));
        }
        if (v < k) {
            a0 = a0.add(FloatVector.fromArray(S, x, base + v * w).sub(shift));
        }
        if (v + 1 < k) {
            a1 = a1.add(FloatVector.fromArray(S, x, base + (v + 1) * w).sub(shift));
        }
        if (v + 2 < k) {
            a2 = a2.add(FloatVector.fromArray(S, x, base + (v + 2) * w).sub(shift));
        }
        a0.add(a1).add(a2.add(a3)).intoArray(out, 0);
    }

    /** {@code out[l]} = the lane sum of (x − mu)² over the k vectors from base (a multiply, then fused adds). */
    static void squaredDeviations(float[] x, int base, int k, float mu, float[] out) {
        int w = S.length();
        FloatVector d0 = FloatVector.fromArray(S, x, base).sub(mu);
        FloatVector d1 = FloatVector.fromArray(S, x, base + w).sub(mu);
        FloatVector d2 = FloatVector.fromArray(S, x, base + 2 * w).sub(mu);
        FloatVector d3 = FloatVector.fromArray(S, x, base + 3 * w).sub(mu);
        FloatVector a0 = d0.mul(d0);
        FloatVector a1 = d1.mul(d1);
        FloatVector a2 = d2.mul(d2);
        FloatVector a3 = d3.mul(d3);
        int v = 4;
        for (; v + 3 < k; v += 4) {
            int o = base + v * w;
            d0 = FloatVector.fromArray(S, x, o).sub(mu);
            d1 = FloatVector.fromArray(S, x, o + w).sub(mu);
            d2 = FloatVector.fromArray(S, x, o + 2 * w).sub(mu);
            d3 = FloatVector.fromArray(S, x, o + 3 * w).sub(mu);
            a0 = d0.fma(d0, a0);
            a1 = d1.fma(d1, a1);
            a2 = d2.fma(d2, a2);
            a3 = d3.fma(d3, a3);
        }
        if (v < k) {
            d0 = FloatVector.fromArray(S, x, base + v * w).sub(mu);
            a0 = d0.fma(d0, a0);
        }
        if (v + 1 < k) {
            d1 = FloatVector.fromArray(S, x, base + (v + 1) * w).sub(mu);
            a1 = d1.fma(d1, a1);
        }
        if (v + 2 < k) {
            d2 = FloatVector.fromArray(S, x, base + (v + 2) * w).sub(mu);
            a2 = d2.fma(d2, a2);
        }
        a0.add(a1).add(a2.add(a3)).intoArray(out, 0);
    }

    /** {@code gOut[l]} = the lane sum of g, {@code dOut[l]} = of g·(x − mu), over the k vectors from base. */
    static void sumAndDot(float[] g, float[] x, int base, int k, float mu, float[] gOut, float[] dOut) {
        int w = S.length();
        FloatVector g0 = FloatVector.fromArray(S, g, base);
        FloatVector g1 = FloatVector.fromArray(S, g, base + w);
        FloatVector g2 = FloatVector.fromArray(S, g, base + 2 * w);
        FloatVector g3 = FloatVector.fromArray(S, g, base + 3 * w);
        FloatVector s0 = g0.mul(FloatVector.fromArray(S, x, base).sub(mu));
        FloatVector s1 = g1.mul(FloatVector.fromArray(S, x, base + w).sub(mu));
        FloatVector s2 = g2.mul(FloatVector.fromArray(S, x, base + 2 * w).sub(mu));
        FloatVector s3 = g3.mul(FloatVector.fromArray(S, x, base + 3 * w).sub(mu));
        int v = 4;
        for (; v + 3 < k; v += 4) {
            int o = base + v * w;
            FloatVector h0 = FloatVector.fromArray(S, g, o);
            FloatVector h1 = FloatVector.fromArray(S, g, o + w);
            FloatVector h2 = FloatVector.fromArray(S, g, o + 2 * w);
            FloatVector h3 = FloatVector.fromArray(S, g, o + 3 * w);
            g0 = g0.add(h0);
            g1 = g1.add(h1);
            g2 = g2.add(h2);
            g3 = g3.add(h3);
            s0 = h0.fma(FloatVector.fromArray(S, x, o).sub(mu), s0);
            s1 = h1.fma(FloatVector.fromArray(S, x, o + w).sub(mu), s1);
            s2 = h2.fma(FloatVector.fromArray(S, x, o + 2 * w).sub(mu), s2);
            s3 = h3.fma(FloatVector.fromArray(S, x, o + 3 * w).sub(mu), s3);
        }
        if (v < k) {
            FloatVector h = FloatVector.fromArray(S, g, base + v * w);
            g0 = g0.add(h);
            s0 = h.fma(FloatVector.fromArray(S, x, base + v * w).sub(mu), s0);
        }
        if (v + 1 < k) {
            FloatVector h = FloatVector.fromArray(S, g, base + (v + 1) * w);
            g1 = g1.add(h);
            s1 = h.fma(FloatVector.fromArray(S, x, base + (v + 1) * w).sub(mu), s1);
        }
        if (v + 2 < k) {
            FloatVector h = FloatVector.fromArray(S, g, base + (v + 2) * w);
            g2 = g2.add(h);
            s2 = h.fma(FloatVector.fromArray(S, x, base + (v + 2) * w).sub(mu), s2);
        }
        g0.add(g1).add(g2.add(g3)).intoArray(gOut, 0);
        s0.add(s1).add(s2.add(s3)).intoArray(dOut, 0);
    }
}
