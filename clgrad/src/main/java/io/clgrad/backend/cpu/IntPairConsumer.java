package io.clgrad.backend.cpu;

/**
 * An action on two ints, for the kernels' small callbacks: a contiguous run's base and length
 * ({@link CpuBatchNorm}), a move of element {@code from} into element {@code to} ({@link CpuIndex}).
 * A primitive interface, so the per-element calls box nothing.
 */
@FunctionalInterface
interface IntPairConsumer {
    /**
     * Performs the action.
     *
     * @param a the first int
     * @param b the second int
     */
    void accept(int a, int b);
}
