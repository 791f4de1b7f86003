package io.clgrad.nn.parallel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clgrad.Device;
import io.clgrad.Tensor;
import io.clgrad.nn.CrossEntropyLoss;
import io.clgrad.nn.Linear;
import io.clgrad.nn.Module;
import io.clgrad.nn.ReLU;
import io.clgrad.nn.Sequential;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The bucketed all-reduce of {@link DataParallel} started while backward runs: buckets in reverse
 * registration order under the cap; the last layer's bucket is all-reduced while every replica's
 * backward is still running (the first layer's gradient of each replica waits for it, which would
 * hang if the all-reduce only ran after backward); the bucketed run gives the same bits as the
 * one-bucket run after backward, and the single-device run to 1e-4.
 */
class DataParallelOverlapTest {
    private static final int IN = 20;
    private static final int CLASSES = 5;
    private static final int BATCH = 32;
    private static final int STEPS = 10;

    /** Four layers: parameters 0..7, the last layer's weight is 6, the first layer's weight 0. */
    private static Module<?> mlp() {
        return new Sequential(new Linear(IN, 48), new ReLU(), new Linear(48, 48), new ReLU(), new Linear(48, 32), new ReLU(),
                new Linear(32, CLASSES));
    }



    private static List<Tensor[]> batches() {
        return ParallelFixtures.batches(STEPS, CLASSES, BATCH, IN);
    }

    private static DataParallel.Builder builder(List<Device> devices) {
        Tensor.manualSeed(3);
        return DataParallel.builder(DataParallelOverlapTest::mlp, ParallelFixtures::adam).devices(devices).syncEvery(0);
    }

    private static List<float[]> train(DataParallel dp, List<Tensor[]> data) {
        CrossEntropyLoss ce = new CrossEntropyLoss();
        for (Tensor[] b : data) {
            dp.step(b[0], b[1], (m, x, y) -> ce.forward(m.forward(x), y));
        }
        List<float[]> out = new ArrayList<>();
        for (Module<?> r : dp.replicas()) {
            r.parameters().forEach(p -> out.add(p.toFloatArray()));
        }
        return out;
    }

    @Test
    void bucketsFollowReverseRegistrationOrderUnderTheCap() {
        GradBuckets b = new GradBuckets(new int[] {40, 10, 40, 10}, 200);
        assertEquals("[[3, 2], [1, 0]]", b.toString());
        assertEquals(1, b.bucketOf(0));
        assertEquals(0, b.bucketOf(3));
        assertEquals("[[3, 2, 1, 0]]", new GradBuckets(new int[] {40, 10, 40, 10}, 25L << 20).toString());
        assertEquals("[[2], [1], [0]]", new GradBuckets(new int[] {100, 100, 100}, 4).toString(), "one parameter over the cap: its own bucket");
        assertArrayEquals(new float[] {1.5f, 2.5f}, HostAllReduce.reduce(new float[][] {{1, 2}, {3, 4}}, new int[] {3, 1}, 4));
        assertThrows(IllegalArgumentException.class, () -> DataParallel.builder(DataParallelOverlapTest::mlp,
                ParallelFixtures::adam).bucketCapMb(0));
    }

