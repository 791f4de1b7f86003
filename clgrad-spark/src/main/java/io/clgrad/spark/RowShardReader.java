package io.clgrad.spark;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.sql.Row;

/** Reads a partition of (features, label) rows (columns 0 and 1) into host arrays. */
final class RowShardReader implements ShardReader<Row> {
    private static final long serialVersionUID = 1L;

    @Override
    public LocalShard read(Iterator<Row> rows, int partition, int partitions) {
        List<float[]> xs = new ArrayList<>();
        List<Integer> ys = new ArrayList<>();
        int features = -1;
        while (rows.hasNext()) {
            Row r = rows.next();
            float[] x = RowFeatures.floats(r, 0);
            if (features < 0) {
                features = x.length;
            } else if (x.length != features) {
                throw new IllegalArgumentException("clgrad-spark: partition " + partition + " has rows of " + features
                        + " and of " + x.length + " features; every row must have the same number");
            }
            xs.add(x);
            ys.add(RowFeatures.label(r, 1));
        }
        if (xs.isEmpty()) {
            throw new IllegalArgumentException("clgrad-spark: partition " + partition + " of " + partitions
                    + " has no rows; every partition of the training data must hold at least one (repartition it)");
        }
        float[] x = new float[xs.size() * features];
        int[] y = new int[xs.size()];
        for (int i = 0; i < y.length; i++) {
            System.arraycopy(xs.get(i), 0, x, i * features, features);
            y[i] = ys.get(i);
        }
        return new LocalShard(x, y, features);
    }
}
