package io.clgrad;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.clgrad.autograd.GradCheck;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The indexing views (select, narrow, slice, split, chunk, unbind, get) against a plain host loop
 * over Python's index semantics (written here independently: CPython's slice clamping, an explicit
 * walk of the entries), on contiguous and strided inputs; and their gradients by finite differences,
 * on every device.
 */
class SlicingTest {

    /** A test-side index entry: kind 'i' (integer), 's' (slice; null parts omitted), 'e' (...), 'n' (None). */
    record E(char kind, int i, Integer start, Integer stop, Integer step) {
        static E at(int i) {
            return new E('i', i, null, null, null);
        }

        static E sl(Integer start, Integer stop, Integer step) {
            return new E('s', 0, start, stop, step);
        }

        static final E ALL = sl(null, null, null);
        static final E ELL = new E('e', 0, null, null, null);
        static final E NEW = new E('n', 0, null, null, null);

        Index index() {
            return switch (kind) {
                case 'i' -> Index.at(i);
                case 'e' -> Index.ellipsis();
                case 'n' -> Index.newAxis();
                default -> Index.slice(start, stop, step);
            };
        }
    }

    /** The positions CPython's slice.indices() gives for a positive step over a dimension of {@code len}. */
    static List<Integer> pythonRange(Integer start, Integer stop, Integer step, int len) {
        int st = step == null ? 1 : step;
        int lo;
        if (start == null) {
            lo = 0;
        } else if (start < 0) {
            lo = Math.max(start + len, 0);
        } else {
            lo = Math.min(start, len);
        }
        int hi;
        if (stop == null) {
            hi = len;
        } else if (stop < 0) {
            hi = Math.max(stop + len, 0);
        } else {
            hi = Math.min(stop, len);
        }
        List<Integer> out = new ArrayList<>();
        for (int k = lo; k < hi; k += st) {
            out.add(k);
        }
        return out;
    }

    /** x[entries] of a row-major array, by walking every output element; the result's shape goes to outShape[0]. */
    static double[] reference(float[] data, int[] shape, List<E> entries, int[][] outShape) {
        int consumed = (int) entries.stream().filter(e -> e.kind() == 'i' || e.kind() == 's').count();
        List<E> full = new ArrayList<>();
        for (E e : entries) {
            if (e.kind() == 'e') {
                for (int k = 0; k < shape.length - consumed; k++) {
                    full.add(E.ALL);
                }
            } else {
                full.add(e);
            }
        }
        if (entries.stream().noneMatch(e -> e.kind() == 'e')) {
            for (int k = consumed; k < shape.length; k++) {
                full.add(E.ALL);
            }
        }
        // per output dimension: the input dimension it walks (-1 for a new axis) and the positions
        List<Integer> outDims = new ArrayList<>();
        List<List<Integer>> outPos = new ArrayList<>();
        int[] fixed = new int[shape.length];
        int in = 0;
        for (E e : full) {
            if (e.kind() == 'n') {
                outDims.add(-1);
                outPos.add(List.of(0));
            } else if (e.kind() == 'i') {
                fixed[in] = e.i() < 0 ? e.i() + shape[in] : e.i();
                in++;
            } else {
                outDims.add(in);
                outPos.add(pythonRange(e.start(), e.stop(), e.step(), shape[in]));
                in++;
            }
        }
        int[] os = new int[outDims.size()];
        for (int k = 0; k < os.length; k++) {
            os[k] = outPos.get(k).size();
        }
        outShape[0] = os;
        int[] st = HostRef.strides(shape);
        int n = (int) Shape.numel(os);
        double[] out = new double[n];
        for (int flat = 0; flat < n; flat++) {
            int[] idx = HostRef.unravel(flat, os);
            int[] src = fixed.clone();
            for (int k = 0; k < os.length; k++) {
                if (outDims.get(k) >= 0) {
                    src[outDims.get(k)] = outPos.get(k).get(idx[k]);
                }
            }
            int off = 0;
            for (int d = 0; d < shape.length; d++) {
                off += src[d] * st[d];
            }
            out[flat] = data[off];
        }
        return out;
    }

    /** The cases: a shape, the index as text, and the same as entries. */
    record Case(int[] shape, String text, List<E> entries) {
    }

