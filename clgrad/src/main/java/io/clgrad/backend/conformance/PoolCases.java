package io.clgrad.backend.conformance;

import io.clgrad.backend.Backend;
import io.clgrad.backend.Buffer;
import io.clgrad.backend.ElementType;
import io.clgrad.backend.PoolSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Cases for {@link Backend#maxPool2d}, {@link Backend#avgPool2d} and their gradients against
 * {@link RefPool}: odd plane sizes, non-square kernels, stride below, equal to and above the
 * kernel, padding, dilation (max), ceil mode (including a last window that the start-inside rule
 * drops, and windows that overhang the padded input), a global window, many small planes, ties
 * (the first index wins), NaN (propagates), -inf, max pooling without indices, count_include_pad
 * both ways and a divisor override (positive and negative, as PyTorch allows).
 */
final class PoolCases {
    private PoolCases() {
    }

    /** A pooling geometry and its description (dilation 1 unless given; avg uses only those). */
    record Geo(String name, int planes, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw,
               boolean ceil) {
        PoolSpec max() {
            return PoolSpec.max(planes, h, w, kh, kw, sh, sw, ph, pw, dh, dw, ceil);
        }

        PoolSpec avg(boolean countIncludePad, int divisorOverride) {
            return PoolSpec.avg(planes, h, w, kh, kw, sh, sw, ph, pw, ceil, countIncludePad, divisorOverride);
        }

        boolean dilated() {
            return dh != 1 || dw != 1;
        }

        int numel() {
            return planes * h * w;
        }
    }

    static List<Geo> geometries() {
        return List.of(
                new Geo("6x[7,9] k2 s2 (floor drops a row and a column)", 6, 7, 9, 2, 2, 2, 2, 0, 0, 1, 1, false),
                new Geo("5x[11,13] k3 s2 p1 (overlapping)", 5, 11, 13, 3, 3, 2, 2, 1, 1, 1, 1, false),
                new Geo("3x[10,8] k(3,2) s(1,2) p(1,1)", 3, 10, 8, 3, 2, 1, 2, 1, 1, 1, 1, false),
                new Geo("4x[13,12] k3 s2 p1 d2 (dilated)", 4, 13, 12, 3, 3, 2, 2, 1, 1, 2, 2, false),
                new Geo("3x[9,11] k(2,3) s1 p(1,0) d(3,2) (dilated, overlapping)", 3, 9, 11, 2, 3, 1, 1, 1, 0, 3, 2,
                        false),
                new Geo("3x[6,6] k3 s2 p1 ceil (extra window)", 3, 6, 6, 3, 3, 2, 2, 1, 1, 1, 1, true),
                new Geo("2x[5,5] k2 s2 p1 ceil (last window dropped: it would start in the right padding)", 2, 5, 5,
                        2, 2, 2, 2, 1, 1, 1, 1, true),
                new Geo("3x[8,7] k3 s2 ceil (windows overhang the input)", 3, 8, 7, 3, 3, 2, 2, 0, 0, 1, 1, true),
                new Geo("2x[5,5] k6 s2 ceil (one window larger than the input)", 2, 5, 5, 6, 6, 2, 2, 0, 0, 1, 1, true),
                new Geo("3x[7,7] k3 s2 p1 d2 ceil (dilated)", 3, 7, 7, 3, 3, 2, 2, 1, 1, 2, 2, true),
                new Geo("4x[9,10] k2 s3 (stride above the kernel)", 4, 9, 10, 2, 2, 3, 3, 0, 0, 1, 1, false),
                new Geo("7x[5,5] k5 (global)", 7, 5, 5, 5, 5, 5, 5, 0, 0, 1, 1, false),
                new Geo("1x[1,1] k1", 1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1, false),
                new Geo("1000x[4,4] k2 s2 (many planes)", 1000, 4, 4, 2, 2, 2, 2, 0, 0, 1, 1, false),
                new Geo("64x[28,28] k2 s2 (CNN layer)", 64, 28, 28, 2, 2, 2, 2, 0, 0, 1, 1, false),
                new Geo("8x[33,31] k3 s1 p1", 8, 33, 31, 3, 3, 1, 1, 1, 1, 1, 1, false));
    }

    private static List<Geo> kept(CaseSize size, boolean avg) {
        return geometries().stream().filter(g -> size.keeps(g.numel()) && !(avg && g.dilated())).toList();
    }

    static List<OpCase> maxPool2d(CaseSize size) {
        Random r = new Random(1101);
        List<OpCase> cases = new ArrayList<>();
        for (Geo g : kept(size, false)) {
            cases.add(maxCase(g, Inputs.uniform(r, g.numel(), -2, 2), "", true));
        }
        Geo overlap = geometries().get(1);
        cases.add(maxCase(overlap, Inputs.smallInts(r, overlap.numel(), 0, 2), " with ties", true));
        Geo dilated = geometries().get(3);
        cases.add(maxCase(dilated, Inputs.smallInts(r, dilated.numel(), -1, 1), " with ties", true));
        float[] nan = Inputs.uniform(r, overlap.numel(), -2, 2);
        for (int i = 0; i < nan.length; i += 7) {
            nan[i] = Float.NaN;
        }
        cases.add(maxCase(overlap, nan, " with NaN", true));
        float[] inf = Inputs.uniform(r, overlap.numel(), -2, 2);
        Arrays.fill(inf, 0, overlap.h() * overlap.w(), Float.NEGATIVE_INFINITY);   // the first plane all -inf
        inf[overlap.h() * overlap.w() + 3] = Float.POSITIVE_INFINITY;
        cases.add(maxCase(overlap, inf, " with infinities", true));
        cases.add(maxCase(geometries().get(5), Inputs.uniform(r, geometries().get(5).numel(), -2, 2),
                " without indices", false));
        return cases;
    }

    private static OpCase maxCase(Geo g, float[] x, String note, boolean withIndices) {
        PoolSpec s = g.max();
        RefPool.Result[] ref = RefPool.max(s, x);
        int n = ref[0].value().length;
        int[] shape = {g.planes(), RefPool.outH(s), RefPool.outW(s)};
        OpCase.Out value = new OpCase.Out("out", shape, ref[0].value(), ref[0].scale());
        OpCase.Out index = new OpCase.Out("indices", shape, ref[1].value(), ref[1].scale());
        return new OpCase("maxPool2d " + g.name() + note, b -> {
            try (Bufs m = new Bufs(b)) {
                Buffer out = m.out(n);
                Buffer idx = withIndices ? m.out(ElementType.I32, n) : null;
                b.maxPool2d(s, m.f32(x), out, idx);
                return withIndices ? List.of(m.readOut(out, n), m.readOut(idx, n)) : List.of(m.readOut(out, n));
            }
        }, withIndices ? List.of(value, index) : List.of(value));
    }

    static List<OpCase> maxPool2dBackward(CaseSize size) {
        Random r = new Random(1102);
        List<OpCase> cases = new ArrayList<>();
        for (Geo g : kept(size, false)) {
            // small integers: tied windows, so the indices of overlapping windows often coincide
            float[] x = Inputs.smallInts(r, g.numel(), 0, 4);
            cases.add(maxBackwardCase(g, x, r, ""));
        }
        Geo overlap = geometries().get(1);
        cases.add(maxBackwardCase(overlap, Inputs.uniform(r, overlap.numel(), -2, 2), r, " without ties"));
        return cases;
    }

    private static OpCase maxBackwardCase(Geo g, float[] x, Random r, String note) {
        PoolSpec s = g.max();
        int[] idx = RefPool.indices(s, x);
        float[] gout = Inputs.uniform(r, idx.length, -1, 1);
        RefPool.Result ref = RefPool.maxBackward(s, gout, idx);
        int n = g.numel();
        return OpCase.into("maxPool2dBackward " + g.name() + note, ElementType.F32, n,
                (b, m, out) -> b.maxPool2dBackward(s, m.f32(gout), m.i32(idx), out),
                new OpCase.Out("gradIn", new int[] {g.planes(), g.h(), g.w()}, ref.value(), ref.scale()));
    }

    /** count_include_pad both ways on every geometry, and divisor overrides of 3 and -2 on two. */
    private record AvgVariant(boolean countIncludePad, int divisorOverride) {
        String note() {
            return (countIncludePad ? "" : " count_include_pad=False")
                    + (divisorOverride != 0 ? " divisor_override=" + divisorOverride : "");
        }
    }

    private static List<AvgVariant> variants(int geoIndex) {
        List<AvgVariant> v = new ArrayList<>(List.of(new AvgVariant(true, 0), new AvgVariant(false, 0)));
        if (geoIndex % 3 == 1) {
            v.add(new AvgVariant(true, 3));
            v.add(new AvgVariant(false, -2));
        }
        return v;
    }

    /** One average pooling case from its spec and a source of random numbers. */
    private interface AvgCase {
        OpCase make(Geo g, PoolSpec s, String name, Random r);
    }

    /** A case per geometry without dilation and per {@link AvgVariant} of it. */
    private static List<OpCase> avgCases(CaseSize size, long seed, String op, AvgCase make) {
        Random r = new Random(seed);
        List<OpCase> cases = new ArrayList<>();
        List<Geo> geos = kept(size, true);
        for (int i = 0; i < geos.size(); i++) {
            Geo g = geos.get(i);
            for (AvgVariant v : variants(i)) {
                cases.add(make.make(g, g.avg(v.countIncludePad(), v.divisorOverride()), op + " " + g.name() + v.note(), r));
            }
        }
        return cases;
    }

    static List<OpCase> avgPool2d(CaseSize size) {
        return avgCases(size, 1103, "avgPool2d", (g, s, name, r) -> {
            float[] x = Inputs.uniform(r, g.numel(), -2, 2);
            RefPool.Result ref = RefPool.avg(s, x);
            int n = ref.value().length;
            return OpCase.into(name, ElementType.F32, n, (b, m, out) -> b.avgPool2d(s, m.f32(x), out),
                    new OpCase.Out("out", new int[] {g.planes(), RefPool.outH(s), RefPool.outW(s)}, ref.value(),
                            ref.scale()));
        });
    }

    static List<OpCase> avgPool2dBackward(CaseSize size) {
        return avgCases(size, 1104, "avgPool2dBackward", (g, s, name, r) -> {
            float[] gout = Inputs.uniform(r, g.planes() * RefPool.outH(s) * RefPool.outW(s), -1, 1);
            RefPool.Result ref = RefPool.avgBackward(s, gout);
            return OpCase.into(name, ElementType.F32, g.numel(), (b, m, out) -> b.avgPool2dBackward(s, m.f32(gout), out),
                    new OpCase.Out("gradIn", new int[] {g.planes(), g.h(), g.w()}, ref.value(), ref.scale()));
        });
    }
}
