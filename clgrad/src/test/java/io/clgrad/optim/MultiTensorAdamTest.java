package io.clgrad.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.clgrad.Device;
import io.clgrad.ParameterUpdates;
import io.clgrad.Tensor;
import io.clgrad.backend.opencl.OpenClBackend;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The multi-tensor Adam ({@link ParameterUpdates#adamMany}) equals the per-tensor one bit for bit
 * on every device, and on OpenCL one {@code Adam.step()} is one kernel launch.
 */
class MultiTensorAdamTest {
    /** Ten tensors: more than one launch's eight slots, odd sizes included. */
    private static final int[] SIZES = {20, 10, 1, 7, 33, 1000, 3, 1, 64, 5};

    private static List<Tensor> tensors(Device d, Random r, boolean positive) {
        List<Tensor> out = new ArrayList<>();
        for (int n : SIZES) {
            float[] v = new float[n];
            for (int i = 0; i < n; i++) {
                v[i] = positive ? (float) Math.abs(r.nextGaussian()) * 0.01f : (float) r.nextGaussian();
            }
            out.add(Tensor.of(d, v, n));
        }
        return out;
    }

    private static List<Tensor> copies(List<Tensor> ts) {
        List<Tensor> out = new ArrayList<>();
        for (Tensor t : ts) {
            out.add(t.copy());
        }
        return out;
    }

    private static void assertBitEqual(List<Tensor> a, List<Tensor> b, String what) {
        for (int k = 0; k < a.size(); k++) {
            float[] x = a.get(k).toFloatArray();
            float[] y = b.get(k).toFloatArray();
            for (int i = 0; i < x.length; i++) {
                if (Float.floatToRawIntBits(x[i]) != Float.floatToRawIntBits(y[i])) {
                    throw new AssertionError(what + ": tensor " + k + " element " + i + ": multi-tensor " + y[i]
                            + ", per-tensor " + x[i]);
                }
            }
        }
    }

    private static void check(Device d, boolean amsgrad, boolean decoupled, double wd) {
        Random r = new Random(42);
        List<Tensor> p1 = tensors(d, r, false);
        List<Tensor> m1 = tensors(d, r, false);
        List<Tensor> v1 = tensors(d, r, true);
        List<Tensor> x1 = amsgrad ? tensors(d, r, true) : null;
        List<Tensor> p2 = copies(p1);
        List<Tensor> m2 = copies(m1);
        List<Tensor> v2 = copies(v1);
        List<Tensor> x2 = amsgrad ? copies(x1) : null;
        String what = "adam amsgrad=" + amsgrad + " decoupled=" + decoupled + " wd=" + wd + " on " + d;
        for (int step = 1; step <= 3; step++) {
            List<Tensor> g = tensors(d, r, false);
            for (int k = 0; k < SIZES.length; k++) {
                ParameterUpdates.adam(p1.get(k), g.get(k), m1.get(k), v1.get(k), amsgrad ? x1.get(k) : null,
                        0.01, 0.9, 0.999, 1e-8, wd, decoupled, step);
            }
            ParameterUpdates.adamMany(p2, g, m2, v2, x2, 0.01, 0.9, 0.999, 1e-8, wd, decoupled, step);
            assertBitEqual(p1, p2, what + " params, step " + step);
            assertBitEqual(m1, m2, what + " exp_avg, step " + step);
            assertBitEqual(v1, v2, what + " exp_avg_sq, step " + step);
            if (amsgrad) {
                assertBitEqual(x1, x2, what + " max_exp_avg_sq, step " + step);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void multiTensorEqualsPerTensorBitForBit(Device d) {
        check(d, false, false, 0);
        check(d, false, false, 0.1);
        check(d, true, false, 0.01);
        check(d, false, true, 0.01);
        check(d, true, true, 0.5);
    }

    @ParameterizedTest(name = "{0}", allowZeroInvocations = true)
    @MethodSource("io.clgrad.TestDevices#opencl")
    void oneAdamStepIsOneLaunchOnOpenCl(Device d) {
        OpenClBackend backend = (OpenClBackend) d.backend();
        // SimpleNet's parameters: Linear(2,10) and Linear(10,1)
        int[][] shapes = {{10, 2}, {10}, {1, 10}, {1}};
        List<Tensor> params = new ArrayList<>();
        for (int[] s : shapes) {
            params.add(Tensor.randn(d, s).requiresGrad(true));
        }
        Adam opt = Adam.builder(params).lr(0.01).amsgrad(true).build();
        for (int step = 0; step < 3; step++) {
            opt.zeroGrad();
            for (Tensor p : params) {
                try (Tensor g = Tensor.randn(d, p.shape())) {
                    p.backward(g);
                }
            }
            long before = backend.optimizerLaunches();
            opt.step();
            assertEquals(1, backend.optimizerLaunches() - before, "optimizer kernel launches of one Adam step on " + d);
        }
        // a parameter skipped once falls one step behind: two step counts, two launches
        opt.zeroGrad();
        for (Tensor p : params.subList(1, 4)) {
            try (Tensor g = Tensor.randn(d, p.shape())) {
                p.backward(g);
            }
        }
        opt.step();
        for (Tensor p : params) {
            try (Tensor g = Tensor.randn(d, p.shape())) {
                p.backward(g);
            }
        }
        long before = backend.optimizerLaunches();
        opt.step();
        assertEquals(2, backend.optimizerLaunches() - before, "launches with two step counts on " + d);
    }
}
