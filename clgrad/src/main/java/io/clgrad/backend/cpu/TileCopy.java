package io.clgrad.backend.cpu;

/**
 * Copies a strided rows×cols tile of floats into another strided layout: the packing step of both
 * CPU GEMM paths ({@link CpuMatmul}'s transposed operands, {@link VectorGemm}'s panels).
 */
final class TileCopy {
    private TileCopy() {
    }

    /**
     * {@code dst[d + r*drs + q*dcs] = src[s + r*srs + q*scs]} for r in [0, rows), q in [0, cols).
     * The inner loop walks the source along its smaller stride, its contiguous axis when it has one.
     */
    static void copy(float[] src, int s, int srs, int scs, int rows, int cols, float[] dst, int d, int drs, int dcs) {
        if (Math.abs(scs) <= Math.abs(srs)) {
            for (int r = 0; r < rows; r++) {
                int sr = s + r * srs;
                int dr = d + r * drs;
                for (int q = 0; q < cols; q++) {
                    dst[dr + q * dcs] = src[sr + q * scs];
                }
            }
        } else {
            for (int q = 0; q < cols; q++) {
                int sq = s + q * scs;
                int dq = d + q * dcs;
                for (int r = 0; r < rows; r++) {
                    dst[dq + r * drs] = src[sq + r * srs];
                }
            }
        }
    }
}
