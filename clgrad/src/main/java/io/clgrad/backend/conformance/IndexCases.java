package io.clgrad.backend.conformance;

import io.clgrad.backend.Backend;
import io.clgrad.backend.Buffer;
import io.clgrad.backend.ElementType;
import io.clgrad.backend.StridedView;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Cases for {@link Backend#gather}, {@link Backend#scatter} and {@link Backend#where} against
 * {@link RefIndex}: odd sizes, every dim of 1-, 2- and 3-D tensors, index tensors smaller than the
 * source off the indexed dim, strided operands (transposed, offset, narrowed out of a larger
 * array, the stride-0 index of index_select and its backward), repeated indices (the last wins for
 * scatter, all add up for scatter_add), int32 data, and where with broadcasting, NaN and -0.0
 * conditions and both condition types. Copies are compared exactly, sums with an accumulation's
 * tolerance.
 */
final class IndexCases {
    private IndexCases() {
    }

    /** Where a logical row-major tensor of {@code shape} sits in a physical array: offset and strides. */
    record Layout(int[] shape, int offset, int[] strides, int size) {
        static Layout contiguous(int... shape) {
            return new Layout(shape, 0, StridedView.contiguousStrides(shape), Inputs.numel(shape));
        }

        /** Stored with its last two dims swapped (column-major for a matrix), after 3 unused elements. */
        static Layout transposed(int... shape) {
            int r = shape.length;
            int[] stored = shape.clone();
            stored[r - 1] = shape[r - 2];
            stored[r - 2] = shape[r - 1];
            int[] st = StridedView.contiguousStrides(stored);
            int[] strides = st.clone();
            strides[r - 1] = st[r - 2];
            strides[r - 2] = st[r - 1];
            return new Layout(shape, 3, strides, 3 + Inputs.numel(shape));
        }

        /** The leading corner of a row-major array of shape {@code big} (each size at least shape's). */
        static Layout inside(int[] shape, int[] big) {
            return new Layout(shape, 0, StridedView.contiguousStrides(big), Inputs.numel(big));
        }

        /** The same memory seen with another shape (a corner of it: sizes at most this one's). */
        Layout narrowed(int... to) {
            return new Layout(to, offset, strides, size);
        }

        /** A physical float array holding {@code logical} at this layout's places and 1e30 elsewhere. */
        float[] place(float[] logical) {
            float[] p = new float[size];
            Arrays.fill(p, 1e30f);
            for (int i = 0; i < logical.length; i++) {
                p[at(i)] = logical[i];
            }
            return p;
        }

        /** A physical int array holding {@code logical} at this layout's places and -999 elsewhere. */
        int[] place(int[] logical) {
            int[] p = new int[size];
            Arrays.fill(p, -999);
            for (int i = 0; i < logical.length; i++) {
                p[at(i)] = logical[i];
            }
            return p;
        }

        private int at(int i) {
            int[] c = RefIndex.coords(i, shape);
            int off = offset;
            for (int d = 0; d < c.length; d++) {
                off += c[d] * strides[d];
            }
            return off;
        }

        StridedView view(Buffer b) {
            return new StridedView(b, offset, shape, strides);
        }
    }

    /** An index argument: the logical index values, where they sit, and the physical array holding them. */
    record Idx(int[] values, Layout layout, int[] physical) {
        Idx(int[] values, Layout layout) {
            this(values, layout, layout.place(values));
        }

        static Idx of(Random r, int[] shape, int bound) {
            return new Idx(Inputs.ints(r, Inputs.numel(shape), 0, bound), Layout.contiguous(shape));
        }

        /** index_select's index: {@code k} values along dim, repeated (stride 0) over the other dims. */
        static Idx repeated(Random r, int k, int bound, int[] shape, int dim) {
            int[] v = Inputs.ints(r, k, 0, bound);
            int[] strides = new int[shape.length];
            strides[dim] = 1;
            int[] logical = new int[Inputs.numel(shape)];
            for (int i = 0; i < logical.length; i++) {
                logical[i] = v[RefIndex.coords(i, shape)[dim]];
            }
            return new Idx(logical, new Layout(shape, 0, strides, k), v);
        }
    }

    // ---------------------------------------------------------------- gather

    static List<OpCase> gather(CaseSize size) {
        Random r = new Random(1201);
        List<OpCase> cases = new ArrayList<>();
        cases.add(gatherCase("2-D dim 0", r, Layout.contiguous(7, 5), 0, Idx.of(r, new int[] {4, 5}, 7), false));
        cases.add(gatherCase("2-D dim 1", r, Layout.contiguous(7, 5), 1, Idx.of(r, new int[] {7, 3}, 5), false));
        int[] full = {3, 5, 6};
        int[][] idxShapes = {{4, 3, 5}, {2, 8, 6}, {3, 4, 2}};
        for (int dim = 0; dim < 3; dim++) {
            int[] is = idxShapes[dim];
            int[] selfView = is.clone();
            selfView[dim] = full[dim];
            cases.add(gatherCase("3-D dim " + dim + " index smaller off dim", r,
                    Layout.inside(selfView, full), dim, Idx.of(r, is, full[dim]), false));
        }
        cases.add(gatherCase("transposed self with offset", r, Layout.transposed(6, 9), 1,
                Idx.of(r, new int[] {6, 11}, 9), false));
        cases.add(gatherCase("index_select form (stride-0 index, repeats)", r, Layout.contiguous(6, 9, 4), 1,
                Idx.repeated(r, 5, 9, new int[] {6, 5, 4}, 1), false));
        cases.add(gatherCase("int32 self", r, Layout.contiguous(5, 8), 1, Idx.of(r, new int[] {5, 6}, 8), true));
        cases.add(gatherCase("1-D", r, Layout.contiguous(10), 0, Idx.of(r, new int[] {13}, 10), false));
        if (size.keeps(100_000)) {
            cases.add(gatherCase("[300, 333] dim 1", r, Layout.contiguous(300, 333), 1,
                    Idx.of(r, new int[] {300, 200}, 333), false));
            cases.add(gatherCase("[333, 300] dim 0", r, Layout.contiguous(333, 300), 0,
                    Idx.of(r, new int[] {200, 300}, 333), false));
        }
        return cases;
    }

    private static OpCase gatherCase(String name, Random r, Layout self, int dim, Idx idx, boolean ints) {
        int[] selfFull = self.shape();
        float[] x = ints ? null : Inputs.uniform(r, Inputs.numel(selfFull), -2, 2);
        int[] xi = ints ? Inputs.ints(r, Inputs.numel(selfFull), -1000, 1000) : null;
        double[] ref = RefIndex.gather(ints ? Inputs.d(xi) : Inputs.d(x), selfFull, dim, idx.values(),
                idx.layout().shape());
        int n = ref.length;
        ElementType type = ints ? ElementType.I32 : ElementType.F32;
        return OpCase.into("gather " + name, type, n, (b, m, out) -> {
            Buffer sb = ints ? m.i32(self.place(xi)) : m.f32(self.place(x));
            b.gather("gather", self.view(sb), dim, idx.layout().view(m.i32(idx.physical())), out);
        }, OpCase.Out.exact("out", idx.layout().shape(), ref));
    }

    // ---------------------------------------------------------------- scatter

    static List<OpCase> scatter(CaseSize size) {
        Random r = new Random(1202);
        List<OpCase> cases = new ArrayList<>();
        cases.add(scatterCase("replace dim 0, distinct indices", r, new int[] {6, 7}, Layout.contiguous(6, 7), 0,
                distinctRows(r, 3, 7, 6), Layout.contiguous(3, 7), false, false));
        cases.add(scatterCase("replace dim 1, repeated indices (the last wins)", r, new int[] {5, 6},
                Layout.contiguous(5, 6), 1, Idx.of(r, new int[] {5, 9}, 6), Layout.contiguous(5, 9), false, false));
        int[] shape = {4, 5, 6};
        int[][] idxShapes = {{7, 3, 6}, {2, 9, 4}, {4, 5, 11}};
        for (int dim = 0; dim < 3; dim++) {
            int[] is = idxShapes[dim];
            int[] srcBig = {is[0] + 1, is[1] + 2, is[2] + 1};
            cases.add(scatterCase("add into zeros, 3-D dim " + dim + ", index smaller off dim, src larger", r, shape,
                    null, dim, Idx.of(r, is, shape[dim]), Layout.inside(is, srcBig), true, false));
        }
        cases.add(scatterCase("add into a transposed self", r, new int[] {7, 9}, Layout.transposed(7, 9), 0,
                Idx.of(r, new int[] {12, 9}, 7), Layout.contiguous(12, 9), true, false));
        cases.add(scatterCase("add int32", r, new int[] {5, 4}, Layout.contiguous(5, 4), 1,
                Idx.of(r, new int[] {5, 10}, 4), Layout.contiguous(5, 10), true, true));
        cases.add(scatterCase("replace int32", r, new int[] {5, 4}, Layout.contiguous(5, 4), 1,
                Idx.of(r, new int[] {5, 10}, 4), Layout.contiguous(5, 10), false, true));
        cases.add(scatterCase("index_add form (stride-0 index, repeats)", r, new int[] {9, 4}, null, 0,
                Idx.repeated(r, 13, 9, new int[] {13, 4}, 0), Layout.contiguous(13, 4), true, false));
        cases.add(scatterCase("1-D add", r, new int[] {10}, Layout.contiguous(10), 0, Idx.of(r, new int[] {25}, 10),
                Layout.contiguous(25), true, false));
        if (size.keeps(100_000)) {
            cases.add(scatterCase("index_add [500, 64] from 2000 rows", r, new int[] {500, 64}, null, 0,
                    Idx.repeated(r, 2000, 500, new int[] {2000, 64}, 0), Layout.contiguous(2000, 64), true, false));
            cases.add(scatterCase("add [333, 300] dim 1", r, new int[] {333, 300}, Layout.contiguous(333, 300), 1,
                    Idx.of(r, new int[] {333, 150}, 300), Layout.contiguous(333, 150), true, false));
        }
        return cases;
    }

    /** Indices of shape [rows, cols] along dim 0, distinct within each column, below {@code bound}. */
    private static Idx distinctRows(Random r, int rows, int cols, int bound) {
        int[] v = new int[rows * cols];
        for (int c = 0; c < cols; c++) {
            List<Integer> perm = new ArrayList<>();
            for (int i = 0; i < bound; i++) {
                perm.add(i);
            }
            java.util.Collections.shuffle(perm, r);
            for (int i = 0; i < rows; i++) {
                v[i * cols + c] = perm.get(i);
            }
        }
        return new Idx(v, Layout.contiguous(rows, cols));
    }

    private static OpCase scatterCase(String name, Random r, int[] shape, Layout self, int dim, Idx idx, Layout src,
                                      boolean add, boolean ints) {
        int[] is = idx.layout().shape();
        int n = Inputs.numel(shape);
        float[] base = self == null || ints ? null : Inputs.uniform(r, n, -2, 2);
        int[] baseI = self != null && ints ? Inputs.ints(r, n, -1000, 1000) : null;
        float[] v = ints ? null : Inputs.uniform(r, Inputs.numel(is), -2, 2);
        int[] vi = ints ? Inputs.ints(r, Inputs.numel(is), -1000, 1000) : null;
        double[][] ref = RefIndex.scatter(self == null ? null : ints ? Inputs.d(baseI) : Inputs.d(base), shape, dim,
                idx.values(), is, ints ? Inputs.d(vi) : Inputs.d(v), add);
        Layout srcView = src.narrowed(is);
        ElementType type = ints ? ElementType.I32 : ElementType.F32;
        return OpCase.into((add ? "scatterAdd " : "scatter ") + name, type, n, (b, m, out) -> {
            StridedView sv = self == null ? null : self.view(ints ? m.i32(self.place(baseI)) : m.f32(self.place(base)));
            Buffer vb = ints ? m.i32(srcView.place(vi)) : m.f32(srcView.place(v));
            b.scatter(add ? "scatter_add" : "scatter", shape, sv, dim, idx.layout().view(m.i32(idx.physical())),
                    srcView.view(vb), add, out);
        }, new OpCase.Out("out", shape, ref[0], ref[1]));
    }

    // ---------------------------------------------------------------- where

    static List<OpCase> where(CaseSize size) {
        Random r = new Random(1203);
        List<OpCase> cases = new ArrayList<>();
        float[] edges = {Float.NaN, -0.0f, 0.0f, 1.0f, -2.0f, Float.POSITIVE_INFINITY, 1e-40f};
        cases.add(whereCase("float condition [4,1,5] with NaN and -0.0, x [1,3,5], y [4,3,1]", r,
                new int[] {4, 3, 5}, new int[] {4, 1, 5}, edges, Layout.contiguous(1, 3, 5), Layout.contiguous(4, 3, 1),
                false, false));
        cases.add(whereCase("int condition, int32 x, scalar y (masked_fill)", r, new int[] {6, 7}, new int[] {6, 7},
                null, Layout.contiguous(6, 7), Layout.contiguous(1, 1), true, true));
        cases.add(whereCase("float condition, transposed x", r, new int[] {9, 6}, new int[] {9, 6}, edges,
                Layout.transposed(9, 6), Layout.contiguous(9, 6), false, false));
        cases.add(whereCase("0-d", r, new int[0], new int[0], new float[] {1f}, Layout.contiguous(),
                Layout.contiguous(), false, false));
        for (int n : size.lengths(1, 33, 100_003)) {
            cases.add(whereCase("n=" + n, r, new int[] {n}, new int[] {n}, edges, Layout.contiguous(n),
                    Layout.contiguous(n), false, false));
        }
        return cases;
    }

    private static OpCase whereCase(String name, Random r, int[] shape, int[] condShape, float[] edges, Layout x,
                                    Layout y, boolean intCond, boolean ints) {
        int nc = Inputs.numel(condShape);
        float[] cf = intCond ? null : Inputs.smallInts(r, nc, -1, 1);
        if (cf != null && edges != null) {
            for (int i = 0; i < nc; i++) {
                cf[i] = i % 3 == 0 ? edges[(i / 3) % edges.length] : cf[i];
            }
        }
        int[] ci = intCond ? Inputs.ints(r, nc, -1, 2) : null;
        int nx = Inputs.numel(x.shape());
        int ny = Inputs.numel(y.shape());
        float[] xf = ints ? null : Inputs.uniform(r, nx, -2, 2);
        float[] yf = ints ? null : Inputs.uniform(r, ny, -2, 2);
        int[] xi = ints ? Inputs.ints(r, nx, -9, 9) : null;
        int[] yi = ints ? Inputs.ints(r, ny, -9, 9) : null;
        double[] ref = RefIndex.where(intCond ? Inputs.d(ci) : Inputs.d(cf), condShape, ints ? Inputs.d(xi) : Inputs.d(xf),
                x.shape(), ints ? Inputs.d(yi) : Inputs.d(yf), y.shape(), shape);
        int n = ref.length;
        return OpCase.into("where " + name, ints ? ElementType.I32 : ElementType.F32, n, (b, m, out) -> {
            Buffer cb = intCond ? m.i32(ci) : m.f32(cf);
            Buffer xb = ints ? m.i32(x.place(xi)) : m.f32(x.place(xf));
            Buffer yb = ints ? m.i32(y.place(yi)) : m.f32(y.place(yf));
            b.where(broadcast(Layout.contiguous(condShape).view(cb), shape), broadcast(x.view(xb), shape),
                    broadcast(y.view(yb), shape), out, shape);
        }, OpCase.Out.exact("out", shape, ref));
    }

    /** The view seen with the output's shape, stride 0 along its size-1 dims (as the tensor layer passes it). */
    private static StridedView broadcast(StridedView v, int[] shape) {
        int[] st = v.strides().clone();
        for (int d = 0; d < st.length; d++) {
            st[d] = v.shape()[d] == 1 && shape[d] != 1 ? 0 : st[d];
        }
        return new StridedView(v.buffer(), v.offset(), shape, st);
    }
}
