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

    /** Floats of a [k, n] B packed whole by {@link #prepackB}. */
    long prepackedBSize(int k, int n);

    /**
     * Packs all of a single product's B (only k, n and B's geometry in {@code s} are read) into
     * {@code dst}, {@link #prepackedBSize} floats, for {@link #runPrepacked}.
     */
    void prepackB(MatmulSpec s, float[] b, float[] dst);

    /** {@link #run} of a single product with B from {@link #prepackB}: the same sums and bits, B not packed again. */
    void runPrepacked(MatmulSpec s, float[] a, float[] packedB, float[] c, GemmEpilogue epi);

    /** Floats per SIMD vector this path uses. */
    int vectorLength();

    /** The tile and blocking this path runs with. */
    CpuGemmConfig config();
}
