package io.clgrad.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clgrad.Device;
import io.clgrad.Tensor;
import io.clgrad.TensorScope;
import io.clgrad.Tensors;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Each optimizer against a double-precision host version of PyTorch's algorithm, on every device. */
class OptimizerParityTest {
    private static final int[][] SHAPES = {{10, 2}, {10}, {1, 10}, {1}, {7, 33}};
    private static final int STEPS = 5;

    /** Parameters on a device with their double host twins and a fixed gradient sequence. */
    private static final class Fixture {
        final List<Tensor> params = new ArrayList<>();
        final List<double[]> host = new ArrayList<>();
        final float[][][] grads;   // [step][param][element]

        Fixture(Device d, long seed) {
            Random r = new Random(seed);
            for (int[] shape : SHAPES) {
                int n = 1;
                for (int s : shape) {
                    n *= s;
                }
                float[] v = new float[n];
                double[] h = new double[n];
                for (int i = 0; i < n; i++) {
                    v[i] = (float) r.nextGaussian();
                    h[i] = v[i];
                }
                params.add(Tensor.of(d, v, shape).requiresGrad(true));
                host.add(h);
            }
            grads = new float[STEPS][SHAPES.length][];
            for (int t = 0; t < STEPS; t++) {
                for (int k = 0; k < SHAPES.length; k++) {
                    float[] g = new float[host.get(k).length];
                    for (int i = 0; i < g.length; i++) {
                        g[i] = (float) r.nextGaussian();
                    }
                    grads[t][k] = g;
                }
            }
        }

        /** Sets every parameter's gradient to step t's (as backward would). */
        void setGrads(Optimizer opt, int t) {
            opt.zeroGrad();
            for (int k = 0; k < params.size(); k++) {
                Tensor p = params.get(k);
                try (Tensor g = Tensor.of(p.device(), grads[t][k], p.shape())) {
                    p.backward(g);
                }
            }
        }

        void assertClose(String what) {
            for (int k = 0; k < params.size(); k++) {
                float[] got = params.get(k).toFloatArray();
                double[] want = host.get(k);
                for (int i = 0; i < got.length; i++) {
                    double tol = 2e-6 + 2e-5 * Math.abs(want[i]);
                    if (Math.abs(got[i] - want[i]) > tol) {
                        throw new AssertionError(what + ": parameter " + k + " element " + i + ": got " + got[i]
                                + ", reference " + want[i] + " (tolerance " + tol + ")");
                    }
                }
            }
        }
    }

