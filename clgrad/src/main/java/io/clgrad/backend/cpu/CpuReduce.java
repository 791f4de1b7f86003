package io.clgrad.backend.cpu;

import io.clgrad.backend.ReduceOp;

/**
 * Reductions of a contiguous tensor viewed as [outer, len, inner] along the middle axis into
 * [outer, inner]. SUM and MEAN accumulate in double; MAX and MIN propagate NaN; ARGMAX and ARGMIN
 * return the first index among ties, and the first NaN when there is one (as PyTorch does).
 *
 * <p>With inner = 1 each output reduces a contiguous run. Otherwise a task keeps a row of
 * accumulators for a chunk of the inner axis and adds the len rows into it, so the reads stay
 * contiguous.
 */
final class CpuReduce {
    /** Inner-axis elements per task when inner > 1 (accumulator rows of this length). */
    private static final int INNER_CHUNK = 2048;

    private final CpuParallel par;

    CpuReduce(CpuParallel par) {
        this.par = par;
    }

    /** Reduces x into {@code outF} (float ops) or {@code outI} (ARGMAX/ARGMIN); the other is null. */
    void run(ReduceOp op, float[] x, float[] outF, int[] outI, int outer, int len, int inner) {
        long work = (long) outer * len * inner;
        if (inner == 1) {
            par.forEach(outer, work, (lo, hi) -> {
                for (int o = lo; o < hi; o++) {
                    int base = o * len;
                    if (op.producesIndices()) {
                        outI[o] = argRun(op.seeksMax(), x, base, 1, len);
                    } else {
                        outF[o] = valueRun(op, x, base, len);
                    }
                }
            });
            return;
        }
        int chunks = (inner + INNER_CHUNK - 1) / INNER_CHUNK;
        par.forEach(outer * chunks, work, (lo, hi) -> {
            for (int u = lo; u < hi; u++) {
                int o = u / chunks;
                int i0 = (u % chunks) * INNER_CHUNK;
                int w = Math.min(inner, i0 + INNER_CHUNK) - i0;
                int base = o * len * inner + i0;
                int outPos = o * inner + i0;
                if (op.producesIndices()) {
                    for (int i = 0; i < w; i++) { // strided walk per column; index ops are rare
                        outI[outPos + i] = argRun(op.seeksMax(), x, base + i, inner, len);
                    }
                } else {
                    valueRows(op, x, base, inner, len, w, outF, outPos);
                }
            }
        });
    }

    /** SUM, MEAN, MAX or MIN of the contiguous run x[base..base+len). */
    private static float valueRun(ReduceOp op, float[] x, int base, int len) {
        return switch (op) {
            case SUM, MEAN -> {
                // four chains of double adds: one chain ran at an element per add's latency (the
                // bias gradients of a CNN's convolutions, sums over 784-element planes, were 3 % of its epoch)
                double s0 = 0;
                double s1 = 0;
                double s2 = 0;
                double s3 = 0;
                int l = 0;
                for (; l + 3 < len; l += 4) {
                    s0 += x[base + l];
                    s1 += x[base + l + 1];
                    s2 += x[base + l + 2];
                    s3 += x[base + l + 3];
                }
                for (; l < len; l++) {
                    s0 += x[base + l];
                }
                double acc = (s0 + s1) + (s2 + s3);
                yield (float) (op == ReduceOp.MEAN ? acc / len : acc);
            }
            case MAX, MIN -> {
                boolean max = op.seeksMax();
                float best = x[base];
                for (int l = 1; l < len; l++) {
                    float v = x[base + l];
                    if ((max ? v > best : v < best) || v != v) { // once NaN, nothing compares greater
                        best = v;
                    }
                }
                yield best;
            }
            case ARGMAX, ARGMIN -> throw new IllegalArgumentException(op + " does not produce values");
        };
    }

    /** Index of the max (or min) of x[base + l*step] over l, first among ties, first NaN wins. */
    private static int argRun(boolean max, float[] x, int base, int step, int len) {
        float best = x[base];
        int idx = 0;
        for (int l = 1; l < len && best == best; l++) {
            float v = x[base + l * step];
            // !(v <= best) is true for v > best and for v NaN: NaN counts as the extreme value.
            if (max ? !(v <= best) : !(v >= best)) {
                best = v;
                idx = l;
            }
        }
        return idx;
    }

    /** Reduces len rows of w elements, x[base + l*inner + i], into out[outPos + i]. */
    private static void valueRows(ReduceOp op, float[] x, int base, int inner, int len, int w,
                                  float[] out, int outPos) {
        if (op.kind() == ReduceOp.Kind.TOTAL) {
            double[] acc = new double[w];
            for (int l = 0; l < len; l++) {
                int row = base + l * inner;
                for (int i = 0; i < w; i++) {
                    acc[i] += x[row + i];
                }
            }
            boolean mean = op == ReduceOp.MEAN;
            for (int i = 0; i < w; i++) {
                out[outPos + i] = (float) (mean ? acc[i] / len : acc[i]);
            }
            return;
        }
        if (op.kind() != ReduceOp.Kind.EXTREME) {
            throw new IllegalArgumentException(op + " does not produce values");
        }
        boolean max = op.seeksMax();
        System.arraycopy(x, base, out, outPos, w);
        for (int l = 1; l < len; l++) {
            int row = base + l * inner;
            for (int i = 0; i < w; i++) {
                float v = x[row + i];
                float b = out[outPos + i];
                if ((max ? v > b : v < b) || v != v) {
                    out[outPos + i] = v;
                }
            }
        }
    }
}
