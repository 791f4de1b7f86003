package io.clgrad.backend.cpu;

/**
 * Softmax and log-softmax of a contiguous tensor viewed as [outer, len, inner] along the middle
 * axis, computed stably: the maximum is subtracted before exponentiating, exponentials and their
 * sum are kept in double, and each output is rounded to float once.
 *
 * <p>softmax = exp(x - max) / Σ exp(x - max); logSoftmax = (x - max) - log Σ exp(x - max). A NaN
 * in a slice makes the whole slice NaN; a slice of all -inf gives NaN, as in PyTorch.
 */
final class CpuSoftmax {
    /** Inner-axis elements per task when inner > 1. */
    private static final int INNER_CHUNK = 1024;

    private final CpuParallel par;

    CpuSoftmax(CpuParallel par) {
        this.par = par;
    }

    /** Writes softmax (or log-softmax when {@code log}) of x into out, both [outer, len, inner]. */
    void run(float[] x, float[] out, int outer, int len, int inner, boolean log) {
        long work = 4L * outer * len * inner; // exp/log make each element worth several adds
        if (inner == 1) {
            par.forEach(outer, work, (lo, hi) -> {
                double[] e = log ? null : new double[len];
                for (int o = lo; o < hi; o++) {
                    row(x, out, o * len, len, log, e);
                }
            });
            return;
        }
        int chunks = (inner + INNER_CHUNK - 1) / INNER_CHUNK;
        par.forEach(outer * chunks, work, (lo, hi) -> {
            float[] max = new float[Math.min(inner, INNER_CHUNK)];
            double[] sum = new double[max.length];
            for (int u = lo; u < hi; u++) {
                int o = u / chunks;
                int i0 = (u % chunks) * INNER_CHUNK;
                int w = Math.min(inner, i0 + INNER_CHUNK) - i0;
                columns(x, out, o * len * inner + i0, len, inner, w, log, max, sum);
            }
        });
    }

    /** One contiguous slice x[base..base+len); {@code e} is scratch of length len (softmax only). */
    private static void row(float[] x, float[] out, int base, int len, boolean log, double[] e) {
        if (log) {
            double shift = logSumExp(x, base, len);
            for (int l = 0; l < len; l++) {
                out[base + l] = (float) (x[base + l] - shift);
            }
            return;
        }
        float max = max(x, base, len);
        double sum = 0;
        for (int l = 0; l < len; l++) {
            double v = Math.exp((double) x[base + l] - max);
            e[l] = v;
            sum += v;
        }
        for (int l = 0; l < len; l++) {
            out[base + l] = (float) (e[l] / sum);
        }
    }

    /**
     * {@code log Σ_l exp(x[base+l])} over the contiguous slice of {@code len} elements, in double with
     * the maximum subtracted first; NaN if any element is NaN. Also the CPU cross-entropy's.
     */
    static double logSumExp(float[] x, int base, int len) {
        float max = max(x, base, len);
        double sum = 0;
        for (int l = 0; l < len; l++) {
            sum += Math.exp((double) x[base + l] - max);
        }
        return max + Math.log(sum);
    }

    /** The maximum of the slice; NaN as soon as one element is NaN. */
    private static float max(float[] x, int base, int len) {
        float max = x[base];
        for (int l = 1; l < len; l++) {
            float v = x[base + l];
            if (v > max || v != v) {
                max = v;
            }
        }
        return max;
    }

    /** w interleaved slices: element l of slice i is x[base + l*inner + i]. */
    private static void columns(float[] x, float[] out, int base, int len, int inner, int w, boolean log,
                                float[] max, double[] sum) {
        System.arraycopy(x, base, max, 0, w);
        for (int l = 1; l < len; l++) {
            int r = base + l * inner;
            for (int i = 0; i < w; i++) {
                float v = x[r + i];
                if (v > max[i] || v != v) {
                    max[i] = v;
                }
            }
        }
        java.util.Arrays.fill(sum, 0, w, 0.0);
        for (int l = 0; l < len; l++) {
            int r = base + l * inner;
            for (int i = 0; i < w; i++) {
                sum[i] += Math.exp((double) x[r + i] - max[i]);
            }
        }
        if (log) {
            for (int i = 0; i < w; i++) {
                sum[i] = max[i] + Math.log(sum[i]); // reuse as the shift
            }
            for (int l = 0; l < len; l++) {
                int r = base + l * inner;
                for (int i = 0; i < w; i++) {
                    out[r + i] = (float) (x[r + i] - sum[i]);
                }
            }
        } else {
            for (int l = 0; l < len; l++) {
                int r = base + l * inner;
                for (int i = 0; i < w; i++) {
                    out[r + i] = (float) (Math.exp((double) x[r + i] - max[i]) / sum[i]);
                }
            }
        }
    }
}
