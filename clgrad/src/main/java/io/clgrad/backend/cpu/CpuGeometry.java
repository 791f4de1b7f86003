package io.clgrad.backend.cpu;

import io.clgrad.backend.StridedView;
import java.util.Arrays;

/**
 * Iteration geometry of an elementwise op that reads one or more strided views and writes a
 * contiguous output of shape {@code outShape}.
 *
 * <p>Size-1 dimensions are dropped and adjacent dimensions that every operand walks contiguously
 * are merged, so a plain contiguous op becomes one long row and {@code [3,1] + [1,4]} stays two
 * dimensions. The op then runs as rows of the innermost dimension; rows (or pieces of one long
 * row) are spread over the pool.
 */
final class CpuGeometry {
    /** Inner-row length below which a single long row is not split into pieces. */
    private static final int PIECE = 8192;

    /** A run of {@code len} elements: operand o starts at {@code pos[o]} and steps by its inner stride. */
    interface RowBody {
        void run(int[] pos, int len, int outPos);
    }

    private final int rank;          // >= 1 after coalescing
    private final int[] shape;
    private final int[][] strides;   // [operand][dim]
    private final int[] offsets;     // [operand]
    private final int numel;

    private CpuGeometry(int[] shape, int[][] strides, int[] offsets, int numel) {
        this.rank = shape.length;
        this.shape = shape;
        this.strides = strides;
        this.offsets = offsets;
        this.numel = numel;
    }

    /**
     * Builds the geometry. Each view must have rank {@code outShape.length} and, per dimension,
     * size equal to the output's or 1 (size 1 is broadcast whatever its stride); every element it
     * reaches must lie inside {@code lengths[o]}.
     */
    static CpuGeometry of(int[] outShape, StridedView[] views, int[] lengths) {
        int ops = views.length;
        long total = 1;
        for (int s : outShape) {
            if (s < 0) {
                throw new IllegalArgumentException("negative size in shape " + Arrays.toString(outShape));
            }
            total *= s;
        }
        if (total > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("shape " + Arrays.toString(outShape) + " has more than 2^31-1 elements");
        }
        int[][] eff = new int[ops][];
        for (int o = 0; o < ops; o++) {
            eff[o] = effectiveStrides(views[o], outShape);
            if (total > 0) {
                checkRange(views[o], outShape, eff[o], lengths[o]);
            }
        }
        // Coalesce from the innermost dimension outwards, skipping size-1 dimensions.
        int[] cShape = new int[outShape.length + 1];
        int[][] cStrides = new int[ops][outShape.length + 1];
        int r = 0;
        for (int d = outShape.length - 1; d >= 0; d--) {
            int size = outShape[d];
            if (size == 1) {
                continue;
            }
            boolean merge = r > 0;
            for (int o = 0; o < ops && merge; o++) {
                merge = eff[o][d] == cStrides[o][r - 1] * cShape[r - 1];
            }
            if (merge) {
                cShape[r - 1] *= size;
            } else {
                cShape[r] = size;
                for (int o = 0; o < ops; o++) {
                    cStrides[o][r] = eff[o][d];
                }
                r++;
            }
        }
        if (r == 0) { // a scalar, or all sizes 1: one row of one element
            cShape[0] = 1;
            r = 1;
        }
        // Reverse into outer-to-inner order.
        int[] shape = new int[r];
        int[][] strides = new int[ops][r];
        for (int i = 0; i < r; i++) {
            shape[i] = cShape[r - 1 - i];
            for (int o = 0; o < ops; o++) {
                strides[o][i] = cStrides[o][r - 1 - i];
            }
        }
        int[] offsets = new int[ops];
        for (int o = 0; o < ops; o++) {
            offsets[o] = views[o].offset();
        }
        return new CpuGeometry(shape, strides, offsets, (int) total);
    }

    /** Strides with broadcast (size-1) dimensions set to 0; validates rank and sizes. */
    static int[] effectiveStrides(StridedView v, int[] outShape) {
        if (v.rank() != outShape.length) {
            throw new IllegalArgumentException("view of shape " + Arrays.toString(v.shape())
                    + " does not have the rank of output shape " + Arrays.toString(outShape));
        }
        int[] eff = new int[outShape.length];
        for (int d = 0; d < outShape.length; d++) {
            int s = v.shape()[d];
            if (s != outShape[d] && s != 1) {
                throw new IllegalArgumentException("view of shape " + Arrays.toString(v.shape())
                        + " does not broadcast to " + Arrays.toString(outShape));
            }
            eff[d] = s == 1 ? 0 : v.strides()[d];
        }
        return eff;
    }

