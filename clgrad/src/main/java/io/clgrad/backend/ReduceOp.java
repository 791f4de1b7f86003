package io.clgrad.backend;

/**
 * Reductions along one axis. {@code ARGMAX} and {@code ARGMIN} write int32 indices (the first
 * index among ties, as PyTorch does on CPU); the others write floats. {@code MAX}/{@code MIN}
 * propagate NaN.
 */
public enum ReduceOp {
    SUM, MEAN, MAX, MIN, ARGMAX, ARGMIN;

    /** Whether the result buffer holds int32 indices. */
    public boolean producesIndices() {
        return this == ARGMAX || this == ARGMIN;
    }
}
