package io.clgrad.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.clgrad.Device;
import io.clgrad.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * RMSprop and Adagrad: PyTorch 2.x's printed form, PyTorch's argument errors, the state dict's
 * entries, and a run restored from a state dict continuing exactly as the uninterrupted run; the
 * new schedulers' printed group options and argument errors.
 */
class RmspropAdagradApiTest {

    private static List<Tensor> params(Device d) {
        return List.of(Tensor.randn(d, 4, 3).requiresGrad(true), Tensor.randn(d, 5).requiresGrad(true));
    }

    @Test
    void rmspropPrintsLikePyTorch() {
        RMSprop opt = RMSprop.builder(params(Device.cpu())).momentum(0.9).centered(true).build();
        assertEquals("RMSprop (\n"
                + "Parameter Group 0\n"
                + "    alpha: 0.99\n"
                + "    capturable: False\n"
                + "    centered: True\n"
                + "    differentiable: False\n"
                + "    eps: 1e-08\n"
                + "    foreach: None\n"
                + "    lr: 0.01\n"
                + "    maximize: False\n"
                + "    momentum: 0.9\n"
                + "    weight_decay: 0\n"
                + ")", opt.toString());
    }

    @Test
    void adagradPrintsLikePyTorch() {
        Adagrad opt = Adagrad.builder(params(Device.cpu())).lrDecay(0.001).initialAccumulatorValue(0.1).build();
        assertEquals("Adagrad (\n"
                + "Parameter Group 0\n"
                + "    differentiable: False\n"
                + "    eps: 1e-10\n"
                + "    foreach: None\n"
                + "    fused: None\n"
                + "    initial_accumulator_value: 0.1\n"
                + "    lr: 0.01\n"
                + "    lr_decay: 0.001\n"
                + "    maximize: False\n"
                + "    weight_decay: 0\n"
                + ")", opt.toString());
    }

    @Test
    void oneCycleAddsPyTorchsGroupOptions() {
        SGD opt = SGD.builder(params(Device.cpu())).lr(0.1).momentum(0.9).build();
        OneCycleLR.builder(opt, 0.5).totalSteps(10).build();
        assertEquals("SGD (\n"
                + "Parameter Group 0\n"
                + "    base_momentum: 0.85\n"
                + "    dampening: 0\n"
                + "    differentiable: False\n"
                + "    foreach: None\n"
                + "    fused: None\n"
                + "    initial_lr: 0.02\n"
                + "    lr: 0.020000000000000018\n"   // PyTorch prints this too (cos annealing at pct 0)
                + "    max_lr: 0.5\n"
                + "    max_momentum: 0.95\n"
                + "    maximize: False\n"
                + "    min_lr: 2e-06\n"
                + "    momentum: 0.95\n"
                + "    nesterov: False\n"
                + "    weight_decay: 0\n"
                + ")", opt.toString());
    }