    static List<Case> cases() {
        return List.of(
                new Case(new int[] {3, 4}, "0", List.of(E.at(0))),
                new Case(new int[] {3, 4}, "-1", List.of(E.at(-1))),
                new Case(new int[] {3, 4}, "1, -2", List.of(E.at(1), E.at(-2))),
                new Case(new int[] {5, 6}, ":, 1:5", List.of(E.ALL, E.sl(1, 5, null))),
                new Case(new int[] {2, 3, 7}, "..., ::2", List.of(E.ELL, E.sl(null, null, 2))),
                new Case(new int[] {7, 5}, "1::3, -4:-1", List.of(E.sl(1, null, 3), E.sl(-4, -1, null))),
                new Case(new int[] {6, 4}, "-100:100:4", List.of(E.sl(-100, 100, 4))),
                new Case(new int[] {6, 4}, "4:2", List.of(E.sl(4, 2, null))),
                new Case(new int[] {6, 4}, "9:", List.of(E.sl(9, null, null))),
                new Case(new int[] {3, 4, 5}, "None, 2, ..., None", List.of(E.NEW, E.at(2), E.ELL, E.NEW)),
                new Case(new int[] {3, 4, 5}, "..., 1, newaxis", List.of(E.ELL, E.at(1), E.NEW)),
                new Case(new int[] {3, 4, 5}, "...", List.of(E.ELL)),
                new Case(new int[] {2, 9, 3, 4}, "1, 2::3, ..., :3:2", List.of(E.at(1), E.sl(2, null, 3), E.ELL,
                        E.sl(null, 3, 2))),
                new Case(new int[] {5}, " -3 : : 2 ", List.of(E.sl(-3, null, 2))),
                new Case(new int[] {1, 1, 1}, "0, :, -1", List.of(E.at(0), E.ALL, E.at(-1))));
    }

