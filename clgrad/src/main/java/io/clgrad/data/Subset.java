package io.clgrad.data;

import java.util.Objects;

/**
 * A view of a dataset at chosen indices, as PyTorch's {@code Subset}: sample {@code i} is
 * {@code base.get(indices[i])}. Nothing is copied. {@link DataLoader} keeps its fast path for a
 * subset of a {@link TensorDataset}.
 *
 * <pre>{@code
 * Subset<Tensor[]> firstTen = new Subset<>(dataset, new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
 * }</pre>
 *
 * @param <T> the sample type
 */
public final class Subset<T> implements Dataset<T> {
    private final Dataset<T> base;
    private final int[] indices;

    /**
     * A subset of {@code base}.
     *
     * @param base    the dataset to draw from
     * @param indices indices into {@code base} (copied), each in {@code [0, base.size())}; repeats allowed
     * @throws IndexOutOfBoundsException when an index is out of range
     */
    public Subset(Dataset<T> base, int[] indices) {
        this.base = Objects.requireNonNull(base, "base");
        this.indices = indices.clone();
        int n = base.size();
        for (int i = 0; i < this.indices.length; i++) {
            if (this.indices[i] < 0 || this.indices[i] >= n) {
                throw new IndexOutOfBoundsException("Subset: index " + this.indices[i] + " at position " + i
                        + " is out of range for a dataset of size " + n);
            }
        }
    }

    /**
     * The indices into the base dataset.
     *
     * @return a copy of the indices
     */
    public int[] indices() {
        return indices.clone();
    }

    /**
     * The dataset this subset draws from.
     *
     * @return the base dataset
     */
    public Dataset<T> base() {
        return base;
    }

    @Override
    public int size() {
        return indices.length;
    }

    @Override
    public T get(int index) {
        return base.get(indices[Objects.checkIndex(index, indices.length)]);
    }

    int[] indicesRef() {
        return indices;
    }
}
