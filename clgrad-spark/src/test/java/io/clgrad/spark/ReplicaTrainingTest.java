package io.clgrad.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clgrad.Device;
import io.clgrad.Tensor;
import io.clgrad.nn.CrossEntropyLoss;
import io.clgrad.nn.Linear;
import io.clgrad.nn.Module;
import io.clgrad.optim.Adam;
import io.clgrad.optim.Optimizer;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The per-task training loop without Spark: two ranks as threads on a loopback ring. */
class ReplicaTrainingTest {
    private static Module<?> small() {
        return new Linear(6, 3);
    }

    private static Optimizer adam(List<Tensor> ps) {
        return new Adam(ps, 0.01);
    }

    private static LocalShard shard(int n, int seed) {
        java.util.Random r = new java.util.Random(seed);
        float[] x = new float[n * 6];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = r.nextInt(3);
            for (int j = 0; j < 6; j++) {
                x[i * 6 + j] = (float) r.nextGaussian() + (j == y[i] ? 2 : 0);
            }
        }
        return new LocalShard(x, y, 6);
    }

    /** Runs rank r with trainer {@code cfgs[r]} on {@code shards[r]}; returns each rank's result or failure. */
    private static List<Future<TaskResult>> run(List<SparkTrainer> cfgs, List<LocalShard> shards) throws Exception {
        int n = cfgs.size();
        HostState init = SparkTrainer.initialState(ReplicaTrainingTest::small, 1);
        int[] sizes = shards.stream().mapToInt(LocalShard::size).toArray();
        List<ServerSocket> servers = new ArrayList<>();
        List<InetSocketAddress> addresses = new ArrayList<>();
        for (int r = 0; r < n; r++) {
            servers.add(RingAllReduce.listen());
            addresses.add(new InetSocketAddress("127.0.0.1", servers.get(r).getLocalPort()));
        }
        ExecutorService pool = Executors.newFixedThreadPool(n);
        List<Future<TaskResult>> out = new ArrayList<>();
        for (int r = 0; r < n; r++) {
            int rank = r;
            out.add(pool.submit(() -> {
                try (ServerSocket s = servers.get(rank);
                     RingAllReduce ring = RingAllReduce.connect(rank, addresses, s, 20_000, () -> false)) {
                    return new ReplicaTraining(cfgs.get(rank).options(), init).run(shards.get(rank), rank, sizes, ring, 0, () -> false);
                }
            }));
        }
        pool.shutdown();
        assertTrue(pool.awaitTermination(60, TimeUnit.SECONDS));
        return out;
    }

    private static SparkTrainer.Builder trainer() {
        return SparkTrainer.builder(ReplicaTrainingTest::small, CrossEntropyLoss::new, ReplicaTrainingTest::adam)
                .device("cpu").batchSize(8).epochs(2);
    }

    /**
     * Two ranks on shards of {@code n0} and {@code n1} samples run {@code steps} steps each and see the
     * same global loss (all-reduced with the gradients), which falls on separable data.
     */
    private static void ranksStayInStep(int n0, int n1, int steps) throws Exception {
        SparkTrainer t = trainer().build();
        List<Future<TaskResult>> r = run(List.of(t, t), List.of(shard(n0, 1), shard(n1, 2)));
        TaskResult a = r.get(0).get();
        TaskResult b = r.get(1).get();
        assertEquals(steps, a.steps());
        assertEquals(steps, b.steps());
        assertEquals(a.lossSums()[0], b.lossSums()[0]);
        assertEquals(a.lossSums()[1], b.lossSums()[1]);
        assertTrue(a.lossSums()[1] < a.lossSums()[0], "the loss should fall on separable data");
    }

    @Test
    void unevenShardsRunTheSameStepsAndAgreeOnTheLoss() throws Exception {
        ranksStayInStep(30, 10, 10);   // ceil(40 / 8) = 5 steps an epoch
    }

    @Test
    void aTaskWithNoSamplesAtAStepAddsZerosAndStaysInStep() throws Exception {
        // 2 + 40 samples, batch 8: 6 steps an epoch; rank 0 has samples at 2 of them (steps 2 and 5), none
        // at the first, so it must define its gradients without a forward
        ranksStayInStep(2, 40, 12);
    }

    @Test
    void aCpuReplicaAndAnOpenClReplicaTrainTogetherAsTwoCpuReplicasDo() throws Exception {
        List<Device> opencl = Device.all().stream().filter(d -> !d.isCpu()).toList();
        Assumptions.assumeFalse(opencl.isEmpty(), "no OpenCL device (CLGRAD_REQUIRE_OPENCL=1 makes that a failure)");
        SparkTrainer cpu = trainer().build();
        SparkTrainer cl = trainer().device(opencl.get(0).id()).build();
        List<LocalShard> shards = List.of(shard(30, 1), shard(10, 2));
        TaskResult mixed = run(List.of(cpu, cl), shards).get(0).get();
        TaskResult plain = run(List.of(cpu, cpu), shards).get(0).get();
        assertEquals(opencl.get(0).id(), run(List.of(cl, cpu), shards).get(0).get().device());
        for (int e = 0; e < 2; e++) {
            assertEquals(plain.lossSums()[e], mixed.lossSums()[e], 1e-5 * plain.lossSums()[e], "epoch " + e);
        }
        for (String k : plain.state().keys()) {
            float[] a = plain.state().floats(k);
            float[] b = mixed.state().floats(k);
            for (int i = 0; i < a.length; i++) {
                assertEquals(a[i], b[i], 1e-4 * Math.max(Math.abs(a[i]), 1e-3), k + "[" + i + "]");
            }
        }
    }

    @Test
    void ranksThatSeeDifferentCheckpointsAreRefused(@TempDir Path dir) throws Exception {
        SparkTrainer withCkpt = trainer().checkpoint(dir.resolve("a").toString(), 3).build();
        SparkTrainer without = trainer().checkpoint(dir.resolve("b").toString(), 3).build();
        run(List.of(withCkpt, withCkpt), List.of(shard(30, 1), shard(10, 2)));   // leaves a checkpoint in a/ (step 9)
        List<Future<TaskResult>> r = run(List.of(withCkpt, without), List.of(shard(30, 1), shard(10, 2)));
        for (Future<TaskResult> f : r) {
            ExecutionException e = assertThrows(ExecutionException.class, f::get);
            assertTrue(e.getCause().getMessage().contains("must be the same for every executor"), e.getCause().getMessage());
        }
    }
}
