package io.clgrad.backend.cpu;

import io.clgrad.backend.MatmulSpec;

/**
 * A matmul implementation that {@link CpuMatmul} may delegate to once it has checked the sizes and
 * operands: {@link VectorGemm}, loaded by reflection so that this package runs without the
 * {@code jdk.incubator.vector} module.
 */
interface GemmPath {
    /**
     * Computes C for valid operands and sizes of at least 1, then applies {@code epi} to it;
     * {@code c} is contiguous [batch, m, n].
     */
    void run(MatmulSpec s, float[] a, float[] b, float[] c, GemmEpilogue epi);

    /** Floats per SIMD vector this path uses. */
    int vectorLength();

    /** The tile and blocking this path runs with. */
    CpuGemmConfig config();
}
