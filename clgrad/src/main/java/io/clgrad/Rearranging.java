package io.clgrad;

import io.clgrad.backend.StridedView;
import java.util.Arrays;

/**
 * {@code repeat}, {@code roll} and {@code flip}, as PyTorch's, each a new tensor with its gradient.
 * {@code repeat} is one gather of a broadcast view ({@code [R0, s0, R1, s1, ...]} with stride 0 on
 * the repeat axes) into the output; its gradient sums the repeats. {@code flip} and {@code roll}
 * are per-dim index tables copied as strided runs ({@link RunCopy}); their gradients flip or roll
 * back.
 */
final class Rearranging {
    private Rearranging() {
    }

    /** torch.Tensor.repeat: the tensor tiled {@code repeats[i]} times along dim i (leading dims added). */
    static Tensor repeat(Tensor x, int[] repeats) {
        String op = "repeat";
        x.checkOpen(op);
        int[] shape = x.shapeRef();
        if (repeats == null || repeats.length < shape.length) {
            throw new IllegalArgumentException(op + ": number of dimensions of repeat dims ("
                    + (repeats == null ? 0 : repeats.length) + ") can not be smaller than number of dimensions of"
                    + " tensor (" + shape.length + ", shape " + Shape.str(shape) + ")");
        }
        int m = repeats.length;
        int lead = m - shape.length;
        int[] sizes = new int[m];
        int[] strides = new int[m];
        int[] outShape = new int[m];
        for (int i = 0; i < m; i++) {
            if (repeats[i] < 0) {
                throw new IllegalArgumentException(op + ": repeats must be at least 0, got " + repeats[i]
                        + " at position " + i + " of " + Arrays.toString(repeats));
            }
            sizes[i] = i < lead ? 1 : shape[i - lead];
            strides[i] = i < lead ? 0 : x.stridesRef()[i - lead];
            outShape[i] = Math.multiplyExact(repeats[i], sizes[i]);
        }
        Shape.checkLimits(op, outShape);
        Tensor out = tile(op, x, sizes, strides, repeats, outShape);
        return Graph.record(out, "RepeatBackward0", new Tensor[] {x},
                g -> new Tensor[] {sumRepeats(g, sizes, repeats, shape)});
    }

    /**
     * One gather of the view {@code [R0, s0, R1, s1, ...]} (repeat axes of stride 0; axes of size 1
     * left out) into a new tensor of {@code outShape}; when that view would have more than
     * {@link StridedView#MAX_DIMS} axes, one dim at a time instead.
     */
    private static Tensor tile(String op, Tensor x, int[] sizes, int[] strides, int[] repeats, int[] outShape) {
        int axes = 0;
        for (int i = 0; i < sizes.length; i++) {
            axes += (repeats[i] != 1 ? 1 : 0) + (sizes[i] != 1 ? 1 : 0);
        }
        if (axes > StridedView.MAX_DIMS) {
            return tileByDim(op, x, sizes, repeats, outShape);
        }
        int[] vShape = new int[axes];
        int[] vStrides = new int[axes];
        int a = 0;
        for (int i = 0; i < sizes.length; i++) {
            if (repeats[i] != 1) {
                vShape[a] = repeats[i];
                vStrides[a++] = 0;
            }
            if (sizes[i] != 1) {
                vShape[a] = sizes[i];
                vStrides[a++] = strides[i];
            }
        }
        try (OpLaunch l = new OpLaunch(op, x.device())) {
            Tensor out = l.output(x.dtype(), outShape);
            if (out.numel() > 0) {
                StridedView v = l.view(x);
                x.backend().copy(new StridedView(v.buffer(), v.offset(), vShape, vStrides), out.buffer(op));
            }
            return l.keep(out);
        }
    }

    /** {@link #tile} one repeated dim at a time, each a 3-axis gather of the previous result. */
    private static Tensor tileByDim(String op, Tensor x, int[] sizes, int[] repeats, int[] outShape) {
        int m = sizes.length;
        int[] cur = sizes.clone();
        Tensor t = Layouts.copy(x);
        for (int i = 0; i < m; i++) {
            if (repeats[i] == 1) {
                continue;
            }
            int outer = Shape.prod(cur, 0, i);
            int inner = Shape.prod(cur, i, m);
            int[] next = cur.clone();
            next[i] = outShape[i];
            int[] vShape = {outer, repeats[i], inner};
            int[] vStrides = {inner, 0, 1};
            Tensor n = Tensor.empty(x.device(), x.dtype(), next);
            if (n.numel() > 0) {
                x.backend().copy(new StridedView(t.buffer(op), 0, vShape, vStrides), n.buffer(op));
            }
            t.close();
            t = n;
            cur = next;
        }
        return t;
    }

