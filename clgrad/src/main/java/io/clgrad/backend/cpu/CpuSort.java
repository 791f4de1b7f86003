package io.clgrad.backend.cpu;

import java.util.Arrays;
import java.util.Comparator;

/**
 * The stable argsort over the middle axis of [outer, len, inner] (the CPU twin of
 * {@code kernels-cl/sort.cl}): each row's positions sorted by a merge sort (stable), NaN the
 * largest value, rows split over the worker threads.
 */
final class CpuSort {
    private final CpuParallel par;

    CpuSort(CpuParallel par) {
        this.par = par;
    }

    /** Writes into indices the positions along the axis in sorted order, both [outer, len, inner]. */
    void argsort(float[] x, int[] indices, int outer, int len, int inner, boolean descending) {
        long work = (long) outer * inner * len * Math.max(1, 32 - Integer.numberOfLeadingZeros(len));
        par.forEach(outer * inner, work, (lo, hi) -> {
            Integer[] order = new Integer[len];
            for (int r = lo; r < hi; r++) {
                int base = (r / inner) * len * inner + (r % inner);
                for (int l = 0; l < len; l++) {
                    order[l] = l;
                }
                // Float.compare orders NaN above +inf (and -0 below +0, which PyTorch ties: see below)
                Comparator<Integer> ascending = (a, b) -> compare(x[base + a * inner], x[base + b * inner]);
                Arrays.sort(order, descending ? ascending.reversed() : ascending);
                for (int l = 0; l < len; l++) {
                    indices[base + l * inner] = order[l];
                }
            }
        });
    }

    /** NaN the largest and equal to NaN; -0.0 equal to 0.0 (PyTorch compares with {@code <}). */
    private static int compare(float a, float b) {
        boolean na = Float.isNaN(a);
        boolean nb = Float.isNaN(b);
        if (na || nb) {
            return Boolean.compare(na, nb);
        }
        return a < b ? -1 : (a > b ? 1 : 0);
    }
}
