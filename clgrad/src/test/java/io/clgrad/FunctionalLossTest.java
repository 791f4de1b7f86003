package io.clgrad;

import static io.clgrad.HostRef.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The losses and parameter updates at tensor level against double-precision host formulas. */
class FunctionalLossTest {
    private static final double TOL = 1e-5;

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void bceWithLogitsBroadcastsWeightsAndReduces(Device d) {
        Random r = new Random(5);
        int n = 6;
        int c = 3;
        float[] x = HostRef.randomFloats(r, n * c);
        x[0] = 100f;
        x[1] = -100f;   // stability at large |x|
        float[] y = new float[n * c];
        for (int i = 0; i < y.length; i++) {
            y[i] = r.nextBoolean() ? 1f : 0f;
        }
        float[] pw = {0.5f, 2f, 3f};
        float[] w = {1f, 0.25f, 2f, 1.5f, 0.75f, 1f};   // per row: shape [6, 1]
        double[] want = new double[n * c];
        double total = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < c; j++) {
                double xi = x[i * c + j];
                double yi = y[i * c + j];
                double logSig = -Math.log1p(Math.exp(-Math.abs(xi))) + Math.min(xi, 0);
                double logOneMinus = -Math.log1p(Math.exp(-Math.abs(xi))) + Math.min(-xi, 0);
                double l = -w[i] * (pw[j] * yi * logSig + (1 - yi) * logOneMinus);
                want[i * c + j] = l;
                total += l;
            }
        }
        try (TensorScope s = Tensors.scope()) {
            Tensor tx = Tensor.of(d, x, n, c);
            Tensor ty = Tensor.of(d, y, n, c);
            Tensor tw = Tensor.of(d, w, n, 1);
            Tensor tpw = Tensor.of(d, pw, c);
            float[] none = Functional.binaryCrossEntropyWithLogits(tx, ty, tw, tpw, LossReduction.NONE).toFloatArray();
            assertClose(want, none, TOL, "bce none");
            assertEquals(total, Functional.binaryCrossEntropyWithLogits(tx, ty, tw, tpw, LossReduction.SUM).item(),
                    1e-5 * Math.abs(total));
            assertEquals(total / (n * c), Functional.binaryCrossEntropyWithLogits(tx, ty, tw, tpw, LossReduction.MEAN).item(),
                    1e-5 * Math.abs(total / (n * c)));
            assertTrue(Float.isFinite(none[0]) && Float.isFinite(none[1]));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void crossEntropyIgnoresAndSmooths(Device d) {
        Random r = new Random(6);
        int n = 5;
        int c = 4;
        float eps = 0.1f;
        float[] x = HostRef.randomFloats(r, n * c);
        int[] t = {2, -100, 0, 3, 1};
        double sum = 0;
        int valid = 0;
        double[] per = new double[n];
        for (int i = 0; i < n; i++) {
            if (t[i] == -100) {
                continue;
            }
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < c; j++) {
                max = Math.max(max, x[i * c + j]);
            }
            double z = 0;
            for (int j = 0; j < c; j++) {
                z += Math.exp(x[i * c + j] - max);
            }
            double lse = max + Math.log(z);
            double smooth = 0;
            for (int j = 0; j < c; j++) {
                smooth += x[i * c + j] - lse;
            }
            per[i] = -((1 - eps) * (x[i * c + t[i]] - lse) + eps / c * smooth);
            sum += per[i];
            valid++;
        }
        try (TensorScope s = Tensors.scope()) {
            Tensor tx = Tensor.of(d, x, n, c);
            Tensor tt = Tensor.of(d, t, n);
            assertClose(per, Functional.crossEntropy(tx, tt, -100, eps, LossReduction.NONE).toFloatArray(), TOL, "ce none");
            assertEquals(sum / valid, Functional.crossEntropy(tx, tt, -100, eps, LossReduction.MEAN).item(), 1e-5);
            assertEquals(sum, Functional.crossEntropy(tx, tt, -100, eps, LossReduction.SUM).item(), 1e-5);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void mseAndL1ReduceAndNameTheirShapes(Device d) {
        Random r = new Random(7);
        float[] x = HostRef.randomFloats(r, 12);
        float[] y = HostRef.randomFloats(r, 12);
        double[] sq = new double[12];
        double[] abs = new double[12];
        double sqSum = 0;
        double absSum = 0;
        for (int i = 0; i < 12; i++) {
            double diff = (double) x[i] - y[i];
            sq[i] = diff * diff;
            abs[i] = Math.abs(diff);
            sqSum += sq[i];
            absSum += abs[i];
        }
        try (TensorScope s = Tensors.scope()) {
            Tensor tx = Tensor.of(d, x, 3, 4);
            Tensor ty = Tensor.of(d, y, 3, 4);
            assertClose(sq, Functional.mseLoss(tx, ty, LossReduction.NONE).toFloatArray(), TOL, "mse none");
            assertClose(abs, Functional.l1Loss(tx, ty, LossReduction.NONE).toFloatArray(), TOL, "l1 none");
            assertEquals(sqSum, Functional.mseLoss(tx, ty, LossReduction.SUM).item(), TOL * sqSum);
            assertEquals(absSum / 12, Functional.l1Loss(tx, ty, LossReduction.MEAN).item(), TOL * absSum);
            String msg = assertThrows(IllegalArgumentException.class,
                    () -> Functional.mseLoss(tx, Tensor.zeros(d, 4, 3), LossReduction.MEAN)).getMessage();
            assertEquals("mse_loss: target size [4, 3] must be the same as input size [3, 4]", msg);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void adamAndSgdUpdatesFollowPyTorchFormulas(Device d) {
        float[] p0 = {0.5f, -1f, 2f, 0f};
        float[] g = {0.1f, -0.2f, 0.3f, 0f};
        double lr = 0.01;
        double b1 = 0.9;
        double b2 = 0.999;
        double eps = 1e-8;
        double wd = 0.01;
        double[] p = new double[4];
        double[] m = new double[4];
        double[] v = new double[4];
        for (int i = 0; i < 4; i++) {
            p[i] = p0[i];
        }
        try (TensorScope s = Tensors.scope()) {
            Tensor tp = Tensor.of(d, p0);
            Tensor tg = Tensor.of(d, g);
            Tensor tm = Tensor.zeros(d, 4);
            Tensor tv = Tensor.zeros(d, 4);
            for (int step = 1; step <= 3; step++) {
                ParameterUpdates.adam(tp, tg, tm, tv, null, lr, b1, b2, eps,
                        wd, true, step);
                for (int i = 0; i < 4; i++) {
                    p[i] *= 1 - lr * wd;
                    m[i] = b1 * m[i] + (1 - b1) * g[i];
                    v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
                    double bc1 = 1 - Math.pow(b1, step);
                    double bc2 = 1 - Math.pow(b2, step);
                    p[i] -= lr / bc1 * m[i] / (Math.sqrt(v[i]) / Math.sqrt(bc2) + eps);
                }
            }
            assertClose(p, tp.toFloatArray(), TOL, "adamw after 3 steps");

            Tensor sp = Tensor.of(d, p0);
            Tensor buf = Tensor.zeros(d, 4);
            double[] q = {0.5, -1, 2, 0};
            double[] mb = new double[4];
            for (int step = 1; step <= 3; step++) {
                ParameterUpdates.sgd(sp, tg, buf, 0.1f, 0.9f, 0f, true, 0.01f, step == 1);
                for (int i = 0; i < 4; i++) {
                    double gi = g[i] + 0.01 * q[i];
                    mb[i] = step == 1 ? gi : 0.9 * mb[i] + gi;
                    q[i] -= 0.1 * (gi + 0.9 * mb[i]);
                }
            }
            assertClose(q, sp.toFloatArray(), TOL, "sgd nesterov after 3 steps");
        }
    }
}
