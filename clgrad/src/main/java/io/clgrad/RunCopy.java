package io.clgrad;

import io.clgrad.backend.StridedView;
import java.util.ArrayList;
import java.util.List;

/**
 * A new tensor whose index along some dims maps to an index of the input by a table per dim (the
 * other dims are kept): {@code out[.., o_d, ..] = x[.., map_d[o_d], ..]}, or a fill value where
 * {@code map_d[o_d] = -1}. Each table is cut into runs of a constant step ({@code map[o+1] - map[o]}:
 * 1 for a kept range, -1 for a reflection, 0 for a replicated edge), so the copy is one
 * {@link io.clgrad.backend.Backend#copyInto} of a strided view per combination of runs, and
 * no kernel of its own: {@code flip} is one run of step -1, {@code roll} two runs per dim, the
 * paddings up to three. {@link #adjoint} is the gradient of one dim's table, for the paddings.
 * Nothing is recorded here; the callers record their ops.
 */
final class RunCopy {
    private RunCopy() {
    }

    /** Output indices {@code [outStart, outStart + length)} read {@code srcStart + i·step}. */
    record Run(int outStart, int length, int srcStart, int step) {
    }

    /** The runs of a table, each of step -1, 0 or 1; entries of -1 (no source) belong to none. */
    static List<Run> runs(int[] map) {
        List<Run> runs = new ArrayList<>();
        int o = 0;
        while (o < map.length) {
            if (map[o] < 0) {
                o++;
                continue;
            }
            int start = o;
            int step = o + 1 < map.length && map[o + 1] >= 0 ? map[o + 1] - map[o] : 1;
            o++;
            if (Math.abs(step) > 1) {
                step = 1;          // a jump (a roll's wrap): this run is one element
            } else {
                while (o < map.length && map[o] >= 0 && map[o] - map[o - 1] == step) {
                    o++;
                }
            }
            runs.add(new Run(start, o - start, map[start], step));
        }
        return runs;
    }

    /**
     * {@code x} gathered along {@code dims} (normalised, distinct) by {@code maps} (one per dim,
     * entries in [0, size) or -1), the rest filled with {@code fill}; a new contiguous tensor.
     */
    static Tensor gather(String op, Tensor x, int[] dims, int[][] maps, double fill) {
        int[] outShape = x.shapeRef().clone();
        boolean needsFill = false;
        List<List<Run>> runs = new ArrayList<>();
        for (int k = 0; k < dims.length; k++) {
            outShape[dims[k]] = maps[k].length;
            for (int v : maps[k]) {
                needsFill |= v < 0;
            }
            runs.add(runs(maps[k]));
        }
        try (OpLaunch l = new OpLaunch(op, x.device())) {
            Tensor out = l.output(x.dtype(), outShape);
            if (out.numel() > 0) {
                if (needsFill) {
                    x.backend().fill(out.buffer(op), out.numel(), fill);
                }
                copyRuns(x, l.view(x), out.stridedView(op), dims, runs, 0);
            }
            return l.keep(out);
        }
    }

    /** Copies every combination of runs, choosing the run of dims[k..] recursively. */
    private static void copyRuns(Tensor x, StridedView src, StridedView dst, int[] dims, List<List<Run>> runs, int k) {
        if (k == dims.length) {
            if (src.numel() > 0) {
                x.backend().copyInto(src, dst);
            }
            return;
        }
        int d = dims[k];
        for (Run r : runs.get(k)) {
            int[] srcStrides = src.strides().clone();
            srcStrides[d] *= r.step();
            int[] shape = src.shape().clone();
            shape[d] = r.length();
            StridedView s = new StridedView(src.buffer(), src.offset() + r.srcStart() * src.strides()[d], shape,
                    srcStrides);
            copyRuns(x, s, cut(dst, w -> w.slice(d, r.outStart(), r.length(), 1)), dims, runs, k + 1);
        }
    }

    /**
     * The gradient of gathering along {@code dim} by {@code map}: {@code g} (the output's gradient)
     * summed back onto the {@code size} input indices, {@code gx[.., i, ..] = Σ_{o: map[o] = i} g[.., o, ..]}.
     * Each run's slice of g lands on its source range (flipped for step -1, summed along dim for
     * step 0), padded with zeros to the input's size; the pieces are added in run order, the same
     * sums in the same order on every device.
     */
    static Tensor adjoint(String op, Tensor g, int dim, int[] map, int size) {
        Tensor sum = null;
        for (Run r : runs(map)) {
            Tensor piece = g.narrow(dim, r.outStart(), r.length());   // unrecorded: backward runs without grad
            int lo;
            int len = r.length();
            Tensor aligned;
            if (r.step() == 1) {
                lo = r.srcStart();
                aligned = piece;
            } else if (r.step() == -1) {
                lo = r.srcStart() - len + 1;
                aligned = gather(op, piece, new int[] {dim}, new int[][] {reversed(len)}, 0);
            } else if (r.step() == 0) {
                lo = r.srcStart();
                len = 1;
                aligned = piece.sum(dim, true);
            } else {
                throw new IllegalStateException(op + ": a run of step " + r.step() + " has no adjoint here");
            }
            int[] into = new int[size];
            java.util.Arrays.fill(into, -1);
            for (int i = 0; i < len; i++) {
                into[lo + i] = i;
            }
            Tensor placed = gather(op, aligned, new int[] {dim}, new int[][] {into}, 0);
            Checks.closeTemp(aligned, piece);
            piece.close();
            if (sum == null) {
                sum = placed;
                continue;
            }
            try (Tensor before = sum; placed) {
                sum = before.add(placed);
            }
        }
        if (sum == null) {
            int[] shape = g.shapeRef().clone();
            shape[dim] = size;
            sum = Factories.full(g.device(), 0f, shape);
        }
        return sum;
    }

    /** The window of a buffer's view that {@code cut} picks ({@link Slicing.Geometry}'s select or slice). */
    static StridedView cut(StridedView v, java.util.function.UnaryOperator<Slicing.Geometry> cut) {
        Slicing.Geometry g = cut.apply(new Slicing.Geometry(v.offset(), v.shape(), v.strides()));
        return new StridedView(v.buffer(), g.offset(), g.shape(), g.strides());
    }

    /** {@code [n-1, ..., 1, 0]}: the table of a flip. */
    static int[] reversed(int n) {
        int[] m = new int[n];
        for (int i = 0; i < n; i++) {
            m[i] = n - 1 - i;
        }
        return m;
    }
}
