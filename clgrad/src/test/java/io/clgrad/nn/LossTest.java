package io.clgrad.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clgrad.Device;
import io.clgrad.LossReduction;
import io.clgrad.Tensor;
import java.util.Random;
import java.util.function.DoubleBinaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every loss module and every reduction against double-precision host formulas, on every device. */
class LossTest {
    private static final double TOL = 1e-5;
    private static final int N = 4;
    private static final int C = 3;

    private static float[] gaussian(Random r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return v;
    }

    /** Checks NONE against {@code per}, SUM against its total and MEAN against total / divisor. */
    private static void checkReductions(Loss<?> none, Loss<?> sum, Loss<?> mean, Tensor input, Tensor target,
                                        double[] per, double divisor) {
        float[] got = none.forward(input, target).toFloatArray();
        assertEquals(per.length, got.length);
        double total = 0;
        for (int i = 0; i < per.length; i++) {
            assertEquals(per[i], got[i], TOL * Math.max(1, Math.abs(per[i])), none + " NONE element " + i);
            total += per[i];
        }
        assertEquals(total, sum.forward(input, target).item(), TOL * Math.max(1, Math.abs(total)), sum + " SUM");
        double m = total / divisor;
        Tensor meanValue = mean.forward(input, target);
        assertEquals(0, meanValue.dim(), "MEAN gives a scalar");
        assertEquals(m, meanValue.item(), TOL * Math.max(1, Math.abs(m)), mean + " MEAN");
    }

