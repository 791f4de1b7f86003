package io.clgrad.backend.conformance;

import io.clgrad.backend.Backend;
import io.clgrad.backend.Buffer;
import io.clgrad.backend.ElementType;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Cases for {@link Backend#argsort}, ascending and descending: every axis of the reduction
 * geometries up to rows of 1,000 ({@link ReduceCases.Geo}), many ties (stability), NaN, ±inf and
 * ±0, against the rank-counting reference {@link RefSort}; indices must match exactly.
 */
final class SortCases {
    private static final int LONGEST = 1000;

    private SortCases() {
    }

    static List<OpCase> argsort(CaseSize size) {
        Random r = new Random(504);
        List<OpCase> cases = new ArrayList<>();
        for (boolean descending : new boolean[] {false, true}) {
            for (ReduceCases.Geo g : ReduceCases.geometries()) {
                if (g.len() <= LONGEST && size.keeps(g.numel())) {
                    cases.add(argsortCase(g, Inputs.uniform(r, g.numel(), -1, 1), descending, ""));
                }
            }
            ReduceCases.Geo g = ReduceCases.geometries().get(1);
            cases.add(argsortCase(g, Inputs.smallInts(r, g.numel(), 0, 3), descending, " with ties"));
            float[] special = Inputs.smallInts(r, g.numel(), -2, 2);
            float[] edge = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -0f, 0f};
            for (int i = 0; i < special.length; i += 4) {
                special[i] = edge[(i / 4) % edge.length];
            }
            cases.add(argsortCase(g, special, descending, " with NaN, inf and -0"));
        }
        return cases;
    }

    static OpCase argsortCase(ReduceCases.Geo g, float[] x, boolean descending, String note) {
        RefLinalg.Result ref = RefSort.argsort(x, g.outer(), g.len(), g.inner(), descending);
        int n = g.numel();
        return OpCase.of("argsort " + (descending ? "descending " : "") + g.name() + note, b -> {
            try (Bufs m = new Bufs(b)) {
                Buffer out = m.out(ElementType.I32, n);
                b.argsort(m.f32(x), out, g.outer(), g.len(), g.inner(), descending);
                return List.of(m.readOut(out, n));
            }
        }, new OpCase.Out("indices", new int[] {g.outer(), g.len(), g.inner()}, ref.value(), ref.scale()));
    }
}
