package io.clgrad.spark;

import io.clgrad.Tensor;
import io.clgrad.data.FashionMnist;
import io.clgrad.data.TensorDataset;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;

/**
 * Reads partition {@code p}'s contiguous range {@code [p·N/P, (p+1)·N/P)} of the training images of an
 * MNIST-layout IDX directory ({@code train-images-idx3-ubyte[.gz]}, {@code train-labels-idx1-ubyte[.gz]}:
 * Fashion-MNIST, MNIST) with the library's reader: pixels scaled to [0, 1], flattened to 784 values.
 * The directory must be readable on every executor (a shared or copied path).
 */
final class IdxShardReader implements ShardReader<Integer> {
    private static final long serialVersionUID = 1L;

    private final String dir;
    private final int limit;

    /**
     * @param dir   the directory of the IDX files
     * @param limit use only the first {@code limit} training images (0: all)
     */
    IdxShardReader(String dir, int limit) {
        this.dir = dir;
        this.limit = limit;
    }

    @Override
    public LocalShard read(Iterator<Integer> ignored, int partition, int partitions) throws IOException {
        TensorDataset all = new FashionMnist(Path.of(dir), true, null).asTensorDataset(true);
        Tensor[] t = all.tensors();
        try {
            int n = limit > 0 ? Math.min(limit, all.size()) : all.size();
            int from = (int) ((long) partition * n / partitions);
            int to = (int) ((long) (partition + 1) * n / partitions);
            int features = t[0].shape(1);
            float[] x = t[0].narrow(0, from, to - from).toFloatArray();
            int[] y = t[1].narrow(0, from, to - from).toIntArray();
            return new LocalShard(x, y, features);
        } finally {
            for (Tensor x : t) {
                x.close();
            }
        }
    }
}
