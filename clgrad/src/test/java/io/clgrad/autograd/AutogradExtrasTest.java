package io.clgrad.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clgrad.Autograd;
import io.clgrad.Device;
import io.clgrad.Functional;
import io.clgrad.LossReduction;
import io.clgrad.MemoryBaseline;
import io.clgrad.RemovableHandle;
import io.clgrad.Tensor;
import io.clgrad.TensorScope;
import io.clgrad.Tensors;
import io.clgrad.nn.utils.ClipGrad;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * retainGraph, tensor hooks, {@code Autograd.grad} and gradient clipping beyond their PyTorch
 * values (AutogradGoldenTest): PyTorch's errors, the ops whose backward owns tensors (a fused
 * loss, BatchNorm in training) run twice with retainGraph, ownership of the tensors hooks see,
 * and device memory staying flat through the allocator's counters.
 */
class AutogradExtrasTest {

    // ------------------------------------------------------------------ retainGraph

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void aSecondBackwardWithoutRetainGraphFailsAsInPyTorch(Device d) {
        Tensor x = Tensor.ones(d, 3).requiresGrad(true);
        Tensor loss = x.exp().sum();
        loss.backward(true);
        loss.backward();   // the retained graph runs again, and is freed now
        IllegalStateException e = assertThrows(IllegalStateException.class, loss::backward);
        assertTrue(e.getMessage().contains("Trying to backward through the graph a second time (or directly access"
                + " saved tensors after they have already been freed)"), e.getMessage());
        assertTrue(e.getMessage().contains("retainGraph=true"), e.getMessage());
        assertArrayEquals(new float[] {2 * (float) Math.E, 2 * (float) Math.E, 2 * (float) Math.E},
                x.grad().toFloatArray(), 1e-5f);
    }

