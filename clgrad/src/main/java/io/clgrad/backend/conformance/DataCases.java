package io.clgrad.backend.conformance;

import io.clgrad.backend.Backend;
import io.clgrad.backend.Buffer;
import io.clgrad.backend.ElementType;
import io.clgrad.backend.StridedView;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

/**
 * Cases for the data-movement ops: {@link Backend#fill}, {@link Backend#arange},
 * {@link Backend#copy} of strided views (both element types), {@link Backend#convert} and
 * {@link Backend#copyInto} of one view into another. All are exact except F32 arange, which rounds
 * start + i·step once.
 */
final class DataCases {
    private DataCases() {
    }

    static List<OpCase> fill(CaseSize size) {
        List<OpCase> cases = new ArrayList<>();
        for (int n : size.lengths(ElementwiseCases.SIZES)) {
            for (double v : new double[] {3.25, -0.0, -1e30, 0.1}) {
                cases.add(fillCase(ElementType.F32, n, v));
            }
            for (double v : new double[] {7, -3, 2.9, -2.9}) {
                cases.add(fillCase(ElementType.I32, n, v));
            }
        }
        return cases;
    }

    /** The output has padding: fill must write exactly out[0..n). */
    private static OpCase fillCase(ElementType type, int n, double v) {
        return OpCase.into("fill " + type + " n=" + n + " value=" + v, type, n, (b, m, out) -> b.fill(out, n, v),
                OpCase.Out.exact("out", new int[] {n}, RefData.fill(n, v, type)));
    }

    static List<OpCase> arange(CaseSize size) {
        List<OpCase> cases = new ArrayList<>();
        for (int n : size.lengths(ElementwiseCases.SIZES)) {
            for (double[] ss : new double[][] {{0, 1}, {-1.5, 0.25}, {0, 0.1}, {1000, -3.7}}) {
                cases.add(arangeCase(ElementType.F32, n, ss[0], ss[1]));
            }
            for (double[] ss : new double[][] {{0, 1}, {-5, 3}, {100, -7}}) {
                cases.add(arangeCase(ElementType.I32, n, ss[0], ss[1]));
            }
        }
        return cases;
    }

    private static OpCase arangeCase(ElementType type, int n, double start, double step) {
        double[] ref = RefData.arange(n, start, step, type);
        // start + i*step adds two terms: scale max(1, |start| + |i*step|) (a device may round step to float)
        double[] scale = new double[n];
        for (int i = 0; i < n; i++) {
            scale[i] = Math.max(1, Math.abs(start) + Math.abs(i * step));
        }
        OpCase.Out out = type == ElementType.I32 ? OpCase.Out.exact("out", new int[] {n}, ref)
                : new OpCase.Out("out", new int[] {n}, ref, scale);
        return OpCase.into("arange " + type + " n=" + n + " start=" + start + " step=" + step, type, n,
                (b, m, buf) -> b.arange(buf, n, start, step), out);
    }

    /** A strided view over a buffer of {@code len} elements. */
    record View(String name, int len, int offset, int[] shape, int[] strides) {
    }

    static List<View> views() {
        List<View> v = new ArrayList<>();
        v.add(new View("[33,7]^T", 231, 0, new int[] {7, 33}, new int[] {1, 7}));
        v.add(new View("[2,3,4] permuted (2,0,1)", 24, 0, new int[] {4, 2, 3}, new int[] {1, 12, 4}));
        v.add(new View("[10] stride 3 offset 5", 40, 5, new int[] {10}, new int[] {3}));
        v.add(new View("[4,5] broadcast rows, offset 2", 7, 2, new int[] {4, 5}, new int[] {0, 1}));
        v.add(new View("[1000] offset 1", 1001, 1, new int[] {1000}, new int[] {1}));
        v.add(new View("[] scalar offset 3", 4, 3, new int[] {}, new int[] {}));
        v.add(new View("[1,1,1]", 1, 0, new int[] {1, 1, 1}, new int[] {1, 1, 1}));
        v.add(new View("[5,7,33] transposed (2,1,0)", 1155, 0, new int[] {33, 7, 5}, new int[] {1, 33, 231}));
        v.add(new View("[50001] stride 2", 100_002, 0, new int[] {50_001}, new int[] {2}));
        v.add(new View("rank-8 reversed", 256, 0, new int[] {2, 2, 2, 2, 2, 2, 2, 2},
                new int[] {1, 2, 4, 8, 16, 32, 64, 128}));
        v.add(new View("[3,2] of a [4,5] buffer, column stride 2, offset 1", 20, 1, new int[] {3, 2}, new int[] {5, 2}));
        return v;
    }

