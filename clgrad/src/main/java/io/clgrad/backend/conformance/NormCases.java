package io.clgrad.backend.conformance;

import io.clgrad.backend.Backend;
import io.clgrad.backend.Buffer;
import io.clgrad.backend.ElementType;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Cases for batch normalisation ({@link Backend#batchNormStats}, {@link Backend#batchNormForward},
 * {@link Backend#batchNormBackwardReduce}, {@link Backend#batchNormBackward}) against {@link RefNorm}:
 * tensors [n, C, inner] with inner 1 ([N, C]), short and long rows (both walks of the OpenCL sums),
 * a single sample, a single channel, 300 short rows, a 100,352-element [128, 8, 98] (full size only),
 * inputs around 100 (a large common offset, which a one-pass E[x²] - E[x]² would lose) and a
 * constant channel (variance 0); with and without weight, bias and running statistics, in
 * training and evaluation.
 */
final class NormCases {
    private NormCases() {
    }

    private static final double EPS = 1e-5;
    private static final double MOMENTUM = 0.1;

    /** A geometry and how its input is drawn. */
    private record Shape(RefNorm.Geo geo, String note, double offset, int constantChannel) {
        static Shape of(int n, int channels, int inner) {
            return new Shape(new RefNorm.Geo(n, channels, inner), "", 0, -1);
        }

        float[] input(Random r) {
            RefNorm.Geo g = geo;
            float[] x = Inputs.uniform(r, g.numel(), offset - 2, offset + 2);
            if (constantChannel >= 0) {
                for (int i = 0; i < g.n(); i++) {
                    for (int l = 0; l < g.inner(); l++) {
                        x[g.at(i, constantChannel, l)] = 2.5f;
                    }
                }
            }
            return x;
        }

        @Override
        public String toString() {
            return geo + note;
        }
    }

    private static List<Shape> shapes(CaseSize size) {
        List<Shape> all = List.of(
                Shape.of(4, 3, 1),
                Shape.of(7, 5, 33),
                Shape.of(2, 3, 1000),
                Shape.of(33, 1, 16),
                Shape.of(1, 2, 17),
                Shape.of(300, 7, 1),
                Shape.of(3, 4, 15),
                new Shape(new RefNorm.Geo(5, 4, 9), " around 100", 100, -1),
                new Shape(new RefNorm.Geo(6, 3, 40), " channel 1 constant", 0, 1),
                Shape.of(128, 8, 98));
        List<Shape> kept = new ArrayList<>();
        for (Shape s : all) {
            if (size.keeps(s.geo().numel())) {
                kept.add(s);
            }
        }
        return kept;
    }

    /** The inputs of a backward case: x, the output gradient, and x's batch statistics as float32. */
    private record Backward(float[] x, float[] grad, float[] mean, float[] var) {
        static Backward draw(Random r, Shape s) {
            RefNorm.Geo g = s.geo();
            float[] x = s.input(r);
            float[] grad = Inputs.uniform(r, g.numel(), -1, 1);
            RefNorm.Stats st = RefNorm.stats(g, x, null, null, 0);
            return new Backward(x, grad, Inputs.f(st.mean().value()), Inputs.f(st.var().value()));
        }
    }

    /** Statistics with and without the running update (variant 1 updates running statistics). */
    static List<OpCase> stats(CaseSize size) {
        return CaseGrid.of(701, shapes(size), CaseGrid.variants(2), (r, s, v) -> {
            RefNorm.Geo g = s.geo();
            int cs = g.channels();
            float[] x = s.input(r);
            boolean running = v == 1 && g.perChannel() > 1;
            float[] rm = running ? Inputs.uniform(r, cs, -1, 1) : null;
            float[] rv = running ? Inputs.uniform(r, cs, 0.5, 2) : null;
            RefNorm.Stats ref = RefNorm.stats(g, x, rm, rv, MOMENTUM);
            int[] shape = {cs};
            List<OpCase.Out> outs = new ArrayList<>(List.of(
                    new OpCase.Out("mean", shape, ref.mean().value(), ref.mean().scale()),
                    new OpCase.Out("var", shape, ref.var().value(), ref.var().scale())));
            if (running) {
                outs.add(new OpCase.Out("running_mean", shape, ref.runningMean().value(), ref.runningMean().scale()));
                outs.add(new OpCase.Out("running_var", shape, ref.runningVar().value(), ref.runningVar().scale()));
            }
            return new OpCase("batchNormStats " + s + (running ? " running" : ""), b -> {
                try (Bufs m = new Bufs(b)) {
                    Buffer mean = m.out(cs);
                    Buffer var = m.out(cs);
                    Buffer rmb = running ? m.f32(rm) : null;
                    Buffer rvb = running ? m.f32(rv) : null;
                    b.batchNormStats(m.f32(x), mean, var, rmb, rvb, MOMENTUM, g.n(), cs, g.inner());
                    List<double[]> got = new ArrayList<>(List.of(m.readOut(mean, cs), m.readOut(var, cs)));
                    if (running) {
                        got.add(m.read(rmb, cs));
                        got.add(m.read(rvb, cs));
                    }
                    return got;
                }
            }, outs);
        });
    }

    /** Normalise + affine with any statistics; variant bits: 1 weight, 2 bias. */
    static List<OpCase> forward(CaseSize size) {
        return CaseGrid.of(702, shapes(size), CaseGrid.variants(4), (r, s, v) -> {
            RefNorm.Geo g = s.geo();
            int cs = g.channels();
            float[] x = s.input(r);
            float[] mean = Inputs.uniform(r, cs, s.offset() - 1, s.offset() + 1);
            float[] var = Inputs.uniform(r, cs, 0.05, 3);
            if (s.constantChannel() >= 0) {
                mean[s.constantChannel()] = 2.5f;
                var[s.constantChannel()] = 0f;
            }
            float[] w = (v & 1) != 0 ? Inputs.uniform(r, cs, -2, 2) : null;
            float[] bias = (v & 2) != 0 ? Inputs.uniform(r, cs, -2, 2) : null;
            RefNorm.Result ref = RefNorm.forward(g, x, mean, var, w, bias, EPS);
            String name = "batchNormForward " + s + (w != null ? " weight" : "") + (bias != null ? " bias" : "");
            return OpCase.into(name, ElementType.F32, g.numel(),
                    (b, m, out) -> b.batchNormForward(m.f32(x), m.f32(mean), m.f32(var), w == null ? null : m.f32(w),
                            bias == null ? null : m.f32(bias), EPS, out, g.n(), cs, g.inner()),
                    new OpCase.Out("out", new int[] {g.n(), cs, g.inner()}, ref.value(), ref.scale()));
        });
    }

    /** The weight and bias gradient sums, with the batch statistics of the input. */
    static List<OpCase> backwardReduce(CaseSize size) {
        return CaseGrid.of(703, shapes(size), CaseGrid.variants(1), (r, s, v) -> {
            RefNorm.Geo g = s.geo();
            int cs = g.channels();
            Backward in = Backward.draw(r, s);
            RefNorm.Result[] ref = RefNorm.backwardReduce(g, in.grad(), in.x(), in.mean(), in.var(), EPS);
            int[] shape = {cs};
            return new OpCase("batchNormBackwardReduce " + s, b -> {
                try (Bufs m = new Bufs(b)) {
                    Buffer gw = m.out(cs);
                    Buffer gb = m.out(cs);
                    b.batchNormBackwardReduce(m.f32(in.grad()), m.f32(in.x()), m.f32(in.mean()), m.f32(in.var()), EPS,
                            gw, gb,
                            g.n(), cs, g.inner());
                    return List.of(m.readOut(gw, cs), m.readOut(gb, cs));
                }
            }, List.of(new OpCase.Out("gradWeight", shape, ref[0].value(), ref[0].scale()),
                    new OpCase.Out("gradBias", shape, ref[1].value(), ref[1].scale())));
        });
    }

    /** The input gradient; variant bits: 1 weight, 2 training (the sums given). */
    static List<OpCase> backward(CaseSize size) {
        return CaseGrid.of(704, shapes(size), CaseGrid.variants(4), (r, s, v) -> {
            RefNorm.Geo g = s.geo();
            Backward in = Backward.draw(r, s);
            float[] w = (v & 1) != 0 ? Inputs.uniform(r, g.channels(), -2, 2) : null;
            boolean training = (v & 2) != 0;
            RefNorm.Result[] sums = RefNorm.backwardReduce(g, in.grad(), in.x(), in.mean(), in.var(), EPS);
            float[] gw = training ? Inputs.f(sums[0].value()) : null;
            float[] gb = training ? Inputs.f(sums[1].value()) : null;
            RefNorm.Result ref = RefNorm.backward(g, in.grad(), in.x(), in.mean(), in.var(), w, gw, gb, EPS);
            String name = "batchNormBackward " + s + (w != null ? " weight" : "") + (training ? " training" : " eval");
            return OpCase.into(name, ElementType.F32, g.numel(),
                    (b, m, out) -> b.batchNormBackward(m.f32(in.grad()), m.f32(in.x()), m.f32(in.mean()),
                            m.f32(in.var()), w == null ? null : m.f32(w), gw == null ? null : m.f32(gw),
                            gb == null ? null : m.f32(gb), EPS, out, g.n(), g.channels(), g.inner()),
                    new OpCase.Out("gradInput", new int[] {g.n(), g.channels(), g.inner()}, ref.value(), ref.scale()));
        });
    }
}