    /** Random values of {@code shape}, as a contiguous tensor or as a transposed copy's transpose (strided). */
    private static Tensor input(Device d, Random r, int[] shape, boolean strided, float[] values) {
        if (!strided || shape.length < 2) {
            return Tensor.of(d, values, shape.length == 0 ? new int[] {1} : shape);
        }
        int a = shape.length - 2;
        int b = shape.length - 1;
        int[] swapped = shape.clone();
        swapped[a] = shape[b];
        swapped[b] = shape[a];
        // a contiguous tensor of the swapped shape holding the transposed values, transposed back
        int[] st = HostRef.strides(shape);
        float[] tv = new float[values.length];
        for (int flat = 0; flat < values.length; flat++) {
            int[] idx = HostRef.unravel(flat, swapped);
            int t = idx[a];
            idx[a] = idx[b];
            idx[b] = t;
            int off = 0;
            for (int k = 0; k < idx.length; k++) {
                off += idx[k] * st[k];
            }
            tv[flat] = values[off];
        }
        return Tensor.of(d, tv, swapped).transpose(a, b);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void getMatchesAHostLoopOverPythonsIndexRules(Device d) {
        Random r = new Random(5);
        for (Case c : cases()) {
            for (boolean strided : new boolean[] {false, true}) {
                float[] v = HostRef.randomFloats(r, (int) Shape.numel(c.shape()));
                Tensor x = input(d, r, c.shape(), strided, v);
                int[][] shape = new int[1][];
                double[] want = reference(v, c.shape(), c.entries(), shape);
                String what = "x[" + c.text() + "] of " + Shape.str(c.shape()) + (strided ? " (strided)" : "");
                Tensor byText = x.get(c.text());
                Tensor typed = x.get(c.entries().stream().map(E::index).toArray(Index[]::new));
                HostRef.assertShape(shape[0], byText);
                HostRef.assertShape(shape[0], typed);
                HostRef.assertClose(want, byText.toFloatArray(), 0, what + " by text on " + d);
                HostRef.assertClose(want, typed.toFloatArray(), 0, what + " typed on " + d);
                assertSame(x.storage(), byText.storage(), what + ": a view shares the storage");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void viewOpsMatchTheirIndexForms(Device d) {
        Random r = new Random(6);
        int[] shape = {4, 7, 5};
        for (boolean strided : new boolean[] {false, true}) {
            float[] v = HostRef.randomFloats(r, 140);
            Tensor x = input(d, r, shape, strided, v);
            String s = strided ? " (strided) on " + d : " on " + d;
            check(v, shape, List.of(E.ALL, E.at(-2)), x.select(1, -2), "select(1, -2)" + s);
            check(v, shape, List.of(E.at(3)), x.select(0, 3), "select(0, 3)" + s);
            check(v, shape, List.of(E.ALL, E.ALL, E.sl(1, 4, null)), x.narrow(-1, 1, 3), "narrow(-1, 1, 3)" + s);
            check(v, shape, List.of(E.ALL, E.sl(4, 7, null)), x.narrow(1, -3, 3), "narrow(1, -3, 3)" + s);
            check(v, shape, List.of(E.ALL, E.sl(1, 6, 2)), x.slice(1, 1, 6, 2), "slice(1, 1, 6, 2)" + s);
            check(v, shape, List.of(E.ALL, E.sl(-5, null, 3)), x.slice(1, -5, Integer.MAX_VALUE, 3),
                    "slice(1, -5, MAX, 3)" + s);
            check(v, shape, List.of(E.sl(-9, 2, null)), x.slice(0, -9, 2), "slice(0, -9, 2)" + s);
            // split/chunk: consecutive pieces, the last one shorter, as a plain loop cuts them
            pieces(v, shape, 1, x.split(3, 1), new int[] {3, 3, 1}, "split(3, 1)" + s);
            pieces(v, shape, 2, x.split(new int[] {0, 4, 1}, 2), new int[] {0, 4, 1}, "split([0, 4, 1], 2)" + s);
            pieces(v, shape, 1, x.chunk(4, 1), new int[] {2, 2, 2, 1}, "chunk(4, 1)" + s);
            pieces(v, shape, 2, x.chunk(3, -1), new int[] {2, 2, 1}, "chunk(3, -1)" + s);
            pieces(v, shape, 0, x.chunk(3, 0), new int[] {2, 2}, "chunk(3, 0) of size 4 (two pieces)" + s);
            List<Tensor> rows = x.unbind(2);
            assertEquals(5, rows.size(), "unbind(2)" + s);
            for (int i = 0; i < 5; i++) {
                check(v, shape, List.of(E.ALL, E.ALL, E.at(i)), rows.get(i), "unbind(2)[" + i + "]" + s);
            }
            // a view of a view
            check(v, shape, List.of(E.sl(1, null, null), E.sl(2, 6, 3), E.at(4)),
                    x.get("1:").get(":, 2:6:3").select(2, 4), "x[1:][:, 2:6:3].select(2, 4)" + s);
        }
    }

    private static void check(float[] v, int[] shape, List<E> entries, Tensor got, String what) {
        int[][] s = new int[1][];
        double[] want = reference(v, shape, entries, s);
        HostRef.assertShape(s[0], got);
        HostRef.assertClose(want, got.toFloatArray(), 0, what);
    }

    /** The pieces are x[..., start:start+len] along {@code dim} for the expected lengths, in order. */
    private static void pieces(float[] v, int[] shape, int dim, List<Tensor> got, int[] lengths, String what) {
        assertEquals(lengths.length, got.size(), what + ": number of pieces");
        int start = 0;
        for (int i = 0; i < lengths.length; i++) {
            List<E> entries = new ArrayList<>();
            for (int k = 0; k < dim; k++) {
                entries.add(E.ALL);
            }
            entries.add(E.sl(start, start + lengths[i], null));
            check(v, shape, entries, got.get(i), what + " piece " + i);
            start += lengths[i];
        }
    }

    private static void gradCheck(String name, Function<Tensor, Tensor> f, Tensor x) {
        GradCheck.check(name, xs -> f.apply(xs[0]), x);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void gradientsMatchFiniteDifferences(Device d) {
        Tensor x = Tensor.randn(d, 3, 4, 5);
        gradCheck("select(1, -1)", t -> t.select(1, -1), x);
        gradCheck("narrow(2, 1, 3)", t -> t.narrow(2, 1, 3), x);
        gradCheck("slice(2, 0, MAX, 2)", t -> t.slice(2, 0, Integer.MAX_VALUE, 2), x);
        gradCheck("slice of a transpose", t -> t.transpose(0, 2).slice(1, 1, 4, 2), x);
        gradCheck("get(\"1:, None, ::3, -1\")", t -> t.get("1:, None, ::3, -1"), x);
        gradCheck("get(..., 2) twice", t -> t.get("..., 2").get(Index.at(0)), x);
        gradCheck("get(-1, 2)", t -> t.get(-1, 2), x);
        gradCheck("select then a product (a non-trivial upstream gradient)", t -> t.select(0, 1).mul(t.select(0, 2)), x);
        for (int i = 0; i < 3; i++) {
            int piece = i;
            gradCheck("split(2, 2)[" + i + "]", t -> t.split(2, 2).get(piece), x);
        }
        gradCheck("every piece of split([1, 3, 1], 2), weighted", t -> weighted(t.split(new int[] {1, 3, 1}, 2), 2), x);
        gradCheck("every piece of chunk(2, 0), weighted", t -> weighted(t.chunk(2, 0), 0), x);
        gradCheck("every view of unbind(1), weighted", t -> weighted(t.unbind(1), null), x);
    }

    /**
     * Σ_i (i + 1) · piece_i (summed over {@code dim}, keeping it, when the pieces differ in size
     * there): each piece's gradient differs, and all of them must reach the input.
     */
    private static Tensor weighted(List<Tensor> pieces, Integer dim) {
        Tensor acc = null;
        for (int i = 0; i < pieces.size(); i++) {
            Tensor p = dim == null ? pieces.get(i) : pieces.get(i).sum(dim, true);
            acc = acc == null ? p : acc.add(p.mul(i + 1));
        }
        return acc;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void intTensorsHaveTheSameViews(Device d) {
        Tensor a = Tensor.arange(24).to(d).reshape(2, 3, 4);
        assertArrayEquals(new int[] {13, 15, 17, 19, 21, 23}, a.get("1, :, 1::2").toIntArray());
        assertArrayEquals(new int[] {4, 5, 6, 7}, a.select(1, 1).select(0, 0).toIntArray());
        assertEquals(Arrays.asList(4, 4, 4), a.split(1, 1).stream().map(t -> t.shape(2)).toList());
    }
}
