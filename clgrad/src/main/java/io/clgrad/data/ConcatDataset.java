package io.clgrad.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Datasets one after another, as PyTorch's {@code ConcatDataset}: the samples of the first part,
 * then those of the second, and so on.
 *
 * <pre>{@code
 * Dataset<Tensor[]> all = new ConcatDataset<>(List.of(train, extra));
 * }</pre>
 *
 * @param <T> the sample type
 */
public final class ConcatDataset<T> implements Dataset<T> {
    private final List<Dataset<T>> parts;
    private final int[] offsets;

    /**
     * Concatenates {@code parts}; their sizes are read once, here.
     *
     * @param parts the datasets, in order (the list is copied); may be empty
     */
    public ConcatDataset(List<? extends Dataset<T>> parts) {
        this.parts = new ArrayList<>(parts);
        this.offsets = new int[this.parts.size() + 1];
        for (int i = 0; i < this.parts.size(); i++) {
            long end = (long) offsets[i] + Objects.requireNonNull(this.parts.get(i), "part " + i).size();
            if (end > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("ConcatDataset: more than " + Integer.MAX_VALUE + " samples");
            }
            offsets[i + 1] = (int) end;
        }
    }

    @Override
    public int size() {
        return offsets[offsets.length - 1];
    }

    @Override
    public T get(int index) {
        Objects.checkIndex(index, size());
        int lo = 0;
        int hi = parts.size() - 1;
        while (lo < hi) {                       // the last part whose offset is <= index
            int mid = (lo + hi + 1) >>> 1;
            if (offsets[mid] <= index) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        while (offsets[lo + 1] <= index) {     // skip empty parts
            lo++;
        }
        return parts.get(lo).get(index - offsets[lo]);
    }
}
