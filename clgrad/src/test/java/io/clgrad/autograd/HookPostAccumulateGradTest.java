package io.clgrad.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clgrad.Autograd;
import io.clgrad.CompiledStep;
import io.clgrad.Device;
import io.clgrad.RemovableHandle;
import io.clgrad.Step;
import io.clgrad.Tensor;
import io.clgrad.nn.CrossEntropyLoss;
import io.clgrad.nn.Linear;
import io.clgrad.nn.ReLU;
import io.clgrad.nn.Sequential;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link Tensor#registerPostAccumulateGradHook}, PyTorch's {@code register_post_accumulate_grad_hook}:
 * once per pass per leaf, after the last contribution (the grad it sees is the grad after backward),
 * while backward still runs (the last layer's weight before the first layer's, whose grad is then
 * still empty), again on every pass of a retained graph, never for {@code Autograd.grad}, refused on
 * non-leaves, and repeated on every replay of a recorded step.
 */
class HookPostAccumulateGradTest {

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void firesOncePerPassWithTheFinalGradient(Device d) {
        Tensor x = Tensor.of(d, new float[] {1f, 2f}).requiresGrad(true);
        AtomicInteger calls = new AtomicInteger();
        List<float[]> seen = new ArrayList<>();
        RemovableHandle h = x.registerPostAccumulateGradHook(p -> {
            assertTrue(p == x, "the hook gets the leaf itself");
            calls.incrementAndGet();
            seen.add(p.grad().toFloatArray());
        });
        // three edges into x (3x, x·x twice): the hook waits for all of them
        x.mul(3f).add(x.mul(x)).sum().backward();
        assertEquals(1, calls.get());
        assertArrayEquals(new float[] {5f, 7f}, seen.get(0), 1e-6f);
        assertArrayEquals(x.grad().toFloatArray(), seen.get(0), 0f);
        x.mul(x).sum().backward();   // accumulates: the hook sees the sum with the earlier grad
        assertEquals(2, calls.get());
        assertArrayEquals(new float[] {7f, 11f}, seen.get(1), 1e-6f);
        h.remove();
        h.remove();
        x.sum().backward();
        assertEquals(2, calls.get(), "a removed hook is not called");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void firesForTheLastLayerBeforeTheFirstWhileBackwardRuns(Device d) {
        Tensor.manualSeed(3);
        Sequential m = new Sequential(new Linear(6, 8), new ReLU(), new Linear(8, 8), new ReLU(), new Linear(8, 3)).to(d);
        List<Tensor> ps = m.parameters();
        List<String> log = new ArrayList<>();
        List<float[]> seen = new ArrayList<>();
        boolean[] firstEmptyWhenLastFired = new boolean[1];
        List<RemovableHandle> handles = new ArrayList<>();
        for (int i = 0; i < ps.size(); i++) {
            int idx = i;
            handles.add(ps.get(i).registerPostAccumulateGradHook(p -> {
                log.add("p" + idx);
                seen.add(p.grad().toFloatArray());
                if (idx == ps.size() - 2) {   // the last layer's weight
                    firstEmptyWhenLastFired[0] = ps.get(0).grad() == null;
                }
            }));
        }
        Tensor x = Tensor.randn(d, 4, 6);
        Tensor y = Tensor.randint(d, 0, 3, 4);
        new CrossEntropyLoss().forward(m.forward(x), y).backward();
        assertEquals(ps.size(), log.size(), "once per parameter: " + log);
        int last = log.indexOf("p" + (ps.size() - 2));
        int first = log.indexOf("p0");
        assertTrue(last >= 0 && first >= 0 && last < first, "last layer's weight before the first layer's: " + log);
        assertTrue(firstEmptyWhenLastFired[0], "the first layer's grad is still empty when the last layer's hook runs");
        for (int k = 0; k < log.size(); k++) {
            int idx = Integer.parseInt(log.get(k).substring(1));
            assertArrayEquals(ps.get(idx).grad().toFloatArray(), seen.get(k), 0f, "the hook saw " + log.get(k) + "'s final grad");
        }
        handles.forEach(RemovableHandle::remove);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void retainedGraphFiresEveryPassAndAutogradGradNever(Device d) {
        Tensor w = Tensor.of(d, new float[] {2f, -1f}).requiresGrad(true);
        AtomicInteger calls = new AtomicInteger();
        List<float[]> seen = new ArrayList<>();
        RemovableHandle h = w.registerPostAccumulateGradHook(p -> {
            calls.incrementAndGet();
            seen.add(p.grad().toFloatArray());
        });
        Tensor loss = w.mul(w).sum();
        loss.backward(true);
        loss.backward(true);   // PyTorch: every backward through the retained graph calls it again
        assertEquals(2, calls.get());
        assertArrayEquals(new float[] {4f, -2f}, seen.get(0), 1e-6f);
        assertArrayEquals(new float[] {8f, -4f}, seen.get(1), 1e-6f);
        Tensor[] g = Autograd.grad(new Tensor[] {loss}, new Tensor[] {w}, null, false, false, false);
        assertArrayEquals(new float[] {4f, -2f}, g[0].toFloatArray(), 1e-6f);
        assertEquals(2, calls.get(), "Autograd.grad accumulates into no grad(): no post-accumulate hook");
        h.remove();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void runsAfterTheTensorHooksAndMayChangeTheGrad(Device d) {
        Tensor w = Tensor.of(d, new float[] {1f, 3f}).requiresGrad(true);
        w.registerHook(g -> g.mul(2f));   // before accumulation
        List<float[]> seen = new ArrayList<>();
        w.registerPostAccumulateGradHook(p -> {
            seen.add(p.grad().toFloatArray());
            p.grad().copyFrom(p.grad().mul(0.5f));   // after: may rewrite the grad
        });
        w.mul(w).sum().backward();
        assertArrayEquals(new float[] {4f, 12f}, seen.get(0), 1e-6f);
        assertArrayEquals(new float[] {2f, 6f}, w.grad().toFloatArray(), 1e-6f);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void notCalledWithoutAGradientAndRefusedOnNonLeaves(Device d) {
        Tensor a = Tensor.of(d, new float[] {1f}).requiresGrad(true);
        Tensor b = Tensor.of(d, new float[] {2f}).requiresGrad(true);
        AtomicInteger calls = new AtomicInteger();
        b.registerPostAccumulateGradHook(p -> calls.incrementAndGet());
        a.mul(3f).sum().backward();   // b is not in this graph
        assertEquals(0, calls.get());
        assertNull(b.grad());
        Tensor y = a.mul(2f);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> y.registerPostAccumulateGradHook(p -> { }));
        assertTrue(e.getMessage().contains("non-leaf"), e.getMessage());
        Tensor c = Tensor.of(d, new float[] {1f});
        e = assertThrows(IllegalStateException.class, () -> c.registerPostAccumulateGradHook(p -> { }));
        assertTrue(e.getMessage().contains("doesn't require gradient"), e.getMessage());
    }

    /** In a recorded step the hook is live: it runs on every replay, on that replay's gradient. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void runsOnEveryReplayOfARecordedStep(Device d) {
        float[][] eager = trainWithScalingHook(d, false);
        float[][] replayed = trainWithScalingHook(d, true);
        for (int i = 0; i < eager.length; i++) {
            assertArrayEquals(eager[i], replayed[i], 1e-6f, "parameter " + i + " after 4 steps");
        }
    }

    /** Four SGD-like steps where the post-accumulate hook halves the first layer's weight gradient. */
    private static float[][] trainWithScalingHook(Device d, boolean compiled) {
        Tensor.manualSeed(5);
        Sequential m = new Sequential(new Linear(4, 6), new ReLU(), new Linear(6, 2)).to(d);
        List<Tensor> ps = m.parameters();
        AtomicInteger calls = new AtomicInteger();
        RemovableHandle h = ps.get(0).registerPostAccumulateGradHook(p -> {
            calls.incrementAndGet();
            p.grad().copyFrom(p.grad().mul(0.5f));
        });
        Tensor x = Tensor.randn(d, 5, 4);
        Tensor y = Tensor.randint(d, 0, 2, 5);
        CrossEntropyLoss ce = new CrossEntropyLoss();
        java.util.function.Function<Tensor[], Tensor> body = in -> {
            for (Tensor p : ps) {
                p.zeroGrad();
            }
            Tensor l = ce.forward(m.forward(in[0]), in[1]);
            l.backward();
            try (var g = Autograd.noGrad()) {
                for (Tensor p : ps) {
                    p.copyFrom(p.sub(p.grad().mul(0.1f)));
                }
            }
            return l;
        };
        if (compiled) {
            try (CompiledStep step = Step.compile(d, body)) {
                for (int i = 0; i < 4; i++) {
                    step.run(x, y).close();
                }
                assertTrue(step.replays() >= 1, "replayed");
            }
        } else {
            for (int i = 0; i < 4; i++) {
                body.apply(new Tensor[] {x, y}).close();
            }
        }
        assertEquals(4, calls.get(), "one call per step");
        h.remove();
        float[][] out = new float[ps.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = ps.get(i).toFloatArray();
        }
        return out;
    }
}
