package io.clgrad.backend.conformance;

import io.clgrad.backend.Buffer;
import io.clgrad.backend.ElementType;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Cases for the fused losses: BCE-with-logits forward/backward with and without weight and
 * posWeight (including logits of ±100, which must give finite values), and softmax
 * cross-entropy forward/backward with label smoothing, ignored rows and invalid targets.
 */
final class LossCases {
    static final int[] SIZES = {1, 7, 33, 1000};
    private static final float[] EDGE_LOGITS = {100f, -100f, 20f, -20f, 0f, 1e-3f, -1e-3f, 50f};

    private LossCases() {
    }

    private static float[] logits(Random r, int n) {
        return Inputs.withEdges(Inputs.uniform(r, n, -10, 10), EDGE_LOGITS);
    }

    private static float[] targets(Random r, int n) {
        float[] y = Inputs.uniform(r, n, 0, 1);
        for (int i = 0; i < n; i += 3) {
            y[i] = (i / 3) % 2; // exact 0/1 labels on every third element
        }
        return y;
    }

    /** The inputs of a BCE case: logits, targets, and a weight and pos_weight where variant bits 1 and 2 ask for them. */
    private record BceInputs(float[] x, float[] y, float[] w, float[] pw) {
        static BceInputs draw(Random r, int n, int variant) {
            float[] x = logits(r, n);
            float[] y = targets(r, n);
            float[] w = (variant & 1) != 0 ? Inputs.uniform(r, n, 0, 2) : null;
            float[] pw = (variant & 2) != 0 ? Inputs.uniform(r, n, 0.5, 3) : null;
            return new BceInputs(x, y, w, pw);
        }

        /** " weight", " posWeight", both or neither, for the case name. */
        String variant() {
            return (w != null ? " weight" : "") + (pw != null ? " posWeight" : "");
        }

        /** Runs the op on the inputs uploaded to {@code m}: x, y, w and pw (null where absent). */
        void upload(Bufs m, Op op) {
            op.run(m.f32(x), m.f32(y), w == null ? null : m.f32(w), pw == null ? null : m.f32(pw));
        }

        /** A BCE op on uploaded inputs. */
        interface Op {
            void run(Buffer x, Buffer y, Buffer w, Buffer pw);
        }
    }

    static List<OpCase> bce() {
        return CaseGrid.of(601, CaseGrid.axis(SIZES), CaseGrid.variants(4), (r, n, v) -> {
            BceInputs in = BceInputs.draw(r, n, v);
            RefLoss.Result ref = RefLoss.bce(in.x(), in.y(), in.w(), in.pw());
            return OpCase.into("bceWithLogits n=" + n + in.variant(), ElementType.F32, n,
                    (b, m, out) -> in.upload(m, (x, y, w, pw) -> b.bceWithLogits(x, y, w, pw, out, n)),
                    new OpCase.Out("loss", new int[] {n}, ref.value(), ref.scale()));
        });
    }

    /** The fused reduced loss and gradient: mean and sum, with and without weights and gradient. */
    static List<OpCase> bceFused() {
        return CaseGrid.of(603, CaseGrid.axis(1, 7, 33, 1000, 4099), CaseGrid.variants(8), (r, n, v) -> {
            BceInputs in = BceInputs.draw(r, n, v);
            boolean mean = (v & 4) != 0;
            float scale = mean ? 1f / n : 1f;
            double[] terms = RefLoss.bce(in.x(), in.y(), in.w(), in.pw()).value();
            double sum = 0;
            double maxTerm = 0;
            for (double t : terms) {
                sum += t;
                maxTerm = Math.max(maxTerm, Math.abs(t));
            }
            double[] loss = {sum * scale};
            double[] lossScale = {Tolerance.accum(sum, n, maxTerm) * scale};
            RefLoss.Result grad = RefLoss.bceBackward(in.x(), in.y(), in.w(), in.pw(), new float[] {1f}, 0, scale, n);
            boolean withGrad = n != 33;  // one size runs the loss-only variant
            String name = "bceWithLogitsFused n=" + n + in.variant() + (mean ? " mean" : " sum")
                    + (withGrad ? "" : " no grad");
            List<OpCase.Out> outs = withGrad
                    ? List.of(new OpCase.Out("loss", new int[] {1}, loss, lossScale),
                        new OpCase.Out("grad", new int[] {n}, grad.value(), grad.scale()))
                    : List.of(new OpCase.Out("loss", new int[] {1}, loss, lossScale));
            return new OpCase(name, b -> {
                try (Bufs m = new Bufs(b)) {
                    Buffer l = m.out(1);
                    Buffer g = withGrad ? m.out(n) : null;
                    in.upload(m, (x, y, w, pw) -> b.bceWithLogitsFused(x, y, w, pw, l, g, n, scale));
                    return withGrad ? List.of(m.readOut(l, 1), m.readOut(g, n)) : List.of(m.readOut(l, 1));
                }
            }, outs);
        });
    }

