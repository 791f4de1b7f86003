package io.clgrad.data;

import io.clgrad.Device;
import io.clgrad.Tensor;

/**
 * {@link DataLoader}'s fast path: over a {@link TensorDataset}, or {@link Subset}s of one, a batch
 * is gathered row by row from the dataset's host arrays into one array per field.
 */
final class FastGather {
    private FastGather() {
    }

    /** The batch of samples {@code order[from..to)} of {@code dataset}, or null when the dataset has no host arrays. */
    static Tensor[] tryGather(Dataset<?> dataset, int[] order, int from, int to, Device device) {
        int[] rows = new int[to - from];
        System.arraycopy(order, from, rows, 0, rows.length);
        Dataset<?> d = dataset;
        while (d instanceof Subset<?> s) {
            int[] map = s.indicesRef();
            for (int i = 0; i < rows.length; i++) {
                rows[i] = map[rows[i]];
            }
            d = s.base();
        }
        if (!(d instanceof TensorDataset td)) {
            return null;
        }
        HostArray[] fields = td.fields();
        Tensor[] out = new Tensor[fields.length];
        for (int f = 0; f < fields.length; f++) {
            out[f] = fields[f].gather(rows, 0, rows.length, device);
        }
        return out;
    }
}
