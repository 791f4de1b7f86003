package io.clgrad.backend.opencl;

import io.clgrad.backend.StridedView;

/**
 * The geometry a strided kernel receives: an output shape and one stride set per operand, with
 * size-1 dimensions dropped and neighbouring dimensions merged wherever every operand is
 * contiguous across them ([2,3,4] contiguous becomes [24]; a row broadcast [3,1]+[1,4] stays 2-D).
 * Shapes and strides are padded to {@link StridedView#MAX_DIMS} ints, the int8 vectors the kernels
 * take by value.
 */
final class StridedGeometry {
    final int rank;
    final int[] shape = new int[StridedView.MAX_DIMS];
    final int[][] strides;

    private StridedGeometry(int operands) {
        this.strides = new int[operands][StridedView.MAX_DIMS];
        this.rank = 0;
    }

    private StridedGeometry(int rank, int[] shape, int[][] strides) {
        this.rank = rank;
        System.arraycopy(shape, 0, this.shape, 0, rank);
        this.strides = new int[strides.length][StridedView.MAX_DIMS];
        for (int o = 0; o < strides.length; o++) {
            System.arraycopy(strides[o], 0, this.strides[o], 0, rank);
        }
    }

    /** Collapses {@code shape} with the operands' strides (each of the same rank as shape). */
    static StridedGeometry of(int[] shape, int[]... operandStrides) {
        int ops = operandStrides.length;
        int[] sh = new int[shape.length];
        int[][] st = new int[ops][shape.length];
        int r = 0;
        for (int d = 0; d < shape.length; d++) {
            if (shape[d] == 1) {
                continue;
            }
            boolean merge = r > 0;
            for (int o = 0; o < ops && merge; o++) {
                merge = st[o][r - 1] == (long) operandStrides[o][d] * shape[d];
            }
            if (merge) {
                sh[r - 1] *= shape[d];
                for (int o = 0; o < ops; o++) {
                    st[o][r - 1] = operandStrides[o][d];
                }
            } else {
                sh[r] = shape[d];
                for (int o = 0; o < ops; o++) {
                    st[o][r] = operandStrides[o][d];
                }
                r++;
            }
        }
        if (r == 0) {
            return new StridedGeometry(ops);
        }
        return new StridedGeometry(r, sh, st);
    }

    /** Whether operand {@code o} is read contiguously (row-major, stride 1) in output order. */
    boolean contiguous(int o) {
        return rank == 0 || (rank == 1 && strides[o][0] == 1);
    }
}