    @Test
    void theLastLayersBucketIsReducedWhileBackwardRuns() throws InterruptedException {
        List<Device> devices = ParallelFixtures.twoDevices();
        List<Tensor[]> data = batches();
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch lastBucketReduced = new CountDownLatch(1);
        boolean[] waitedInVain = new boolean[1];
        StepTrace trace = (what, replica, index) -> {
            log.add(what + " " + replica + " " + index);
            if (what.equals(StepTrace.REDUCE_END) && index == 0) {
                lastBucketReduced.countDown();
            }
            if (what.equals(StepTrace.GRAD_FINAL) && index == 0) {
                // each replica's first-layer weight, mid-backward: wait for the last layer's all-reduce
                try {
                    if (!lastBucketReduced.await(60, TimeUnit.SECONDS)) {
                        waitedInVain[0] = true;
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        // 0.002 MiB = 2,097 bytes: the last layer (32x5 + 5 floats = 660 bytes) is bucket 0 on its own with the
        // third layer's bias; the big weights get buckets of their own
        try (DataParallel dp = builder(devices).bucketCapMb(0.002).trace(trace).build()) {
            Tensor[] b = data.get(0);
            CrossEntropyLoss ce = new CrossEntropyLoss();
            dp.step(b[0], b[1], (m, x, y) -> ce.forward(m.forward(x), y));
            GradBuckets buckets = dp.bucketsForTest();
            assertTrue(buckets.count() >= 4, "several buckets: " + buckets);
            assertEquals(0, buckets.bucketOf(7), "the last layer's bias is in bucket 0: " + buckets);
            assertEquals(0, buckets.bucketOf(6), "the last layer's weight is in bucket 0: " + buckets);
        }
        assertTrue(!waitedInVain[0], "the last layer's bucket was not all-reduced while backward waited: " + log);
        List<String> events = new ArrayList<>(log);
        int reduceStart = events.indexOf(StepTrace.REDUCE_START + " -1 0");
        assertTrue(reduceStart >= 0, "bucket 0 was reduced: " + events);
        for (int r = 0; r < devices.size(); r++) {
            int firstLayer = events.indexOf(StepTrace.GRAD_FINAL + " " + r + " 0");
            int end = events.indexOf(StepTrace.BACKWARD_END + " " + r + " -1");
            assertTrue(firstLayer >= 0 && end > firstLayer, "replica " + r + ": " + events);
            assertTrue(reduceStart < end, "bucket 0's all-reduce began before replica " + r + "'s backward ended: " + events);
            for (int p = 0; p < 8; p++) {
                String e = StepTrace.GRAD_FINAL + " " + r + " " + p;
                assertEquals(1, events.stream().filter(e::equals).count(), "one report of " + e + ": " + events);
            }
        }
    }

    @Test
    void bucketedEqualsOneBucketBitwiseAndOneDeviceToOneInTenThousand() {
        List<Device> devices = ParallelFixtures.twoDevices();
        List<Tensor[]> data = batches();
        List<float[]> bucketed;
        List<float[]> oneBucket;
        try (DataParallel dp = builder(devices).bucketCapMb(0.002).build()) {
            bucketed = train(dp, data);
        }
        try (DataParallel dp = builder(devices).overlapBackward(false).build()) {
            oneBucket = train(dp, data);
        }
        assertEquals(oneBucket.size(), bucketed.size());
        for (int i = 0; i < bucketed.size(); i++) {
            assertArrayEquals(oneBucket.get(i), bucketed.get(i), 0f, "parameter " + i + " (both replicas)");
        }
        List<Tensor> ps = ParallelFixtures.trainOneDevice(DataParallelOverlapTest::mlp, data).model().parameters();
        for (int i = 0; i < ps.size(); i++) {
            float[] e = ps.get(i).toFloatArray();
            float[] a = bucketed.get(i);
            for (int j = 0; j < e.length; j++) {
                double tol = 1e-4 * Math.max(Math.abs(e[j]), 1e-3);
                assertTrue(Math.abs(e[j] - a[j]) <= tol, "parameter " + i + "[" + j + "] " + e[j] + " vs " + a[j]);
            }
        }
    }

    @Test
    void aFrozenParameterIsLeftAlone() {
        List<Device> devices = ParallelFixtures.twoDevices();
        List<Tensor[]> data = batches().subList(0, 3);
        List<List<float[]>> runs = new ArrayList<>();
        float[] before = null;
        for (boolean overlap : new boolean[] {true, false}) {
            Tensor.manualSeed(3);
            try (DataParallel dp = builder(devices).bucketCapMb(0.002).overlapBackward(overlap).build()) {
                // frozen after the build: Module.to(an OpenCL device) makes a moved parameter require grad again
                dp.replicas().forEach(m -> m.parameters().get(0).requiresGrad(false));
                before = dp.module().parameters().get(0).toFloatArray();
                runs.add(train(dp, data));
            }
        }
        assertArrayEquals(before, runs.get(0).get(0), 0f, "the frozen weight did not move");
        for (int i = 0; i < runs.get(0).size(); i++) {
            assertArrayEquals(runs.get(1).get(i), runs.get(0).get(i), 0f, "parameter " + i + ", bucketed against one bucket");
        }
    }
}
