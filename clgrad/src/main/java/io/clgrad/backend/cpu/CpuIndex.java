package io.clgrad.backend.cpu;

import io.clgrad.backend.IndexOutOfRangeException;
import io.clgrad.backend.StridedView;
import java.util.Arrays;

/**
 * gather, scatter (replace and add) and where over strided views, the twins of
 * {@code kernels-cl/index.cl}. Indices are checked first, in row-major order of the index view, so
 * the first bad one is raised before anything is written. gather and where make each output
 * element once; scatter starts from self (or zeros) and walks each line of the index (every
 * position but the indexed dim) in order on one task, so the adds into one element happen in the
 * index's row-major order, one float rounding each, as the OpenCL kernel does: both give the same
 * bits. Element arrays are float[] or int[]; moves copy values of the output's type unchanged.
 */
final class CpuIndex {
    private final CpuParallel par;

    CpuIndex(CpuParallel par) {
        this.par = par;
    }

    /**
     * The move from {@code src} into {@code out} (arrays of one type), adding when {@code add}: called
     * with {@code (from, to)}, it copies (or adds) element {@code from} of src into element {@code to} of out.
     */
    private static IntPairConsumer move(Object src, Object out, boolean add) {
        if (out instanceof float[] o) {
            float[] s = (float[]) src;
            return add ? (f, t) -> o[t] += s[f] : (f, t) -> o[t] = s[f];
        }
        int[] o = (int[]) out;
        int[] s = (int[]) src;
        return add ? (f, t) -> o[t] += s[f] : (f, t) -> o[t] = s[f];
    }

    /** {@code out[c] = self[c with c[dim] = index[c]]} over index's shape (see {@code Backend.gather}). */
    void gather(String op, StridedView self, Object selfData, int selfLength, int dim, StridedView index,
                int[] idx, Object out) {
        int[] shape = index.shape();
        checkSameOffDim("gather self", self.shape(), shape, dim, false);
        int n = numel(shape);
        if (n == 0) {
            return;
        }
        checkIndices(op, index, idx, dim, self.shape()[dim]);
        int[] selfStrides = self.strides().clone();
        int along = selfStrides[dim];
        selfStrides[dim] = 0;
        StridedView walkSelf = new StridedView(self.buffer(), self.offset(), shape, selfStrides);
        checkReach(self, selfLength);
        IntPairConsumer m = move(selfData, out, false);
        par.forEach(n, n, (lo, hi) -> {
            Walk w = new Walk(shape, walkSelf, index);
            w.seek(lo);
            for (int i = lo; i < hi; i++, w.next()) {
                m.accept(w.off(0) + idx[w.off(1)] * along, i);
            }
        });
    }

    /** out = self (or zeros), then src scattered along dim (see {@code Backend.scatter}). */
    void scatter(String op, int[] shape, StridedView self, Object selfData, int selfLength, int dim,
                 StridedView index, int[] idx, StridedView src, Object srcData, int srcLength, boolean add,
                 Object out) {
        int[] ishape = index.shape();
        checkSameOffDim("scatter index", ishape, shape, dim, true);
        if (!Arrays.equals(src.shape(), ishape)) {
            throw new IllegalArgumentException("scatter src view " + Arrays.toString(src.shape())
                    + " must have the index's shape " + Arrays.toString(ishape));
        }
        int n = numel(shape);
        if (n == 0) {
            return;
        }
        checkIndices(op, index, idx, dim, shape[dim]);
        if (self == null) {
            if (out instanceof float[] o) {
                Arrays.fill(o, 0, n, 0f);
            } else {
                Arrays.fill((int[]) out, 0, n, 0);
            }
        } else {
            if (!Arrays.equals(self.shape(), shape)) {
                throw new IllegalArgumentException("scatter self view " + Arrays.toString(self.shape())
                        + " must have the output's shape " + Arrays.toString(shape));
            }
            IntPairConsumer init = move(selfData, out, false);
            CpuGeometry g = CpuGeometry.of(shape, new StridedView[] {self}, new int[] {selfLength});
            int s = g.innerStride(0);
            g.run(par, (pos, len, at) -> {
                for (int j = 0; j < len; j++) {
                    init.accept(pos[0] + j * s, at + j);
                }
            });
        }
        if (numel(ishape) == 0) {
            return;
        }
        checkReach(src, srcLength);
        int[] lineShape = ishape.clone();
        lineShape[dim] = 1;
        int lines = numel(lineShape);
        int k = ishape[dim];
        int[] outStrides = StridedView.contiguousStrides(shape);
        StridedView outLine = new StridedView(null, 0, lineShape, outStrides);
        StridedView idxLine = new StridedView(index.buffer(), index.offset(), lineShape, index.strides());
        StridedView srcLine = new StridedView(src.buffer(), src.offset(), lineShape, src.strides());
        int is = index.strides()[dim];
        int ss = src.strides()[dim];
        int os = outStrides[dim];
        IntPairConsumer m = move(srcData, out, add);
        par.forEach(lines, (long) lines * k, (lo, hi) -> {
            Walk w = new Walk(lineShape, idxLine, srcLine, outLine);
            w.seek(lo);
            for (int l = lo; l < hi; l++, w.next()) {
                for (int j = 0; j < k; j++) {
                    m.accept(w.off(1) + j * ss, w.off(2) + idx[w.off(0) + j * is] * os);
                }
            }
        });
    }

