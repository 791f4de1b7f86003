package io.clgrad;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clgrad.nn.Linear;
import io.clgrad.nn.Sequential;
import io.clgrad.nn.ReLU;
import io.clgrad.nn.init.Init;
import io.clgrad.nn.MSELoss;
import io.clgrad.optim.SGD;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The packed weight copies of batch-1 inference ({@link PackedLinearWeights}): a no-grad forward of
 * at most four rows on the CPU backend reads W from a packed copy kept beside the weight, which
 * follows every way the weight can change (copyFrom, an nn.init fill, an optimizer step, a replayed
 * training step) and every view of it; forwards with gradients never pack; the copy is freed with
 * the weight and repeated calls allocate nothing; concurrent callers get the right numbers. Each
 * result is checked against a double-precision reference of the weights the tensors hold then, on
 * every device (OpenCL has no packed path, so there the same checks cover the plain one).
 */
class PackedLinearWeightsTest {

    /** {@code act(x·Wᵀ + b)} in double from the tensors' current values, within 1e-5 relative to Σ|terms|. */
    private static void assertReference(Tensor x, Tensor w, Tensor b, boolean relu, Tensor y) {
        float[] xs = x.toFloatArray();
        float[] ws = w.contiguous().toFloatArray();
        float[] bs = b == null ? null : b.toFloatArray();
        float[] ys = y.toFloatArray();
        int rows = x.shape()[0];
        int in = w.shape()[1];
        int out = w.shape()[0];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < out; j++) {
                double sum = bs == null ? 0 : bs[j];
                double abs = Math.abs(sum);
                for (int p = 0; p < in; p++) {
                    double t = (double) xs[i * in + p] * ws[j * in + p];
                    sum += t;
                    abs += Math.abs(t);
                }
                if (relu) {
                    sum = Math.max(sum, 0);
                }
                double got = ys[i * out + j];
                assertTrue(Math.abs(got - sum) <= 1e-6 + 1e-5 * abs,
                        "y[" + i + "," + j + "] = " + got + ", want " + sum);
            }
        }
    }

    private static boolean packs(Device d) {
        return d.backend().packedLinearWeightSize(8, 8) > 0;
    }

    private static PackedLinearWeights.Entry entry(Tensor w) {
        synchronized (w.storage()) {
            return w.storage().packedLinear();
        }
    }

    private static Tensor noGradForward(Linear l, Tensor x) {
        try (Autograd.Mode m = Autograd.noGrad()) {
            return l.forward(x);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void theCopyFollowsEveryWriteToTheWeight(Device d) {
        try (TensorScope s = Tensors.scope()) {
            Tensor.manualSeed(31);
            Linear l = new Linear(37, 70);
            l.to(d);
            Tensor x = Tensor.randn(d, 1, 37);
            Tensor w = l.weight();

            assertReference(x, w, l.bias(), false, l.forward(x));   // with gradients: nothing packed
            assertNull(entry(w), "a forward that records a node packs nothing");

            assertReference(x, w, l.bias(), false, noGradForward(l, x));
            PackedLinearWeights.Entry first = entry(w);
            assertEquals(packs(d), first != null, "packed on a backend with packed weights only");
            assertReference(x, w, l.bias(), false, noGradForward(l, x));
            assertSame(first, entry(w), "an unchanged weight is not packed again");

            try (Autograd.Mode m = Autograd.noGrad()) {
                w.copyFrom(Tensor.randn(d, 70, 37));
            }
            assertReference(x, w, l.bias(), false, noGradForward(l, x));
            Init.uniform(w, -0.5, 0.5);
            assertReference(x, w, l.bias(), false, noGradForward(l, x));
            Init.constant(w, 0.25);
            assertReference(x, w, l.bias(), false, noGradForward(l, x));

            SGD opt = new SGD(l.parameters(), 0.5);
            Tensor batch = Tensor.randn(d, 8, 37);
            Tensor target = Tensor.randn(d, 8, 70);
            opt.zeroGrad();
            new MSELoss().forward(l.forward(batch), target).backward();
            opt.step();
            assertReference(x, w, l.bias(), false, noGradForward(l, x));
            if (packs(d)) {
                assertNotSame(first, entry(w), "repacked after the writes");
            }
        }
    }

    /**
     * A replayed step writes tensors again without running the Java code that bumped their versions
     * (the optimizer's step is a live action and bumps by itself; a {@code copyFrom} inside the step,
     * here an exponential moving average of the weight, is a recorded call): each replay still bumps
     * the versions the recording saw bumped, so the packed copies follow.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void replayedTrainingStepsInvalidateTheCopy(Device d) {
        try (TensorScope s = Tensors.scope()) {
            Tensor.manualSeed(32);
            Sequential model = new Sequential(new Linear(20, 33), new ReLU(), new Linear(33, 5));
            model.to(d);
            Linear first = (Linear) model.children().get(0);
            SGD opt = new SGD(model.parameters(), 0.1);
            MSELoss loss = new MSELoss();
            Tensor one = Tensor.randn(d, 1, 20);
            Tensor ema = first.weight().detach().mul(1f);   // a copy with a storage of its own
            TensorScope.release(ema);
            try (CompiledStep step = Step.compile(d, (xs, ys) -> {
                opt.zeroGrad();
                Tensor l = loss.forward(model.forward(xs), ys);
                l.backward();
                opt.step();
                try (Autograd.Mode m = Autograd.noGrad()) {
                    ema.copyFrom(ema.mul(0.5f).add(first.weight().mul(0.5f)));
                }
                return l;
            })) {
                Tensor xs = Tensor.randn(d, 6, 20);
                Tensor ys = Tensor.randn(d, 6, 5);
                for (int i = 0; i < 4; i++) {
                    step.run(xs, ys).close();
                    assertReference(one, first.weight(), first.bias(), false, noGradForward(first, one));
                    try (Autograd.Mode m = Autograd.noGrad()) {
                        assertReference(one, ema, null, false, Functional.linear(one, ema, null));
                    }
                }
                assertTrue(step.replays() >= 3, "replayed: " + step.replays());
            } finally {
                ema.close();
            }
        }
    }

    /** A weight seen through different views of one storage: each forward reads the view it is given. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void viewsOfOneStorageEachGetTheirOwnNumbers(Device d) {
        try (TensorScope s = Tensors.scope(); Autograd.Mode m = Autograd.noGrad()) {
            Tensor.manualSeed(33);
            Tensor base = Tensor.randn(d, 40, 24);
            Tensor x = Tensor.randn(d, 2, 40);
            Tensor transposed = base.t();                      // [24, 40], strides (1, 24)
            Tensor rows = base.narrow(0, 0, 24).t().t();       // [24, 24] of the first rows
            Tensor x24 = Tensor.randn(d, 3, 24);
            for (int i = 0; i < 3; i++) {
                assertReference(x, transposed, null, true, Functional.linear(x, transposed, null).relu());
                assertReference(x24, rows, null, false, Functional.linear(x24, rows, null));
            }
        }
    }

    /** Repeated calls allocate nothing; the copy goes when the weight does. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void theCopyIsAllocatedOnceAndFreedWithTheWeight(Device d) {
        Tensor.manualSeed(34);
        long before = MemoryBaseline.settle(d);
        Tensor w = Tensor.randn(d, 300, 200);
        Tensor b = Tensor.randn(d, 300);
        Tensor x = Tensor.randn(d, 1, 200);
        MemoryBaseline.assertFlat(d, "batch-1 no-grad linear", 20, () -> {
            try (TensorScope s = Tensors.scope(); Autograd.Mode m = Autograd.noGrad()) {
                Functional.linear(x, w, b).toFloatArray();
            }
        });
        if (packs(d)) {
            assertNotNull(entry(w));
        }
        w.close();
        b.close();
        x.close();
        assertEquals(before, MemoryBaseline.settle(d), "bytes in use after the weight was closed");
    }

    /** Callers on several threads share one copy and each gets the layer's numbers. */
    @Test
    void concurrentCallersGetTheRightNumbers() throws Exception {
        Device d = Device.cpu();
        Tensor.manualSeed(35);
        Linear l = new Linear(64, 130);
        l.to(d);
        List<Tensor> inputs = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            Tensor x = Tensor.randn(d, 1, 64);
            TensorScope.release(x);
            inputs.add(x);
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (Tensor x : inputs) {
                done.add(pool.submit(() -> {
                    for (int i = 0; i < 50; i++) {
                        try (TensorScope s = Tensors.scope()) {
                            assertReference(x, l.weight(), l.bias(), false, noGradForward(l, x));
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        assertNotNull(entry(l.weight()));
    }
}
