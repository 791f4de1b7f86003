package io.clgrad.bench;

import io.clgrad.Device;
import io.clgrad.Tensor;
import io.clgrad.data.DataLoader;
import io.clgrad.data.FashionMnist;
import io.clgrad.data.Subset;
import io.clgrad.data.TensorDataset;
import io.clgrad.nn.CrossEntropyLoss;
import io.clgrad.nn.Linear;
import io.clgrad.nn.ReLU;
import io.clgrad.nn.Sequential;
import io.clgrad.nn.parallel.DataParallel;
import io.clgrad.optim.Adam;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The benchmark's data-parallel line: one epoch of the Fashion-MNIST MLP ({@link Workloads#fmnistMlp}'s
 * network, loss, optimizer and batch 128) on the first {@code limit} training samples with
 * {@link DataParallel} over several devices, against the same epoch on each device alone (the plain
 * eager loop of {@link Workloads#fmnistMlp}); the speed-up is over the best single device. Every
 * configuration runs warm (the data-parallel epoch once before the timed one; the single-device
 * loops after the per-device lines that ran them already).
 */
final class ParallelWorkload {
    private ParallelWorkload() {
    }

    /**
     * {@code fmnist mlp data-parallel D1+D2: T s (N samples/s), test acc A; best single device D T1 s:
     * speed-up S x}.
     *
     * @param devices at least two devices
     * @param limit   training samples of the epoch
     */
    static String line(List<Device> devices, Path dataDir, int limit) throws IOException {
        String bestId = null;
        double best = Double.POSITIVE_INFINITY;
        for (Device d : devices) {
            double s = Workloads.fmnistMlp(d, dataDir, 1, limit, e -> { }).get(0).seconds();
            if (s < best) {
                best = s;
                bestId = d.id();
            }
        }
        epoch(devices, dataDir, limit);   // warm-up: the single-device loops above ran warm, after the per-device lines
        double[] result = epoch(devices, dataDir, limit);
        String ids = devices.stream().map(Device::id).collect(Collectors.joining("+"));
        return String.format(Locale.ROOT, "fmnist mlp data-parallel %s: %.2f s (%.0f samples/s), test acc %.4f;"
                        + " best single device %s %.2f s: speed-up %.2fx", ids, result[0], limit / result[0], result[1],
                bestId, best, best / result[0]);
    }

    /** One data-parallel epoch: {@code [seconds, test accuracy]}. */
    private static double[] epoch(List<Device> devices, Path dataDir, int limit) throws IOException {
        TensorDataset train = new FashionMnist(dataDir, true, null).asTensorDataset(true);
        TensorDataset test = new FashionMnist(dataDir, false, null).asTensorDataset(true);
        int[] first = new int[Math.min(limit, train.size())];
        Arrays.setAll(first, i -> i);
        Tensor.manualSeed(Workloads.SEED);
        CrossEntropyLoss ce = new CrossEntropyLoss();
        try (DataParallel dp = DataParallel.builder(() -> new Sequential(new Linear(784, 512), new ReLU(),
                        new Linear(512, 512), new ReLU(), new Linear(512, 10)), ps -> new Adam(ps, 1e-3))
                .devices(devices).build()) {
            DataLoader<Tensor[]> loader = DataLoader.builder(new Subset<>(train, first)).batchSize(128).shuffle(true)
                    .seed(Workloads.SEED).prefetch(2).build();
            long t0 = System.nanoTime();
            for (Tensor[] b : loader) {
                try {
                    dp.step(b[0], b[1], (m, x, y) -> ce.forward(m.forward(x), y.reshape(-1)));
                } finally {
                    for (Tensor t : b) {
                        t.close();
                    }
                }
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            Device d0 = devices.get(0);
            DataLoader<Tensor[]> testLoader = DataLoader.builder(test).batchSize(1000).device(d0).prefetch(2).build();
            return new double[] {secs, Workloads.accuracy(dp.module(), testLoader)};
        }
    }
}
