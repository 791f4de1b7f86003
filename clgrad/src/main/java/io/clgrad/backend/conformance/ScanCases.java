package io.clgrad.backend.conformance;

import io.clgrad.backend.Backend;
import io.clgrad.backend.Buffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Cases for {@link Backend#cumsum}: every axis of the reduction geometries ({@link ReduceCases.Geo}:
 * outer, inner and whole-tensor axes, len 1, 100,000 long), large terms that cancel, and inf/NaN,
 * against the double reference {@link RefScan}.
 */
final class ScanCases {
    private ScanCases() {
    }

    static List<OpCase> cumsum(CaseSize size) {
        Random r = new Random(503);
        List<OpCase> cases = new ArrayList<>();
        for (ReduceCases.Geo g : ReduceCases.geometries()) {
            if (size.keeps(g.numel())) {
                cases.add(cumsumCase(g, Inputs.uniform(r, g.numel(), -1, 1), ""));
            }
        }
        ReduceCases.Geo g = ReduceCases.geometries().get(1);
        float[] big = Inputs.uniform(r, g.numel(), -1, 1);
        for (int i = 0; i < big.length; i += 3) {
            big[i] *= 1e6f;
        }
        cases.add(cumsumCase(g, big, " terms of 1e6 that cancel"));
        float[] special = Inputs.uniform(r, g.numel(), -1, 1);
        special[40] = Float.POSITIVE_INFINITY;
        special[77] = Float.NaN;
        special[123] = Float.NEGATIVE_INFINITY;
        cases.add(cumsumCase(g, special, " with inf and NaN"));
        return cases;
    }

    static OpCase cumsumCase(ReduceCases.Geo g, float[] x, String note) {
        RefLinalg.Result ref = RefScan.cumsum(x, g.outer(), g.len(), g.inner());
        int n = g.numel();
        return OpCase.of("cumsum " + g.name() + note, b -> {
            try (Bufs m = new Bufs(b)) {
                Buffer out = m.out(n);
                b.cumsum(m.f32(x), out, g.outer(), g.len(), g.inner());
                return List.of(m.readOut(out, n));
            }
        }, new OpCase.Out("out", new int[] {g.outer(), g.len(), g.inner()}, ref.value(), ref.scale()));
    }
}
