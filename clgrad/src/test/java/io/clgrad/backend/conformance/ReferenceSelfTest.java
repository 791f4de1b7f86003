package io.clgrad.backend.conformance;

import io.clgrad.backend.MatmulSpec;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Checks the double-precision reference itself, so that a conformance failure points at the
 * backend: the stable BCE form equals the textbook one, gradients equal central finite differences
 * of the forward references, softmax sums to one, and Adam/SGD match values worked by hand.
 */
class ReferenceSelfTest {

    @Test
    void bceStableFormEqualsTextbookForm() {
        float[] x = {-3f, -0.5f, 0f, 0.25f, 4f};
        float[] y = {0f, 0.3f, 1f, 0.9f, 0.5f};
        float[] w = {1f, 2f, 0.5f, 1.5f, 1f};
        float[] pw = {1f, 3f, 0.5f, 2f, 1.25f};
        double[] got = RefLoss.bce(x, y, w, pw).value();
        for (int i = 0; i < x.length; i++) {
            double s = 1 / (1 + Math.exp(-(double) x[i]));
            double want = -w[i] * (pw[i] * y[i] * Math.log(s) + (1 - y[i]) * Math.log(1 - s));
            assertEquals(want, got[i], 1e-12, "bce element " + i);
        }
        // x = ±100 stays finite and exact
        double[] big = RefLoss.bce(new float[] {100f, -100f}, new float[] {0f, 1f}, null, null).value();
        assertEquals(100, big[0], 1e-12);
        assertEquals(100, big[1], 1e-12);
    }

    @Test
    void bceBackwardIsTheDerivative() {
        Random r = new Random(1);
        float[] x = Inputs.uniform(r, 20, -5, 5);
        float[] y = Inputs.uniform(r, 20, 0, 1);
        float[] w = Inputs.uniform(r, 20, 0, 2);
        float[] pw = Inputs.uniform(r, 20, 0.5, 3);
        double[] grad = RefLoss.bceBackward(x, y, w, pw, new float[] {1f}, 0, 1f, 20).value();
        for (int i = 0; i < 20; i++) {
            int k = i;
            double fd = centralDifference(x, i, xs -> RefLoss.bce(xs, y, w, pw).value()[k]);
            assertEquals(fd, grad[i], 1e-6 * Math.max(1, Math.abs(fd)), "bce gradient element " + i);
        }
    }

    @Test
    void crossEntropyMatchesNaiveFormAndItsGradient() {
        Random r = new Random(2);
        int rows = 4;
        int classes = 5;
        float[] x = Inputs.uniform(r, rows * classes, -3, 3);
        int[] t = {0, 4, -100, 2};
        float ls = 0.2f;
        double[] loss = RefLoss.crossEntropy(x, t, rows, classes, -100, ls).value();
        for (int row = 0; row < rows; row++) {
            if (t[row] == -100) {
                assertEquals(0, loss[row]);
                assertEquals(0, loss[rows + row]);
                continue;
            }
            double z = 0;
            for (int c = 0; c < classes; c++) {
                z += Math.exp(x[row * classes + c]);
            }
            double want = 0;
            for (int c = 0; c < classes; c++) {
                double q = (c == t[row] ? 1 - (double) ls : 0) + (double) ls / classes; // smoothed target
                want -= q * Math.log(Math.exp(x[row * classes + c]) / z);
            }
            assertEquals(want, loss[row], 1e-12, "cross-entropy row " + row);
            assertEquals(1, loss[rows + row]);
        }
        double[] grad = RefLoss.crossEntropyBackward(x, t, new float[] {1f}, 0, rows, classes, -100, ls).value();
        for (int i = 0; i < rows * classes; i++) {
            int row = i / classes;
            double fd = t[row] == -100 ? 0
                    : centralDifference(x, i, xs -> RefLoss.crossEntropy(xs, t, rows, classes, -100, ls).value()[row]);
            assertEquals(fd, grad[i], 1e-6, "cross-entropy gradient element " + i);
        }
    }

