package io.clgrad.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clgrad.Device;
import io.clgrad.Tensor;
import io.clgrad.nn.init.Init;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Linear, activations, Dropout, Flatten, Sequential and nn.init against host formulas. */
class LayersTest {
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void linearInitIsUniformWithinOneOverSqrtInAndSeeded(Device d) {
        int in = 16;
        int out = 64;
        Tensor.manualSeed(42);
        Linear a = new Linear(in, out, true, d);
        Tensor.manualSeed(42);
        Linear cpu = new Linear(in, out);
        double bound = 1 / Math.sqrt(in);
        float[] w = a.weight().toFloatArray();
        float[] b = a.bias().toFloatArray();
        assertArrayEquals(new int[] {out, in}, a.weight().shape());
        assertArrayEquals(new int[] {out}, a.bias().shape());
        checkUniform(w, bound);
        checkUniform(b, bound);
        assertArrayEquals(cpu.weight().toFloatArray(), w, "same seed, same weights on every device");
        assertArrayEquals(cpu.bias().toFloatArray(), b);
        Linear c = new Linear(in, out, true, d);
        assertTrue(!java.util.Arrays.equals(w, c.weight().toFloatArray()), "the generator advances");
    }

    private static void checkUniform(float[] v, double bound) {
        double min = Double.MAX_VALUE;
        double max = -Double.MAX_VALUE;
        double mean = 0;
        for (float x : v) {
            min = Math.min(min, x);
            max = Math.max(max, x);
            mean += x;
        }
        mean /= v.length;
        assertTrue(min >= -bound && max <= bound, "values in [-" + bound + ", " + bound + "]: " + min + ".." + max);
        assertTrue(max > 0.7 * bound && min < -0.7 * bound, "values spread over the range: " + min + ".." + max);
        assertTrue(Math.abs(mean) < 0.35 * bound, "mean near 0: " + mean);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void linearForwardIsXWtPlusB(Device d) {
        Linear lin = new Linear(3, 2, true, d);
        Random r = new Random(3);
        int n = 5;
        float[] x = new float[n * 3];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        float[] w = lin.weight().toFloatArray();
        float[] b = lin.bias().toFloatArray();
        float[] y = lin.forward(Tensor.of(d, x, n, 3)).toFloatArray();
        for (int i = 0; i < n; i++) {
            for (int o = 0; o < 2; o++) {
                double want = b[o];
                for (int k = 0; k < 3; k++) {
                    want += (double) x[i * 3 + k] * w[o * 3 + k];
                }
                assertEquals(want, y[i * 2 + o], 1e-5, "y[" + i + "," + o + "]");
            }
        }
        Linear noBias = new Linear(3, 2, false, d);
        assertArrayEquals(new int[] {4, 7, 2}, noBias.forward(Tensor.zeros(d, 4, 7, 3)).shape());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> lin.forward(Tensor.zeros(d, 4, 5)));
        assertTrue(e.getMessage().contains("[4, 5]"), e.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void activationsAndSequential(Device d) {
        float[] x = {-2f, -0.5f, 0f, 0.5f, 3f, -1f};
        Tensor t = Tensor.of(d, x, 2, 3);
        float[] relu = new ReLU().forward(t).toFloatArray();
        float[] sig = new Sigmoid().forward(t).toFloatArray();
        float[] tanh = new Tanh().forward(t).toFloatArray();
        for (int i = 0; i < x.length; i++) {
            assertEquals(Math.max(0, x[i]), relu[i], 0);
            assertEquals(1 / (1 + Math.exp(-x[i])), sig[i], 1e-6);
            assertEquals(Math.tanh(x[i]), tanh[i], 1e-6);
        }
        assertSame(t, new Identity().forward(t));
        Sequential s = new Sequential(new ReLU(), new Tanh());
        float[] y = s.forward(t).toFloatArray();
        for (int i = 0; i < x.length; i++) {
            assertEquals(Math.tanh(Math.max(0, x[i])), y[i], 1e-6);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void flattenMergesDims(Device d) {
        Tensor x = Tensor.zeros(d, 2, 3, 4, 5);
        assertArrayEquals(new int[] {2, 60}, new Flatten().forward(x).shape());
        assertArrayEquals(new int[] {2, 12, 5}, new Flatten(1, 2).forward(x).shape());
        assertArrayEquals(new int[] {120}, new Flatten(0, -1).forward(x).shape());
        assertEquals("Flatten(start_dim=0, end_dim=-1)", new Flatten(0, -1).toString());
        assertThrows(IllegalArgumentException.class, () -> new Flatten(2, 1).forward(x));
        assertThrows(IllegalArgumentException.class, () -> new Flatten(4, -1).forward(x));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void dropoutDropsInTrainingOnly(Device d) {
        int n = 4000;
        Tensor x = Tensor.ones(d, n);
        Dropout drop = new Dropout(0.25);
        float[] y = drop.forward(x).toFloatArray();
        int zeros = 0;
        for (float v : y) {
            if (v == 0f) {
                zeros++;
            } else {
                assertEquals(1 / 0.75, v, 1e-6, "kept values are scaled by 1/(1-p)");
            }
        }
        assertTrue(Math.abs(zeros / (double) n - 0.25) < 0.04, "about p of the values are zeroed: " + zeros);
        drop.eval();
        assertSame(x, drop.forward(x));
        drop.train();
        float[] all = new Dropout(1.0).forward(x).toFloatArray();
        for (float v : all) {
            assertEquals(0f, v);
        }
        assertThrows(IllegalArgumentException.class, () -> new Dropout(1.5));
        // Reproducible under the global seed.
        Tensor.manualSeed(7);
        float[] a = new Dropout(0.5).forward(x).toFloatArray();
        Tensor.manualSeed(7);
        assertArrayEquals(a, new Dropout(0.5).forward(x).toFloatArray());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void initFillsInPlace(Device d) {
        Tensor t = Tensor.zeros(d, 30, 20);
        assertSame(t, Init.constant(t, 1.5));
        for (float v : t.toFloatArray()) {
            assertEquals(1.5f, v);
        }
        Init.zeros(t);
        for (float v : t.toFloatArray()) {
            assertEquals(0f, v);
        }
        Init.uniform(t, 2, 3);
        for (float v : t.toFloatArray()) {
            assertTrue(v >= 2 && v <= 3, "uniform value " + v);
        }
        double xavier = Math.sqrt(6.0 / (20 + 30));
        checkUniform(Init.xavierUniform(t).toFloatArray(), xavier);
        double kaiming = Math.sqrt(2.0) * Math.sqrt(3.0 / 20);
        checkUniform(Init.kaimingUniform(t).toFloatArray(), kaiming);
        double fanOut = Math.sqrt(2.0) * Math.sqrt(3.0 / 30);
        checkUniform(Init.kaimingUniform(t, 0, Init.FanMode.FAN_OUT, "relu").toFloatArray(), fanOut);
        checkStd(Init.normal(t, 1.0, 2.0).toFloatArray(), 1.0, 2.0);
        checkStd(Init.kaimingNormal(t).toFloatArray(), 0, Math.sqrt(2.0 / 20));
        checkStd(Init.xavierNormal(t, 2.0).toFloatArray(), 0, 2.0 * Math.sqrt(2.0 / 50));
        assertEquals(5.0 / 3, Init.calculateGain("tanh", null), 1e-12);
        assertEquals(Math.sqrt(2.0 / 6), Init.calculateGain("leaky_relu", Math.sqrt(5)), 1e-12);
        assertArrayEquals(new int[] {3 * 9, 8 * 9}, Init.calculateFanInAndFanOut(new int[] {8, 3, 3, 3}));
        assertThrows(IllegalArgumentException.class, () -> Init.kaimingUniform(Tensor.zeros(d, 5)));
        assertThrows(IllegalArgumentException.class, () -> Init.copy(t, Tensor.zeros(3)));
        Init.copy(t.reshape(600), Tensor.arange(600));
        assertEquals(599f, t.toFloatArray()[599]);
    }

    private static void checkStd(float[] v, double mean, double std) {
        double m = 0;
        for (float x : v) {
            m += x;
        }
        m /= v.length;
        double var = 0;
        for (float x : v) {
            var += (x - m) * (x - m);
        }
        double s = Math.sqrt(var / v.length);
        assertEquals(mean, m, 0.15 * std, "sample mean");
        assertEquals(std, s, 0.1 * std, "sample std");
    }
}
