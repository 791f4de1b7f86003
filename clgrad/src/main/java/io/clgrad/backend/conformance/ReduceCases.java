package io.clgrad.backend.conformance;

import io.clgrad.backend.Backend;
import io.clgrad.backend.Buffer;
import io.clgrad.backend.ElementType;
import io.clgrad.backend.ReduceOp;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Cases for {@link Backend#reduce} and {@link Backend#softmax}: a [7,33,5] tensor reduced along
 * each of its axes (as [outer, len, inner]), all-reductions of 1000 and 100,000 elements, length-1
 * axes, ties for ARGMAX/ARGMIN, NaN for MAX/MIN, and large logits for softmax stability.
 */
final class ReduceCases {
    private ReduceCases() {
    }

    /** A geometry [outer, len, inner] and its description. */
    record Geo(String name, int outer, int len, int inner) {
        int numel() {
            return outer * len * inner;
        }
    }

    static List<Geo> geometries() {
        return List.of(
                new Geo("[7,33,5] axis 0", 1, 7, 165),
                new Geo("[7,33,5] axis 1", 7, 33, 5),
                new Geo("[7,33,5] axis 2", 231, 5, 1),
                new Geo("[1000] all", 1, 1000, 1),
                new Geo("[100000] all", 1, 100_000, 1),
                new Geo("[3,1000,2] axis 1", 3, 1000, 2),
                new Geo("[5,1,3] axis 1 (len 1)", 5, 1, 3),
                new Geo("[1] all", 1, 1, 1),
                new Geo("[1,33] axis 0 (len 1, inner 33)", 1, 1, 33));
    }

    static List<OpCase> reduce(CaseSize size) {
        Random r = new Random(501);
        List<OpCase> cases = new ArrayList<>();
        for (ReduceOp op : ReduceOp.values()) {
            for (Geo g : geometries()) {
                if (!size.keeps(g.numel())) {
                    continue;
                }
                cases.add(reduceCase(op, g, Inputs.uniform(r, g.numel(), -1, 1), ""));
            }
            Geo g = geometries().get(1);
            if (op.kind() != ReduceOp.Kind.TOTAL) {
                // ties: the first index among equal maxima / minima
                cases.add(reduceCase(op, g, Inputs.smallInts(r, g.numel(), 0, 3), " with ties"));
            }
            if (op.kind() != ReduceOp.Kind.TOTAL) {   // NaN is the extreme: max/min give it, argmax/argmin its first index
                float[] x = Inputs.uniform(r, g.numel(), -1, 1);
                for (int i = 0; i < x.length; i += 17) {
                    x[i] = Float.NaN;
                }
                cases.add(reduceCase(op, g, x, " with NaN"));
            }
        }
        return cases;
    }

    static OpCase reduceCase(ReduceOp op, Geo g, float[] x, String note) {
        RefLinalg.Result ref = RefLinalg.reduce(op, x, g.outer(), g.len(), g.inner());
        int n = g.outer() * g.inner();
        ElementType type = op.producesIndices() ? ElementType.I32 : ElementType.F32;
        return OpCase.of("reduce " + op + " " + g.name() + note, b -> {
            try (Bufs m = new Bufs(b)) {
                Buffer out = m.out(type, n);
                b.reduce(op, m.f32(x), out, g.outer(), g.len(), g.inner());
                return List.of(m.readOut(out, n));
            }
        }, new OpCase.Out("out", new int[] {g.outer(), g.inner()}, ref.value(), ref.scale()));
    }

    static List<OpCase> softmax(CaseSize size) {
        Random r = new Random(502);
        List<OpCase> cases = new ArrayList<>();
        for (boolean log : new boolean[] {false, true}) {
            for (Geo g : geometries()) {
                if (g.len() == 100_000) {
                    g = new Geo("[10000] all", 1, 10_000, 1);
                }
                if (!size.keeps(g.numel())) {
                    continue;
                }
                cases.add(softmaxCase(g, Inputs.uniform(r, g.numel(), -5, 5), log, ""));
            }
            Geo g = geometries().get(1);
            cases.add(softmaxCase(g, Inputs.uniform(r, g.numel(), -1000, 1000), log, " logits in [-1000,1000]"));
            cases.add(softmaxCase(g, Inputs.uniform(r, g.numel(), 90, 100), log, " logits in [90,100] (exp overflows)"));
            float[] same = new float[g.numel()];
            java.util.Arrays.fill(same, 50f);
            cases.add(softmaxCase(g, same, log, " all equal"));
        }
        return cases;
    }

    static OpCase softmaxCase(Geo g, float[] x, boolean log, String note) {
        RefLinalg.Result ref = RefLinalg.softmax(x, g.outer(), g.len(), g.inner(), log);
        int n = g.numel();
        return OpCase.of((log ? "logSoftmax " : "softmax ") + g.name() + note, b -> {
            try (Bufs m = new Bufs(b)) {
                Buffer out = m.out(n);
                b.softmax(m.f32(x), out, g.outer(), g.len(), g.inner(), log);
                return List.of(m.readOut(out, n));
            }
        }, new OpCase.Out("out", new int[] {g.outer(), g.len(), g.inner()}, ref.value(), ref.scale()));
    }
}
