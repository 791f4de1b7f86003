package io.clgrad.backend.cpu;

import io.clgrad.backend.CounterRng;

/**
 * Random fills from {@link CounterRng}: element i is a pure function of (seed, offset + i), so the
 * fill splits across threads freely and matches every other backend bit for bit.
 */
final class CpuRandom {
    private final CpuParallel par;

    CpuRandom(CpuParallel par) {
        this.par = par;
    }

    /** {@code out[i] = low + (high-low) * uniform(seed, offset+i)}. */
    void uniform(float[] out, int n, long seed, long offset, float low, float high) {
        float span = high - low;
        par.forEach(n, 4L * n, (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                out[i] = low + span * CounterRng.uniform(seed, offset + i);
            }
        });
    }

    /** {@code out[i] = mean + std * normal(seed, offset+i)}. */
    void normal(float[] out, int n, long seed, long offset, float mean, float std) {
        par.forEach(n, 16L * n, (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                out[i] = mean + std * CounterRng.normal(seed, offset + i);
            }
        });
    }

    /** {@code out[i] = low + below(seed, offset+i, high-low)}, integers uniform in [low, high). */
    void integers(int[] out, int n, long seed, long offset, int low, int high) {
        if (high <= low) {
            throw new IllegalArgumentException("randomInt needs low < high, got [" + low + ", " + high + ")");
        }
        // high - low may wrap to a negative int; CounterRng.below reads the range as unsigned 32-bit.
        int range = high - low;
        par.forEach(n, 4L * n, (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                out[i] = low + CounterRng.below(seed, offset + i, range);
            }
        });
    }
}
