package io.clgrad.backend;

/**
 * Geometry of a batched matrix product {@code C[b] = A[b] · B[b]} with {@code A[b]} of shape
 * [m, k], {@code B[b]} of shape [k, n] and {@code C} contiguous [batch, m, n].
 *
 * <p>Operands are read through strides, so a transposed operand is simply a view with swapped
 * strides (no copy), and a batch stride of 0 broadcasts one matrix over the batch. Element
 * {@code A[b][i][p]} is at {@code aOffset + b*aBatchStride + i*aRowStride + p*aColStride}.
 *
 * @param batch number of matrices (at least 1)
 * @param m     rows of A and C
 * @param n     columns of B and C
 * @param k     inner dimension
 */
public record MatmulSpec(int batch, int m, int n, int k,
                         int aOffset, int aBatchStride, int aRowStride, int aColStride,
                         int bOffset, int bBatchStride, int bRowStride, int bColStride) {

    /** A plain row-major product of contiguous {@code A[m,k]} and {@code B[k,n]}. */
    public static MatmulSpec rowMajor(int m, int n, int k) {
        return new MatmulSpec(1, m, n, k, 0, 0, k, 1, 0, 0, n, 1);
    }

    /** Floating-point operations performed (2·batch·m·n·k). */
    public double flops() {
        return 2.0 * batch * m * (double) n * k;
    }
}
