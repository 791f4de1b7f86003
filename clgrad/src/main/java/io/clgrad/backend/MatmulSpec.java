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

    /**
     * The product of packed operands: A stored [m, k] (or [k, m] when {@code transA}, read with
     * strides (1, m)), B stored [k, n] (or [n, k] when {@code transB}, read with strides (1, k)),
     * each batch's matrix right after the previous one, or one matrix broadcast over the batch
     * (batch stride 0) when an operand is not batched.
     *
     * @param batch    number of products
     * @param m        rows of A and C
     * @param n        columns of B and C
     * @param k        inner dimension
     * @param transA   whether A is stored transposed
     * @param transB   whether B is stored transposed
     * @param aOffset  where A starts in its buffer
     * @param bOffset  where B starts in its buffer
     * @param aBatched whether A has one matrix per product (else one for all)
     * @param bBatched whether B has one matrix per product (else one for all)
     * @return the geometry
     */
    public static MatmulSpec packed(int batch, int m, int n, int k, boolean transA, boolean transB, int aOffset,
                                    int bOffset, boolean aBatched, boolean bBatched) {
        return new MatmulSpec(batch, m, n, k,
                aOffset, aBatched && batch > 1 ? m * k : 0, transA ? 1 : k, transA ? m : 1,
                bOffset, bBatched && batch > 1 ? k * n : 0, transB ? 1 : n, transB ? k : 1);
    }

    /**
     * The weight-gradient product of a Linear layer, {@code gW = gᵀ·x} ([out, in]), as
     * {@link Backend#linearGrad} takes it: A = gᵀ read from g stored contiguous [rows, out] at offset
     * 0, B = x ([rows, in]) read with its own strides from {@code xOffset}.
     *
     * @param rows       samples in the batch (the product's k)
     * @param out        the layer's output features (m)
     * @param in         the layer's input features (n)
     * @param xOffset    where x starts in its buffer
     * @param xRowStride x's stride between samples
     * @param xColStride x's stride between features
     * @return the geometry
     */
    public static MatmulSpec linearGrad(int rows, int out, int in, int xOffset, int xRowStride, int xColStride) {
        return new MatmulSpec(1, out, in, rows, 0, 0, 1, out, xOffset, 0, xRowStride, xColStride);
    }

    /**
     * Checks that this is a {@link #linearGrad} product: one product whose A is the transpose of a
     * contiguous [k, m] matrix at offset 0.
     *
     * @throws IllegalArgumentException naming the geometry when it is not
     */
    public void checkLinearGrad() {
        if (batch != 1 || aOffset != 0 || aRowStride != 1 || aColStride != m || m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException("linearGrad: " + this + " is not a Linear weight gradient's product "
                    + "(batch 1, A the transpose of a contiguous [k, m] matrix at offset 0)");
        }
    }

    /** Elements A's buffer needs for a {@link #packed} product: its offset and its matrices. */
    public int aLength() {
        return aOffset + (aBatchStride == 0 ? 1 : batch) * m * k;
    }

    /** Elements B's buffer needs for a {@link #packed} product: its offset and its matrices. */
    public int bLength() {
        return bOffset + (bBatchStride == 0 ? 1 : batch) * k * n;
    }

    /**
     * Checks that every element the product reads lies in its buffer: A's in {@code [0, aLength)},
     * B's in {@code [0, bLength)}. Every backend checks this before it reads.
     *
     * @param aLength elements in A's buffer
     * @param bLength elements in B's buffer
     * @throws IllegalArgumentException naming the operand, its view and the elements it reaches
     */
    public void checkOperands(long aLength, long bLength) {
        checkA(aLength);
        checkB(bLength);
    }

    /** {@link #checkOperands}' check of A alone (a product whose B comes packed, not through this geometry). */
    public void checkA(long aLength) {
        checkReach("A", aLength, aOffset, aBatchStride, m, aRowStride, k, aColStride);
    }

    /** {@link #checkOperands}' check of B alone (B being packed, A not read). */
    public void checkB(long bLength) {
        checkReach("B", bLength, bOffset, bBatchStride, k, bRowStride, n, bColStride);
    }

    private void checkReach(String name, long length, int offset, int batchStride, int rows, int rowStride,
                            int cols, int colStride) {
        long lo = offset;
        long hi = offset;
        long[] reach = {(long) (batch - 1) * batchStride, (long) (rows - 1) * rowStride, (long) (cols - 1) * colStride};
        for (long r : reach) {
            lo += Math.min(0, r);
            hi += Math.max(0, r);
        }
        if (lo < 0 || hi >= length) {
            throw new IllegalArgumentException("matmul " + name + " [" + batch + ", " + rows + ", " + cols + "] at offset "
                    + offset + " with strides (" + batchStride + ", " + rowStride + ", " + colStride
                    + ") reaches elements [" + lo + ", " + hi + "] outside its buffer of " + length + " elements");
        }
    }

    /** Floating-point operations performed (2·batch·m·n·k). */
    public double flops() {
        return 2.0 * batch * m * (double) n * k;
    }
}
