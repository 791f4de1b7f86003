package io.clgrad.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clgrad.CompiledStep;
import io.clgrad.Device;
import io.clgrad.MemoryBaseline;
import io.clgrad.Step;
import io.clgrad.Tensor;
import io.clgrad.backend.MemoryStats;
import io.clgrad.backend.TargetOutOfBoundsException;
import io.clgrad.optim.Adam;
import io.clgrad.optim.AdamW;
import io.clgrad.optim.LRScheduler;
import io.clgrad.optim.Optimizer;
import io.clgrad.optim.SGD;
import io.clgrad.optim.StepLR;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Replayed training steps ({@link Step#compile}) against eager steps, on every device: from the same
 * start, N steps give the same bits in every loss, parameter, gradient and optimizer state tensor,
 * and the same step counts and learning rates; the recording is redone when the batch shape changes;
 * a host read inside the step is refused by name; memory stays flat over many replays and comes back
 * when the step is closed.
 */
class StepReplayTest {
    /** A model, its optimizer (and scheduler) and the loss of one step. */
    private record Setup(Module<?> model, Optimizer opt, LRScheduler sched, BiFunction<Tensor, Tensor, Tensor> loss) {
        Tensor step(Tensor x, Tensor y) {
            opt.zeroGrad();
            Tensor l = loss.apply(model.forward(x), y);
            l.backward();
            opt.step();
            if (sched != null) {
                sched.step();
            }
            return l;
        }
    }

    private enum Kind { SIMPLENET_ADAM, MLP_ADAM, MLP_SGD_STEPLR, MLP_DROPOUT_ADAMW, MLP_BATCHNORM_ADAM }

    private static Setup setup(Device d, Kind kind) {
        Tensor.manualSeed(7);
        switch (kind) {
            case SIMPLENET_ADAM -> {
                Sequential m = new Sequential(new Linear(2, 10), new ReLU(), new Linear(10, 1)).to(d);
                BCEWithLogitsLoss bce = new BCEWithLogitsLoss();
                return new Setup(m, new Adam(m.parameters(), 0.01), null, bce::forward);
            }
            case MLP_ADAM -> {
                Sequential m = new Sequential(new Linear(20, 32), new ReLU(), new Linear(32, 10)).to(d);
                CrossEntropyLoss ce = new CrossEntropyLoss();
                return new Setup(m, Adam.builder(m.parameters()).lr(0.01).weightDecay(1e-3).build(), null, ce::forward);
            }
            case MLP_SGD_STEPLR -> {
                Sequential m = new Sequential(new Linear(20, 32), new ReLU(), new Linear(32, 10)).to(d);
                CrossEntropyLoss ce = new CrossEntropyLoss();
                SGD opt = SGD.builder(m.parameters()).lr(0.1).momentum(0.9).nesterov(true).weightDecay(1e-4).build();
                return new Setup(m, opt, new StepLR(opt, 3, 0.5), ce::forward);
            }
            case MLP_DROPOUT_ADAMW -> {
                Sequential m = new Sequential(new Linear(20, 32), new ReLU(), new Dropout(0.3), new Linear(32, 10)).to(d);
                CrossEntropyLoss ce = new CrossEntropyLoss();
                return new Setup(m, new AdamW(m.parameters(), 0.01), null, ce::forward);
            }
            case MLP_BATCHNORM_ADAM -> {
                Sequential m = new Sequential(new Linear(20, 32), new BatchNorm1d(32), new ReLU(), new Linear(32, 10)).to(d);
                CrossEntropyLoss ce = new CrossEntropyLoss();
                return new Setup(m, new Adam(m.parameters(), 0.01), null, ce::forward);
            }
            default -> throw new AssertionError(kind);
        }
    }

    private static List<Tensor[]> batches(Device d, Kind kind, int... sizes) {
        Tensor.manualSeed(11);
        List<Tensor[]> out = new ArrayList<>();
        for (int n : sizes) {
            if (kind == Kind.SIMPLENET_ADAM) {
                out.add(new Tensor[] {Tensor.randn(d, n, 2), Tensor.randint(d, 0, 2, n, 1).toFloat()});
            } else {
                out.add(new Tensor[] {Tensor.randn(d, n, 20), Tensor.randint(d, 0, 10, n)});
            }
        }
        return out;
    }

    /** Everything a step changes, as float bits: losses, parameters, gradients, optimizer state, step counts, lrs. */
    private static List<int[]> eager(Device d, Kind kind, List<Tensor[]> data) {
        Setup s = setup(d, kind);
        Tensor.manualSeed(99);
        List<Float> losses = new ArrayList<>();
        for (Tensor[] b : data) {
            try (Tensor l = s.step(b[0], b[1])) {
                assertFalse(Step.isRecording(), "eager steps record nothing");
                losses.add(l.item());
            }
        }
        return state(s, losses);
    }

    private static List<int[]> replayed(Device d, Kind kind, List<Tensor[]> data, int expectedRecordings) {
        return replayed(d, kind, data, expectedRecordings, false);
    }

    /**
     * The steps replayed; with {@code oneInputPair} every batch is first written into the same two
     * tensors (in place), so a run that skipped copying an input it had seen before would miss it.
     */
    private static List<int[]> replayed(Device d, Kind kind, List<Tensor[]> data, int expectedRecordings,
                                        boolean oneInputPair) {
        Setup s = setup(d, kind);
        Tensor.manualSeed(99);
        List<Float> losses = new ArrayList<>();
        List<Tensor> bystanders = new ArrayList<>();
        Tensor[] pair = {data.get(0)[0].copy(), data.get(0)[1].copy()};
        try (CompiledStep step = Step.compile(d, (x, y) -> {
            assertTrue(Step.isRecording(), "the step function runs only while recording");
            return s.step(x, y);
        })) {
            for (Tensor[] batch : data) {
                Tensor[] b = batch;
                if (oneInputPair) {
                    pair[0].copyFrom(batch[0]);
                    pair[1].copyFrom(batch[1]);
                    b = pair;
                }
                try (Tensor l = step.run(b[0], b[1])) {
                    losses.add(l.item());
                }
                // tensors made between runs must not get the memory of the recording's temporaries
                int n = b[0].shape()[0];
                for (int[] shape : new int[][] {{n, 32}, {n, 10}, {n, 1}, {n}, {32, 20}, {10, 32}, {1}}) {
                    bystanders.add(Tensor.full(d, 5f, shape));
                }
            }
            assertEquals(expectedRecordings, step.recordings(), "recordings (one per change of batch shape)");
            assertEquals(data.size() - expectedRecordings, step.replays(), "replays");
            assertTrue(step.describe().contains(d.isCpu() ? "calls" : "launches"), step.describe());
            for (Tensor t : bystanders) {
                for (float v : t.toFloatArray()) {
                    assertEquals(5f, v, "a tensor made between replays was overwritten");
                }
                t.close();
            }
            return state(s, losses);
        }
    }

    private static List<int[]> state(Setup s, List<Float> losses) {
        List<int[]> out = new ArrayList<>();
        out.add(bits(losses.stream().mapToDouble(Float::doubleValue).toArray()));
        for (Tensor p : s.model().parameters()) {
            out.add(bits(p.toFloatArray()));
            out.add(p.grad() == null ? new int[0] : bits(p.grad().toFloatArray()));
        }
        for (Tensor t : s.model().stateDict().values()) { // buffers too: running statistics, num_batches_tracked
            out.add(bits(t.toFloatArray()));
        }
        Map<?, ?> st = (Map<?, ?>) s.opt().stateDict().get("state");
        for (Object entry : st.values()) {
            for (Map.Entry<?, ?> e : ((Map<?, ?>) entry).entrySet()) {
                Object v = e.getValue();
                assertNotNull(v, String.valueOf(e.getKey()));
                out.add(v instanceof Tensor t ? bits(t.toFloatArray()) : new int[] {v.hashCode()});
            }
        }
        out.add(new int[] {Float.floatToRawIntBits((float) s.opt().paramGroups().get(0).lr())});
        return out;
    }

    private static int[] bits(float[] v) {
        int[] b = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = Float.floatToRawIntBits(v[i]);
        }
        return b;
    }

    private static int[] bits(double[] v) {
        int[] b = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = Float.floatToRawIntBits((float) v[i]);
        }
        return b;
    }

    private static void assertSameBits(List<int[]> eager, List<int[]> replayed, String what) {
        assertEquals(eager.size(), replayed.size(), what + ": number of state arrays");
        for (int i = 0; i < eager.size(); i++) {
            assertArrayEquals(eager.get(i), replayed.get(i), what + ": state array " + i
                    + " (0 = losses, then parameter/gradient pairs, optimizer state, lr)");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void simpleNetAdamReplayIsBitIdenticalToEager(Device d) {
        List<Tensor[]> data = batches(d, Kind.SIMPLENET_ADAM, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64);
        assertSameBits(eager(d, Kind.SIMPLENET_ADAM, data), replayed(d, Kind.SIMPLENET_ADAM, data, 1), "SimpleNet + Adam");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void inputsWrittenInPlaceBetweenRunsAreCopiedAgain(Device d) {
        List<Tensor[]> data = batches(d, Kind.SIMPLENET_ADAM, 64, 64, 64, 64, 64, 64);
        assertSameBits(eager(d, Kind.SIMPLENET_ADAM, data), replayed(d, Kind.SIMPLENET_ADAM, data, 1, true),
                "SimpleNet + Adam, one input pair written in place");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void mlpReplaysReRecordOnTheShortBatchAndMatchEager(Device d) {
        int[] sizes = {64, 64, 64, 64, 40, 64, 64, 64, 40, 40, 40};
        for (Kind k : List.of(Kind.MLP_ADAM, Kind.MLP_SGD_STEPLR, Kind.MLP_DROPOUT_ADAMW, Kind.MLP_BATCHNORM_ADAM)) {
            List<Tensor[]> data = batches(d, k, sizes);
            // records at batch 0 (64), 4 (40), 5 (64), 8 (40): 4 recordings, 7 replays
            assertSameBits(eager(d, k, data), replayed(d, k, data, 4), k.toString());
        }
    }

    /**
     * The comparison's own check: an Adam step driven from a host step count that is not declared
     * live ({@link Step#live}) is frozen at the recorded count (its bias corrections stop
     * changing), and the bit comparison sees the difference from the first replay on.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void aReplayThatFreezesAdamsStepCountDiffersFromEager(Device d) {
        List<Tensor[]> data = batches(d, Kind.SIMPLENET_ADAM, 64, 64, 64, 64);
        List<float[]> eager = frozenCountRun(d, data, false);
        List<float[]> replayed = frozenCountRun(d, data, true);
        assertArrayEquals(eager.get(0), replayed.get(0), "the recorded step itself is eager");
        for (int i = 1; i < data.size(); i++) {
            assertFalse(java.util.Arrays.equals(eager.get(i), replayed.get(i)),
                    "replay " + i + " ran with a frozen step count, yet matched the eager step");
        }
    }

    /** The first parameter after each step of a hand-written Adam whose step count is a host int. */
    private static List<float[]> frozenCountRun(Device d, List<Tensor[]> data, boolean replay) {
        Setup s = setup(d, Kind.SIMPLENET_ADAM);
        List<Tensor> params = s.model().parameters();
        List<Tensor> m = new ArrayList<>();
        List<Tensor> v = new ArrayList<>();
        for (Tensor p : params) {
            m.add(Tensor.zeros(d, p.shape()));
            v.add(Tensor.zeros(d, p.shape()));
        }
        int[] count = {0}; // the eager warm-up step is 1, the recording sees 2, and so does every replay
        BiFunction<Tensor, Tensor, Tensor> body = (x, y) -> {
            for (Tensor p : params) {
                p.zeroGrad();
            }
            Tensor l = s.loss().apply(s.model().forward(x), y);
            l.backward();
            count[0]++;
            io.clgrad.ParameterUpdates.adamMany(params, params.stream().map(Tensor::grad).toList(), m, v, null,
                    0.01, 0.9, 0.999, 1e-8, 0, false, count[0]);
            return l;
        };
        List<float[]> out = new ArrayList<>();
        body.apply(data.get(0)[0], data.get(0)[1]).close(); // step 1 eagerly in both runs
        try (CompiledStep step = replay ? Step.compile(d, body) : null) {
            for (Tensor[] b : data) {
                try (Tensor l = replay ? step.run(b[0], b[1]) : body.apply(b[0], b[1])) {
                    out.add(params.get(0).toFloatArray());
                }
            }
        }
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void aCumulativeBatchNormIsRefusedWhileRecording(Device d) {
        Tensor.manualSeed(7);
        BatchNormOptions cumulative = new BatchNormOptions(8, 1e-5, null, true, true);
        Sequential m = new Sequential(new Linear(20, 8), new BatchNorm1d(cumulative, Device.cpu())).to(d);
        Tensor x = Tensor.randn(d, 16, 20);
        try (CompiledStep step = Step.compile(d, xs -> m.forward(xs[0]).sum())) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> step.run(x));
            assertTrue(e.getMessage().startsWith("BatchNorm1d with momentum=None inside a step being recorded"),
                    e.getMessage());
        }
        assertEquals(1f, m.forward(x).shape()[0] == 16 ? 1f : 0f, "the layer works eagerly afterwards");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void aHostReadInsideTheStepIsRefusedByName(Device d) {
        Setup s = setup(d, Kind.SIMPLENET_ADAM);
        Tensor[] b = batches(d, Kind.SIMPLENET_ADAM, 8).get(0);
        try (CompiledStep step = Step.compile(d, (x, y) -> {
            Tensor l = s.step(x, y);
            if (l.item() > 100) { // a branch on a device value: not replayable
                return null;
            }
            return l;
        })) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> step.run(b[0], b[1]));
            assertTrue(e.getMessage().startsWith("Tensor.item: reads device data to the host inside a step being "
                    + "recorded by Step.compile"), e.getMessage());
        }
        assertFalse(Step.isRecording());
        // the device runs eagerly and unrecorded again
        try (Tensor t = Tensor.ones(d, 3)) {
            assertEquals(3f, t.sum().item());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void aReplayedStepStillChecksClassTargets(Device d) {
        Setup s = setup(d, Kind.MLP_ADAM);
        Tensor[] b = batches(d, Kind.MLP_ADAM, 16).get(0);
        int[] labels = b[1].toIntArray();
        labels[5] = 10; // 10 classes: out of range
        Tensor bad = Tensor.of(labels).to(d);
        try (CompiledStep step = Step.compile(d, s::step)) {
            step.run(b[0], b[1]).close();
            assertEquals(1.0f, step.run(b[0], b[1]).item() > 0 ? 1.0f : 0f);
            // the CPU backend raises from the replayed call, OpenCL at the next read, as in eager steps
            TargetOutOfBoundsException e = assertThrows(TargetOutOfBoundsException.class, () -> {
                try (Tensor l = step.run(b[0], bad)) {
                    l.item();
                }
            });
            assertTrue(e.getMessage().contains("10"), e.getMessage());
            assertEquals(1, step.recordings());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void memoryStaysFlatOverReplaysAndComesBackOnClose(Device d) {
        Setup s = setup(d, Kind.SIMPLENET_ADAM);
        Tensor[] b = batches(d, Kind.SIMPLENET_ADAM, 64).get(0);
        s.step(b[0], b[1]).close(); // gradients and Adam state exist before, as after
        MemoryBaseline.settle(d);   // until no earlier drop is left to be freed mid-test (one pass raced on a busy machine)
        MemoryStats before = d.memoryStats();
        CompiledStep step = Step.compile(d, s::step);
        for (int i = 0; i < 3; i++) {
            step.run(b[0], b[1]).close();
        }
        d.synchronize();
        MemoryStats warm = d.memoryStats();
        for (int i = 0; i < 200; i++) {
            step.run(b[0], b[1]).close();
        }
        d.synchronize();
        MemoryStats after = d.memoryStats();
        assertEquals(warm.bytesInUse(), after.bytesInUse(), "bytes in use over 200 replays");
        assertEquals(warm.buffersInUse(), after.buffersInUse(), "buffers in use over 200 replays");
        assertEquals(warm.allocations(), after.allocations(), "allocations over 200 replays");
        assertEquals(warm.deviceAllocations(), after.deviceAllocations(), "device allocations over 200 replays");
        assertTrue(warm.bytesInUse() > before.bytesInUse(), "the recording holds its intermediates");
        step.close();
        MemoryBaseline.settle(d);
        MemoryStats closed = d.memoryStats();
        assertEquals(before.bytesInUse(), closed.bytesInUse(), "bytes in use after close");
        assertEquals(before.buffersInUse(), closed.buffersInUse(), "buffers in use after close");
        assertThrows(IllegalStateException.class, () -> step.run(b[0], b[1]));
    }
}
