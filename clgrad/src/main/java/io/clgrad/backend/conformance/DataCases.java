package io.clgrad.backend.conformance;

import io.clgrad.backend.Backend;
import io.clgrad.backend.ElementType;
import io.clgrad.backend.StridedView;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Cases for the data-movement ops: {@link Backend#fill}, {@link Backend#arange},
 * {@link Backend#copy} of strided views (both element types) and {@link Backend#convert}.
 * All are exact except F32 arange, which rounds start + i·step once.
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
}