    /** The gradient of repeat: {@code g} summed over each dim's repeats, then reshaped to the input's shape. */
    private static Tensor sumRepeats(Tensor g, int[] sizes, int[] repeats, int[] inShape) {
        if (g.numel() == 0) {
            return Factories.full(g.device(), 0f, inShape);
        }
        Tensor r = g;
        int m = sizes.length;
        int[] cur = g.shapeRef().clone();
        for (int i = 0; i < m; i++) {
            if (repeats[i] == 1) {
                continue;
            }
            int outer = Shape.prod(cur, 0, i);
            int inner = Shape.prod(cur, i + 1, m) * sizes[i];
            Tensor split = r.reshape(outer, repeats[i], inner);
            Tensor summed = split.sum(1);
            split.close();
            if (r != g) {
                r.close();
            }
            cur[i] = sizes[i];
            r = summed;
        }
        Tensor out = r.reshape(inShape);
        if (r != g && out != r) {
            r.close();
        }
        return out;
    }

    /**
     * torch.roll: elements shifted by {@code shifts[k]} along {@code dims[k]}, wrapping around; with no
     * dims, the flattened tensor.
     */
    static Tensor roll(Tensor x, int[] shifts, int[] dims) {
        String op = "roll";
        x.checkOpen(op);
        if (shifts == null || shifts.length == 0) {
            throw new IllegalArgumentException(op + ": shifts required");
        }
        int[] ds = dims == null ? new int[0] : dims;
        if (ds.length == 0) {
            if (shifts.length != 1) {
                throw new IllegalArgumentException(op + ": shifts and dimensions must align. shifts: " + shifts.length
                        + ", dims: 0");
            }
            int[] shape = x.shapeRef().clone();
            Tensor dense = Layouts.dense(x);
            Tensor flat = dense.restride(0, new int[] {x.numel()}, new int[] {1});
            Checks.closeTemp(dense, x);
            Tensor rolled;
            try (flat) {
                rolled = RunCopy.gather(op, flat, new int[] {0}, new int[][] {rollMap(x.numel(), shifts[0])}, 0);
            }
            Tensor out = rolled.restride(0, shape, StridedView.contiguousStrides(shape));
            rolled.close();
            int[] back = {-shifts[0]};
            return Graph.record(out, "RollBackward0", new Tensor[] {x}, g -> new Tensor[] {roll(g, back, null)});
        }
        if (shifts.length != ds.length) {
            throw new IllegalArgumentException(op + ": shifts and dimensions must align. shifts: " + shifts.length
                    + ", dims: " + ds.length);
        }
        int[] shape = x.shapeRef();
        if (shape.length == 0) {
            throw new IllegalArgumentException(op + ": dimension specified as " + ds[0] + " but tensor has no dimensions");
        }
        // a dim named twice rolls by the sum of its shifts
        long[] total = new long[shape.length];
        boolean[] named = new boolean[shape.length];
        for (int k = 0; k < ds.length; k++) {
            int d = Shape.normalizeDim(op, ds[k], shape);
            total[d] += shifts[k];
            named[d] = true;
        }
        int count = 0;
        for (boolean b : named) {
            count += b ? 1 : 0;
        }
        int[] rdims = new int[count];
        int[][] maps = new int[count][];
        int[] back = new int[count];
        for (int d = 0, k = 0; d < shape.length; d++) {
            if (named[d]) {
                maps[k] = rollMap(shape[d], total[d]);
                rdims[k] = d;
                back[k] = shape[d] == 0 ? 0 : maps[k][0];   // (-shift) mod n: rolls back
                k++;
            }
        }
        Tensor out = RunCopy.gather(op, x, rdims, maps, 0);
        return Graph.record(out, "RollBackward0", new Tensor[] {x}, g -> new Tensor[] {roll(g, back, rdims)});
    }

    /** The table of a roll by {@code shift} over {@code n} indices: {@code o -> (o - shift) mod n}. */
    private static int[] rollMap(int n, long shift) {
        int[] map = new int[n];
        if (n > 0) {
            int s = (int) Math.floorMod(shift, (long) n);
            for (int o = 0; o < n; o++) {
                map[o] = Math.floorMod(o - s, n);
            }
        }
        return map;
    }

    /** torch.flip: the order of the elements reversed along each of {@code dims} (a copy, as in PyTorch). */
    static Tensor flip(Tensor x, int[] dims) {
        String op = "flip";
        x.checkOpen(op);
        int[] shape = x.shapeRef();
        int[] ds = dims == null ? new int[0] : dims;
        boolean[] named = new boolean[Math.max(shape.length, 1)];
        int[] nd = new int[ds.length];
        for (int k = 0; k < ds.length; k++) {
            int d = Shape.normalizeDim(op, ds[k], shape);
            if (named[d]) {
                throw new IllegalArgumentException(op + ": dim " + d + " appears multiple times in the list of dims "
                        + Arrays.toString(ds));
            }
            named[d] = true;
            nd[k] = d;
        }
        int[] fdims = shape.length == 0 ? new int[0] : nd;
        int[][] maps = new int[fdims.length][];
        for (int k = 0; k < fdims.length; k++) {
            maps[k] = RunCopy.reversed(shape[fdims[k]]);
        }
        Tensor out = RunCopy.gather(op, x, fdims, maps, 0);
        return Graph.record(out, "FlipBackward0", new Tensor[] {x}, g -> new Tensor[] {flip(g, fdims)});
    }
}
