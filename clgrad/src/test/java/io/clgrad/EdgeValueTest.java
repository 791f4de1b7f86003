package io.clgrad;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Edge values (±inf, NaN, 0, ties) through ops, losses and their gradients, on every device, against
 * double-precision references that follow PyTorch's definitions. Each case here was once a silently
 * wrong result on at least one device (found by comparing with PyTorch 1.13).
 */
class EdgeValueTest {
    private static final double TOL = 1e-5;
    private static final float INF = Float.POSITIVE_INFINITY;

    /** Like HostRef.assertClose, and non-finite values must match exactly (NaN with NaN). */
    static void assertSame(double[] want, float[] got, String what) {
        assertEquals(want.length, got.length, what + ": length");
        for (int i = 0; i < want.length; i++) {
            double w = want[i];
            float g = got[i];
            boolean ok = Double.isNaN(w) || Double.isInfinite(w) || Float.isNaN(g) || Float.isInfinite(g)
                    ? Double.compare(w, g) == 0
                    : Math.abs(g - w) <= TOL * Math.max(1, Math.abs(w));
            if (!ok) {
                throw new AssertionError(what + ": element " + i + ": got " + g + ", expected " + w);
            }
        }
    }

    /**
     * Cross-entropy of a row with masked (-inf) logits is finite without label smoothing: the CPU
     * backend once added 0·Σ logp (= 0·(-inf) = NaN) for the smoothing term.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void crossEntropyWithMaskedLogitsIsFinite(Device d) {
        float[] x = {-INF, 0f, 2f, -INF, 1f, 2f, 3f, 0.5f};
        int[] t = {1, 2};
        double[] rows = new double[2];
        double[] grad = new double[8];
        for (int r = 0; r < 2; r++) {
            double lse = 0;
            for (int c = 0; c < 4; c++) {
                lse += Math.exp(x[r * 4 + c]);
            }
            lse = Math.log(lse);
            rows[r] = lse - x[r * 4 + t[r]];
            for (int c = 0; c < 4; c++) {
                grad[r * 4 + c] = (Math.exp(x[r * 4 + c] - lse) - (c == t[r] ? 1 : 0)) / 2;
            }
        }
        try (TensorScope s = Tensors.scope()) {
            Tensor tx = Tensor.of(d, x, 2, 4).requiresGrad(true);
            Tensor tt = Tensor.of(d, t, 2);
            assertSame(rows, Functional.crossEntropy(tx, tt, -100, 0f, LossReduction.NONE).toFloatArray(), "none");
            Tensor mean = Functional.crossEntropy(tx, tt, -100, 0f, LossReduction.MEAN);
            assertSame(new double[] {(rows[0] + rows[1]) / 2}, new float[] {mean.item()}, "mean");
            mean.backward();
            assertSame(grad, tx.grad().toFloatArray(), "mean grad");
        }
    }

    /**
     * BCELoss at probabilities exactly 0 and 1 (a saturated sigmoid): PyTorch's gradient
     * {@code w·(x-y) / max((1-x)·x, 1e-12)} is finite; the chain rule through the clamped logs gave
     * NaN (0/0) and 0 in place of ±1e12.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void bceLossGradientAtZeroAndOne(Device d) {
        float[] x = {0f, 1f, 0.25f, 1f, 0f};
        float[] y = {0f, 1f, 1f, 0f, 1f};
        float[] w = {1f, 2f, 0.5f, 1f, 3f};
        int n = x.length;
        double[] loss = new double[n];
        double[] grad = new double[n];
        double total = 0;
        for (int i = 0; i < n; i++) {
            double logX = Math.max(Math.log(x[i]), -100);
            double log1mX = Math.max(Math.log(1 - (double) x[i]), -100);
            loss[i] = -w[i] * (y[i] * logX + (1 - y[i]) * log1mX);
            total += loss[i];
            grad[i] = w[i] * (x[i] - y[i]) / Math.max((1 - (double) x[i]) * x[i], 1e-12) / n;
        }
        try (TensorScope s = Tensors.scope()) {
            Tensor tx = Tensor.of(d, x, n).requiresGrad(true);
            Tensor ty = Tensor.of(d, y, n);
            Tensor tw = Tensor.of(d, w, n);
            assertSame(loss, new io.clgrad.nn.BCELoss(tw, LossReduction.NONE).forward(tx, ty).toFloatArray(), "none");
            Tensor mean = new io.clgrad.nn.BCELoss(tw, LossReduction.MEAN).forward(tx, ty);
            assertSame(new double[] {total / n}, new float[] {mean.item()}, "mean");
            mean.backward();
            assertSame(grad, tx.grad().toFloatArray(), "mean grad");
        }
    }

    /**
     * NLLLoss selects x[r, t] instead of multiplying by a one-hot mask: a -inf log-probability
     * elsewhere in a row leaves the row finite, a picked -inf gives inf with gradient -w (it was
     * clamped to -3.4e38 with gradient 0), and a batch whose rows are all ignored gives NaN (0/0)
     * with a zero gradient (it was NaN everywhere).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void nllLossSelectsThePickedEntry(Device d) {
        float[] x = {-1f, -2f, -INF, 0f, -0.5f, -INF, -3f, -4f};
        try (TensorScope s = Tensors.scope()) {
            Tensor tx = Tensor.of(d, x, 2, 4).requiresGrad(true);
            Tensor mean = new io.clgrad.nn.NLLLoss().forward(tx, Tensor.of(d, new int[] {0, 1}, 2));
            assertSame(new double[] {INF}, new float[] {mean.item()}, "picked -inf");
            mean.backward();
            assertSame(new double[] {-0.5, 0, 0, 0, 0, -0.5, 0, 0}, tx.grad().toFloatArray(), "picked -inf grad");

            Tensor tw = Tensor.of(d, new float[] {1f, 2f, 3f, 4f}, 4);
            Tensor none = new io.clgrad.nn.NLLLoss(tw, 2, LossReduction.NONE).forward(tx, Tensor.of(d, new int[] {3, 2}, 2));
            assertSame(new double[] {0, 0}, none.toFloatArray(), "-inf in an ignored row and an unpicked entry");

            Tensor ty = Tensor.of(d, x, 2, 4).requiresGrad(true);
            Tensor ignored = new io.clgrad.nn.NLLLoss(tw, -100, LossReduction.MEAN).forward(ty, Tensor.of(d, new int[] {-100, -100}, 2));
            assertSame(new double[] {Double.NaN}, new float[] {ignored.item()}, "all ignored");
            ignored.backward();
            assertSame(new double[8], ty.grad().toFloatArray(), "all ignored grad");
        }
    }

    /**
     * Weighted cross-entropy with label smoothing: an ignored row whose logits hold -inf contributes
     * exactly 0 (0·(-inf) made the loss NaN), and an all-ignored batch has a zero gradient.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void weightedCrossEntropyWithMaskedIgnoredRow(Device d) {
        float[] x = {1f, 2f, 3f, 0.5f, -INF, 0f, 2f, -INF, 5f, 5f, 5f, 5f};
        int[] t = {2, -100, 3};
        float[] w = {0.5f, 2f, 1f, 3f};
        double eps = 0.1;
        int c = 4;
        double num = 0;
        double den = 0;
        double[][] a = new double[3][c];    // dL/dlogp per valid row, before dividing by den
        double[][] p = new double[3][c];
        for (int r = 0; r < 3; r++) {
            if (t[r] < 0) {
                continue;
            }
            double lse = 0;
            for (int k = 0; k < c; k++) {
                lse += Math.exp(x[r * c + k]);
            }
            lse = Math.log(lse);
            for (int k = 0; k < c; k++) {
                double logp = x[r * c + k] - lse;
                p[r][k] = Math.exp(logp);
                num += -(k == t[r] ? (1 - eps) * w[k] : 0) * logp - eps / c * w[k] * logp;
                a[r][k] = -(k == t[r] ? (1 - eps) * w[k] : 0) - eps / c * w[k];
            }
            den += w[t[r]];
        }
        double[] grad = new double[3 * c];
        for (int r = 0; r < 3; r++) {
            double sa = 0;
            for (int k = 0; k < c; k++) {
                sa += a[r][k];
            }
            for (int k = 0; k < c; k++) {
                grad[r * c + k] = (a[r][k] - p[r][k] * sa) / den;
            }
        }
        try (TensorScope s = Tensors.scope()) {
            Tensor tx = Tensor.of(d, x, 3, c).requiresGrad(true);
            Tensor tw = Tensor.of(d, w, c);
            io.clgrad.nn.CrossEntropyLoss ce = new io.clgrad.nn.CrossEntropyLoss(tw, -100, eps, LossReduction.MEAN);
            Tensor mean = ce.forward(tx, Tensor.of(d, t, 3));
            assertSame(new double[] {num / den}, new float[] {mean.item()}, "mean");
            mean.backward();
            assertSame(grad, tx.grad().toFloatArray(), "mean grad");

            Tensor ty = Tensor.of(d, x, 3, c).requiresGrad(true);
            Tensor ignored = ce.forward(ty, Tensor.of(d, new int[] {-100, -100, -100}, 3));
            assertSame(new double[] {Double.NaN}, new float[] {ignored.item()}, "all ignored");
            ignored.backward();
            assertSame(new double[3 * c], ty.grad().toFloatArray(), "all ignored grad");
        }
    }

    /**
     * max()/min() over all elements with a NaN: the result is NaN and the gradient goes to the NaN
     * elements, evenly (PyTorch's evenly_distribute_backward); it was NaN for every element.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void fullMaxAndMinWithNanSendTheGradientToTheNans(Device d) {
        float nan = Float.NaN;
        float[] x = {1f, nan, 3f, -INF, nan, 2f};
        for (boolean max : new boolean[] {true, false}) {
            try (TensorScope s = Tensors.scope()) {
                Tensor tx = Tensor.of(d, x, 6).requiresGrad(true);
                Tensor m = max ? tx.max() : tx.min();
                assertSame(new double[] {Double.NaN}, new float[] {m.item()}, max ? "max" : "min");
                m.backward();
                assertSame(new double[] {0, 0.5, 0, 0, 0.5, 0}, tx.grad().toFloatArray(), (max ? "max" : "min") + " grad");
            }
        }
    }

    /**
     * pow follows C's (and PyTorch's) special values: {@code 1^y = 1} for any y (NaN and ±inf too)
     * and {@code (-1)^±inf = 1}; the CPU backend used Java's Math.pow, which gives NaN there.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void powOfOneAndMinusOneIsOne(Device d) {
        float nan = Float.NaN;
        float[] a = {1f, 1f, 1f, -1f, -1f, 2f, 0f};
        float[] b = {INF, -INF, nan, INF, -INF, 0f, 0f};
        double[] want = {1, 1, 1, 1, 1, 1, 1};
        try (TensorScope s = Tensors.scope()) {
            Tensor ta = Tensor.of(d, a, a.length);
            assertSame(want, ta.pow(Tensor.of(d, b, b.length)).toFloatArray(), "pow(tensor)");
            assertSame(new double[] {1, 1, 1, 1, 1, INF, 0}, ta.pow(INF).toFloatArray(), "pow(inf)");
            assertSame(new double[] {1, 1, 1, Double.NaN, Double.NaN, Double.NaN, Double.NaN}, ta.pow(nan).toFloatArray(), "pow(NaN)");
        }
    }

    /**
     * The gradients of pow where the chain rule meets 0·inf: PyTorch defines d/da = 0 where the
     * exponent is 0, d/db = 0 where a = 0 and b >= 0, and x.pow(0) has a zero gradient; they were NaN
     * and -inf.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void powGradientsAtZero(Device d) {
        float[] a = {0f, 0f, 2f, 0f, 3f};
        float[] b = {0f, 2f, 0f, 0.5f, -1f};
        double[] ga = new double[a.length];
        double[] gb = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            ga[i] = b[i] == 0 ? 0 : b[i] * Math.pow(a[i], b[i] - 1);
            gb[i] = a[i] == 0 && b[i] >= 0 ? 0 : Math.pow(a[i], b[i]) * Math.log(a[i]);
        }
        try (TensorScope s = Tensors.scope()) {
            Tensor ta = Tensor.of(d, a, a.length).requiresGrad(true);
            Tensor tb = Tensor.of(d, b, b.length).requiresGrad(true);
            ta.pow(tb).sum().backward();
            assertSame(ga, ta.grad().toFloatArray(), "d/da");
            assertSame(gb, tb.grad().toFloatArray(), "d/db");

            Tensor x = Tensor.of(d, new float[] {0f, 2f, -1f}, 3).requiresGrad(true);
            x.pow(0f).sum().backward();
            assertSame(new double[3], x.grad().toFloatArray(), "x.pow(0)");
        }
    }

    /**
     * maximum/minimum with a NaN operand: the result is NaN and, as in PyTorch, the gradient flows
     * to both operands (every comparison is false); it was 0 for both. Ties still split it in half.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void maximumAndMinimumGradientsWithNan(Device d) {
        float nan = Float.NaN;
        float[] a = {nan, 1f, 2f, 3f, nan};
        float[] b = {1f, nan, 2f, 1f, nan};
        for (boolean max : new boolean[] {true, false}) {
            try (TensorScope s = Tensors.scope()) {
                Tensor ta = Tensor.of(d, a, 5).requiresGrad(true);
                Tensor tb = Tensor.of(d, b, 5).requiresGrad(true);
                Tensor out = max ? ta.maximum(tb) : ta.minimum(tb);
                assertSame(new double[] {Double.NaN, Double.NaN, 2, max ? 3 : 1, Double.NaN}, out.toFloatArray(), "value");
                out.sum().backward();
                assertSame(new double[] {1, 1, 0.5, max ? 1 : 0, 1}, ta.grad().toFloatArray(), (max ? "maximum" : "minimum") + " d/da");
                assertSame(new double[] {1, 1, 0.5, max ? 0 : 1, 1}, tb.grad().toFloatArray(), (max ? "maximum" : "minimum") + " d/db");
            }
        }
    }

    /**
     * ReLU is PyTorch's {@code x < 0 ? 0 : x}: -0 stays -0 and NaN stays NaN, while every negative
     * value, -MIN_VALUE included, gives +0 ({@code torch.relu} in PyTorch 1.13 gives exactly these
     * bits). The CPU backend gave +0 for -0 ({@code Math.max}). Lengths with a vector tail, through
     * the tensor op and the module, in gradient mode and not.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void reluKeepsTheSignOfZeroAsPyTorch(Device d) {
        float[] edge = {-0f, 0f, -1f, -Float.MIN_VALUE, Float.MIN_VALUE, Float.NaN, -INF, INF, 2.5f, -3e38f};
        for (int n : new int[] {edge.length, 37, 4099}) {
            float[] x = new float[n];
            for (int i = 0; i < n; i++) {
                x[i] = edge[(i * 7) % edge.length];
            }
            for (boolean grad : new boolean[] {false, true}) {
                try (TensorScope s = Tensors.scope()) {
                    Tensor t = Tensor.of(d, x, n).requiresGrad(grad);
                    float[][] outs = {t.relu().toFloatArray(), new io.clgrad.nn.ReLU().forward(t).toFloatArray()};
                    for (float[] out : outs) {
                        for (int i = 0; i < n; i++) {
                            double want = x[i] < 0 ? 0.0 : x[i];   // PyTorch's definition, in double
                            assertEquals(Double.doubleToLongBits(want), Double.doubleToLongBits(out[i]),
                                    "relu(" + x[i] + ") at " + i + " of " + n + ", grad " + grad + ": got " + out[i]);
                        }
                    }
                }
            }
        }
    }
}