    static List<OpCase> bceBackward() {
        return CaseGrid.of(602, CaseGrid.axis(SIZES), CaseGrid.variants(8), (r, n, v) -> {
            BceInputs in = BceInputs.draw(r, n, v);
            boolean scalarG = (v & 4) != 0;
            float[] g = scalarG ? new float[] {0.75f} : Inputs.uniform(r, n, -2, 2);
            int gStride = scalarG ? 0 : 1;
            float scale = scalarG ? 1f / n : 1f;
            RefLoss.Result ref = RefLoss.bceBackward(in.x(), in.y(), in.w(), in.pw(), g, gStride, scale, n);
            return OpCase.into("bceWithLogitsBackward n=" + n + in.variant() + " gStride=" + gStride + " scale=" + scale,
                    ElementType.F32, n,
                    (b, m, out) -> in.upload(m, (x, y, w, pw) -> b.bceWithLogitsBackward(x, y, w, pw, m.f32(g), gStride,
                            scale, out, n)),
                    new OpCase.Out("grad", new int[] {n}, ref.value(), ref.scale()));
        });
    }

    /** Logits [rows, classes] in [-5, 5]; row 1 (when present) has logits of ±100. */
    private static float[] ceLogits(Random r, int rows, int classes) {
        float[] x = Inputs.uniform(r, rows * classes, -5, 5);
        if (rows > 1) {
            for (int c = 0; c < classes; c++) {
                x[classes + c] = c % 2 == 0 ? 100f : -100f;
            }
        }
        return x;
    }

    /** Targets in [0, C), every fifth row set to ignoreIndex. */
    private static int[] ceTargets(Random r, int rows, int classes, int ignoreIndex) {
        int[] t = Inputs.ints(r, rows, 0, classes);
        for (int i = 2; i < rows; i += 5) {
            t[i] = ignoreIndex;
        }
        return t;
    }

    /** (rows, classes, ignoreIndex, labelSmoothing) combinations. */
    private record Ce(int rows, int classes, int ignoreIndex, float ls) {
        @Override
        public String toString() {
            return "rows=" + rows + " classes=" + classes + " ignoreIndex=" + ignoreIndex + " labelSmoothing=" + ls;
        }
    }

    private static List<Ce> ceGeometries() {
        List<Ce> list = new ArrayList<>();
        for (int rows : new int[] {1, 7, 33}) {
            for (int classes : new int[] {1, 7, 33, 1000}) {
                for (float ls : new float[] {0f, 0.1f}) {
                    list.add(new Ce(rows, classes, -100, ls));
                }
            }
        }
        list.add(new Ce(33, 7, 2, 0.1f)); // an in-range class as ignoreIndex
        return list;
    }

    /**
     * The fused reduced cross-entropy and its gradient: mean and sum over the geometries of
     * {@link #crossEntropy}, with ignored rows, a loss-only variant, a batch of 300 rows, and every
     * row ignored (mean: NaN, as 0/0).
     */
    static List<OpCase> crossEntropyFused() {
        Random r = new Random(605);
        List<OpCase> cases = new ArrayList<>();
        List<Ce> geometries = new ArrayList<>(ceGeometries());
        geometries.add(new Ce(300, 10, -100, 0f));
        for (Ce ce : geometries) {
            for (int v = 0; v < 2; v++) {
                float[] x = ceLogits(r, ce.rows(), ce.classes());
                int[] t = ceTargets(r, ce.rows(), ce.classes(), ce.ignoreIndex());
                cases.add(ceFusedCase(ce, x, t, v == 0, ce.classes() != 33, ""));
            }
        }
        int[] allIgnored = new int[5];
        java.util.Arrays.fill(allIgnored, -100);
        cases.add(ceFusedCase(new Ce(5, 3, -100, 0f), ceLogits(r, 5, 3), allIgnored, true, true, " every row ignored"));
        return cases;
    }

    private static OpCase ceFusedCase(Ce ce, float[] x, int[] t, boolean mean, boolean withGrad, String note) {
        int rows = ce.rows();
        int classes = ce.classes();
        RefLoss.Result rowRef = RefLoss.crossEntropy(x, t, rows, classes, ce.ignoreIndex(), ce.ls());
        double sum = 0;
        double scaleSum = 0;
        int count = 0;
        for (int i = 0; i < rows; i++) {
            if (rowRef.value()[rows + i] == 1) {
                count++;
                sum += rowRef.value()[i];
                scaleSum += rowRef.scale()[i];
            }
        }
        double div = mean ? count : 1;
        double[] loss = {sum / div};
        double[] lossScale = {count == 0 ? 1 : scaleSum / div};
        float[] g = {(float) (1 / div)};
        RefLoss.Result gradRef = RefLoss.crossEntropyBackward(x, t, g, 0, rows, classes, ce.ignoreIndex(), ce.ls());
        String name = "crossEntropyFused " + ce + (mean ? " mean" : " sum") + (withGrad ? "" : " no grad") + note;
        List<OpCase.Out> outs = withGrad
                ? List.of(new OpCase.Out("loss", new int[] {1}, loss, lossScale),
                    new OpCase.Out("grad", new int[] {rows, classes}, gradRef.value(), gradRef.scale()))
                : List.of(new OpCase.Out("loss", new int[] {1}, loss, lossScale));
        return new OpCase(name, b -> {
            try (Bufs m = new Bufs(b)) {
                Buffer l = m.out(1);
                Buffer gr = withGrad ? m.out(rows * classes) : null;
                b.crossEntropyFused(m.f32(x), m.i32(t), l, gr, rows, classes, ce.ignoreIndex(), ce.ls(), mean);
                return withGrad ? List.of(m.readOut(l, 1), m.readOut(gr, rows * classes)) : List.of(m.readOut(l, 1));
            }
        }, outs);
    }