    @Test
    void softmaxSumsToOneAndLogSoftmaxIsItsLog() {
        Random r = new Random(3);
        float[] x = Inputs.uniform(r, 7 * 33 * 5, -5, 5);
        double[] p = RefLinalg.softmax(x, 7, 33, 5, false).value();
        double[] lp = RefLinalg.softmax(x, 7, 33, 5, true).value();
        for (int o = 0; o < 7; o++) {
            for (int i = 0; i < 5; i++) {
                double s = 0;
                for (int l = 0; l < 33; l++) {
                    int k = (o * 33 + l) * 5 + i;
                    s += p[k];
                    assertEquals(Math.log(p[k]), lp[k], 1e-12);
                }
                assertEquals(1, s, 1e-12);
            }
        }
    }

    @Test
    void adamAndSgdByHand() {
        // Adam step 1 from zero state: m̂ = g, v̂ = g², so p -= lr·g/(|g| + eps)
        RefOptim.State a = new RefOptim.State(new float[] {1f, -1f}, new float[2], new float[2], null);
        RefOptim.adam(a, new float[] {0.5f, -2f}, 0.1f, 0.9f, 0.999f, 1e-8f, 0f, false, 1, false);
        assertEquals(1 - 0.1f * 0.5 / (0.5 + 1e-8f), a.p[0], 1e-7);
        assertEquals(-1 + 0.1f * 2 / (2 + 1e-8f), a.p[1], 1e-7);
        // AdamW: decay first, p·(1 - lr·wd)
        RefOptim.State w = new RefOptim.State(new float[] {2f}, new float[1], new float[1], null);
        RefOptim.adam(w, new float[] {1f}, 0.1f, 0.9f, 0.999f, 1e-8f, 0.5f, true, 1, false);
        assertEquals(2 * (1 - 0.1f * 0.5) - 0.1f * 1 / (1 + 1e-8f), w.p[0], 1e-7);
        // SGD, momentum 0.9, dampening 0.5, nesterov, two steps with g = 1 at p = 0
        RefOptim.State s = new RefOptim.State(new float[] {0f}, new float[] {123f}, null, null);
        RefOptim.sgd(s, new float[] {1f}, 0.1f, 0.9f, 0.5f, true, 0f, true); // buf = 1, g = 1 + 0.9
        assertEquals(1, s.m[0], 1e-7);
        assertEquals(-0.1f * 1.9f, s.p[0], 1e-7);
        RefOptim.sgd(s, new float[] {1f}, 0.1f, 0.9f, 0.5f, true, 0f, false); // buf = 0.9 + 0.5
        assertEquals(0.9f + 0.5, s.m[0], 1e-7);
        assertEquals(-0.1f * 1.9f - 0.1f * (1 + 0.9f * 1.4f), s.p[0], 1e-6);
    }

    @Test
    void matmulWithTransposedStridesByHand() {
        // A = [[1,2],[3,4]] stored transposed ([[1,3],[2,4]]), B = [[5,6],[7,8]]
        MatmulSpec spec = new MatmulSpec(1, 2, 2, 2, 0, 0, 1, 2, 0, 0, 2, 1);
        double[] c = RefLinalg.matmul(spec, new float[] {1, 3, 2, 4}, new float[] {5, 6, 7, 8}).value();
        assertEquals(19, c[0]);
        assertEquals(22, c[1]);
        assertEquals(43, c[2]);
        assertEquals(50, c[3]);
    }

    private static double centralDifference(float[] x, int i, java.util.function.ToDoubleFunction<float[]> f) {
        float[] xs = x.clone();
        float hi = x[i] + 1e-3f;
        float lo = x[i] - 1e-3f;
        xs[i] = hi;
        double fHi = f.applyAsDouble(xs);
        xs[i] = lo;
        double fLo = f.applyAsDouble(xs);
        return (fHi - fLo) / ((double) hi - lo);
    }
}
