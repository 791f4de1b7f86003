package io.clgrad.backend.conformance;

import io.clgrad.backend.Backend;
import io.clgrad.backend.Buffer;
import io.clgrad.backend.ElementType;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Cases for {@link Backend#adamStep} (Adam, AdamW, amsgrad, L2 weight decay, a large eps that
 * exposes the eps placement) and {@link Backend#sgdStep} (momentum, dampening, nesterov, weight
 * decay). Each case runs three consecutive steps with fresh gradients on the same state buffers, and
 * also checks that the gradient buffer is left unchanged.
 */
final class OptimCases {
    static final int[] SIZES = {1, 7, 33, 1000};
    static final int STEPS = 3;

    private OptimCases() {
    }

    /** Adam hyper-parameters; {@code firstStep} is the step number of the first of the three calls. */
    record AdamConf(float lr, float beta1, float beta2, float eps, float wd, boolean decoupled, boolean amsgrad,
                    int firstStep) {
        @Override
        public String toString() {
            return (decoupled ? "AdamW" : "Adam") + " lr=" + lr + " betas=(" + beta1 + "," + beta2 + ") eps=" + eps
                    + " wd=" + wd + (amsgrad ? " amsgrad" : "") + " steps " + firstStep + ".." + (firstStep + STEPS - 1);
        }
    }

    static List<AdamConf> adamConfs() {
        return List.of(
                new AdamConf(1e-3f, 0.9f, 0.999f, 1e-8f, 0f, false, false, 1),
                new AdamConf(0.1f, 0.9f, 0.999f, 1e-8f, 0f, false, false, 1),
                new AdamConf(0.1f, 0.9f, 0.999f, 1e-8f, 0.01f, false, false, 1),
                new AdamConf(0.1f, 0.9f, 0.999f, 1e-8f, 0.01f, true, false, 1),
                new AdamConf(0.1f, 0.9f, 0.999f, 1e-8f, 0f, false, true, 1),
                new AdamConf(0.05f, 0.8f, 0.99f, 1e-6f, 0.1f, true, true, 10),
                new AdamConf(0.1f, 0.9f, 0.999f, 0.1f, 0f, false, false, 1),
                new AdamConf(0.01f, 0.9f, 0.999f, 1e-8f, 0.5f, false, true, 1000));
    }

    static List<OpCase> adam() {
        return CaseGrid.of(701, adamConfs(), CaseGrid.axis(SIZES), (r, c, n) -> {
            float[] p = Inputs.uniform(r, n, -1, 1);
            boolean fresh = c.firstStep() == 1;
            float[] m = fresh ? new float[n] : Inputs.uniform(r, n, -0.1, 0.1);
            float[] v = fresh ? new float[n] : Inputs.uniform(r, n, 0, 0.01);
            float[] vMax = !c.amsgrad() ? null : fresh ? new float[n] : Inputs.uniform(r, n, 0, 0.02);
            float[][] grads = grads(r, n, c.eps() >= 0.01f ? 0.01f : 1f); // small gradients make a large eps matter
            // binary and decimal readings of the float hyper-parameters (see RefOptim.reading)
            RefOptim.State st = new RefOptim.State(p, m, v, vMax);
            RefOptim.State dec = new RefOptim.State(p, m, v, vMax);
            for (int s = 0; s < STEPS; s++) {
                RefOptim.adam(st, grads[s], c.lr(), c.beta1(), c.beta2(), c.eps(), c.wd(), c.decoupled(),
                        c.firstStep() + s, false);
                RefOptim.adam(dec, grads[s], c.lr(), c.beta1(), c.beta2(), c.eps(), c.wd(), c.decoupled(),
                        c.firstStep() + s, true);
            }
            List<OpCase.Out> outs = new ArrayList<>();
            int[] shape = {n};
            outs.add(new OpCase.Out("param", shape, st.p, st.pScale, dec.p));
            outs.add(new OpCase.Out("m", shape, st.m, st.mScale, dec.m));
            outs.add(new OpCase.Out("v", shape, st.v, st.vScale, dec.v));
            outs.add(OpCase.Out.exact("grad (must be unchanged)", shape, Inputs.d(grads[STEPS - 1])));
            if (vMax != null) {
                outs.add(new OpCase.Out("vMax", shape, st.vMax, st.vMaxScale, dec.vMax));
            }
            return new OpCase(c + " n=" + n, b -> {
                try (Bufs mem = new Bufs(b)) {
                    Buffer bp = mem.f32(p);
                    Buffer bm = mem.f32(m);
                    Buffer bv = mem.f32(v);
                    Buffer bvMax = vMax == null ? null : mem.f32(vMax);
                    Buffer bg = steps(mem, grads, (g, s) -> b.adamStep(bp, g, bm, bv, bvMax, n, c.lr(), c.beta1(),
                            c.beta2(), c.eps(), c.wd(), c.decoupled(), c.firstStep() + s));
                    List<double[]> got = new ArrayList<>(List.of(mem.read(bp, n), mem.read(bm, n), mem.read(bv, n),
                            mem.read(bg, n)));
                    if (bvMax != null) {
                        got.add(mem.read(bvMax, n));
                    }
                    return got;
                }
            }, outs);
        });
    }