    static List<OpCase> copy(CaseSize size) {
        Random r = new Random(301);
        List<OpCase> cases = new ArrayList<>();
        for (View v : views()) {
            if (!size.keeps(v.len())) {
                continue;
            }
            int n = Inputs.numel(v.shape());
            float[] f = Inputs.uniform(r, v.len(), -100, 100);
            cases.add(OpCase.into("copy F32 " + v.name(), ElementType.F32, n,
                    (b, m, out) -> b.copy(new StridedView(m.f32(f), v.offset(), v.shape(), v.strides()), out),
                    OpCase.Out.exact("out", v.shape(), RefData.gather(Inputs.d(f), v.offset(), v.shape(), v.strides()))));
            int[] iv = Inputs.ints(r, v.len(), -1_000_000_000, 1_000_000_000);
            cases.add(OpCase.into("copy I32 " + v.name(), ElementType.I32, n,
                    (b, m, out) -> b.copy(new StridedView(m.i32(iv), v.offset(), v.shape(), v.strides()), out),
                    OpCase.Out.exact("out", v.shape(), RefData.gather(Inputs.d(iv), v.offset(), v.shape(), v.strides()))));
        }
        return cases;
    }

    static List<OpCase> convert(CaseSize size) {
        Random r = new Random(302);
        List<OpCase> cases = new ArrayList<>();
        for (int n : size.lengths(ElementwiseCases.SIZES)) {
            float[] f = Inputs.withEdges(Inputs.uniform(r, n, -1e6, 1e6), 2.7f, -2.7f, 0.5f, -0.5f, 0f, -0.99f, 16777216f);
            cases.add(OpCase.into("convert F32->I32 n=" + n, ElementType.I32, n, (b, m, out) -> b.convert(m.f32(f), out, n),
                    OpCase.Out.exact("out", new int[] {n}, RefData.toInt(f))));
            int[] iv = Inputs.ints(r, n, Integer.MIN_VALUE / 2, Integer.MAX_VALUE / 2);
            if (n >= 33) {
                iv[1] = Integer.MAX_VALUE;
                iv[2] = Integer.MIN_VALUE;
                iv[3] = 16_777_217;
                iv[4] = -7;
            }
            cases.add(OpCase.into("convert I32->F32 n=" + n, ElementType.F32, n, (b, m, out) -> b.convert(m.i32(iv), out, n),
                    OpCase.Out.exact("out", new int[] {n}, RefData.toFloat(iv))));
        }
        return cases;
    }

    /** A source view and a destination view of one shape, each over a buffer of its own length. */
    record Pair(String name, View src, View dst) {
    }