    /** {@code out = cond ? x : y} over outShape (see {@code Backend.where}). */
    void where(StridedView cond, Object condData, int condLength, StridedView x, Object xData, int xLength,
               StridedView y, Object yData, int yLength, Object out, int[] outShape) {
        CpuGeometry g = CpuGeometry.of(outShape, new StridedView[] {cond, x, y},
                new int[] {condLength, xLength, yLength});
        IntPairConsumer fromX = move(xData, out, false);
        IntPairConsumer fromY = move(yData, out, false);
        float[] cf = condData instanceof float[] f ? f : null;
        int[] ci = cf == null ? (int[]) condData : null;
        int cs = g.innerStride(0);
        int xs = g.innerStride(1);
        int ys = g.innerStride(2);
        g.run(par, (pos, len, at) -> {
            for (int j = 0; j < len; j++) {
                int c = pos[0] + j * cs;
                boolean truth = cf != null ? cf[c] != 0f : ci[c] != 0;   // NaN != 0 is true, -0.0 is false
                if (truth) {
                    fromX.accept(pos[1] + j * xs, at + j);
                } else {
                    fromY.accept(pos[2] + j * ys, at + j);
                }
            }
        });
    }

    /**
     * Raises the first index (row-major order of the view) outside [0, size), its position given as
     * its element offset from the view's offset.
     */
    private static void checkIndices(String op, StridedView index, int[] idx, int dim, int size) {
        checkReach(index, idx.length);
        int[] shape = index.shape();
        int n = numel(shape);
        Walk w = new Walk(shape, index);
        for (int i = 0; i < n; i++, w.next()) {
            int v = idx[w.off(0)];
            if (v < 0 || v >= size) {
                throw new IndexOutOfRangeException(op, v, w.off(0) - index.offset(), dim, size, null);
            }
        }
    }

    /** a and b of one rank and equal off {@code dim} ({@code atMost}: a[d] <= b[d] there instead). */
    private static void checkSameOffDim(String what, int[] a, int[] b, int dim, boolean atMost) {
        boolean ok = a.length == b.length && dim >= 0 && dim < Math.max(1, a.length);
        for (int d = 0; ok && d < a.length; d++) {
            ok = d == dim || (atMost ? a[d] <= b[d] : a[d] == b[d]);
        }
        if (!ok) {
            throw new IllegalArgumentException(what + " shape " + Arrays.toString(a) + " does not fit "
                    + Arrays.toString(b) + " off dimension " + dim);
        }
    }

    /** Throws when the view reaches outside its array of {@code length} elements. */
    private static void checkReach(StridedView v, int length) {
        if (v.numel() > 0) {
            CpuGeometry.checkRange(v, v.shape(), v.strides(), length);
        }
    }

    private static int numel(int[] shape) {
        long n = 1;
        for (int s : shape) {
            n *= s;
        }
        return CpuArgs.elements(n);
    }

    /** Positions of a shape in row-major order, with the element offset of each view at the current one. */
    private static final class Walk {
        private final int[] shape;
        private final int[][] strides;
        private final int[] coord;
        private final int[] off;

        Walk(int[] shape, StridedView... views) {
            this.shape = shape;
            this.strides = new int[views.length][];
            this.coord = new int[shape.length];
            this.off = new int[views.length];
            for (int v = 0; v < views.length; v++) {
                strides[v] = views[v].strides();
                off[v] = views[v].offset();
            }
        }

        /** Moves to the position with row-major number {@code linear} (from the start). */
        void seek(int linear) {
            int rem = linear;
            for (int d = shape.length - 1; d >= 0; d--) {
                int c = rem % shape[d];
                rem /= shape[d];
                coord[d] = c;
                for (int v = 0; v < off.length; v++) {
                    off[v] += c * strides[v][d];
                }
            }
        }

        /** The next position (an odometer step). */
        void next() {
            for (int d = shape.length - 1; d >= 0; d--) {
                for (int v = 0; v < off.length; v++) {
                    off[v] += strides[v][d];
                }
                if (++coord[d] < shape[d]) {
                    return;
                }
                for (int v = 0; v < off.length; v++) {
                    off[v] -= shape[d] * strides[v][d];
                }
                coord[d] = 0;
            }
        }

        /** The element offset of view {@code v} here. */
        int off(int v) {
            return off[v];
        }
    }
}
