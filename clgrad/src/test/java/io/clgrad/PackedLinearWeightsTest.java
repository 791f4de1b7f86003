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
 * The packed weight copies of inference ({@link PackedLinearWeights}): a no-grad forward of at most
 * four rows on the CPU backend reads W from a packed copy kept beside the weight (a forward of more
 * rows from a copy packed for the GEMM), which
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

    /** The packed copy of this view of w at its current version, or null. */
    private static PackedLinearWeights.Entry entry(Tensor w) {
        synchronized (w.storage()) {
            PackedLinearWeights.Copies c = w.storage().packedLinear();
            if (c == null) {
                return null;
            }
            for (PackedLinearWeights.Entry e : c.all()) {
                if (e.matches(w.version(), w)) {
                    return e;
                }
            }
            return null;
        }
    }

    private static int copies(Tensor w) {
        synchronized (w.storage()) {
            PackedLinearWeights.Copies c = w.storage().packedLinear();
            return c == null ? 0 : c.all().size();
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
            long held = d.memoryStats().bytesInUse();
            opt.step();
            assertEquals(0, copies(w), "a write drops the copies");
            if (packs(d)) {
                assertTrue(d.memoryStats().bytesInUse() <= held - 70 * 37 * 4L,
                        "the dropped copy's memory is given back: " + held + " -> " + d.memoryStats().bytesInUse());
            }
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

    /**
     * Three row slices of one fused weight used as three layers (q, k, v): each keeps its own copy, so
     * calls that alternate between them allocate nothing once each slice has been packed.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void slicesOfAFusedWeightEachKeepACopy(Device d) {
        Tensor.manualSeed(36);
        Tensor fused = Tensor.randn(d, 3 * 70, 40);
        Tensor x = Tensor.randn(d, 1, 40);
        Tensor[] slices = {fused.narrow(0, 0, 70), fused.narrow(0, 70, 70), fused.narrow(0, 140, 70)};
        try (TensorScope s = Tensors.scope(); Autograd.Mode m = Autograd.noGrad()) {
            for (Tensor w : slices) {
                assertReference(x, w, null, false, Functional.linear(x, w, null));
            }
        }
        MemoryBaseline.assertFlat(d, "alternating slices", 10, () -> {
            try (TensorScope s = Tensors.scope(); Autograd.Mode m = Autograd.noGrad()) {
                for (Tensor w : slices) {
                    Functional.linear(x, w, null).toFloatArray();
                }
            }
        });
        if (packs(d)) {
            assertEquals(3, copies(fused));
        }
        for (Tensor t : slices) {
            t.close();
        }
        fused.close();
        x.close();
    }

    /**
     * A ReLU layer's output (half zeros) into a layer with an Inf weight behind one of the zeros: the
     * no-grad forward (packed where the backend packs, skipping zero inputs) gives NaN at that output,
     * as the forward with gradients and PyTorch do (0·Inf), and the reference values elsewhere.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void anInfWeightBehindAZeroInputGivesNaNWithoutGradientsToo(Device d) {
        try (TensorScope s = Tensors.scope()) {
            Tensor.manualSeed(39);
            Linear l = new Linear(256, 130);
            l.to(d);
            Tensor x = Tensor.randn(d, 1, 256).relu();
            float[] xs = x.toFloatArray();
            int zero = 0;
            while (xs[zero] != 0f) {
                zero++;
            }
            float[] w = l.weight().toFloatArray();
            w[3 * 256 + zero] = Float.POSITIVE_INFINITY;
            try (Autograd.Mode m = Autograd.noGrad()) {
                l.weight().copyFrom(Tensor.of(d, w, 130, 256));
            }
            float[] withGrad = l.forward(x).toFloatArray();
            float[] noGrad = noGradForward(l, x).toFloatArray();
            assertEquals(packs(d), entry(l.weight()) != null, "packed on a backend with packed weights only");
            for (int j = 0; j < 130; j++) {
                assertEquals(j == 3, Float.isNaN(withGrad[j]), "with gradients, output " + j + " = " + withGrad[j]);
                assertEquals(j == 3, Float.isNaN(noGrad[j]), "without gradients, output " + j + " = " + noGrad[j]);
                if (j != 3) {
                    assertEquals(withGrad[j], noGrad[j], 1e-5f * (1 + Math.abs(withGrad[j])), "output " + j);
                }
            }
        }
    }

    /** A layer with one output over many inputs: its copy is as large as the weight (and 17 floats of flags), not a padded panel. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void aNarrowLayersCopyIsAsLargeAsItsWeight(Device d) {
        Tensor.manualSeed(37);
        Tensor w = Tensor.randn(d, 1, 100_000);
        Tensor x = Tensor.randn(d, 1, 100_000);
        long before = MemoryBaseline.settle(d);
        try (TensorScope s = Tensors.scope(); Autograd.Mode m = Autograd.noGrad()) {
            assertReference(x, w, null, false, Functional.linear(x, w, null));
        }
        long grown = MemoryBaseline.settle(d) - before;
        assertTrue(grown <= 100_000 * 4L + 17 * 4, "packed copy of a 400,000-byte weight took " + grown + " bytes");
        w.close();
        x.close();
    }

    /**
     * A live action later in the same replayed step reads a weight that a recorded call of that step
     * wrote: the replay bumps the version right after the segment that wrote it, so the action's
     * batch-1 forward does not read the copy packed in the previous run.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void aLiveActionAfterARecordedWriteSeesIt(Device d) {
        Tensor.manualSeed(38);
        Tensor w = Tensor.randn(d, 8, 8);
        Tensor one = Tensor.randn(d, 1, 8);
        TensorScope.release(w);
        TensorScope.release(one);
        List<String> failures = new ArrayList<>();
        try (CompiledStep step = Step.compile(d, (a, b) -> {
            try (Autograd.Mode m = Autograd.noGrad()) {
                w.copyFrom(w.add(1f));
            }
            Step.live(() -> {
                try (TensorScope s = Tensors.scope(); Autograd.Mode m = Autograd.noGrad()) {
                    assertReference(one, w, null, false, Functional.linear(one, w, null));
                } catch (AssertionError e) {
                    failures.add(e.getMessage());
                }
            });
            return a.add(b);
        })) {
            Tensor a = Tensor.randn(d, 2);
            Tensor b = Tensor.randn(d, 2);
            for (int i = 0; i < 4; i++) {
                step.run(a, b).close();
            }
            assertTrue(step.replays() >= 3, "replayed: " + step.replays());
            a.close();
            b.close();
        } finally {
            w.close();
            one.close();
        }
        assertEquals(List.of(), failures);
    }

    private static boolean gemmPacks(Device d) {
        return d.backend().gemmPackedWeightSize(64, 130, 300) > 0;
    }

    /** The copy of this kind of this view of w at its current version, or null. */
    private static PackedLinearWeights.Entry entry(Tensor w, PackedLinearWeights.Kind kind) {
        synchronized (w.storage()) {
            PackedLinearWeights.Copies c = w.storage().packedLinear();
            if (c == null) {
                return null;
            }
            for (PackedLinearWeights.Entry e : c.all()) {
                if (e.kind() == kind && e.matches(w.version(), w)) {
                    return e;
                }
            }
            return null;
        }
    }

    private static void assertSameBits(float[] want, float[] got, String what) {
        assertEquals(want.length, got.length, what + ": length");
        for (int i = 0; i < want.length; i++) {
            if (Float.floatToRawIntBits(want[i]) != Float.floatToRawIntBits(got[i])) {
                throw new AssertionError(what + ": element " + i + " is " + got[i] + ", " + want[i] + " with gradients");
            }
        }
    }

    /**
     * Batched no-grad forwards (more than four rows) read W from a copy packed as the CPU GEMM reads
     * its B, which the forward with gradients packs again on every call: the same bits, one copy for
     * every row count, kept beside the batch-1 copy, dropped by a write to the weight.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void batchedForwardsReadACopyPackedForTheGemm(Device d) {
        try (TensorScope s = Tensors.scope()) {
            Tensor.manualSeed(36);
            Linear l = new Linear(300, 130);
            l.to(d);
            Tensor w = l.weight();
            PackedLinearWeights.Entry first = null;
            for (int rows : new int[] {128, 5, 64, 9, 128}) {
                Tensor x = Tensor.randn(d, rows, 300);
                Tensor withGrad = l.forward(x);
                Tensor y = noGradForward(l, x);
                assertSameBits(withGrad.toFloatArray(), y.toFloatArray(), rows + " rows");
                assertReference(x, w, l.bias(), false, y);
                PackedLinearWeights.Entry e = entry(w, PackedLinearWeights.Kind.GEMM);
                if (e != null && first != null) {
                    assertSame(first, e, "one copy serves every row count (" + rows + ")");
                }
                first = first == null ? e : first;
            }
            assertEquals(gemmPacks(d), first != null, "a copy on a backend with GEMM-packed weights only");
            assertNull(entry(w, PackedLinearWeights.Kind.FEW_ROWS), "no batch-1 copy before a batch-1 forward");
            Tensor one = Tensor.randn(d, 1, 300);
            assertReference(one, w, l.bias(), false, noGradForward(l, one));
            assertEquals(packs(d), entry(w, PackedLinearWeights.Kind.FEW_ROWS) != null, "the batch-1 copy");
            assertSame(first, entry(w, PackedLinearWeights.Kind.GEMM), "the batched copy stays beside it");

            Init.uniform(w, -0.5, 0.5);
            assertEquals(0, copies(w), "a write drops both copies");
            Tensor x = Tensor.randn(d, 128, 300);
            Tensor y = noGradForward(l, x);
            assertReference(x, w, l.bias(), false, y);
            assertSameBits(l.forward(x).toFloatArray(), y.toFloatArray(), "after the write");
            if (gemmPacks(d)) {
                assertNotSame(first, entry(w, PackedLinearWeights.Kind.GEMM), "repacked after the write");
            }
        }
    }

    /**
     * Inputs whose rows are not contiguous (a transposed batch) and narrow layers (a 1- or 4-output
     * head, which whole GEMM panels would pad to several times its size) take the unpacked product:
     * the bits of the forward with gradients, no GEMM copy.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void transposedInputsAndNarrowLayersKeepTheirBits(Device d) {
        try (TensorScope s = Tensors.scope()) {
            Tensor.manualSeed(39);
            Object[][] cases = {{new Linear(512, 4), Tensor.randn(d, 512, 16).t()},
                {new Linear(300, 1), Tensor.randn(d, 64, 300)},
                {new Linear(300, 130), Tensor.randn(d, 300, 64).t()}};
            for (Object[] c : cases) {
                Linear l = (Linear) c[0];
                l.to(d);
                Tensor x = (Tensor) c[1];
                String what = java.util.Arrays.toString(l.weight().shape()) + " on " + java.util.Arrays.toString(x.shape())
                        + " strides " + java.util.Arrays.toString(x.strides());
                Tensor y = noGradForward(l, x);
                assertSameBits(l.forward(x).toFloatArray(), y.toFloatArray(), what);
                assertReference(x, l.weight(), l.bias(), false, y);
                assertNull(entry(l.weight(), PackedLinearWeights.Kind.GEMM), what + ": no GEMM copy");
            }
        }
    }

    /** Linear followed by ReLU (Sequential fuses them) on 128 rows: the no-grad forward has the bits of the one with gradients. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void aBatchedLinearReluFromItsCopyHasTheBitsOfTheTrainingForward(Device d) {
        try (TensorScope s = Tensors.scope()) {
            Tensor.manualSeed(37);
            Sequential net = new Sequential(new Linear(200, 96), new ReLU(), new Linear(96, 10));
            net.to(d);
            Tensor x = Tensor.randn(d, 128, 200);
            float[] want = net.forward(x).toFloatArray();
            float[] got;
            try (Autograd.Mode m = Autograd.noGrad()) {
                got = net.forward(x).toFloatArray();
            }
            assertSameBits(want, got, "Linear-ReLU-Linear, 128 rows");
            Linear first = (Linear) net.get(0);
            assertEquals(gemmPacks(d), entry(first.weight(), PackedLinearWeights.Kind.GEMM) != null);
        }
    }

    /** Repeated calls allocate nothing; the copy goes when the weight does (batch 1 and batch 64). */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void theCopyIsAllocatedOnceAndFreedWithTheWeight(Device d) {
        assertAllocatedOnceAndFreed(d, 1, PackedLinearWeights.Kind.FEW_ROWS, packs(d));
        assertAllocatedOnceAndFreed(d, 64, PackedLinearWeights.Kind.GEMM, gemmPacks(d));
    }

    private static void assertAllocatedOnceAndFreed(Device d, int rows, PackedLinearWeights.Kind kind, boolean packed) {
        Tensor.manualSeed(34);
        long before = MemoryBaseline.settle(d);
        Tensor w = Tensor.randn(d, 300, 200);
        Tensor b = Tensor.randn(d, 300);
        Tensor x = Tensor.randn(d, rows, 200);
        MemoryBaseline.assertFlat(d, "batch-" + rows + " no-grad linear", 20, () -> {
            try (TensorScope s = Tensors.scope(); Autograd.Mode m = Autograd.noGrad()) {
                Functional.linear(x, w, b).toFloatArray();
            }
        });
        assertEquals(packed, entry(w, kind) != null, kind + " copy");
        w.close();
        b.close();
        x.close();
        assertEquals(before, MemoryBaseline.settle(d), "bytes in use after the weight was closed (" + kind + ")");
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
