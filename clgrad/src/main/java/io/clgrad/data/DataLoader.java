package io.clgrad.data;

import io.clgrad.Device;
import io.clgrad.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Batches of a dataset, as PyTorch's {@code DataLoader}: iterating it once is one epoch, each
 * element a {@code Tensor[]} with one tensor per sample field, stacked along a new dim 0 and placed
 * on the loader's device.
 *
 * <p>Order: without shuffle, samples come in index order. With shuffle, epoch {@code e} (the
 * {@code e}-th call of {@link #iterator()}, counting from 0, or {@link #iterator(int)}) uses a
 * permutation derived from {@code (seed, e)} only: the same seed gives the same batches run after
 * run, and each epoch a different order. The last partial batch is kept unless {@code dropLast}.
 *
 * <p>Collate: by default field {@code i} of every sample is stacked, float32 and int32 keeping
 * their dtype ({@code Dataset<Tensor>} gives one-element arrays). Over a {@link TensorDataset}, or a
 * {@link Subset} of one, the rows are gathered straight from the dataset's host arrays into one
 * array per field, without per-sample tensors. A custom {@code collate} function receives the
 * samples and returns tensors, which are then moved to the device.
 *
 * <p>Prefetch: with {@code prefetch(n)}, {@code n > 0}, a daemon thread builds and uploads up to
 * {@code n} batches ahead of the consumer. The batches are the same as without prefetch. An
 * exception thrown while building a batch surfaces in {@code next()} as an
 * {@link IllegalStateException} whose cause is that exception. See {@link BatchIterator} for when
 * the thread stops (end of epoch, {@code close()}, or the iterator becoming garbage).
 *
 * <p>Shapes: samples with fields {@code [*]} give batches with fields {@code [B, *]}, {@code B =
 * batchSize} except perhaps the last batch.
 *
 * <pre>{@code
 * TensorDataset data = new TensorDataset(x, y);          // x [N, 2] float32, y [N] int32
 * DataLoader<Tensor[]> loader = DataLoader.builder(data)
 *         .batchSize(64).shuffle(true).seed(42).device(Device.best()).prefetch(2).build();
 * for (int epoch = 0; epoch < 10; epoch++) {
 *     for (Tensor[] batch : loader) {
 *         Tensor xb = batch[0], yb = batch[1];            // [64, 2], [64]
 *     }
 * }
 * }</pre>
 *
 * @param <T> the sample type of the dataset
 */
public final class DataLoader<T> implements Iterable<Tensor[]> {
    private final Dataset<T> dataset;
    private final int batchSize;
    private final boolean shuffle;
    private final long seed;
    private final boolean dropLast;
    private final Function<List<T>, Tensor[]> collate;
    private final Device device;
    private final int prefetch;
    private final AtomicInteger epochs = new AtomicInteger();

    private DataLoader(Builder<T> b) {
        this.dataset = b.dataset;
        this.batchSize = b.batchSize;
        this.shuffle = b.shuffle;
        this.seed = b.seed;
        this.dropLast = b.dropLast;
        this.collate = b.collate;
        this.device = b.device;
        this.prefetch = b.prefetch;
    }

    /**
     * A builder for a loader over {@code dataset}. Defaults: batch size 1, no shuffle, seed 0, keep
     * the last partial batch, the default collate, the CPU device, no prefetch.
     *
     * @param dataset the samples
     * @param <T>     the sample type
     * @return a new builder
     */
    public static <T> Builder<T> builder(Dataset<T> dataset) {
        return new Builder<>(dataset);
    }

    /**
     * The number of batches in one epoch: {@code ceil(N / batchSize)}, or {@code floor(N / batchSize)}
     * with {@code dropLast}.
     *
     * @return the batches per epoch
     */
    public int numBatches() {
        long n = dataset.size();
        // long: n + batchSize - 1 passes Integer.MAX_VALUE for large batch sizes (e.g. batchSize = MAX_VALUE)
        return (int) (dropLast ? n / batchSize : (n + batchSize - 1) / batchSize);
    }

    /**
     * The batch size.
     *
     * @return samples per batch (the last batch may have fewer)
     */
    public int batchSize() {
        return batchSize;
    }

    /**
     * The dataset.
     *
     * @return the dataset batched by this loader
     */
    public Dataset<T> dataset() {
        return dataset;
    }

    /**
     * The device batches are created on.
     *
     * @return the target device
     */
    public Device device() {
        return device;
    }

    /**
     * One epoch over the data; the first call is epoch 0, the next epoch 1, and so on.
     *
     * @return an iterator over this epoch's batches
     */
    @Override
    public BatchIterator iterator() {
        return iterator(epochs.getAndIncrement());
    }

    /**
     * The batches of a given epoch, independently of how many epochs ran before (for resuming).
     * Does not change the epoch counter of {@link #iterator()}.
     *
     * @param epoch the epoch number, {@code >= 0}; selects the shuffle permutation
     * @return an iterator over that epoch's batches
     */
    public BatchIterator iterator(int epoch) {
        if (epoch < 0) {
            throw new IllegalArgumentException("epoch must be >= 0, got " + epoch);
        }
        int[] order = order(epoch);
        int count = numBatches();
        int n = order.length;
        BatchSource source = new BatchSource() {
            @Override
            public int count() {
                return count;
            }

            @Override
            public Tensor[] batch(int b) {
                int from = (int) ((long) b * batchSize);   // < n for every b < count
                return assemble(order, from, (int) Math.min(n, (long) from + batchSize));
            }
        };
        return new BatchIterator(source, prefetch);
    }

    /** The sample order of an epoch: the identity, or a permutation seeded by (seed, epoch). */
    int[] order(int epoch) {
        int n = dataset.size();
        if (!shuffle) {
            int[] p = new int[n];
            for (int i = 0; i < n; i++) {
                p[i] = i;
            }
            return p;
        }
        long mixed = new SplittableRandom(seed).split().nextLong() ^ (0x9E3779B97F4A7C15L * (epoch + 1L));
        return Datasets.permutation(n, new SplittableRandom(mixed));
    }

    /** The batch of samples {@code order[from..to)}. */
    private Tensor[] assemble(int[] order, int from, int to) {
        if (collate == null) {
            Tensor[] fast = FastGather.tryGather(dataset, order, from, to, device);
            if (fast != null) {
                return fast;
            }
        }
        List<T> samples = new ArrayList<>(to - from);
        for (int i = from; i < to; i++) {
            samples.add(dataset.get(order[i]));
        }
        if (collate == null) {
            return Collate.stack(samples, device);
        }
        Tensor[] out = collate.apply(samples);
        Tensor[] moved = new Tensor[out.length];
        for (int i = 0; i < out.length; i++) {
            moved[i] = Objects.requireNonNull(out[i], "collate returned a null tensor").to(device);
        }
        return moved;
    }

    @Override
    public String toString() {
        return "DataLoader(size=" + dataset.size() + ", batchSize=" + batchSize + ", shuffle=" + shuffle
                + ", dropLast=" + dropLast + ", device=" + device + ", prefetch=" + prefetch + ")";
    }

    /**
     * Configures a {@link DataLoader}; obtained from {@link DataLoader#builder(Dataset)}.
     *
     * @param <T> the sample type
     */
    public static final class Builder<T> {
        private final Dataset<T> dataset;
        private int batchSize = 1;
        private boolean shuffle;
        private long seed;
        private boolean dropLast;
        private Function<List<T>, Tensor[]> collate;
        private Device device;
        private int prefetch;

        private Builder(Dataset<T> dataset) {
            this.dataset = Objects.requireNonNull(dataset, "dataset");
        }

        /**
         * Samples per batch (default 1).
         *
         * @param batchSize {@code >= 1}
         * @return this builder
         * @throws IllegalArgumentException when {@code batchSize < 1}
         */
        public Builder<T> batchSize(int batchSize) {
            if (batchSize < 1) {
                throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
            }
            this.batchSize = batchSize;
            return this;
        }

        /**
         * Whether each epoch visits the samples in a fresh random order (default false).
         *
         * @param shuffle true to shuffle
         * @return this builder
         */
        public Builder<T> shuffle(boolean shuffle) {
            this.shuffle = shuffle;
            return this;
        }

        /**
         * The seed of the shuffle permutations (default 0).
         *
         * @param seed any value; epoch {@code e} uses a permutation derived from {@code (seed, e)}
         * @return this builder
         */
        public Builder<T> seed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * Whether to drop the last batch when it is smaller than the batch size (default false).
         *
         * @param dropLast true to drop it
         * @return this builder
         */
        public Builder<T> dropLast(boolean dropLast) {
            this.dropLast = dropLast;
            return this;
        }

        /**
         * A custom function from the samples of one batch to its tensors (default: stack each field).
         * The tensors it returns are moved to the loader's device. It may run on the prefetch thread.
         *
         * @param collate the function, or null for the default
         * @return this builder
         */
        public Builder<T> collate(Function<List<T>, Tensor[]> collate) {
            this.collate = collate;
            return this;
        }

        /**
         * The device batches are created on (default {@link Device#cpu()}).
         *
         * @param device the target device
         * @return this builder
         */
        public Builder<T> device(Device device) {
            this.device = Objects.requireNonNull(device, "device");
            return this;
        }

        /**
         * How many batches a background thread builds ahead (default 0: batches are built in
         * {@code next()} on the caller's thread).
         *
         * @param n {@code >= 0}
         * @return this builder
         * @throws IllegalArgumentException when {@code n < 0}
         */
        public Builder<T> prefetch(int n) {
            if (n < 0) {
                throw new IllegalArgumentException("prefetch must be >= 0, got " + n);
            }
            this.prefetch = n;
            return this;
        }

        /**
         * The loader.
         *
         * @return a new {@link DataLoader}
         */
        public DataLoader<T> build() {
            if (device == null) {
                device = Device.cpu();
            }
            return new DataLoader<>(this);
        }
    }
}