    private static double[] elementwise(float[] x, float[] y, DoubleBinaryOperator f) {
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = f.applyAsDouble(x[i], y[i]);
        }
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void mseAndL1(Device d) {
        Random r = new Random(11);
        float[] x = gaussian(r, N * C);
        float[] y = gaussian(r, N * C);
        Tensor tx = Tensor.of(d, x, N, C);
        Tensor ty = Tensor.of(d, y, N, C);
        checkReductions(new MSELoss(LossReduction.NONE), new MSELoss(LossReduction.SUM), new MSELoss(), tx, ty,
                elementwise(x, y, (a, b) -> (a - b) * (a - b)), N * C);
        checkReductions(new L1Loss(LossReduction.NONE), new L1Loss(LossReduction.SUM), new L1Loss(), tx, ty,
                elementwise(x, y, (a, b) -> Math.abs(a - b)), N * C);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void bceClampsLogAtMinus100(Device d) {
        Random r = new Random(12);
        float[] p = new float[N * C];
        float[] y = new float[N * C];
        for (int i = 0; i < p.length; i++) {
            p[i] = (float) (0.05 + 0.9 * r.nextDouble());
            y[i] = (float) r.nextDouble();
        }
        p[0] = 0f;   // log 0 = -inf, clamped to -100
        y[0] = 1f;
        p[1] = 1f;   // log(1 - 1) clamped
        y[1] = 0.25f;
        float[] w = {0.5f, 1f, 2f};
        DoubleBinaryOperator bce = (a, b) -> -(b * Math.max(Math.log(a), -100) + (1 - b) * Math.max(Math.log(1 - a), -100));
        double[] per = elementwise(p, y, bce);
        double[] weighted = new double[per.length];
        for (int i = 0; i < per.length; i++) {
            weighted[i] = per[i] * w[i % C];
        }
        Tensor tp = Tensor.of(d, p, N, C);
        Tensor ty = Tensor.of(d, y, N, C);
        assertEquals(100.0, per[0], 1e-9);
        checkReductions(new BCELoss(null, LossReduction.NONE), new BCELoss(null, LossReduction.SUM), new BCELoss(), tp, ty,
                per, N * C);
        Tensor tw = Tensor.of(d, w, C);
        checkReductions(new BCELoss(tw, LossReduction.NONE), new BCELoss(tw, LossReduction.SUM),
                new BCELoss(tw, LossReduction.MEAN), tp, ty, weighted, N * C);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void bceWithLogitsWeightsAndPosWeight(Device d) {
        Random r = new Random(13);
        float[] x = gaussian(r, N * C);
        x[0] = 40f;
        x[1] = -40f;
        float[] y = new float[N * C];
        for (int i = 0; i < y.length; i++) {
            y[i] = r.nextBoolean() ? 1f : 0f;
        }
        float[] pw = {1f, 2f, 0.5f};
        float[] w = {1f, 0.5f, 2f, 1.5f};   // per row, shape [N, 1]
        double[] plain = new double[N * C];
        double[] weighted = new double[N * C];
        for (int i = 0; i < N; i++) {
            for (int j = 0; j < C; j++) {
                double xi = x[i * C + j];
                double yi = y[i * C + j];
                double l = Math.max(xi, 0) - xi * yi + Math.log1p(Math.exp(-Math.abs(xi)));
                plain[i * C + j] = l;
                double logSig = -Math.log1p(Math.exp(-Math.abs(xi))) + Math.min(xi, 0);
                double logOneMinus = -Math.log1p(Math.exp(-Math.abs(xi))) + Math.min(-xi, 0);
                weighted[i * C + j] = -w[i] * (pw[j] * yi * logSig + (1 - yi) * logOneMinus);
            }
        }
        Tensor tx = Tensor.of(d, x, N, C);
        Tensor ty = Tensor.of(d, y, N, C);
        checkReductions(BCEWithLogitsLoss.builder().reduction(LossReduction.NONE).build(),
                BCEWithLogitsLoss.builder().reduction(LossReduction.SUM).build(), new BCEWithLogitsLoss(), tx, ty, plain, N * C);
        // Weights given on the CPU follow the input to its device.
        Tensor tw = Tensor.of(w, N, 1);
        Tensor tpw = Tensor.of(pw, C);
        checkReductions(BCEWithLogitsLoss.builder().weight(tw).posWeight(tpw).reduction(LossReduction.NONE).build(),
                BCEWithLogitsLoss.builder().weight(tw).posWeight(tpw).reduction(LossReduction.SUM).build(),
                BCEWithLogitsLoss.builder().weight(tw).posWeight(tpw).build(), tx, ty, weighted, N * C);
        BCEWithLogitsLoss moved = BCEWithLogitsLoss.builder().posWeight(tpw).build();
        moved.to(d);
        assertEquals(d, moved.posWeight().device(), "to(device) moves the weight buffers");
    }

    /** Log-softmax of each row, in double. */
    private static double[][] logSoftmax(float[] x, int n, int c) {
        double[][] out = new double[n][c];
        for (int i = 0; i < n; i++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < c; j++) {
                max = Math.max(max, x[i * c + j]);
            }
            double z = 0;
            for (int j = 0; j < c; j++) {
                z += Math.exp(x[i * c + j] - max);
            }
            for (int j = 0; j < c; j++) {
                out[i][j] = x[i * c + j] - max - Math.log(z);
            }
        }
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void nllAndCrossEntropyWithIgnoreIndexAndSmoothing(Device d) {
        Random r = new Random(14);
        int n = 5;
        float[] x = gaussian(r, n * C);
        int[] t = {2, -100, 0, 1, 1};
        double[][] lp = logSoftmax(x, n, C);
        float[] lpf = new float[n * C];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < C; j++) {
                lpf[i * C + j] = (float) lp[i][j];
            }
        }
        double[] nll = new double[n];
        for (int i = 0; i < n; i++) {
            nll[i] = t[i] == -100 ? 0 : -lp[i][t[i]];
        }
        Tensor logProbs = Tensor.of(d, lpf, n, C);
        Tensor target = Tensor.of(d, t, n);
        checkReductions(new NLLLoss(-100, LossReduction.NONE), new NLLLoss(-100, LossReduction.SUM), new NLLLoss(),
                logProbs, target, nll, n - 1);
        // NLL on logSoftmax equals CrossEntropy on logits.
        Tensor logits = Tensor.of(d, x, n, C);
        checkReductions(CrossEntropyLoss.builder().reduction(LossReduction.NONE).build(),
                CrossEntropyLoss.builder().reduction(LossReduction.SUM).build(), new CrossEntropyLoss(), logits, target,
                nll, n - 1);
        // An ignore index inside [0, C) and label smoothing.
        double eps = 0.1;
        double[] smooth = new double[n];
        int valid = 0;
        for (int i = 0; i < n; i++) {
            if (t[i] == 1) {
                continue;
            }
            if (t[i] == -100) {
                // -100 is an ordinary (never matching) class index here: NLL selects nothing.
                continue;
            }
            valid++;
            double all = 0;
            for (int j = 0; j < C; j++) {
                all += lp[i][j];
            }
            smooth[i] = -((1 - eps) * lp[i][t[i]] + eps / C * all);
        }
        int[] t2 = {2, 0, 0, 1, 1};
        double[] smooth2 = smooth.clone();
        double all1 = 0;
        for (int j = 0; j < C; j++) {
            all1 += lp[1][j];
        }
        smooth2[1] = -((1 - eps) * lp[1][0] + eps / C * all1);
        Tensor target2 = Tensor.of(d, t2, n);
        checkReductions(CrossEntropyLoss.builder().ignoreIndex(1).labelSmoothing(eps).reduction(LossReduction.NONE).build(),
                CrossEntropyLoss.builder().ignoreIndex(1).labelSmoothing(eps).reduction(LossReduction.SUM).build(),
                CrossEntropyLoss.builder().ignoreIndex(1).labelSmoothing(eps).build(), logits, target2, smooth2, valid + 1);
        double[] nll2 = new double[n];
        for (int i = 0; i < n; i++) {
            nll2[i] = t2[i] == 1 ? 0 : -lp[i][t2[i]];
        }
        checkReductions(new NLLLoss(1, LossReduction.NONE), new NLLLoss(1, LossReduction.SUM), new NLLLoss(1, LossReduction.MEAN),
                logProbs, target2, nll2, 3);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void classWeightsAndProbabilityTargets(Device d) {
        Random r = new Random(15);
        int n = 5;
        float[] x = gaussian(r, n * C);
        int[] t = {2, -100, 0, 1, 1};
        float[] w = {0.5f, 2f, 1.5f};
        double eps = 0.2;
        double[][] lp = logSoftmax(x, n, C);
        double[] nll = new double[n];
        double[] smoothed = new double[n];
        double wsum = 0;
        for (int i = 0; i < n; i++) {
            if (t[i] == -100) {
                continue;
            }
            wsum += w[t[i]];
            nll[i] = -w[t[i]] * lp[i][t[i]];
            double all = 0;
            for (int j = 0; j < C; j++) {
                all += w[j] * lp[i][j];
            }
            smoothed[i] = (1 - eps) * nll[i] - eps / C * all;
        }
        float[] lpf = new float[n * C];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < C; j++) {
                lpf[i * C + j] = (float) lp[i][j];
            }
        }
        Tensor tw = Tensor.of(w, C);   // on the CPU: follows the input
        Tensor target = Tensor.of(d, t, n);
        Tensor logits = Tensor.of(d, x, n, C);
        checkReductions(new NLLLoss(tw, -100, LossReduction.NONE), new NLLLoss(tw, -100, LossReduction.SUM),
                new NLLLoss(tw, -100, LossReduction.MEAN), Tensor.of(d, lpf, n, C), target, nll, wsum);
        checkReductions(CrossEntropyLoss.builder().weight(tw).reduction(LossReduction.NONE).build(),
                CrossEntropyLoss.builder().weight(tw).reduction(LossReduction.SUM).build(),
                CrossEntropyLoss.builder().weight(tw).build(), logits, target, nll, wsum);
        checkReductions(CrossEntropyLoss.builder().weight(tw).labelSmoothing(eps).reduction(LossReduction.NONE).build(),
                CrossEntropyLoss.builder().weight(tw).labelSmoothing(eps).reduction(LossReduction.SUM).build(),
                CrossEntropyLoss.builder().weight(tw).labelSmoothing(eps).build(), logits, target, smoothed, wsum);