    /** {@link #STEPS} gradients of n elements in [-1, 1), each times {@code scale}. */
    private static float[][] grads(Random r, int n, float scale) {
        float[][] grads = new float[STEPS][];
        for (int s = 0; s < STEPS; s++) {
            grads[s] = Inputs.uniform(r, n, -1, 1);
            for (int i = 0; i < n; i++) {
                grads[s][i] *= scale;
            }
        }
        return grads;
    }

    /** One optimizer step on the gradient buffer {@code g}, step number {@code s} of the case's three. */
    private interface Step {
        void run(Buffer g, int s);
    }

    /** Writes each step's gradient into one buffer and runs that step; returns the gradient buffer. */
    private static Buffer steps(Bufs mem, float[][] grads, Step step) {
        int n = grads[0].length;
        Buffer g = mem.alloc(ElementType.F32, n);
        for (int s = 0; s < STEPS; s++) {
            mem.backend().write(g, 0, grads[s], 0, n);
            step.run(g, s);
        }
        return g;
    }

    /** SGD hyper-parameters. */
    record SgdConf(float lr, float momentum, float dampening, boolean nesterov, float wd) {
        @Override
        public String toString() {
            return "SGD lr=" + lr + " momentum=" + momentum + " dampening=" + dampening
                    + (nesterov ? " nesterov" : "") + " wd=" + wd + " " + STEPS + " steps";
        }
    }

    static List<SgdConf> sgdConfs() {
        return List.of(
                new SgdConf(0.1f, 0f, 0f, false, 0f),
                new SgdConf(0.1f, 0f, 0f, false, 0.01f),
                new SgdConf(0.1f, 0.9f, 0f, false, 0f),
                new SgdConf(0.1f, 0.9f, 0.5f, false, 0f),
                new SgdConf(0.1f, 0.9f, 0f, true, 0f),
                new SgdConf(0.05f, 0.8f, 0.3f, true, 0.1f),
                new SgdConf(0.5f, 0.9f, 0.1f, false, 0.01f));
    }

    static List<OpCase> sgd() {
        return CaseGrid.of(702, sgdConfs(), CaseGrid.axis(SIZES), (r, c, n) -> {
            float[] p = Inputs.uniform(r, n, -1, 1);
            boolean hasBuf = c.momentum() != 0;
            // the buffer's old contents must be ignored on the first step
            float[] buf = hasBuf ? Inputs.uniform(r, n, -5, 5) : null;
            float[][] grads = grads(r, n, 1f);
            RefOptim.State st = new RefOptim.State(p, buf, null, null);
            for (int s = 0; s < STEPS; s++) {
                RefOptim.sgd(st, grads[s], c.lr(), c.momentum(), c.dampening(), c.nesterov(), c.wd(), s == 0);
            }
            int[] shape = {n};
            List<OpCase.Out> outs = new ArrayList<>();
            outs.add(new OpCase.Out("param", shape, st.p, st.pScale));
            outs.add(OpCase.Out.exact("grad (must be unchanged)", shape, Inputs.d(grads[STEPS - 1])));
            if (hasBuf) {
                outs.add(new OpCase.Out("momentumBuffer", shape, st.m, st.mScale));
            }
            return new OpCase(c + " n=" + n, b -> {
                try (Bufs mem = new Bufs(b)) {
                    Buffer bp = mem.f32(p);
                    Buffer bb = hasBuf ? mem.f32(buf) : null;
                    Buffer bg = steps(mem, grads, (g, s) -> b.sgdStep(bp, g, bb, n, c.lr(), c.momentum(), c.dampening(),
                            c.nesterov(), c.wd(), s == 0));
                    List<double[]> got = new ArrayList<>(List.of(mem.read(bp, n), mem.read(bg, n)));
                    if (bb != null) {
                        got.add(mem.read(bb, n));
                    }
                    return got;
                }
            }, outs);
        });
    }
}