    static List<OpCase> crossEntropy() {
        Random r = new Random(603);
        List<OpCase> cases = new ArrayList<>();
        for (Ce ce : ceGeometries()) {
            cases.add(ceCase(ce, ceLogits(r, ce.rows(), ce.classes()), ceTargets(r, ce.rows(), ce.classes(), ce.ignoreIndex()), ""));
        }
        // targets outside [0, C) that are not ignoreIndex give NaN loss for their row only
        int[] bad = ceTargets(r, 7, 7, -100);
        bad[0] = 7;
        bad[4] = -1;
        cases.add(ceCase(new Ce(7, 7, -100, 0f), ceLogits(r, 7, 7), bad, " invalid targets 7 and -1"));
        return cases;
    }

    private static OpCase ceCase(Ce ce, float[] x, int[] t, String note) {
        int rows = ce.rows();
        RefLoss.Result ref = RefLoss.crossEntropy(x, t, rows, ce.classes(), ce.ignoreIndex(), ce.ls());
        double[] loss = java.util.Arrays.copyOfRange(ref.value(), 0, rows);
        double[] lossScale = java.util.Arrays.copyOfRange(ref.scale(), 0, rows);
        double[] valid = java.util.Arrays.copyOfRange(ref.value(), rows, 2 * rows);
        // valid[r] is unspecified for an invalid target, so such cases check the loss only
        boolean checkValid = note.isEmpty();
        return new OpCase("crossEntropy " + ce + note, b -> {
            try (Bufs m = new Bufs(b)) {
                Buffer l = m.out(rows);
                Buffer v = m.out(rows);
                b.crossEntropy(m.f32(x), m.i32(t), l, v, rows, ce.classes(), ce.ignoreIndex(), ce.ls());
                return checkValid ? List.of(m.readOut(l, rows), m.readOut(v, rows)) : List.of(m.readOut(l, rows));
            }
        }, checkValid ? List.of(new OpCase.Out("loss", new int[] {rows}, loss, lossScale),
                OpCase.Out.exact("valid", new int[] {rows}, valid))
                : List.of(new OpCase.Out("loss", new int[] {rows}, loss, lossScale)));
    }

    static List<OpCase> crossEntropyBackward() {
        Random r = new Random(604);
        List<OpCase> cases = new ArrayList<>();
        for (Ce ce : ceGeometries()) {
            for (int gStride : new int[] {0, 1}) {
                int rows = ce.rows();
                int classes = ce.classes();
                float[] x = ceLogits(r, rows, classes);
                int[] t = ceTargets(r, rows, classes, ce.ignoreIndex());
                float[] g = gStride == 0 ? new float[] {1f / rows} : Inputs.uniform(r, rows, -2, 2);
                RefLoss.Result ref = RefLoss.crossEntropyBackward(x, t, g, gStride, rows, classes, ce.ignoreIndex(), ce.ls());
                int n = rows * classes;
                cases.add(OpCase.of("crossEntropyBackward " + ce + " gStride=" + gStride, b -> {
                    try (Bufs m = new Bufs(b)) {
                        Buffer out = m.out(n);
                        b.crossEntropyBackward(m.f32(x), m.i32(t), m.f32(g), gStride, out, rows, classes,
                                ce.ignoreIndex(), ce.ls());
                        return List.of(m.readOut(out, n));
                    }
                }, new OpCase.Out("grad", new int[] {rows, classes}, ref.value(), ref.scale())));
            }
        }
        // a target outside [0, C) that is not ignoreIndex gives a NaN gradient row, like its NaN loss
        int rows = 7;
        int classes = 7;
        float[] x = ceLogits(r, rows, classes);
        int[] bad = ceTargets(r, rows, classes, -100);
        bad[0] = 7;
        bad[4] = -1;
        float[] g = {1f / rows};
        RefLoss.Result ref = RefLoss.crossEntropyBackward(x, bad, g, 0, rows, classes, -100, 0.1f);
        cases.add(OpCase.of("crossEntropyBackward invalid targets 7 and -1", b -> {
            try (Bufs m = new Bufs(b)) {
                Buffer out = m.out(rows * classes);
                b.crossEntropyBackward(m.f32(x), m.i32(bad), m.f32(g), 0, out, rows, classes, -100, 0.1f);
                return List.of(m.readOut(out, rows * classes));
            }
        }, new OpCase.Out("grad", new int[] {rows, classes}, ref.value(), ref.scale())));
        return cases;
    }
}
