package io.clgrad.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clgrad.Device;
import io.clgrad.Functional;
import io.clgrad.LossReduction;
import io.clgrad.Tensor;
import io.clgrad.backend.Backend;
import io.clgrad.backend.TargetOutOfBoundsException;
import java.util.function.Supplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Class-index targets outside [0, C) (and not ignoreIndex) raise TargetOutOfBoundsException on
 * every loss path and device, naming the value and its index, instead of a quiet NaN (issue 9,
 * item 1). On OpenCL the error may come from the first read after the loss, never later.
 */
class ClassTargetRangeTest {

    /** Runs the loss and reads its value (where an OpenCL device raises at the latest). */
    private static TargetOutOfBoundsException raised(Supplier<Tensor> loss) {
        return assertThrows(TargetOutOfBoundsException.class, () -> loss.get().toFloatArray());
    }

    private static void assertNames(TargetOutOfBoundsException e, String op, int value, int index, Device d) {
        String m = e.getMessage();
        assertTrue(m.startsWith(op + ": Target " + value + " is out of bounds"), m);
        assertTrue(m.contains("target[" + index + "] = " + value), m);
        assertEquals(value, e.detail().value());
        assertEquals(index, e.detail().position());
        if (!d.isCpu()) {
            assertTrue(m.contains("found on " + d), m);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void crossEntropyFusedMeanAndSum(Device d) {
        Tensor.manualSeed(1);
        Tensor x = Tensor.randn(d, 2, 10);
        Tensor bad = Tensor.of(d, new int[] {3, 10}, 2);
        assertNames(raised(() -> new CrossEntropyLoss().forward(x, bad)), "cross_entropy", 10, 1, d);
        Tensor w = x.detach().requiresGrad(true);
        assertNames(raised(() -> new CrossEntropyLoss(-100, 0.0, LossReduction.SUM).forward(w, bad)),
                "cross_entropy", 10, 1, d);
        Tensor negative = Tensor.of(d, new int[] {-1, 2}, 2);
        assertNames(raised(() -> new CrossEntropyLoss().forward(x, negative)), "cross_entropy", -1, 0, d);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void crossEntropyNoneAndUnfused(Device d) {
        Tensor.manualSeed(2);
        Tensor x = Tensor.randn(d, 2, 10);
        Tensor bad = Tensor.of(d, new int[] {3, 10}, 2);
        assertNames(raised(() -> new CrossEntropyLoss(-100, 0.0, LossReduction.NONE).forward(x, bad)),
                "cross_entropy", 10, 1, d);
        // more logits than one fused work-group takes: the unfused kernel with its separate check
        int classes = (int) (Backend.FUSED_LOSS_MAX / 2 + 1);
        Tensor wide = Tensor.zeros(d, 2, classes);
        Tensor badWide = Tensor.of(d, new int[] {classes, 0}, 2);
        assertNames(raised(() -> Functional.crossEntropy(wide, badWide, -100, 0f, LossReduction.MEAN)),
                "cross_entropy", classes, 0, d);
        // with label smoothing (the same kernels) and a class weight (the tensor-op path)
        assertNames(raised(() -> new CrossEntropyLoss(-100, 0.1, LossReduction.MEAN).forward(x, bad)),
                "cross_entropy", 10, 1, d);
        Tensor weight = Tensor.ones(d, 10);
        assertNames(raised(() -> CrossEntropyLoss.builder().weight(weight).build().forward(x, bad)),
                "cross_entropy", 10, 1, d);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void nllLoss(Device d) {
        Tensor.manualSeed(3);
        Tensor logp = Tensor.randn(d, 3, 4).logSoftmax(1);
        Tensor bad = Tensor.of(d, new int[] {0, 1, 250}, 3);
        assertNames(raised(() -> new NLLLoss().forward(logp, bad)), "nll_loss", 250, 2, d);
        assertNames(raised(() -> new NLLLoss(-100, LossReduction.NONE).forward(logp, Tensor.of(d, new int[] {-7, 1, 2}, 3))),
                "nll_loss", -7, 0, d);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void ignoreIndexIsNotOutOfBoundsAndTheDeviceKeepsWorking(Device d) {
        Tensor.manualSeed(4);
        Tensor x = Tensor.randn(d, 3, 5);
        raised(() -> new CrossEntropyLoss().forward(x, Tensor.of(d, new int[] {1, 5, 2}, 3)));
        // raised once: later reads and valid losses are unaffected
        Tensor ok = Tensor.of(d, new int[] {1, -100, 4}, 3);
        float fused = new CrossEntropyLoss().forward(x, ok).item();
        float none = new CrossEntropyLoss(-100, 0.0, LossReduction.NONE).forward(x, ok).sum().item() / 2;
        float nll = new NLLLoss().forward(x.logSoftmax(1), ok).item();
        assertFalse(Float.isNaN(fused), "ignored rows do not count as out of bounds");
        assertEquals(none, fused, 1e-5);
        assertEquals(nll, fused, 1e-5);
        Tensor five = new CrossEntropyLoss(5, 0.0, LossReduction.MEAN).forward(x, Tensor.of(d, new int[] {1, 5, 2}, 3));
        assertFalse(Float.isNaN(five.item()), "a target equal to ignoreIndex is skipped even outside [0, C)");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#opencl")
    void openClRaisesFromSynchronizeToo(Device d) {
        Tensor x = Tensor.zeros(d, 2, 3);
        Tensor loss = new CrossEntropyLoss().forward(x, Tensor.of(d, new int[] {0, 3}, 2));   // enqueued only
        TargetOutOfBoundsException e = assertThrows(TargetOutOfBoundsException.class, d::synchronize);
        assertNames(e, "cross_entropy", 3, 1, d);
        assertTrue(e.getMessage().contains("raised at the next read"), e.getMessage());
        assertTrue(Float.isNaN(loss.item()), "the loss value itself stays NaN; the error was raised once");
    }
}
