package io.clgrad.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.clgrad.Device;
import io.clgrad.LossReduction;
import io.clgrad.Tensor;
import io.clgrad.autograd.GradCheck;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Gradients reaching Linear's parameters through the losses, against host-computed values. */
class GradientTest {
    private static final int N = 5;
    private static final int IN = 3;
    private static final int OUT = 2;

    private static float[] gaussian(Random r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return v;
    }

    /** Host forward of the layer: yhat[i][o] = b[o] + Σ_k x[i][k]·w[o][k]. */
    private static double[] forward(float[] x, float[] w, float[] b) {
        double[] y = new double[N * OUT];
        for (int i = 0; i < N; i++) {
            for (int o = 0; o < OUT; o++) {
                double s = b[o];
                for (int k = 0; k < IN; k++) {
                    s += (double) x[i * IN + k] * w[o * IN + k];
                }
                y[i * OUT + o] = s;
            }
        }
        return y;
    }

    /** Checks weight.grad = gᵀ·x and bias.grad = Σ_rows g for dL/dyhat = g. */
    private static void checkLinearGrads(Linear lin, float[] x, double[] g) {
        float[] gw = lin.weight().grad().toFloatArray();
        float[] gb = lin.bias().grad().toFloatArray();
        for (int o = 0; o < OUT; o++) {
            double sb = 0;
            for (int i = 0; i < N; i++) {
                sb += g[i * OUT + o];
            }
            assertEquals(sb, gb[o], 1e-5, "bias.grad[" + o + "]");
            for (int k = 0; k < IN; k++) {
                double sw = 0;
                for (int i = 0; i < N; i++) {
                    sw += g[i * OUT + o] * x[i * IN + k];
                }
                assertEquals(sw, gw[o * IN + k], 1e-5, "weight.grad[" + o + "," + k + "]");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void mseGradientReachesLinearWeight(Device d) {
        Random r = new Random(21);
        float[] x = gaussian(r, N * IN);
        float[] y = gaussian(r, N * OUT);
        Linear lin = new Linear(IN, OUT, true, d);
        double[] yhat = forward(x, lin.weight().toFloatArray(), lin.bias().toFloatArray());
        Tensor loss = new MSELoss().forward(lin.forward(Tensor.of(d, x, N, IN)), Tensor.of(d, y, N, OUT));
        loss.backward();
        double[] g = new double[N * OUT];
        for (int i = 0; i < g.length; i++) {
            g[i] = 2 * (yhat[i] - y[i]) / (N * OUT);
        }
        checkLinearGrads(lin, x, g);
        lin.zeroGrad();
        assertNull(lin.weight().grad());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void bceWithLogitsGradientIsSigmoidMinusTarget(Device d) {
        Random r = new Random(22);
        float[] x = gaussian(r, N * IN);
        float[] y = new float[N * OUT];
        for (int i = 0; i < y.length; i++) {
            y[i] = r.nextBoolean() ? 1f : 0f;
        }
        Linear lin = new Linear(IN, OUT, true, d);
        double[] z = forward(x, lin.weight().toFloatArray(), lin.bias().toFloatArray());
        BCEWithLogitsLoss criterion = BCEWithLogitsLoss.builder().reduction(LossReduction.SUM).build();
        criterion.forward(lin.forward(Tensor.of(d, x, N, IN)), Tensor.of(d, y, N, OUT)).backward();
        double[] g = new double[N * OUT];
        for (int i = 0; i < g.length; i++) {
            g[i] = 1 / (1 + Math.exp(-z[i])) - y[i];
        }
        checkLinearGrads(lin, x, g);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void nllGradientThroughLogSoftmax(Device d) {
        Random r = new Random(23);
        float[] x = gaussian(r, N * IN);
        int[] t = {1, 0, -100, 1, 0};
        Linear lin = new Linear(IN, OUT, true, d);
        double[] z = forward(x, lin.weight().toFloatArray(), lin.bias().toFloatArray());
        Tensor logits = lin.forward(Tensor.of(d, x, N, IN));
        new NLLLoss().forward(logits.logSoftmax(1), Tensor.of(d, t, N)).backward();
        assertNotNull(lin.weight().grad());
        // d/dz of mean over valid rows of -log softmax(z)[t] = (softmax(z) - onehot(t)) / valid.
        double[] g = new double[N * OUT];
        int valid = 4;
        for (int i = 0; i < N; i++) {
            if (t[i] == -100) {
                continue;
            }
            double max = Math.max(z[i * OUT], z[i * OUT + 1]);
            double s = Math.exp(z[i * OUT] - max) + Math.exp(z[i * OUT + 1] - max);
            for (int o = 0; o < OUT; o++) {
                g[i * OUT + o] = (Math.exp(z[i * OUT + o] - max) / s - (t[i] == o ? 1 : 0)) / valid;
            }
        }
        checkLinearGrads(lin, x, g);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void dropoutGradientIsTheScaledMask(Device d) {
        Tensor x = Tensor.of(d, new float[] {1, 2, 3, 4, 5, 6, 7, 8}, 2, 4).requiresGrad(true);
        Tensor y = new Dropout(0.5).forward(x);
        y.sum().backward();
        float[] out = y.toFloatArray();
        float[] g = x.grad().toFloatArray();
        for (int i = 0; i < out.length; i++) {
            assertEquals(out[i] == 0f ? 0f : 2f, g[i], 1e-6, "grad[" + i + "]");
            assertEquals(out[i] == 0f ? 0f : 2f * (i + 1), out[i], 1e-5, "out[" + i + "]");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void everyLossPassesGradCheckForEveryReduction(Device d) {
        Random r = new Random(24);
        float[] x = gaussian(r, 12);
        float[] y = new float[12];
        float[] p = new float[12];
        for (int i = 0; i < 12; i++) {
            y[i] = x[i] + (r.nextBoolean() ? 0.5f : -0.5f) + 0.3f * (float) r.nextGaussian();   // away from |x-y| = 0
            p[i] = (float) (0.1 + 0.8 * r.nextDouble());
        }
        float[] prob = new float[12];
        for (int i = 0; i < 12; i++) {
            prob[i] = (float) r.nextDouble();
        }
        Tensor tx = Tensor.of(d, x, 4, 3);
        Tensor ty = Tensor.of(d, y, 4, 3);
        Tensor tp = Tensor.of(d, p, 4, 3);
        Tensor tprob = Tensor.of(d, prob, 4, 3);
        Tensor labels = Tensor.of(d, new int[] {2, 0, -100, 1}, 4);
        Tensor pw = Tensor.of(d, new float[] {0.5f, 2f, 1f}, 3);
        for (LossReduction red : LossReduction.values()) {
            MSELoss mse = new MSELoss(red);
            GradCheck.check("MSELoss " + red, xs -> mse.forward(xs[0], xs[1]), tx, ty);
            L1Loss l1 = new L1Loss(red);
            GradCheck.check("L1Loss " + red, xs -> l1.forward(xs[0], xs[1]), tx, ty);
            BCELoss bce = new BCELoss(Tensor.of(d, new float[] {1f, 0.5f, 2f}, 3), red);
            GradCheck.check("BCELoss " + red, xs -> bce.forward(xs[0], xs[1]), tp, tprob);
            BCEWithLogitsLoss bcel = BCEWithLogitsLoss.builder().posWeight(pw).reduction(red).build();
            GradCheck.check("BCEWithLogitsLoss " + red, xs -> bcel.forward(xs[0], tprob), tx);
            NLLLoss nll = new NLLLoss(-100, red);
            GradCheck.check("NLLLoss " + red, xs -> nll.forward(xs[0].logSoftmax(1), labels), tx);
            CrossEntropyLoss ce = CrossEntropyLoss.builder().labelSmoothing(0.1).reduction(red).build();
            GradCheck.check("CrossEntropyLoss " + red, xs -> ce.forward(xs[0], labels), tx);
            Tensor cw = Tensor.of(d, new float[] {0.5f, 2f, 1.5f}, 3);
            CrossEntropyLoss wce = CrossEntropyLoss.builder().weight(cw).labelSmoothing(0.1).reduction(red).build();
            GradCheck.check("weighted CrossEntropyLoss " + red, xs -> wce.forward(xs[0], labels), tx);
            GradCheck.check("CrossEntropyLoss probabilities " + red, xs -> wce.forward(xs[0], xs[1]), tx, tprob);
        }
    }
}
