package io.clgrad.backend.cpu;

import io.clgrad.backend.PoolSpec;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Max pooling's forward with the Vector API (module {@code jdk.incubator.vector}), for geometries
 * whose every window lies inside the input ({@link #applies}: no padding read, no ceil-mode window
 * overhanging; the CNN's 2×2 stride 2 on even sizes). A vector holds one lane per output of a plane;
 * each tap (kh, kw) is one gather through a per-plane map of window starts, and the running maximum
 * and its index are updated with blends instead of branches, with {@link CpuPool#maxForward}'s rule
 * (a later element replaces the maximum when larger or NaN), so both give the same values and
 * indices. Loaded only when the module is present ({@link CpuPool}).
 */
final class VectorPool {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;

    private VectorPool() {
    }

    /** Whether every window lies inside the input, and the float and int vectors have equal lanes. */
    static boolean applies(PoolSpec s) {
        return s.padH() == 0 && s.padW() == 0 && F.length() == I.length() && F.length() >= 4
                && (s.outHeight() - 1) * s.strideH() + (s.kernelH() - 1) * s.dilationH() < s.height()
                && (s.outWidth() - 1) * s.strideW() + (s.kernelW() - 1) * s.dilationW() < s.width();
    }

    /**
     * Max pooling of x [planes, H, W] into out and idx (null: not wanted), a task per run of planes;
     * requires {@link #applies}.
     */
    static void maxForward(CpuParallel par, PoolSpec s, float[] x, float[] out, int[] idx) {
        int ow = s.outWidth();
        int outs = s.outHeight() * ow;
        int w = s.width();
        int plane = s.height() * w;
        int lanes = F.length();
        int[] start = new int[(outs + lanes - 1) / lanes * lanes];   // plane-relative window starts
        for (int o = 0; o < outs; o++) {
            start[o] = (o / ow) * s.strideH() * w + (o % ow) * s.strideW();
        }
        int kh = s.kernelH();
        int kw = s.kernelW();
        int[] tap = new int[kh * kw];
        for (int i = 0; i < kh; i++) {
            for (int j = 0; j < kw; j++) {
                tap[i * kw + j] = i * s.dilationH() * w + j * s.dilationW();
            }
        }
        par.forEach(s.planes(), s.windowWork(), (lo, hi) -> {
            for (int p = lo; p < hi; p++) {
                int base = p * plane;
                for (int o = 0; o < outs; o += lanes) {
                    VectorMask<Float> m = F.indexInRange(o, outs);
                    IntVector starts = IntVector.fromArray(I, start, o);
                    FloatVector max = FloatVector.fromArray(F, x, base + tap[0], start, o, m);
                    IntVector best = starts.add(tap[0]);
                    for (int t = 1; t < tap.length; t++) {
                        FloatVector v = FloatVector.fromArray(F, x, base + tap[t], start, o, m);
                        VectorMask<Float> take = v.compare(VectorOperators.GT, max).or(v.compare(VectorOperators.NE, v));
                        max = max.blend(v, take);
                        best = best.blend(starts.add(tap[t]), take.cast(I));
                    }
                    max.intoArray(out, p * outs + o, m);
                    if (idx != null) {
                        best.intoArray(idx, p * outs + o, m.cast(I));
                    }
                }
            }
        });
    }
}