    @Test
    void argumentErrorsArePyTorchs() {
        List<Tensor> ps = params(Device.cpu());
        assertEquals("Invalid alpha value: -0.5", assertThrows(IllegalArgumentException.class,
                () -> RMSprop.builder(ps).alpha(-0.5).build()).getMessage());
        assertEquals("Invalid momentum value: -1.0", assertThrows(IllegalArgumentException.class,
                () -> RMSprop.builder(ps).momentum(-1).build()).getMessage());
        assertEquals("Invalid lr_decay value: -0.1", assertThrows(IllegalArgumentException.class,
                () -> Adagrad.builder(ps).lrDecay(-0.1).build()).getMessage());
        assertEquals("Invalid initial_accumulator_value value: -1.0", assertThrows(IllegalArgumentException.class,
                () -> Adagrad.builder(ps).initialAccumulatorValue(-1).build()).getMessage());
        SGD sgd = new SGD(ps, 0.1);
        assertEquals("Factor should be < 1.0.", assertThrows(IllegalArgumentException.class,
                () -> ReduceLROnPlateau.builder(sgd).factor(1.0).build()).getMessage());
        assertEquals("threshold mode relative is unknown!", assertThrows(IllegalArgumentException.class,
                () -> ReduceLROnPlateau.builder(sgd).thresholdMode("relative").build()).getMessage());
        assertEquals("You must define either total_steps OR (epochs AND steps_per_epoch)",
                assertThrows(IllegalArgumentException.class, () -> OneCycleLR.builder(sgd, 0.1).epochs(3).build())
                        .getMessage());
        assertEquals("anneal_strategy must be one of 'cos' or 'linear', instead got cosine",
                assertThrows(IllegalArgumentException.class,
                        () -> OneCycleLR.builder(sgd, 0.1).totalSteps(5).annealStrategy("cosine").build()).getMessage());
        // a null optimizer is the first error a scheduler builder reports, before its own arguments
        assertEquals("optimizer is null", assertThrows(IllegalArgumentException.class,
                () -> OneCycleLR.builder(null, 0.1).epochs(3).build()).getMessage());
        assertEquals("optimizer is null", assertThrows(IllegalArgumentException.class,
                () -> ReduceLROnPlateau.builder(null).factor(1.0).build()).getMessage());
        assertEquals("optimizer is null", assertThrows(IllegalArgumentException.class,
                () -> new ReduceLROnPlateau(null)).getMessage());
        assertEquals("Expected 1 lr_lambdas, but got 2", assertThrows(IllegalArgumentException.class,
                () -> new LambdaLR(sgd, List.of(e -> 1.0, e -> 2.0))).getMessage());
        OneCycleLR short1 = OneCycleLR.builder(sgd, 0.1).totalSteps(2).build();
        short1.step();
        short1.step();
        assertEquals("Tried to step 3 times. The specified number of total steps is 2",
                assertThrows(IllegalStateException.class, short1::step).getMessage());
    }

    /** loss = Σ p·p·p / 3 + Σ p, so grad = p² + 1 (changes every step). */
    private static void backward(List<Tensor> ps) {
        for (Tensor p : ps) {
            p.mul(p).mul(p).div(3f).sum().add(p.sum()).backward();
        }
    }

    private static List<float[]> train(List<Tensor> ps, Optimizer opt, int steps) {
        for (int i = 0; i < steps; i++) {
            opt.zeroGrad();
            backward(ps);
            opt.step();
        }
        List<float[]> out = new ArrayList<>();
        ps.forEach(p -> out.add(p.toFloatArray()));
        return out;
    }

    private static void restoredRunContinuesExactly(Device d, Function<List<Tensor>, Optimizer> make,
                                                   List<String> stateKeys) {
        List<Tensor> a = params(d);
        List<Tensor> b = new ArrayList<>();
        a.forEach(p -> b.add(p.detach().copy().requiresGrad(true)));
        List<float[]> straight = train(a, make.apply(a), 6);

        Optimizer first = make.apply(b);
        train(b, first, 3);
        Map<String, Object> saved = first.stateDict();
        @SuppressWarnings("unchecked")
        Map<Integer, Map<String, Object>> st = (Map<Integer, Map<String, Object>>) saved.get("state");
        assertEquals(stateKeys, List.copyOf(st.get(0).keySet()));
        assertEquals(3.0, ((Tensor) st.get(1).get("step")).item());
        Optimizer second = make.apply(b);
        second.loadStateDict(saved);
        List<float[]> resumed = train(b, second, 3);
        for (int i = 0; i < straight.size(); i++) {
            assertArrayEquals(straight.get(i), resumed.get(i), "parameter " + i + " on " + d);
        }
    }

    @ParameterizedTest
    @MethodSource("io.clgrad.TestDevices#all")
    void rmspropStateDictRoundTrip(Device d) {
        restoredRunContinuesExactly(d, ps -> RMSprop.builder(ps).lr(0.01).momentum(0.9).centered(true)
                .weightDecay(0.1).build(), List.of("step", "square_avg", "momentum_buffer", "grad_avg"));
        restoredRunContinuesExactly(d, ps -> new RMSprop(ps, 0.02), List.of("step", "square_avg"));
    }

    @ParameterizedTest
    @MethodSource("io.clgrad.TestDevices#all")
    void adagradStateDictRoundTrip(Device d) {
        restoredRunContinuesExactly(d, ps -> Adagrad.builder(ps).lr(0.1).lrDecay(0.1).initialAccumulatorValue(0.3)
                .build(), List.of("step", "sum"));
    }
}
