package io.clgrad.backend.cpu;

import io.clgrad.backend.PoolSpec;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorShape;
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
    /** Ints and floats in half the preferred shape: one lane per pair of floats of a preferred vector. */
    private static final VectorSpecies<Integer> IH = VectorSpecies.of(int.class, VectorShape.forBitSize(F.vectorBitSize() / 2));
    private static final VectorSpecies<Float> FH = VectorSpecies.of(float.class, VectorShape.forBitSize(F.vectorBitSize() / 2));

    private VectorPool() {
    }

    /** Whether every window lies inside the input, and the float and int vectors have equal lanes. */
    static boolean applies(PoolSpec s) {
        return s.padH() == 0 && s.padW() == 0 && F.length() == I.length() && F.length() >= 4
                && (s.outHeight() - 1) * s.strideH() + (s.kernelH() - 1) * s.dilationH() < s.height()
                && (s.outWidth() - 1) * s.strideW() + (s.kernelW() - 1) * s.dilationW() < s.width();
    }

    /**
     * Max pooling with {@link CpuPool#isTwoByTwo}'s window (2×2, stride 2), a task per run of output
     * rows. Each of the window's two input rows is read as one vector of 2H floats (H = half the
     * preferred vector's lanes) seen as H longs, one per window: the left column's floats are the
     * longs' low halves and the right column's their high halves, split off by a narrowing
     * conversion (and a shift), so H outputs come from two loads without gathers or shuffles. The
     * four taps are then compared in the window's order as in {@link #maxForward}. On one Zen 4
     * core the CNN's first pooling ({@code [4096, 28, 28]}) took 4.4-4.7 ms this way, 4.9-7.2 ms with
     * {@link #maxForward}'s gathers, 7.4 ms with two-vector rearranges and 15 ms in a scalar loop
     * (its selects compiled to mispredicted branches).
     */
    static void maxForward2x2(CpuParallel par, PoolSpec s, float[] x, float[] out, int[] idx) {
        int oh = s.outHeight();
        int ow = s.outWidth();
        int w = s.width();
        int plane = s.height() * w;
        int half = F.length() / 2;
        int[] evens = new int[half];
        for (int l = 0; l < half; l++) {
            evens[l] = 2 * l;
        }
        IntVector twice = IntVector.fromArray(IH, evens, 0);
        par.forEach(s.planes() * oh, s.windowWork(), (lo, hi) -> {
            for (int row = lo; row < hi; row++) {
                int r = row % oh;
                int top = (row / oh) * plane + 2 * r * w;   // the windows' first row in x
                int at0 = 2 * r * w;                         // ... and in its plane (the indices)
                for (int c = 0; c < ow; c += half) {
                    int i = top + 2 * c;
                    LongVector p0;
                    LongVector p1;
                    if (i + w + F.length() <= x.length) {
                        // past a row's end only in lanes whose outputs are not stored
                        p0 = FloatVector.fromArray(F, x, i).reinterpretAsLongs();
                        p1 = FloatVector.fromArray(F, x, i + w).reinterpretAsLongs();
                    } else {
                        VectorMask<Float> inputs = F.indexInRange(0, 2 * (ow - c));
                        p0 = FloatVector.fromArray(F, x, i, inputs).reinterpretAsLongs();
                        p1 = FloatVector.fromArray(F, x, i + w, inputs).reinterpretAsLongs();
                    }
                    IntVector at = twice.add(at0 + 2 * c);
                    FloatVector max = leftOf(p0);
                    IntVector best = at;
                    FloatVector v = rightOf(p0);
                    VectorMask<Float> take = v.compare(VectorOperators.GT, max).or(v.compare(VectorOperators.NE, v));
                    max = max.blend(v, take);
                    best = best.blend(at.add(1), take.cast(IH));
                    v = leftOf(p1);
                    take = v.compare(VectorOperators.GT, max).or(v.compare(VectorOperators.NE, v));
                    max = max.blend(v, take);
                    best = best.blend(at.add(w), take.cast(IH));
                    v = rightOf(p1);
                    take = v.compare(VectorOperators.GT, max).or(v.compare(VectorOperators.NE, v));
                    max = max.blend(v, take);
                    best = best.blend(at.add(w + 1), take.cast(IH));
                    if (c + half <= ow) {
                        max.intoArray(out, row * ow + c);
                        if (idx != null) {
                            best.intoArray(idx, row * ow + c);
                        }
                    } else {
                        VectorMask<Float> m = FH.indexInRange(c, ow);
                        max.intoArray(out, row * ow + c, m);
                        if (idx != null) {
                            best.intoArray(idx, row * ow + c, m.cast(IH));
                        }
                    }
                }
            }
        });
    }

    /** The low float of each long (little-endian: the first of each pair), as a vector of half the lanes. */
    private static FloatVector leftOf(LongVector pairs) {
        return ((IntVector) pairs.convertShape(VectorOperators.L2I, IH, 0)).reinterpretAsFloats();
    }

    /** The high float of each long (the second of each pair). */
    private static FloatVector rightOf(LongVector pairs) {
        return ((IntVector) pairs.lanewise(VectorOperators.LSHR, 32).convertShape(VectorOperators.L2I, IH, 0))
                .reinterpretAsFloats();
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
