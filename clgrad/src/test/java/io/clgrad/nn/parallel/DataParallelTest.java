package io.clgrad.nn.parallel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clgrad.Device;
import io.clgrad.MemoryBaseline;
import io.clgrad.Tensor;
import io.clgrad.nn.CrossEntropyLoss;
import io.clgrad.nn.Linear;
import io.clgrad.nn.Module;
import io.clgrad.nn.ReLU;
import io.clgrad.nn.Sequential;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link DataParallel} on the CPU backend plus the first OpenCL device (PoCL in CI) is the
 * single-device step on the global batch: 20 Adam steps of an MLP with a mean cross-entropy give
 * the weights of 20 steps on one device to 1e-4 relative, with equal and with unequal (3:1)
 * shards; the replicas stay equal; memory stays flat; bad input names the problem.
 */
class DataParallelTest {
    private static final int IN = 20;
    private static final int CLASSES = 5;
    private static final int BATCH = 32;
    private static final int STEPS = 20;

    private static Module<?> mlp() {
        return new Sequential(new Linear(IN, 32), new ReLU(), new Linear(32, CLASSES));
    }



    /** The global batches: the same inputs for the single-device and the data-parallel run. */
    private static List<Tensor[]> batches() {
        return ParallelFixtures.batches(STEPS, CLASSES, BATCH, IN);
    }

    /** 20 steps of the same MLP (seed 3) on the CPU backend alone: the reference. */
    private static Map<String, float[]> singleDevice(List<Tensor[]> data) {
        return host(ParallelFixtures.trainOneDevice(DataParallelTest::mlp, data).model());
    }

    private static DataParallel dataParallel(List<Device> devices, double... weights) {
        Tensor.manualSeed(3);
        DataParallel.Builder b = DataParallel.builder(DataParallelTest::mlp, ParallelFixtures::adam).devices(devices)
                .syncEvery(0);
        if (weights.length > 0) {
            b.shardWeights(weights);
        }
        return b.build();
    }

    private static void train(DataParallel dp, List<Tensor[]> data) {
        CrossEntropyLoss ce = new CrossEntropyLoss();
        for (Tensor[] b : data) {
            dp.step(b[0], b[1], (m, x, y) -> ce.forward(m.forward(x), y));
        }
    }

    private static Map<String, float[]> host(Module<?> m) {
        Map<String, float[]> out = new java.util.LinkedHashMap<>();
        m.stateDict().forEach((k, v) -> out.put(k, v.toFloatArray()));
        return out;
    }

    private static void assertClose(Map<String, float[]> expected, Map<String, float[]> actual, double rtol, String what) {
        assertEquals(expected.keySet(), actual.keySet(), what);
        for (String k : expected.keySet()) {
            float[] e = expected.get(k);
            float[] a = actual.get(k);
            assertEquals(e.length, a.length, what + " " + k);
            for (int i = 0; i < e.length; i++) {
                double tol = rtol * Math.max(Math.abs(e[i]), 1e-3);
                assertTrue(Math.abs(e[i] - a[i]) <= tol, what + ": " + k + "[" + i + "] expected " + e[i] + " got " + a[i]
                        + " (|diff| " + Math.abs(e[i] - a[i]) + " > " + tol + ")");
            }
        }
    }

    private static void assertWithin(Map<String, float[]> expected, Map<String, float[]> actual, double atol, String what) {
        for (String k : expected.keySet()) {
            float[] e = expected.get(k);
            float[] a = actual.get(k);
            for (int i = 0; i < e.length; i++) {
                assertTrue(Math.abs(e[i] - a[i]) <= atol, what + ": " + k + "[" + i + "] " + e[i] + " vs " + a[i]);
            }
        }
    }

    @Test
    void twoDevicesMatchOneDeviceOverTwentyAdamSteps() {
        List<Device> devices = ParallelFixtures.twoDevices();
        List<Tensor[]> data = batches();
        Map<String, float[]> reference = singleDevice(data);
        try (DataParallel dp = dataParallel(devices)) {
            train(dp, data);
            assertArrayEquals(new int[] {16, 16}, dp.lastShardSizes());
            for (Module<?> replica : dp.replicas()) {
                assertClose(reference, host(replica), 1e-4, "replica on " + replica.parameters().get(0).device());
            }
            assertWithin(host(dp.replicas().get(0)), host(dp.replicas().get(1)), 1e-6, "replica 1 against replica 0");
            dp.broadcastState();
            assertWithin(host(dp.replicas().get(0)), host(dp.replicas().get(1)), 0, "replica 1 after broadcastState");
        }
    }

