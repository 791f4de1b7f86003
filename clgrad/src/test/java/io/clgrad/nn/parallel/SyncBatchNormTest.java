package io.clgrad.nn.parallel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clgrad.Device;
import io.clgrad.Tensor;
import io.clgrad.TensorScope;
import io.clgrad.Tensors;
import io.clgrad.nn.BatchNorm1d;
import io.clgrad.nn.BatchNorm2d;
import io.clgrad.nn.Conv2d;
import io.clgrad.nn.CrossEntropyLoss;
import io.clgrad.nn.Flatten;
import io.clgrad.nn.Linear;
import io.clgrad.nn.Module;
import io.clgrad.nn.ReLU;
import io.clgrad.nn.Sequential;
import io.clgrad.nn.SyncBatchNorm;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * {@link SyncBatchNorm} in {@link DataParallel} (cpu + opencl:0, PoCL in CI) is BatchNorm on the
 * global batch: over 10 Adam steps the losses, the parameters, the running statistics and the
 * evaluation outputs match a one-device BatchNorm run on the same global batches to 1e-4 relative,
 * with equal and with 3:1 shards, for BatchNorm1d and BatchNorm2d; plain BatchNorm in the same run
 * does not match (statistics per shard); a failing replica does not leave the other waiting in the
 * all-reduce; outside a data-parallel step it is BatchNorm.
 */
class SyncBatchNormTest {
    private static final int IN = 12;
    private static final int CLASSES = 4;
    private static final int BATCH = 24;
    private static final int STEPS = 10;

    /**
     * The layer before a batch norm has no bias, as usual: its gradient would be zero up to rounding,
     * and Adam would turn that noise into steps of size lr, differently on every run.
     */
    private static Module<?> mlp() {
        return new Sequential(new Linear(IN, 16, false), new BatchNorm1d(16), new ReLU(), new Linear(16, CLASSES));
    }

    private static Module<?> cnn() {
        return new Sequential(new Conv2d(2, 3, 3, 1, 0, 1, 1, false), new BatchNorm2d(3), new ReLU(), new Flatten(), new Linear(3 * 4 * 4, CLASSES));
    }



    private static List<Tensor[]> batches(int... sampleShape) {
        int[] shape = new int[sampleShape.length + 1];
        shape[0] = BATCH;
        System.arraycopy(sampleShape, 0, shape, 1, sampleShape.length);
        List<Tensor[]> out = ParallelFixtures.batches(STEPS, CLASSES, shape);
        for (Tensor[] b : out) {
            b[0] = b[0].mul(2f).add(1f);   // an offset and a scale: statistics far from the running start (0, 1)
        }
        return out;
    }

    /** Losses per step, then the state dict, then the evaluation output on the first batch. */
    private record Run(double[] losses, Map<String, float[]> state, float[] eval) {
    }

    private static Run oneDevice(Supplier<Module<?>> factory, List<Tensor[]> data) {
        ParallelFixtures.OneDevice r = ParallelFixtures.trainOneDevice(factory, data);
        return finish(r.model(), r.losses(), data);
    }

    private static Run dataParallel(Supplier<Module<?>> factory, boolean sync, List<Tensor[]> data, double... weights) {
        Tensor.manualSeed(3);
        Supplier<Module<?>> f = sync ? () -> SyncBatchNorm.convertSyncBatchnorm(factory.get()) : factory;
        DataParallel.Builder b = DataParallel.builder(f, ParallelFixtures::adam).devices(ParallelFixtures.twoDevices()).syncEvery(0);
        if (weights.length > 0) {
            b.shardWeights(weights);
        }
        try (DataParallel dp = b.build()) {
            CrossEntropyLoss ce = new CrossEntropyLoss();
            double[] losses = new double[data.size()];
            for (int i = 0; i < data.size(); i++) {
                losses[i] = dp.step(data.get(i)[0], data.get(i)[1], (m, x, y) -> ce.forward(m.forward(x), y));
            }
            Run r0 = finish(dp.replicas().get(0), losses, data);
            if (sync) {
                Run r1 = finish(dp.replicas().get(1), losses, data);
                assertClose(r0.state, r1.state, 1e-5, "replica 1 against replica 0");
            }
            return r0;
        }
    }

    private static Run finish(Module<?> m, double[] losses, List<Tensor[]> data) {
        Map<String, float[]> state = new LinkedHashMap<>();
        m.stateDict().forEach((k, v) -> state.put(k, v.dtype() == io.clgrad.DType.FLOAT32 ? v.toFloatArray()
                : new float[] {v.toIntArray()[0]}));
        m.eval();
        float[] eval;
        try (TensorScope s = Tensors.scope()) {
            Device d = m.parameters().get(0).device();
            eval = m.forward(data.get(0)[0].to(d)).toFloatArray();
        }
        m.train();
        return new Run(losses, state, eval);
    }

    private static void assertClose(Map<String, float[]> expected, Map<String, float[]> actual, double rtol, String what) {
        assertEquals(expected.keySet(), actual.keySet(), what);
        for (String k : expected.keySet()) {
            assertClose(expected.get(k), actual.get(k), rtol, what + " " + k);
        }
    }

    private static void assertClose(float[] e, float[] a, double rtol, String what) {
        assertEquals(e.length, a.length, what);
        for (int i = 0; i < e.length; i++) {
            double tol = rtol * Math.max(Math.abs(e[i]), 1e-3);
            assertTrue(Math.abs(e[i] - a[i]) <= tol, what + "[" + i + "] expected " + e[i] + " got " + a[i]);
        }
    }