    /** The fused losses hand out the gradient they saved; retained, they must hand out a copy and keep it. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void fusedLossesAndBatchNormRunTwiceWithRetainGraph(Device d) {
        Tensor logits = Tensor.randn(d, 6, 4).requiresGrad(true);
        Tensor target = Tensor.of(new int[] {0, 3, 1, 2, 2, 0}).to(d);
        Tensor p = Tensor.randn(d, 6, 1).requiresGrad(true);
        Tensor y = Tensor.rand(d, 6, 1);
        for (boolean scaled : new boolean[] {false, true}) {
            float[][] once = gradsOf(logits, target, p, y, scaled, 1);
            float[][] twice = gradsOf(logits, target, p, y, scaled, 2);
            for (int k = 0; k < once.length; k++) {
                for (int i = 0; i < once[k].length; i++) {
                    assertEquals(2 * once[k][i], twice[k][i], 1e-5 * Math.max(1, Math.abs(twice[k][i])),
                            "gradient " + k + "[" + i + "] after two passes (scaled=" + scaled + ") on " + d);
                }
            }
        }
    }

    private static float[][] gradsOf(Tensor logits, Tensor target, Tensor p, Tensor y, boolean scaled, int passes) {
        logits.zeroGrad();
        p.zeroGrad();
        Tensor bnIn = logits.reshape(6, 4);
        Tensor bn = Functional.batchNorm(bnIn, null, null, null, null, true, 0.1, 1e-5);
        Tensor ce = Functional.crossEntropy(logits, target, -100, 0.0, LossReduction.MEAN);
        Tensor bce = Functional.binaryCrossEntropyWithLogits(p, y, null, null, LossReduction.SUM);
        Tensor loss = scaled ? ce.mul(3f).add(bce.mul(0.5f)).add(bn.mul(bn).sum())
                : ce.add(bce).add(bn.mul(bn).sum());
        for (int i = 0; i < passes; i++) {
            loss.backward(i + 1 < passes);
        }
        return new float[][] {logits.grad().toFloatArray(), p.grad().toFloatArray()};
    }

    /**
     * A retained graph keeps its saved tensors until it is unreachable; a scope per step, as in
     * training, returns the device to where it was after each step.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void retainedGraphsKeepMemoryFlatUnderAScope(Device d) {
        Tensor w = Tensor.randn(d, 16, 8).requiresGrad(true);
        Tensor x = Tensor.randn(d, 32, 16);
        Tensor target = Tensor.randint(0, 8, 32).to(d);
        step(d, w, x, target);   // warm the pool
        long before = MemoryBaseline.settle(d);
        for (int i = 0; i < 50; i++) {
            step(d, w, x, target);
            assertEquals(before, d.memoryStats().bytesInUse(), "bytes in use after step " + i + " on " + d);
        }
    }

    @SuppressWarnings("try")   // the scope is opened for its effect
    private static void step(Device d, Tensor w, Tensor x, Tensor target) {
        try (TensorScope s = Tensors.scope()) {
            Tensor h = x.matmul(w);
            Tensor logits = Functional.batchNorm(h, null, null, null, null, true, 0.1, 1e-5).relu();
            Tensor loss = Functional.crossEntropy(logits, target, -100, 0.0, LossReduction.MEAN);
            RemovableHandle hook = h.registerHook(g -> g.mul(0.5f));
            loss.backward(true);
            Autograd.grad(new Tensor[] {loss}, new Tensor[] {h, w}, null, true, false, false);
            loss.backward();
            hook.remove();
            ClipGrad.clipGradNorm(List.of(w), 0.1);
            ClipGrad.clipGradValue(List.of(w), 0.01);
            w.zeroGrad();
        }
        d.synchronize();
    }

    /** Without a scope: a retained graph's saved tensors are reclaimed once the graph is dropped. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void aDroppedRetainedGraphIsReclaimed(Device d) {
        Tensor w = Tensor.randn(d, 64, 64).requiresGrad(true);
        long before = MemoryBaseline.settle(d);
        Tensor[] held = {retainedGraph(w)};
        MemoryBaseline.settle(d);
        long holding = d.memoryStats().bytesInUse();
        assertTrue(holding >= before + 3L * 64 * 64 * 4, "a retained graph's saved tensors were freed on " + d
                + " (" + (holding - before) + " bytes held)");
        held[0].backward();   // still usable: its saved tensors are alive
        held[0] = null;
        w.zeroGrad();
        assertEquals(before, MemoryBaseline.settle(d), "bytes in use once the graph was dropped, on " + d);
    }

    private static Tensor retainedGraph(Tensor w) {
        Tensor loss = w.exp().tanh().sigmoid().sum();   // each saves its 64x64 output
        loss.backward(true);
        return loss;
    }

    // ------------------------------------------------------------------ hooks

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void aLeafHookRunsOnceOnTheSummedGradientAndCanBeRemoved(Device d) {
        Tensor x = Tensor.of(d, new float[] {1f, 2f}).requiresGrad(true);
        AtomicInteger calls = new AtomicInteger();
        List<Tensor> seen = new ArrayList<>();
        RemovableHandle h = x.registerHook(g -> {
            calls.incrementAndGet();
            seen.add(g);
            return null;   // keeps the gradient
        });
        x.mul(3f).add(x.mul(x)).sum().backward();   // 3 + 2x along two paths
        assertEquals(1, calls.get());
        assertArrayEquals(new float[] {5f, 7f}, seen.get(0).toFloatArray(), 1e-6f);   // the hook's tensor stays open
        assertArrayEquals(new float[] {5f, 7f}, x.grad().toFloatArray(), 1e-6f);
        h.remove();
        h.remove();
        x.sum().backward();
        assertEquals(1, calls.get());
        assertArrayEquals(new float[] {6f, 8f}, x.grad().toFloatArray(), 1e-6f);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void hooksOnTheRootAndOnALeafRootRun(Device d) {
        Tensor x = Tensor.of(d, new float[] {1f, 2f}).requiresGrad(true);
        Tensor y = x.mul(2f);
        y.registerHook(g -> g.add(1f));
        y.backward(Tensor.ones(d, 2));
        assertArrayEquals(new float[] {4f, 4f}, x.grad().toFloatArray(), 1e-6f);
        Tensor leaf = Tensor.of(d, new float[] {1f}).requiresGrad(true);
        leaf.registerHook(g -> g.mul(5f));
        leaf.backward(Tensor.ones(d, 1));
        assertArrayEquals(new float[] {5f}, leaf.grad().toFloatArray(), 1e-6f);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void hookErrorsNameTheProblem(Device d) {
        Tensor data = Tensor.ones(d, 2);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> data.registerHook(g -> g));
        assertTrue(e.getMessage().contains("cannot register a hook on a tensor that doesn't require gradient"),
                e.getMessage());
        Tensor x = Tensor.ones(d, 2).requiresGrad(true);
        x.registerHook(g -> Tensor.ones(d, 3));
        e = assertThrows(IllegalStateException.class, () -> x.mul(2f).sum().backward());
        assertTrue(e.getMessage().contains("a hook on a leaf tensor returned an invalid gradient: shape [3], but the"
                + " gradient has shape [2]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> x.registerHook(null));
    }

    // ------------------------------------------------------------------ Autograd.grad

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void gradReturnsGradientsWithoutTouchingGradAndFreesTheGraph(Device d) {
        Tensor x = Tensor.of(d, new float[] {1f, 2f, 3f}).requiresGrad(true);
        Tensor w = Tensor.of(d, new float[] {0.5f, 0.5f, 0.5f}).requiresGrad(true);
        Tensor loss = x.mul(x).mul(w).sum();
        Tensor[] g = Autograd.grad(loss, x);
        assertArrayEquals(new float[] {1f, 2f, 3f}, g[0].toFloatArray(), 1e-6f);
        assertNull(x.grad());
        assertNull(w.grad());
        IllegalStateException e = assertThrows(IllegalStateException.class, loss::backward);
        assertTrue(e.getMessage().contains("Trying to backward through the graph a second time"), e.getMessage());

        Tensor loss2 = x.mul(x).mul(w).sum();
        Tensor[] g2 = Autograd.grad(new Tensor[] {loss2}, new Tensor[] {w, w}, null, true, false, false);
        assertArrayEquals(new float[] {1f, 4f, 9f}, g2[0].toFloatArray(), 1e-6f);
        assertArrayEquals(new float[] {1f, 4f, 9f}, g2[1].toFloatArray(), 1e-6f);
        assertFalse(g2[0] == g2[1], "the same input twice gets two tensors");
        loss2.backward();   // retained: a backward through it still works
        assertArrayEquals(new float[] {1f, 4f, 9f}, w.grad().toFloatArray(), 1e-6f);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void gradErrorsAreThoseOfPyTorch(Device d) {
        Tensor x = Tensor.ones(d, 2).requiresGrad(true);
        Tensor unused = Tensor.ones(d, 2).requiresGrad(true);
        Tensor data = Tensor.ones(d, 2);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Autograd.grad(x.mul(2f).sum(), x, unused));
        assertTrue(e.getMessage().contains("One of the differentiated Tensors appears to not have been used in the"
                + " graph") && e.getMessage().contains("allowUnused=true"), e.getMessage());
        Tensor[] g = Autograd.grad(new Tensor[] {x.mul(2f).sum()}, new Tensor[] {unused, x}, null, false, false,
                true);
        assertNull(g[0]);
        assertArrayEquals(new float[] {2f, 2f}, g[1].toFloatArray(), 1e-6f);

        e = assertThrows(IllegalStateException.class, () -> Autograd.grad(x.mul(2f).sum(), data));
        assertTrue(e.getMessage().contains("One of the differentiated Tensors does not require grad"), e.getMessage());
        e = assertThrows(IllegalStateException.class, () -> Autograd.grad(data.sum(), x));
        assertTrue(e.getMessage().contains("element 0 of tensors does not require grad and does not have a grad_fn"),
                e.getMessage());
        e = assertThrows(IllegalStateException.class, () -> Autograd.grad(x.mul(2f), x));
        assertTrue(e.getMessage().contains("grad can be implicitly created only for scalar outputs"), e.getMessage());
        IllegalArgumentException a = assertThrows(IllegalArgumentException.class, () -> Autograd.grad(
                new Tensor[] {x.mul(2f)}, new Tensor[] {x}, new Tensor[] {Tensor.ones(d, 3)}, false, false, false));
        assertTrue(a.getMessage().contains("Mismatch in shape: gradOutputs[0] has a shape of [3] and outputs[0] has a"
                + " shape of [2]"), a.getMessage());
        UnsupportedOperationException u = assertThrows(UnsupportedOperationException.class, () -> Autograd.grad(
                new Tensor[] {x.sum()}, new Tensor[] {x}, null, false, true, false));
        assertTrue(u.getMessage().contains("createGraph=true"), u.getMessage());
    }

    // ------------------------------------------------------------------ clipping

    @Test
    void clipGradNormWithoutGradientsReturnsZeroAndRefusesBadNormTypes() {
        Tensor p = Tensor.ones(3).requiresGrad(true);
        assertEquals(0f, ClipGrad.clipGradNorm(List.of(p), 1.0).item());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ClipGrad.clipGradNorm(List.of(p), 1.0, 0.0));
        assertTrue(e.getMessage().contains("normType must be positive"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ClipGrad.clipGradValue(List.of(p), -1));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void clipGradNormCanRefuseANonFiniteNorm(Device d) {
        Tensor p = Tensor.ones(d, 2).requiresGrad(true);
        p.mul(Tensor.of(d, new float[] {Float.POSITIVE_INFINITY, 1f})).sum().backward();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> ClipGrad.clipGradNorm(List.of(p), 1.0, 2.0, true));
        assertTrue(e.getMessage().contains("is non-finite") && e.getMessage().contains("cannot be clipped"), e.getMessage());
        assertEquals(Float.POSITIVE_INFINITY, ClipGrad.clipGradNorm(List.of(p), 1.0, 2.0, false).item());
    }
}
