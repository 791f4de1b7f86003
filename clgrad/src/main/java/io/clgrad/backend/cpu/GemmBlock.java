package io.clgrad.backend.cpu;

import io.clgrad.backend.MatmulSpec;
import java.util.function.Consumer;

/**
 * One task of a blocked matrix product: rows [i0, i1) and columns [j0, j1) of C in matrix
 * {@code bat} of the batch, with the positions of that matrix's elements of A, B and C. Both CPU
 * GEMM paths ({@link CpuMatmul}'s loops and {@link VectorGemm}) split C into a grid of such blocks
 * with {@link #forEach} and differ only in what they do within a block.
 *
 * @param spec the product
 * @param bat  the matrix of the batch
 * @param i0   first row of the block
 * @param i1   end of its rows (exclusive)
 * @param j0   first column
 * @param j1   end of its columns (exclusive)
 */
record GemmBlock(MatmulSpec spec, int bat, int i0, int i1, int j0, int j1) {

    /**
     * Runs {@code task} on every block of a grid of {@code mBlock}×{@code nBlock} blocks (smaller at
     * the edges) over every matrix of the batch, the blocks claimed by {@code par}'s threads
     * ({@link CpuParallel#forEachClaimed}); then
     * applies {@code epi} to the block of {@code c} the task has just computed, while it is in cache.
     */
    static void forEach(CpuParallel par, MatmulSpec s, int mBlock, int nBlock, float[] c, GemmEpilogue epi,
                        Consumer<GemmBlock> task) {
        int m = s.m();
        int n = s.n();
        int rb = (m + mBlock - 1) / mBlock;
        int cb = (n + nBlock - 1) / nBlock;
        par.forEachClaimed(s.batch() * rb * cb, (long) (s.flops() / 4), (lo, hi) -> {
            for (int u = lo; u < hi; u++) {
                int col = u % cb;
                int row = (u / cb) % rb;
                int bat = u / (cb * rb);
                int i0 = row * mBlock;
                int j0 = col * nBlock;
                GemmBlock block = new GemmBlock(s, bat, i0, Math.min(m, i0 + mBlock), j0, Math.min(n, j0 + nBlock));
                task.accept(block);
                epi.apply(c, bat * m * n, n, block.i0, block.i1, block.j0, block.j1);
            }
        });
    }

    /**
     * Runs {@code task} on the full-width blocks of rows {@code [starts[t], starts[t+1])}, t in [0,
     * count), of a single matrix ({@code s.batch() == 1}), claimed in order by {@code par}'s threads;
     * then applies {@code epi} to each block as {@link #forEach} does. With blocks that shrink towards
     * the end, the threads run out of work at about the same time.
     */
    static void forEachRows(CpuParallel par, MatmulSpec s, int[] starts, int count, float[] c, GemmEpilogue epi,
                            Consumer<GemmBlock> task) {
        int n = s.n();
        par.forEachClaimed(count, (long) (s.flops() / 4), (lo, hi) -> {
            for (int t = lo; t < hi; t++) {
                GemmBlock block = new GemmBlock(s, 0, starts[t], starts[t + 1], 0, n);
                task.accept(block);
                epi.apply(c, 0, n, block.i0, block.i1, 0, n);
            }
        });
    }

    /** Rows of the block: {@code i1 - i0}. */
    int rows() {
        return i1 - i0;
    }

    /** Columns of the block: {@code j1 - j0}. */
    int cols() {
        return j1 - j0;
    }

    /** Where {@code A[bat][i][p]} is in A's array. */
    int aAt(int i, int p) {
        return spec.aOffset() + bat * spec.aBatchStride() + i * spec.aRowStride() + p * spec.aColStride();
    }

    /** Where {@code B[bat][p][j]} is in B's array. */
    int bAt(int p, int j) {
        return spec.bOffset() + bat * spec.bBatchStride() + p * spec.bRowStride() + j * spec.bColStride();
    }

    /** Where {@code C[bat][i][j]} is in the contiguous [batch, m, n] array C. */
    int cAt(int i, int j) {
        return (bat * spec.m() + i) * spec.n() + j;
    }
}
