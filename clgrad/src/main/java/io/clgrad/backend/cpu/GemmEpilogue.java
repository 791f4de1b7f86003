package io.clgrad.backend.cpu;

/**
 * What a fused Linear adds to a block of C once its product is complete:
 * {@code C[i][j] = act(C[i][j] + bias[j])} with act the identity or ReLU. Applied by each GEMM task
 * to its own block while it is still in cache, so the fusion costs no extra sweep over C.
 *
 * @param bias  n floats, or null for no bias
 * @param relu  whether to apply ReLU afterwards ({@link CpuBinaryKernels#relu}: -0 and NaN pass, as in PyTorch)
 */
record GemmEpilogue(float[] bias, boolean relu) {
    /** Nothing to do. */
    static final GemmEpilogue NONE = new GemmEpilogue(null, false);
    private static final boolean VECTOR = CpuMatmul.vectorKernelsUsable();

    boolean isNone() {
        return bias == null && !relu;
    }

    /** Applies to rows [i0, i1) and columns [j0, j1) of the [m, n] matrix at {@code c[cBase]}. */
    void apply(float[] c, int cBase, int n, int i0, int i1, int j0, int j1) {
        if (isNone()) {
            return;
        }
        for (int i = i0; i < i1; i++) {
            int row = cBase + i * n;
            if (bias != null && relu) {
                if (VECTOR) {
                    VectorElementwise.biasRelu(c, row + j0, bias, j0, j1 - j0);
                } else {
                    for (int j = j0; j < j1; j++) {
                        c[row + j] = CpuBinaryKernels.relu(c[row + j] + bias[j]);
                    }
                }
            } else if (bias != null) {
                for (int j = j0; j < j1; j++) {
                    c[row + j] += bias[j];
                }
            } else if (VECTOR) {
                VectorElementwise.relu(c, row + j0, c, row + j0, j1 - j0);
            } else {
                for (int j = j0; j < j1; j++) {
                    c[row + j] = CpuBinaryKernels.relu(c[row + j]);
                }
            }
        }
    }
}
