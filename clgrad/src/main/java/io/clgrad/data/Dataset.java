package io.clgrad.data;

/**
 * A map-style dataset, as PyTorch's {@code torch.utils.data.Dataset}: a fixed number of samples,
 * each read by index. Samples are usually {@code Tensor[]} (features, label) held on the CPU;
 * a {@link DataLoader} batches them and moves each batch to its device.
 *
 * <p>Implementations should be safe to read from several threads at once ({@link DataLoader}'s
 * prefetch thread reads while the caller trains), which read-only datasets are.
 *
 * <pre>{@code
 * Dataset<Tensor[]> d = new TensorDataset(x, y);
 * Tensor[] sample = d.get(0);          // {x[0], y[0]}
 * }</pre>
 *
 * @param <T> the type of one sample
 */
public interface Dataset<T> {
    /**
     * The number of samples.
     *
     * @return the number of samples, {@code >= 0}
     */
    int size();

    /**
     * One sample.
     *
     * @param index {@code 0 <= index < size()}
     * @return the sample at {@code index}
     * @throws IndexOutOfBoundsException when {@code index} is out of range
     */
    T get(int index);
}