    private static void checkAdam(Device d, Optimizer opt, Fixture f, double lr, double b1, double b2, double eps,
                                  double wd, boolean amsgrad, boolean decoupled, String what) {
        List<double[]> m = new ArrayList<>();
        List<double[]> v = new ArrayList<>();
        List<double[]> x = new ArrayList<>();
        for (double[] h : f.host) {
            m.add(new double[h.length]);
            v.add(new double[h.length]);
            x.add(new double[h.length]);
        }
        for (int t = 0; t < STEPS; t++) {
            f.setGrads(opt, t);
            opt.step();
            for (int k = 0; k < f.host.size(); k++) {
                RefOptimizers.adam(f.host.get(k), f.grads[t][k], m.get(k), v.get(k), amsgrad ? x.get(k) : null,
                        lr, b1, b2, eps, wd, decoupled, t + 1);
            }
            f.assertClose(what + " step " + (t + 1) + " on " + d);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void adamDefaults(Device d) {
        Fixture f = new Fixture(d, 1);
        checkAdam(d, new Adam(f.params, 0.01), f, 0.01, 0.9, 0.999, 1e-8, 0, false, false, "Adam");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void adamWeightDecayAmsgrad(Device d) {
        Fixture f = new Fixture(d, 2);
        Adam opt = Adam.builder(f.params).lr(0.05).betas(0.8, 0.99).eps(1e-6).weightDecay(0.1).amsgrad(true).build();
        checkAdam(d, opt, f, 0.05, 0.8, 0.99, 1e-6, 0.1, true, false, "Adam(wd, amsgrad)");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void adamW(Device d) {
        Fixture f = new Fixture(d, 3);
        checkAdam(d, new AdamW(f.params, 0.01), f, 0.01, 0.9, 0.999, 1e-8, 0.01, false, true, "AdamW");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void adamWAmsgradStrongDecay(Device d) {
        Fixture f = new Fixture(d, 4);
        AdamW opt = AdamW.builder(f.params).lr(0.02).weightDecay(0.5).amsgrad(true).build();
        checkAdam(d, opt, f, 0.02, 0.9, 0.999, 1e-8, 0.5, true, true, "AdamW(amsgrad)");
    }

    private static void checkSgd(Device d, SGD opt, Fixture f, double lr, double momentum, double dampening,
                                 boolean nesterov, double wd, String what) {
        List<double[]> bufs = new ArrayList<>();
        for (double[] h : f.host) {
            bufs.add(new double[h.length]);
        }
        for (int t = 0; t < STEPS; t++) {
            f.setGrads(opt, t);
            opt.step();
            for (int k = 0; k < f.host.size(); k++) {
                RefOptimizers.sgd(f.host.get(k), f.grads[t][k], bufs.get(k), lr, momentum, dampening, nesterov, wd,
                        t == 0);
            }
            f.assertClose(what + " step " + (t + 1) + " on " + d);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void sgdPlain(Device d) {
        Fixture f = new Fixture(d, 5);
        checkSgd(d, new SGD(f.params, 0.1), f, 0.1, 0, 0, false, 0, "SGD");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void sgdMomentumDampeningWeightDecay(Device d) {
        Fixture f = new Fixture(d, 6);
        SGD opt = SGD.builder(f.params).lr(0.05).momentum(0.9).dampening(0.3).weightDecay(0.01).build();
        checkSgd(d, opt, f, 0.05, 0.9, 0.3, false, 0.01, "SGD(momentum, dampening, wd)");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void sgdNesterov(Device d) {
        Fixture f = new Fixture(d, 7);
        SGD opt = SGD.builder(f.params).lr(0.05).momentum(0.9).dampening(0).nesterov(true).weightDecay(0.001).build();
        checkSgd(d, opt, f, 0.05, 0.9, 0, true, 0.001, "SGD(nesterov)");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void paramGroupsUseTheirOwnOptions(Device d) {
        Fixture f = new Fixture(d, 8);
        Adam opt = new Adam(f.params.subList(0, 3), 0.01);
        opt.addParamGroup(f.params.subList(3, 5), Map.of("lr", 0.1, "weight_decay", 0.2));
        assertEquals(2, opt.paramGroups().size());
        assertEquals(0.1, opt.paramGroups().get(1).lr());
        List<double[]> m = new ArrayList<>();
        List<double[]> v = new ArrayList<>();
        for (double[] h : f.host) {
            m.add(new double[h.length]);
            v.add(new double[h.length]);
        }
        for (int t = 0; t < 3; t++) {
            f.setGrads(opt, t);
            opt.step();
            for (int k = 0; k < 5; k++) {
                RefOptimizers.adam(f.host.get(k), f.grads[t][k], m.get(k), v.get(k), null, k < 3 ? 0.01 : 0.1,
                        0.9, 0.999, 1e-8, k < 3 ? 0 : 0.2, false, t + 1);
            }
            f.assertClose("Adam with two groups, step " + (t + 1) + " on " + d);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void parameterWithoutGradIsSkippedAndStepCountsStayPerParameter(Device d) {
        Fixture f = new Fixture(d, 9);
        Adam opt = new Adam(f.params, 0.01);
        List<double[]> m = new ArrayList<>();
        List<double[]> v = new ArrayList<>();
        for (double[] h : f.host) {
            m.add(new double[h.length]);
            v.add(new double[h.length]);
        }
        int[] steps = new int[5];
        for (int t = 0; t < 4; t++) {
            f.setGrads(opt, t);
            if (t < 2) {
                f.params.get(1).zeroGrad();   // parameter 1 has no grad in the first two steps
            }
            opt.step();
            for (int k = 0; k < 5; k++) {
                if (k == 1 && t < 2) {
                    continue;
                }
                steps[k]++;
                RefOptimizers.adam(f.host.get(k), f.grads[t][k], m.get(k), v.get(k), null, 0.01, 0.9, 0.999, 1e-8,
                        0, false, steps[k]);
            }
            f.assertClose("Adam, parameter 1 skipped twice, step " + (t + 1) + " on " + d);
            if (t == 0) {
                @SuppressWarnings("unchecked")
                Map<Integer, Map<String, Object>> st = (Map<Integer, Map<String, Object>>) opt.stateDict().get("state");
                assertFalse(st.containsKey(1), "a parameter without grad gets no state");
                assertTrue(st.containsKey(0));
            }
        }
        @SuppressWarnings("unchecked")
        Map<Integer, Map<String, Object>> st = (Map<Integer, Map<String, Object>>) opt.stateDict().get("state");
        assertEquals(4f, ((Tensor) st.get(0).get("step")).item());
        assertEquals(2f, ((Tensor) st.get(1).get("step")).item());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void zeroGradSetsGradsToNull(Device d) {
        Fixture f = new Fixture(d, 10);
        SGD opt = new SGD(f.params, 0.1);
        f.setGrads(opt, 0);
        for (Tensor p : f.params) {
            assertNotNull(p.grad());
        }
        opt.zeroGrad();
        for (Tensor p : f.params) {
            assertNull(p.grad());
        }
        float[] before = f.params.get(0).toFloatArray();
        opt.step();   // nothing has a grad: nothing changes
        assertEquals(java.util.Arrays.toString(before), java.util.Arrays.toString(f.params.get(0).toFloatArray()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    @SuppressWarnings("try")
    void stateSurvivesTheScopeItWasCreatedIn(Device d) {
        Fixture f = new Fixture(d, 11);
        List<Tensor> params = f.params;
        for (Tensor p : params) {
            Tensors.keep(p);
        }
        Adam adam = Adam.builder(params).lr(0.01).amsgrad(true).build();
        SGD sgd = SGD.builder(params).lr(0.01).momentum(0.5).build();
        for (int t = 0; t < 3; t++) {
            try (TensorScope s = Tensors.scope()) {
                f.setGrads(adam, t);
                adam.step();
                sgd.step();
            }
        }
        @SuppressWarnings("unchecked")
        Map<Integer, Map<String, Object>> st = (Map<Integer, Map<String, Object>>) adam.stateDict().get("state");
        for (Map<String, Object> e : st.values()) {
            for (String key : List.of("exp_avg", "exp_avg_sq", "max_exp_avg_sq")) {
                assertFalse(((Tensor) e.get(key)).isClosed(), key + " was closed by a scope on " + d);
            }
        }
        @SuppressWarnings("unchecked")
        Map<Integer, Map<String, Object>> ss = (Map<Integer, Map<String, Object>>) sgd.stateDict().get("state");
        assertFalse(((Tensor) ss.get(0).get("momentum_buffer")).isClosed());
        assertFalse(ss.get(0).containsKey("step"), "SGD has no step state, as in PyTorch");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void stateDictRoundTripContinuesIdentically(Device d) {
        Fixture a = new Fixture(d, 12);
        Fixture b = new Fixture(d, 12);
        Adam optA = Adam.builder(a.params).lr(0.03).amsgrad(true).weightDecay(0.01).build();
        for (int t = 0; t < 2; t++) {
            a.setGrads(optA, t);
            optA.step();
        }
        // bring b's parameters to a's values, then load a's state into a fresh optimizer over b
        for (int k = 0; k < a.params.size(); k++) {
            Tensor pa = a.params.get(k);
            Tensor pb = b.params.get(k);
            float[] vals = pa.toFloatArray();
            Tensor fresh = Tensor.of(d, vals, pa.shape()).requiresGrad(true);
            b.params.set(k, fresh);
            pb.close();
        }
        Adam optB = new Adam(b.params, 0.5);
        optB.loadStateDict(optA.stateDict());
        assertEquals(0.03, optB.lr());
        assertEquals(optA.toString(), optB.toString());
        for (int t = 2; t < 4; t++) {
            a.setGrads(optA, t);
            optA.step();
            b.setGrads(optB, t);
            optB.step();
        }
        for (int k = 0; k < a.params.size(); k++) {
            float[] x = a.params.get(k).toFloatArray();
            float[] y = b.params.get(k).toFloatArray();
            for (int i = 0; i < x.length; i++) {
                assertEquals(Float.floatToIntBits(x[i]), Float.floatToIntBits(y[i]),
                        "parameter " + k + " element " + i + " after loading the state dict on " + d);
            }
        }
    }
}