        // Probability targets: -Σ_c w_c·((1-ε)·y_c + ε/C)·log p_c per row, MEAN over rows.
        float[] probs = new float[n * C];
        for (int i = 0; i < n; i++) {
            double z = 0;
            for (int j = 0; j < C; j++) {
                probs[i * C + j] = (float) r.nextDouble();
                z += probs[i * C + j];
            }
            for (int j = 0; j < C; j++) {
                probs[i * C + j] /= (float) z;
            }
        }
        double[] soft = new double[n];
        double[] softWeighted = new double[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < C; j++) {
                double y = (1 - eps) * probs[i * C + j] + eps / C;
                soft[i] -= y * lp[i][j];
                softWeighted[i] -= w[j] * y * lp[i][j];
            }
        }
        Tensor tp = Tensor.of(d, probs, n, C);
        checkReductions(CrossEntropyLoss.builder().labelSmoothing(eps).reduction(LossReduction.NONE).build(),
                CrossEntropyLoss.builder().labelSmoothing(eps).reduction(LossReduction.SUM).build(),
                CrossEntropyLoss.builder().labelSmoothing(eps).build(), logits, tp, soft, n);
        checkReductions(CrossEntropyLoss.builder().weight(tw).labelSmoothing(eps).reduction(LossReduction.NONE).build(),
                CrossEntropyLoss.builder().weight(tw).labelSmoothing(eps).reduction(LossReduction.SUM).build(),
                CrossEntropyLoss.builder().weight(tw).labelSmoothing(eps).build(), logits, tp, softWeighted, n);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new CrossEntropyLoss().forward(logits, Tensor.zeros(d, n, C + 1)));
        assertTrue(e.getMessage().contains("[5, 4]") && e.getMessage().contains("[5, 3]"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> new NLLLoss(Tensor.ones(C + 1), -100, LossReduction.MEAN).forward(logits, target));
    }

    @Test
    void mismatchedShapesNameBothShapes() {
        Tensor a = Tensor.zeros(4, 3);
        Tensor b = Tensor.zeros(3, 4);
        for (Loss<?> loss : new Loss<?>[] {new MSELoss(), new L1Loss(), new BCELoss(), new BCEWithLogitsLoss()}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> loss.forward(a, b));
            assertTrue(e.getMessage().contains("[4, 3]") && e.getMessage().contains("[3, 4]"), e.getMessage());
            assertTrue(e.getMessage().startsWith(loss.toString().replace("()", "")), e.getMessage());
        }
        Tensor labels = Tensor.of(new int[] {0, 1});
        for (Loss<?> loss : new Loss<?>[] {new NLLLoss(), new CrossEntropyLoss()}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> loss.forward(a, labels));
            assertTrue(e.getMessage().contains("[4, 3]") && e.getMessage().contains("[2]"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> new NLLLoss().forward(a, Tensor.zeros(4)));
        assertArrayEquals(new int[] {4}, new NLLLoss(-100, LossReduction.NONE).forward(a, Tensor.of(new int[] {0, 1, 2, 0})).shape());
    }
}