    @Test
    void unequalShardsWeightEachShardBySize() {
        List<Device> devices = ParallelFixtures.twoDevices();
        List<Tensor[]> data = batches();
        Map<String, float[]> reference = singleDevice(data);
        try (DataParallel dp = dataParallel(devices, 3, 1)) {
            train(dp, data);
            assertArrayEquals(new int[] {24, 8}, dp.lastShardSizes());
            assertClose(reference, host(dp.module()), 1e-4, "3:1 shards");
        }
    }

    @Test
    void balanceBySpeedKeepsTheStep() {
        List<Device> devices = ParallelFixtures.twoDevices();
        List<Tensor[]> data = batches();
        Map<String, float[]> reference = singleDevice(data);
        Tensor.manualSeed(3);
        try (DataParallel dp = DataParallel.builder(DataParallelTest::mlp, ParallelFixtures::adam)
                .devices(devices).balanceBySpeed().build()) {
            train(dp, data);
            int[] sizes = dp.lastShardSizes();
            assertEquals(BATCH, sizes[0] + sizes[1]);
            assertClose(reference, host(dp.module()), 1e-4, "speed-weighted shards " + java.util.Arrays.toString(sizes));
        }
    }

    @Test
    void deviceMemoryStaysFlat() {
        List<Device> devices = ParallelFixtures.twoDevices();
        List<Tensor[]> data = batches();
        try (DataParallel dp = dataParallel(devices)) {
            CrossEntropyLoss ce = new CrossEntropyLoss();
            int[] i = {0};
            Runnable step = () -> {
                Tensor[] b = data.get(i[0]++ % data.size());
                dp.step(b[0], b[1], (m, x, y) -> ce.forward(m.forward(x), y));
            };
            step.run();
            long[] before = new long[devices.size()];
            long[] buffers = new long[devices.size()];
            for (int d = 0; d < devices.size(); d++) {
                before[d] = MemoryBaseline.settle(devices.get(d));
                buffers[d] = devices.get(d).memoryStats().buffersInUse();
            }
            for (int s = 0; s < 60; s++) {
                step.run();
            }
            for (int d = 0; d < devices.size(); d++) {
                Device dev = devices.get(d);
                MemoryBaseline.settle(dev);
                assertEquals(before[d], dev.memoryStats().bytesInUse(), "bytes in use changed over 60 steps on " + dev);
                assertEquals(buffers[d], dev.memoryStats().buffersInUse(), "buffers in use changed over 60 steps on " + dev);
            }
        }
    }

    @Test
    void badInputNamesTheProblem() {
        DataParallel.Builder b = DataParallel.builder(DataParallelTest::mlp, ParallelFixtures::adam);
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class, () -> b.devices(List.of()));
        assertTrue(empty.getMessage().contains("no devices"), empty.getMessage());
        IllegalArgumentException twice = assertThrows(IllegalArgumentException.class,
                () -> b.devices(List.of(Device.cpu(), Device.cpu())));
        assertTrue(twice.getMessage().contains("device cpu is given twice"), twice.getMessage());
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class, b::build);
        assertTrue(none.getMessage().contains("no devices"), none.getMessage());
        List<Device> devices = ParallelFixtures.twoDevices();
        try (DataParallel dp = dataParallel(devices)) {
            CrossEntropyLoss ce = new CrossEntropyLoss();
            Tensor x = Tensor.randn(Device.cpu(), 1, IN);
            Tensor y = Tensor.randint(Device.cpu(), 0, CLASSES, 1);
            IllegalArgumentException small = assertThrows(IllegalArgumentException.class,
                    () -> dp.step(x, y, (m, xs, ys) -> ce.forward(m.forward(xs), ys)));
            assertTrue(small.getMessage().contains("a batch of 1 sample(s) cannot be split across 2 replicas"),
                    small.getMessage());
        }
    }

    @Test
    void shardSizesFollowTheWeights() {
        assertArrayEquals(new int[] {4, 3, 3}, ShardSizes.split(10, new double[] {1, 1, 1}));
        assertArrayEquals(new int[] {6, 2}, ShardSizes.split(8, new double[] {3, 1}));
        assertArrayEquals(new int[] {1, 1}, ShardSizes.split(2, new double[] {1000, 1}));
        assertArrayEquals(new int[] {99, 1}, ShardSizes.split(100, new double[] {1e9, 1}));
    }
}
