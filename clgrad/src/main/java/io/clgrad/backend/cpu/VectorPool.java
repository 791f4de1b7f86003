package io.clgrad.backend.cpu;

import io.clgrad.backend.PoolSpec;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
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
    /**
     * {@link CpuParallel#forEach}'s work per window tap of {@link #maxForward2x2}, whose vector of a
     * row's outputs costs 14-18 ns on a Zen 4 core (Java 17's rearranges), 1-2.5 ns per output at the
     * CNN's batch-1 rows of 7 and 14: about 16 times an elementwise op's element, the unit of
     * {@link CpuParallel#GRAIN}. Counted as one, a batch-1 pooling (7 µs) stayed on one thread.
     */
    static final int WORK_PER_TAP = 4;
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
     * rows: L outputs of a row from two vectors of each of their two input rows, the windows' left
     * and right columns separated by one-vector rearranges and half-swaps (constant shuffles) and
     * a blend, then the four taps compared in the window's order as in {@link #maxForward}. Only
     * preferred-width vectors and no masked loads anywhere in the loop (see the package comment: a
     * masked load in a branch that never ran still made this loop 2.6x slower); a vector that runs
     * past a row's end is stored whole, its extra lanes landing on the next rows' outputs, which
     * the same task overwrites later; the windows at the end of a task or of the input go one by
     * one. On one Zen 4 core the CNN's first pooling ({@code [4096, 28, 28]}) took 3.9 ms with a
     * masked-load branch and a copy per row, 1.2 ms without.
     */
    static void maxForward2x2(CpuParallel par, PoolSpec s, float[] x, float[] out, int[] idx) {
        int oh = s.outHeight();
        int ow = s.outWidth();
        int w = s.width();
        int plane = s.height() * w;
        int lanes = F.length();
        int half = lanes / 2;
        int[] split = new int[lanes];   // evens to the low half, odds to the high half
        int[] swap = new int[lanes];    // the halves exchanged
        int[] twice = new int[lanes];
        for (int l = 0; l < lanes; l++) {
            split[l] = l < half ? 2 * l : 2 * (l - half) + 1;
            swap[l] = (l + half) % lanes;
            twice[l] = 2 * l;
        }
        VectorShuffle<Float> sp = VectorShuffle.fromArray(F, split, 0);
        VectorShuffle<Float> sw = VectorShuffle.fromArray(F, swap, 0);
        VectorMask<Float> high = F.indexInRange(-half, half);   // lanes >= half
        IntVector starts = IntVector.fromArray(I, twice, 0);
        par.forEach(s.planes() * oh, s.windowWork() * WORK_PER_TAP, (lo, hi) -> {
            int end = hi * ow;   // this task's outputs end here
            for (int row = lo; row < hi; row++) {
                int r = row % oh;
                int top = (row / oh) * plane + 2 * r * w;   // the windows' first row in x
                int at0 = 2 * r * w;                         // ... and in its plane (the indices)
                for (int c = 0; c < ow; c += lanes) {
                    int i = top + 2 * c;
                    int o = row * ow + c;
                    // a vector past the row's end stores into the next rows' outputs, which this task
                    // writes later; past the task's outputs or the input's end the windows go one by one
                    if (o + lanes > end || i + w + 2 * lanes > x.length) {
                        windows(x, i, at0 + 2 * c, w, Math.min(lanes, ow - c), out, idx, o);
                        continue;
                    }
                    FloatVector a0 = FloatVector.fromArray(F, x, i);
                    FloatVector b0 = FloatVector.fromArray(F, x, i + lanes);
                    FloatVector a1 = FloatVector.fromArray(F, x, i + w);
                    FloatVector b1 = FloatVector.fromArray(F, x, i + w + lanes);
                    FloatVector ra = a0.rearrange(sp);
                    FloatVector rb = b0.rearrange(sp);
                    FloatVector max = ra.blend(rb.rearrange(sw), high);      // top-left of each window
                    FloatVector v = ra.rearrange(sw).blend(rb, high);         // top-right
                    IntVector at = starts.add(at0 + 2 * c);
                    IntVector best = at;
                    VectorMask<Float> take = v.compare(VectorOperators.GT, max).or(v.compare(VectorOperators.NE, v));
                    max = max.blend(v, take);
                    best = best.blend(at.add(1), take.cast(I));
                    ra = a1.rearrange(sp);
                    rb = b1.rearrange(sp);
                    v = ra.blend(rb.rearrange(sw), high);                       // bottom-left
                    take = v.compare(VectorOperators.GT, max).or(v.compare(VectorOperators.NE, v));
                    max = max.blend(v, take);
                    best = best.blend(at.add(w), take.cast(I));
                    v = ra.rearrange(sw).blend(rb, high);                       // bottom-right
                    take = v.compare(VectorOperators.GT, max).or(v.compare(VectorOperators.NE, v));
                    max = max.blend(v, take);
                    best = best.blend(at.add(w + 1), take.cast(I));
                    max.intoArray(out, o);
                    if (idx != null) {
                        best.intoArray(idx, o);
                    }
                }
            }
        });
    }

    /**
     * {@code count} 2×2 windows one by one, the first's top-left at {@code x[i]} (plane index
     * {@code at}), each tap in the window's order with {@link CpuPool#maxForward}'s rule, into
     * {@code out[o...]} and {@code idx[o...]}.
     */
    private static void windows(float[] x, int i, int at, int w, int count, float[] out, int[] idx, int o) {
        int[] taps = {1, w, w + 1};   // after the top-left one
        for (int j = 0; j < count; j++, i += 2, at += 2) {
            float max = x[i];
            int best = at;
            for (int t : taps) {
                float v = x[i + t];
                if (v > max || v != v) {
                    max = v;
                    best = at + t;
                }
            }
            out[o + j] = max;
            if (idx != null) {
                idx[o + j] = best;
            }
        }
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
            float[] tailOut = new float[lanes];
            int[] tailIdx = new int[lanes];
            for (int p = lo; p < hi; p++) {
                int base = p * plane;
                for (int o = 0; o < outs; o += lanes) {
                    // unmasked gathers: the lanes past the plane's last output read its first window
                    // (start is 0 there); Java 17 leaves masked gathers and indexInRange scalar
                    IntVector starts = IntVector.fromArray(I, start, o);
                    FloatVector max = FloatVector.fromArray(F, x, base + tap[0], start, o);
                    IntVector best = starts.add(tap[0]);
                    for (int t = 1; t < tap.length; t++) {
                        FloatVector v = FloatVector.fromArray(F, x, base + tap[t], start, o);
                        VectorMask<Float> take = v.compare(VectorOperators.GT, max).or(v.compare(VectorOperators.NE, v));
                        max = max.blend(v, take);
                        best = best.blend(starts.add(tap[t]), take.cast(I));
                    }
                    if (o + lanes <= outs) {
                        max.intoArray(out, p * outs + o);
                        if (idx != null) {
                            best.intoArray(idx, p * outs + o);
                        }
                    } else {   // the plane's partial last vector, through a scratch
                        max.intoArray(tailOut, 0);
                        System.arraycopy(tailOut, 0, out, p * outs + o, outs - o);
                        if (idx != null) {
                            best.intoArray(tailIdx, 0);
                            System.arraycopy(tailIdx, 0, idx, p * outs + o, outs - o);
                        }
                    }
                }
            }
        });
    }
}
