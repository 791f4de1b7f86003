package io.clgrad.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API kernel of {@link PackedLinear}; its plain twin is {@link PackedLinear.Plain}. A panel
 * is four vectors of outputs (NB = 4·L floats, L the preferred species' length): per k step, one
 * broadcast of x[p], four loads that continue the panel's single stream, and four fused multiply-adds
 * into four accumulators, stored once at the end. Loaded by reflection only when
 * {@code jdk.incubator.vector} is present.
 */
final class VectorPackedLinear implements PackedLinear.Kernel {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final int NB = 4 * L;

    @Override
    public int panel() {
        return NB;
    }

    @Override
    public void panel(int k, float[] x, int xOff, float[] w, int wOff, float[] y, int yOff) {
        FloatVector s0 = FloatVector.zero(S);
        FloatVector s1 = s0;
        FloatVector s2 = s0;
        FloatVector s3 = s0;
        for (int p = 0; p < k; p++) {
            int o = wOff + p * NB;
            FloatVector xp = FloatVector.broadcast(S, x[xOff + p]);
            s0 = FloatVector.fromArray(S, w, o).fma(xp, s0);
            s1 = FloatVector.fromArray(S, w, o + L).fma(xp, s1);
            s2 = FloatVector.fromArray(S, w, o + 2 * L).fma(xp, s2);
            s3 = FloatVector.fromArray(S, w, o + 3 * L).fma(xp, s3);
        }
        s0.intoArray(y, yOff);
        s1.intoArray(y, yOff + L);
        s2.intoArray(y, yOff + 2 * L);
        s3.intoArray(y, yOff + 3 * L);
    }
}