    private static double maxRelDiff(Map<String, float[]> e, Map<String, float[]> a) {
        double worst = 0;
        for (String k : e.keySet()) {
            for (int i = 0; i < e.get(k).length; i++) {
                float x = e.get(k)[i];
                worst = Math.max(worst, Math.abs(x - a.get(k)[i]) / Math.max(Math.abs(x), 1e-3));
            }
        }
        return worst;
    }

    private static void assertSameRun(Run reference, Run run, String what) {
        for (int i = 0; i < reference.losses.length; i++) {
            double tol = 1e-4 * Math.abs(reference.losses[i]);
            assertTrue(Math.abs(reference.losses[i] - run.losses[i]) <= tol, what + ": loss of step " + i + " expected "
                    + reference.losses[i] + " got " + run.losses[i]);
        }
        assertClose(reference.state, run.state, 1e-4, what);
        assertClose(reference.eval, run.eval, 1e-4, what + " eval output");
    }

    @Test
    void equalShardsMatchBatchNorm1dOnTheGlobalBatch() {
        List<Tensor[]> data = batches(IN);
        Run reference = oneDevice(SyncBatchNormTest::mlp, data);
        assertSameRun(reference, dataParallel(SyncBatchNormTest::mlp, true, data), "SyncBatchNorm, equal shards");
    }

    @Test
    void unequalShardsMatchBatchNorm1dOnTheGlobalBatch() {
        List<Tensor[]> data = batches(IN);
        Run reference = oneDevice(SyncBatchNormTest::mlp, data);
        assertSameRun(reference, dataParallel(SyncBatchNormTest::mlp, true, data, 3, 1), "SyncBatchNorm, 3:1 shards");
    }

    @Test
    void batchNorm2dMatchesOnTheGlobalBatch() {
        List<Tensor[]> data = batches(2, 6, 6);
        Run reference = oneDevice(SyncBatchNormTest::cnn, data);
        assertSameRun(reference, dataParallel(SyncBatchNormTest::cnn, true, data, 2, 1), "SyncBatchNorm (2-D), 2:1 shards");
    }

    @Test
    void plainBatchNormDoesNotMatch() {
        List<Tensor[]> data = batches(IN);
        Run reference = oneDevice(SyncBatchNormTest::mlp, data);
        Run plain = dataParallel(SyncBatchNormTest::mlp, false, data);
        double worst = maxRelDiff(reference.state, plain.state);
        assertTrue(worst > 1e-3, "per-shard statistics should move the run away from the global batch's, max rel diff " + worst);
    }

    @Test
    void aFailingReplicaStopsTheOtherInTheAllReduce() {
        List<Device> devices = ParallelFixtures.twoDevices();
        List<Tensor[]> data = batches(IN);
        Tensor.manualSeed(3);
        try (DataParallel dp = DataParallel.builder(() -> SyncBatchNorm.convertSyncBatchnorm(mlp()), ParallelFixtures::adam)
                .devices(devices).build()) {
            CrossEntropyLoss ce = new CrossEntropyLoss();
            assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
                RuntimeException e = assertThrows(RuntimeException.class, () -> dp.step(data.get(0)[0], data.get(0)[1],
                        (m, x, y) -> {
                            if (!x.device().isCpu()) {
                                throw new IllegalArgumentException("replica 1 fails before its forward");
                            }
                            return ce.forward(m.forward(x), y);
                        }));
                assertTrue(String.valueOf(e.getMessage()).contains("replica 1 fails"), e.toString());
            });
            // the group is usable again for the next step
            double loss = dp.step(data.get(1)[0], data.get(1)[1], (m, x, y) -> ce.forward(m.forward(x), y));
            assertTrue(Double.isFinite(loss));
        }
    }

    @Test
    void outsideADataParallelStepItIsBatchNorm() {
        Tensor.manualSeed(5);
        BatchNorm1d bn = new BatchNorm1d(6);
        Tensor x = Tensor.randn(Device.cpu(), 8, 6).requiresGrad(true);
        try (var g = io.clgrad.Autograd.noGrad()) {
            bn.weight().copyFrom(Tensor.randn(Device.cpu(), 6));
        }
        Module<?> converted = SyncBatchNorm.convertSyncBatchnorm(bn);
        assertInstanceOf(SyncBatchNorm.class, converted);
        assertArrayEquals(bn.weight().toFloatArray(), ((SyncBatchNorm) converted).weight().toFloatArray(), 0f);
        Tensor y1 = bn.forward(x);
        y1.mul(y1).sum().backward();
        float[] g1 = x.grad().toFloatArray();
        x.zeroGrad();
        Tensor y2 = converted.forward(x);
        y2.mul(y2).sum().backward();
        assertArrayEquals(y1.toFloatArray(), y2.toFloatArray(), 0f);
        assertArrayEquals(g1, x.grad().toFloatArray(), 0f);
        assertArrayEquals(bn.runningMean().toFloatArray(), ((SyncBatchNorm) converted).runningMean().toFloatArray(), 1e-6f);

        Sequential seq = new Sequential(new Linear(4, 6), new BatchNorm1d(6), new Sequential(new BatchNorm1d(6)));
        Module<?> back = SyncBatchNorm.convertSyncBatchnorm(seq);
        assertSame(seq, back);
        assertInstanceOf(SyncBatchNorm.class, seq.get(1));
        assertInstanceOf(SyncBatchNorm.class, ((Sequential) seq.get(2)).get(0));
        assertTrue(seq.toString().contains("SyncBatchNorm(6, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)"),
                seq.toString());
    }
}
