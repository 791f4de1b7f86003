package io.clgrad.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.clgrad.Device;
import io.clgrad.Tensor;
import java.util.List;
import java.util.Map;
import java.util.function.IntToDoubleFunction;
import org.junit.jupiter.api.Test;

/** The schedulers' learning-rate sequences against PyTorch's closed forms. */
class LRSchedulerTest {

    private static Optimizer sgd(double lr) {
        return new SGD(List.of(Tensor.randn(Device.cpu(), 3).requiresGrad(true)), lr);
    }

    private static void assertSequence(Optimizer opt, LRScheduler s, int epochs, IntToDoubleFunction closed) {
        for (int e = 0; e < epochs; e++) {
            assertEquals(e, s.lastEpoch());
            double want = closed.applyAsDouble(e);
            assertEquals(want, opt.lr(), 1e-12 * Math.max(1, Math.abs(want)), "epoch " + e);
            assertEquals(opt.lr(), s.lastLr().get(0));
            s.step();
        }
    }

    @Test
    void stepLr() {
        Optimizer opt = sgd(0.05);
        StepLR s = new StepLR(opt, 3, 0.5);
        assertSequence(opt, s, 20, e -> 0.05 * Math.pow(0.5, e / 3));
        assertEquals(List.of(0.05), s.baseLrs());
    }

    @Test
    void stepLrDefaultGamma() {
        Optimizer opt = sgd(1.0);
        assertSequence(opt, new StepLR(opt, 2), 9, e -> Math.pow(0.1, e / 2));
    }

    @Test
    void cosineAnnealingLrPastTMax() {
        Optimizer opt = sgd(0.1);
        CosineAnnealingLR s = new CosineAnnealingLR(opt, 10, 0.001);
        assertSequence(opt, s, 35, e -> 0.001 + (0.1 - 0.001) * (1 + Math.cos(Math.PI * e / 10)) / 2);
    }

    @Test
    void cosineAnnealingLrToZero() {
        Optimizer opt = sgd(0.01);
        assertSequence(opt, new CosineAnnealingLR(opt, 7), 8, e -> 0.01 * (1 + Math.cos(Math.PI * e / 7)) / 2);
    }

    @Test
    void linearLr() {
        Optimizer opt = sgd(0.2);
        LinearLR s = new LinearLR(opt, 0.25, 1.0, 4);
        assertSequence(opt, s, 10, e -> 0.2 * (0.25 + 0.75 * Math.min(e, 4) / 4.0));
        assertEquals(new LinearLR.Ramp(0.25, 1.0, 4), s.ramp());
    }

    @Test
    void linearLrDefaultsAndDecay() {
        Optimizer opt = sgd(0.3);
        assertSequence(opt, new LinearLR(opt), 8, e -> 0.3 * (1.0 / 3 + (1 - 1.0 / 3) * Math.min(e, 5) / 5.0));
        Optimizer opt2 = sgd(0.3);
        assertSequence(opt2, new LinearLR(opt2, 1.0, 0.1, 3), 6, e -> 0.3 * (1 + (0.1 - 1) * Math.min(e, 3) / 3.0));
    }

    @Test
    void everyGroupIsScheduledFromItsOwnBase() {
        List<Tensor> ps = List.of(Tensor.randn(3).requiresGrad(true), Tensor.randn(3).requiresGrad(true));
        Adam opt = new Adam(ps.subList(0, 1), 0.1);
        opt.addParamGroup(ps.subList(1, 2), Map.of("lr", 0.01));
        StepLR s = new StepLR(opt, 1, 0.5);
        s.step();
        s.step();
        assertEquals(0.025, opt.paramGroups().get(0).lr(), 1e-15);
        assertEquals(0.0025, opt.paramGroups().get(1).lr(), 1e-15);
        assertEquals(0.01, opt.paramGroups().get(1).getDouble("initial_lr"));
    }

    @Test
    void invalidArguments() {
        assertThrows(IllegalArgumentException.class, () -> new StepLR(sgd(0.1), 0));
        assertThrows(IllegalArgumentException.class, () -> new CosineAnnealingLR(sgd(0.1), 0));
        assertThrows(IllegalArgumentException.class, () -> new LinearLR(sgd(0.1), 0, 1, 5));
        assertThrows(IllegalArgumentException.class, () -> new LinearLR(sgd(0.1), 0.5, 1.5, 5));
    }
}