    /** Throws if any element the view reaches over {@code outShape} lies outside [0, length). */
    static void checkRange(StridedView v, int[] outShape, int[] eff, int length) {
        long lo = v.offset();
        long hi = v.offset();
        for (int d = 0; d < outShape.length; d++) {
            long reach = (long) (outShape[d] - 1) * eff[d];
            lo += Math.min(0, reach);
            hi += Math.max(0, reach);
        }
        if (lo < 0 || hi >= length) {
            throw new IllegalArgumentException("view (offset " + v.offset() + ", shape " + Arrays.toString(v.shape())
                    + ", strides " + Arrays.toString(v.strides()) + ") reaches elements [" + lo + ", " + hi
                    + "] outside its buffer of " + length + " elements");
        }
    }

    /** Total elements of the output. */
    int numel() {
        return numel;
    }

    /** Stride of operand {@code o} along the innermost (row) dimension. */
    int innerStride(int o) {
        return strides[o][rank - 1];
    }

    /**
     * Calls {@code body} once per row piece, rows in order within each chunk, spreading chunks over
     * the pool. The output is contiguous, so a piece's output position is its linear index.
     */
    void run(CpuParallel par, RowBody body) {
        if (numel == 0) {
            return;
        }
        int inner = shape[rank - 1];
        int rows = numel / inner;
        int pieces = 1;
        if (rows < 4 * par.threads() && inner >= 2 * PIECE) {
            pieces = (inner + PIECE - 1) / PIECE; // few long rows: split them so every thread has work
        }
        if (pieces == 1) {
            par.forEach(rows, numel, (lo, hi) -> runRows(body, lo, hi));
            return;
        }
        int pieceLen = (inner + pieces - 1) / pieces;
        int perRow = pieces;
        par.forEach(rows * pieces, numel, (lo, hi) -> {
            int ops = offsets.length;
            int[] idx = new int[rank];
            int[] rowPos = new int[ops];
            int[] pos = new int[ops];
            int row = lo / perRow;
            seek(row, idx, rowPos);
            for (int u = lo; u < hi; u++) {
                int r = u / perRow;
                while (row < r) {
                    next(idx, rowPos);
                    row++;
                }
                int start = (u - r * perRow) * pieceLen;
                int len = Math.min(inner, start + pieceLen) - start;
                for (int o = 0; o < ops; o++) {
                    pos[o] = rowPos[o] + start * strides[o][rank - 1];
                }
                body.run(pos, len, r * inner + start);
            }
        });
    }

    /** Whole rows [lo, hi), walked with an odometer (no division per row). */
    private void runRows(RowBody body, int lo, int hi) {
        int ops = offsets.length;
        int inner = shape[rank - 1];
        int[] pos = new int[ops];
        if (rank <= 2) { // the common bias/row-broadcast case: one outer dimension
            for (int r = lo; r < hi; r++) {
                for (int o = 0; o < ops; o++) {
                    pos[o] = offsets[o] + (rank == 2 ? r * strides[o][0] : 0);
                }
                body.run(pos, inner, r * inner);
            }
            return;
        }
        int[] idx = new int[rank];
        int[] rowPos = new int[ops];
        seek(lo, idx, rowPos);
        for (int r = lo; r < hi; r++) {
            if (r > lo) {
                next(idx, rowPos);
            }
            System.arraycopy(rowPos, 0, pos, 0, ops);
            body.run(pos, inner, r * inner);
        }
    }

    /** Sets idx to the multi-index of row {@code row} (outer dimensions) and pos to its offsets. */
    private void seek(int row, int[] idx, int[] pos) {
        for (int o = 0; o < pos.length; o++) {
            pos[o] = offsets[o];
        }
        for (int d = rank - 2; d >= 0; d--) {
            idx[d] = row % shape[d];
            row /= shape[d];
            for (int o = 0; o < pos.length; o++) {
                pos[o] += idx[d] * strides[o][d];
            }
        }
    }

    /** Advances the odometer over the outer dimensions by one row. */
    private void next(int[] idx, int[] pos) {
        for (int d = rank - 2; d >= 0; d--) {
            idx[d]++;
            for (int o = 0; o < pos.length; o++) {
                pos[o] += strides[o][d];
            }
            if (idx[d] < shape[d]) {
                return;
            }
            idx[d] = 0;
            for (int o = 0; o < pos.length; o++) {
                pos[o] -= strides[o][d] * shape[d];
            }
        }
    }
}
