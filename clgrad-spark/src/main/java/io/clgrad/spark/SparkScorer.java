package io.clgrad.spark;

import io.clgrad.Autograd;
import io.clgrad.Device;
import io.clgrad.Tensor;
import io.clgrad.TensorScope;
import io.clgrad.Tensors;
import io.clgrad.nn.Module;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Scores a Spark {@code Dataset<Row>} with a trained clgrad model: each partition builds the model
 * once on its executor's best device (or a given one), loads the trained state, and runs the rows
 * through it in batches; the result is the input with a column of predicted classes (the argmax of
 * the model's output) added.
 *
 * <pre>{@code
 * Dataset<Row> scored = SparkScorer.builder(mlp, result.state()).build()
 *         .predict(testDf, "features", "prediction");
 * }</pre>
 */
public final class SparkScorer implements java.io.Serializable {
    private static final long serialVersionUID = 1L;

    private final ModelFactory model;
    private final HostState state;
    private final ExecutorDevice device;
    private final int batchSize;

    private SparkScorer(ModelFactory model, HostState state, ExecutorDevice device, int batchSize) {
        this.model = model;
        this.state = state;
        this.device = device;
        this.batchSize = batchSize;
    }

    /**
     * Starts a scorer's configuration.
     *
     * @param model builds the model's architecture (as for training)
     * @param state the trained weights ({@link TrainResult#state()})
     * @return the builder
     */
    public static Builder builder(ModelFactory model, HostState state) {
        if (model == null || state == null) {
            throw new IllegalArgumentException("SparkScorer: the model factory and the state must not be null");
        }
        return new Builder(model, state);
    }

    /** The options of a {@link SparkScorer}. */
    public static final class Builder {
        private final ModelFactory model;
        private final HostState state;
        private ExecutorDevice device = ExecutorDevice.BEST;
        private int batchSize = 1024;

        private Builder(ModelFactory model, HostState state) {
            this.model = model;
            this.state = state;
        }

        /**
         * Sets the device of every executor.
         *
         * @param spec the device every executor scores on, or null for its {@link Device#best()} (default)
         * @return this builder
         */
        public Builder device(String spec) {
            this.device = ExecutorDevice.of(spec);
            return this;
        }

        /**
         * Sets the batch size.
         *
         * @param n rows per forward pass (at least 1; default 1024)
         * @return this builder
         */
        public Builder batchSize(int n) {
            this.batchSize = OptionChecks.atLeast("SparkScorer: batch size", 1, n);
            return this;
        }

        /**
         * Builds the scorer.
         *
         * @return the scorer
         */
        public SparkScorer build() {
            return new SparkScorer(model, state, device, batchSize);
        }
    }

    /**
     * The rows of {@code data} with an int column {@code outputCol} added: the index of the largest
     * model output for the row's features (lazy, like any Spark transformation).
     *
     * @param data        the rows to score
     * @param featuresCol the features column ({@code array<float>}, {@code array<double>} or a Spark ML vector)
     * @param outputCol   the new column's name (must not exist yet)
     * @return the scored rows, in the input's partitions and order
     */
    public Dataset<Row> predict(Dataset<Row> data, String featuresCol, String outputCol) {
        int features = RowFeatures.featuresColumn(data, featuresCol);
        if (List.of(data.schema().fieldNames()).contains(outputCol)) {
            throw new IllegalArgumentException("SparkScorer: column '" + outputCol + "' already exists in "
                    + data.schema().simpleString());
        }
        SparkJvmOptions.warnIfNotConfigured(data.sparkSession().sparkContext().getConf());
        StructType out = data.schema().add(outputCol, DataTypes.IntegerType, false);
        SparkScorer self = this;
        MapPartitionsFunction<Row, Row> fn = rows -> self.score(rows, features);
        return data.mapPartitions(fn, Encoders.row(out));
    }

    private Iterator<Row> score(Iterator<Row> rows, int featuresIndex) {
        if (!rows.hasNext()) {
            return rows;
        }
        Device d = device.resolve();
        Module<?> m = model.create();
        m.to(d);
        state.loadInto(m);
        m.eval();
        return new Iterator<>() {
            private final List<Row> pending = new ArrayList<>();
            private int next;

            @Override
            public boolean hasNext() {
                if (next < pending.size()) {
                    return true;
                }
                pending.clear();
                next = 0;
                List<float[]> xs = new ArrayList<>();
                while (rows.hasNext() && pending.size() < batchSize) {
                    Row r = rows.next();
                    pending.add(r);
                    xs.add(RowFeatures.floats(r, featuresIndex));
                }
                if (pending.isEmpty()) {
                    return false;
                }
                int[] classes = argmax(m, d, xs);
                for (int i = 0; i < pending.size(); i++) {
                    Row r = pending.get(i);
                    Object[] v = new Object[r.length() + 1];
                    for (int j = 0; j < r.length(); j++) {
                        v[j] = r.get(j);
                    }
                    v[r.length()] = classes[i];
                    pending.set(i, RowFactory.create(v));
                }
                return true;
            }

            @Override
            public Row next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return pending.get(next++);
            }
        };
    }

    /**
     * The predicted class of each sample: the index of the largest of the model's outputs.
     *
     * @param model  the model, on {@code device}, in eval mode
     * @param device its device
     * @param xs     the samples, each of the same length
     * @return the classes
     */
    static int[] argmax(Module<?> model, Device device, List<float[]> xs) {
        int f = xs.get(0).length;
        float[] flat = new float[xs.size() * f];
        for (int i = 0; i < xs.size(); i++) {
            if (xs.get(i).length != f) {
                throw new IllegalArgumentException("SparkScorer: rows of " + f + " and of " + xs.get(i).length + " features");
            }
            System.arraycopy(xs.get(i), 0, flat, i * f, f);
        }
        try (var g = Autograd.noGrad(); TensorScope s = Tensors.scope()) {
            return model.forward(Tensor.of(device, flat, xs.size(), f)).argmax(1).toIntArray();
        }
    }
}
