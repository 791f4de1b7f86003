package io.clgrad.backend.cpu;

/**
 * The cumulative sum over the middle axis of [outer, len, inner] (the CPU twin of
 * {@code kernels-cl/scan.cl}): each row (o, j) accumulated in double, as PyTorch's CPU cumsum,
 * rows split over the worker threads.
 */
final class CpuScan {
    private final CpuParallel par;

    CpuScan(CpuParallel par) {
        this.par = par;
    }

    /** Writes the running sums of x into out, both [outer, len, inner]. */
    void cumsum(float[] x, float[] out, int outer, int len, int inner) {
        par.forEach(outer * inner, (long) outer * len * inner, (lo, hi) -> {
            for (int r = lo; r < hi; r++) {
                int base = (r / inner) * len * inner + (r % inner);
                double s = 0;
                for (int l = 0; l < len; l++) {
                    s += x[base + l * inner];
                    out[base + l * inner] = (float) s;
                }
            }
        });
    }
}