    /** Destinations a slice, select, step or transpose makes, and sources contiguous or not. */
    static List<Pair> pairs() {
        List<Pair> p = new ArrayList<>();
        p.add(new Pair("row 2 of [5,7] from a contiguous [7] at offset 3",
                new View("", 10, 3, new int[] {7}, new int[] {1}), new View("", 35, 14, new int[] {7}, new int[] {1})));
        p.add(new Pair("column 3 of [5,7] from a contiguous [5]",
                new View("", 5, 0, new int[] {5}, new int[] {1}), new View("", 35, 3, new int[] {5}, new int[] {7})));
        p.add(new Pair("[1::2, 2::2] of [8,10] from a transposed [4,4]",
                new View("", 16, 0, new int[] {4, 4}, new int[] {1, 4}), new View("", 80, 12, new int[] {4, 4},
                new int[] {20, 2})));
        p.add(new Pair("[33,7]^T from a contiguous [7,33]",
                new View("", 231, 0, new int[] {7, 33}, new int[] {33, 1}), new View("", 231, 0, new int[] {7, 33},
                new int[] {1, 7})));
        p.add(new Pair("[:, 1:2, :] of [3,4,5] (size-1 dim) from [3,1,5] with stride 2",
                new View("", 40, 1, new int[] {3, 1, 5}, new int[] {10, 99, 2}), new View("", 60, 5, new int[] {3, 1, 5},
                new int[] {20, 5, 1})));
        p.add(new Pair("rank-8 reversed from a contiguous [2]*8",
                new View("", 256, 0, new int[] {2, 2, 2, 2, 2, 2, 2, 2}, new int[] {128, 64, 32, 16, 8, 4, 2, 1}),
                new View("", 256, 0, new int[] {2, 2, 2, 2, 2, 2, 2, 2}, new int[] {1, 2, 4, 8, 16, 32, 64, 128})));
        p.add(new Pair("scalar at offset 5 from offset 2",
                new View("", 3, 2, new int[] {}, new int[] {}), new View("", 9, 5, new int[] {}, new int[] {})));
        p.add(new Pair("empty [0,4] writes nothing",
                new View("", 8, 0, new int[] {0, 4}, new int[] {4, 1}), new View("", 8, 2, new int[] {0, 4},
                new int[] {4, 1})));
        p.add(new Pair("[1000] at offset 7 from stride 3",
                new View("", 3000, 2, new int[] {999}, new int[] {3}), new View("", 1010, 7, new int[] {999},
                new int[] {1})));
        p.add(new Pair("[50001] stride 2 from a contiguous [50001]",
                new View("", 50_001, 0, new int[] {50_001}, new int[] {1}), new View("", 100_003, 1, new int[] {50_001},
                new int[] {2})));
        return p;
    }

    static List<OpCase> copyInto(CaseSize size) {
        Random r = new Random(303);
        List<OpCase> cases = new ArrayList<>();
        for (Pair p : pairs()) {
            if (!size.keeps(p.dst().len())) {
                continue;
            }
            float[] sf = Inputs.uniform(r, p.src().len(), -100, 100);
            float[] df = Inputs.uniform(r, p.dst().len(), -100, 100);
            cases.add(copyIntoCase("F32", p, m -> m.f32(sf), m -> m.f32(df), Inputs.d(sf), Inputs.d(df)));
            int[] si = Inputs.ints(r, p.src().len(), -1_000_000_000, 1_000_000_000);
            int[] di = Inputs.ints(r, p.dst().len(), -1_000_000_000, 1_000_000_000);
            cases.add(copyIntoCase("I32", p, m -> m.i32(si), m -> m.i32(di), Inputs.d(si), Inputs.d(di)));
        }
        return cases;
    }

    /** copyInto of pair {@code p} with the given source and destination uploads; the whole destination buffer is compared. */
    private static OpCase copyIntoCase(String type, Pair p, Function<Bufs, Buffer> src, Function<Bufs, Buffer> dst,
                                       double[] srcValues, double[] dstValues) {
        View s = p.src();
        View d = p.dst();
        return OpCase.of("copyInto " + type + " " + p.name(), b -> {
            try (Bufs m = new Bufs(b)) {
                Buffer out = dst.apply(m);
                b.copyInto(new StridedView(src.apply(m), s.offset(), s.shape(), s.strides()),
                        new StridedView(out, d.offset(), d.shape(), d.strides()));
                return List.of(m.read(out, d.len()));
            }
        }, OpCase.Out.exact("destination buffer", new int[] {d.len()}, RefData.scatter(srcValues, s.offset(),
                s.strides(), dstValues, d.offset(), d.shape(), d.strides())));
    }
}
