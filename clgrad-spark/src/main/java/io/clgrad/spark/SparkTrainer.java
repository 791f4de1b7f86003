package io.clgrad.spark;

import io.clgrad.Device;
import io.clgrad.Tensor;
import io.clgrad.nn.Module;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import scala.Tuple2;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

/**
 * Synchronous data-parallel training of a clgrad model on Spark, the way PyTorch's TorchDistributor
 * and Horovod on Spark work: a barrier stage starts one task per partition together; each task
 * trains a replica on its partition with its executor's best device ({@link Device#best()}, or
 * {@link Builder#device(String)}); after every backward the tasks sum their gradients (each scaled
 * by its shard's share of the global batch) with a ring all-reduce over TCP ({@link RingAllReduce}),
 * and every replica applies the same optimizer step. The driver gets the trained state dict and the
 * per-epoch losses back ({@link TrainResult}).
 *
 * <pre>{@code
 * SparkSession spark = SparkSession.builder().config(SparkJvmOptions.configure(new SparkConf())).getOrCreate();
 * SparkTrainer trainer = SparkTrainer.builder(
 *         () -> new Sequential(new Linear(784, 512), new ReLU(), new Linear(512, 10)),
 *         CrossEntropyLoss::new,
 *         params -> new Adam(params, 1e-3))
 *     .epochs(3).batchSize(128)
 *     .checkpoint("hdfs:///tmp/run1", 100)
 *     .build();
 * TrainResult r = trainer.fit(df, "features", "label");     // df: array<float> (or vector) + class index
 * Module<?> model = r.loadInto(new Sequential(...));
 * }</pre>
 *
 * <p>Each epoch every task shuffles its own partition (seeded) and takes, at each step, its share of
 * the global batch in proportion to its partition's size ({@code ShardPlan}), so a step is the
 * single-process step on the union of the shards. A task that dies fails the barrier stage; Spark
 * retries the whole stage (set {@code spark.task.maxFailures} > 1: {@code local[N,F]} in local mode),
 * and the new tasks resume from the last checkpoint in the {@link Builder#checkpoint(String, int)}
 * directory. docs/distributed.md, "Across machines: Apache Spark".
 */
public final class SparkTrainer implements Serializable {
    private static final long serialVersionUID = 1L;

    private final TrainOptions options;

    private SparkTrainer(TrainOptions options) {
        this.options = options;
    }

    /**
     * Starts a trainer's configuration.
     *
     * @param model     builds a new model (called on the driver once for the initial weights, and once per task)
     * @param loss      builds the (mean-reduced) loss
     * @param optimizer builds a replica's optimizer from its parameters
     * @return the builder
     */
    public static Builder builder(ModelFactory model, LossFactory loss, OptimizerFactory optimizer) {
        if (model == null || loss == null || optimizer == null) {
            throw new IllegalArgumentException("SparkTrainer: the model, loss and optimizer factories must not be null");
        }
        return new Builder(model, loss, optimizer);
    }

    /** The options of a {@link SparkTrainer}. */
    public static final class Builder {
        private final ModelFactory model;
        private final LossFactory loss;
        private final OptimizerFactory optimizer;
        private int epochs = 1;
        private int batchSize = 128;
        private long seed = 0;
        private ExecutorDevice device = ExecutorDevice.BEST;
        private String checkpointDir;
        private int checkpointEvery = 100;
        private long timeoutMs = 600_000;
        private int partitions;
        private HostState initialState;
        private long failAtStep = -1;
        private FailMode failMode = FailMode.THROW;

        private Builder(ModelFactory model, LossFactory loss, OptimizerFactory optimizer) {
            this.model = model;
            this.loss = loss;
            this.optimizer = optimizer;
        }

        /**
         * Sets the number of epochs.
         *
         * @param n passes over the training data (at least 1; default 1)
         * @return this builder
         */
        public Builder epochs(int n) {
            this.epochs = OptionChecks.atLeast("SparkTrainer: epochs", 1, n);
            return this;
        }

        /**
         * Sets the global batch size.
         *
         * @param n the global batch size, over all tasks (at least 1; default 128)
         * @return this builder
         */
        public Builder batchSize(int n) {
            this.batchSize = OptionChecks.atLeast("SparkTrainer: batch size", 1, n);
            return this;
        }

        /**
         * Sets the seed.
         *
         * @param s the seed of the per-epoch shuffles and of the initial weights (default 0)
         * @return this builder
         */
        public Builder seed(long s) {
            this.seed = s;
            return this;
        }

        /**
         * Sets the device of every task.
         *
         * @param spec the device every task trains on ("cpu", "opencl:0", "gpu"), or null for each
         *             executor's {@link Device#best()} (default; {@code CLGRAD_DEVICE} in the executor's
         *             environment, {@code spark.executorEnv.CLGRAD_DEVICE}, overrides that)
         * @return this builder
         */
        public Builder device(String spec) {
            this.device = ExecutorDevice.of(spec);   // refuses a malformed spec here, on the driver
            return this;
        }

        /**
         * Writes a checkpoint (model, optimizer state, step) every {@code everySteps} steps to
         * {@code dir}, and resumes from it when the directory holds one: after a failed stage attempt,
         * or when a run is started again with the same directory.
         *
         * @param dir        a directory of any Hadoop file system ("/tmp/run1", "hdfs://nn/ckpt/run1")
         * @param everySteps steps between checkpoints (at least 1)
         * @return this builder
         */
        public Builder checkpoint(String dir, int everySteps) {
            if (dir == null || dir.isBlank()) {
                throw new IllegalArgumentException("SparkTrainer: the checkpoint directory is empty");
            }
            this.checkpointEvery = OptionChecks.atLeast("SparkTrainer: checkpoint every (steps)", 1, everySteps);
            this.checkpointDir = dir;
            return this;
        }

        /**
         * Sets the number of tasks.
         *
         * @param p repartition the training data into {@code p} partitions, one task each (0: keep the data's)
         * @return this builder
         */
        public Builder partitions(int p) {
            this.partitions = OptionChecks.atLeast("SparkTrainer: partitions", 0, p);
            return this;
        }

        /**
         * Sets how long a task waits for its peers.
         *
         * @param ms how long a task waits for a peer (to connect, or to send its part of an all-reduce)
         *           before failing the stage (default 600,000)
         * @return this builder
         */
        public Builder timeoutMillis(long ms) {
            this.timeoutMs = OptionChecks.positive("SparkTrainer: the timeout", ms);
            return this;
        }

        /**
         * Sets the initial weights.
         *
         * @param state the weights to start from (default: the model factory's, built on the driver
         *              after {@code Tensor.manualSeed(seed)})
         * @return this builder
         */
        public Builder initialState(HostState state) {
            this.initialState = state;
            return this;
        }

        /**
         * A fault-injection hook for tests: on the stage's first attempt, task 1 (task 0 when there is
         * one task) dies right after global step {@code step}.
         *
         * @param step the global step (1-based count of steps taken), or -1 for none
         * @param mode throw, or halt the executor's JVM
         * @return this builder
         */
        public Builder failAtStep(long step, FailMode mode) {
            this.failAtStep = step;
            this.failMode = mode == null ? FailMode.THROW : mode;
            return this;
        }

        /**
         * Builds the trainer.
         *
         * @return the trainer
         */
        public SparkTrainer build() {
            return new SparkTrainer(new TrainOptions(model, loss, optimizer, epochs, batchSize, seed, device, checkpointDir,
                    checkpointEvery, timeoutMs, partitions, initialState, failAtStep, failMode));
        }
    }

    /**
     * Trains on a DataFrame of features and class labels, one task per partition.
     *
     * @param data        the training data
     * @param featuresCol its features column: {@code array<float>}, {@code array<double>} or a Spark ML vector
     * @param labelCol    its label column: class indices 0, 1, ... (integral)
     * @return the trained state and the metrics
     * @throws IllegalArgumentException naming a missing column or one of the wrong type
     */
    public TrainResult fit(Dataset<Row> data, String featuresCol, String labelCol) {
        RowFeatures.featuresColumn(data, featuresCol);
        RowFeatures.labelColumn(data, labelCol);
        JavaRDD<Row> rows = data.select(featuresCol, labelCol).javaRDD();
        int partitions = options.partitions();
        if (partitions > 0 && rows.getNumPartitions() != partitions) {
            rows = rows.repartition(partitions);
        } else {   // a shuffle that keeps the partitions: see SamePartition
            rows = rows.mapPartitionsWithIndex((i, it) -> {
                java.util.List<Tuple2<Integer, Row>> keyed = new ArrayList<>();
                it.forEachRemaining(r -> keyed.add(new Tuple2<>(i, r)));
                return keyed.iterator();
            }, true).mapToPair(t -> t).partitionBy(new SamePartition(rows.getNumPartitions())).values();
        }
        return run(rows.rdd(), new RowShardReader());
    }

    /**
     * Trains on the training split of an MNIST-layout IDX directory (Fashion-MNIST, MNIST:
     * {@code train-images-idx3-ubyte[.gz]} and {@code train-labels-idx1-ubyte[.gz]}), read on each
     * executor with clgrad's reader; task {@code p} of {@code P} takes images
     * {@code [p·N/P, (p+1)·N/P)}, pixels scaled to [0, 1] and flattened to 784 values.
     *
     * @param spark      the session
     * @param dir        the directory, readable on every executor at that path
     * @param partitions the number of tasks (at least 1)
     * @param limit      use only the first {@code limit} images (0: all)
     * @return the trained state and the metrics
     */
    public TrainResult fitIdx(SparkSession spark, String dir, int partitions, int limit) {
        if (partitions < 1) {
            throw new IllegalArgumentException("SparkTrainer.fitIdx: partitions must be at least 1, got " + partitions);
        }
        JavaRDD<Integer> ids = JavaSparkContext.fromSparkContext(spark.sparkContext())
                .parallelize(IntStream.range(0, partitions).boxed().toList(), partitions);
        return run(ids.rdd(), new IdxShardReader(dir, limit));
    }

    /**
     * Trains on a CSV file (or a directory of them, any Hadoop file system) with a header line: the
     * column {@code labelCol} holds class indices, every other column is a numeric feature (read by
     * Spark with an inferred schema, cast to float, assembled in file order).
     *
     * <pre>{@code
     * TrainResult r = trainer.fitCsv(spark, "hdfs:///data/iris.csv", "species");
     * }</pre>
     *
     * @param spark    the session
     * @param path     the CSV file or directory
     * @param labelCol the label column's header name
     * @return the trained state and the metrics
     * @throws IllegalArgumentException when the label column is missing or a feature column is not numeric
     */
    public TrainResult fitCsv(SparkSession spark, String path, String labelCol) {
        Dataset<Row> csv = spark.read().option("header", "true").option("inferSchema", "true").csv(path);
        if (!List.of(csv.columns()).contains(labelCol)) {
            throw new IllegalArgumentException("SparkTrainer.fitCsv: no label column '" + labelCol + "' in " + path
                    + "; its header has " + List.of(csv.columns()));
        }
        List<Column> features = new ArrayList<>();
        for (StructField f : csv.schema().fields()) {
            if (f.name().equals(labelCol)) {
                continue;
            }
            if (!(f.dataType() instanceof NumericType)) {
                throw new IllegalArgumentException("SparkTrainer.fitCsv: column '" + f.name() + "' of " + path + " is "
                        + f.dataType().simpleString() + ", not a number");
            }
            features.add(functions.col(f.name()).cast(DataTypes.FloatType));
        }
        if (features.isEmpty()) {
            throw new IllegalArgumentException("SparkTrainer.fitCsv: " + path + " has no feature column besides '" + labelCol + "'");
        }
        Dataset<Row> df = csv.select(functions.array(features.toArray(new Column[0])).as("features"),
                functions.col(labelCol).as("label"));
        return fit(df, "features", "label");
    }

    private <T> TrainResult run(RDD<T> rdd, ShardReader<T> reader) {
        SparkJvmOptions.warnIfNotConfigured(rdd.sparkContext().getConf());
        if (rdd.getNumPartitions() == 0) {
            // an empty DataFrame has no partitions: the barrier stage would run no task at all
            throw new IllegalArgumentException("SparkTrainer: the training data is empty (0 partitions)");
        }
        HostState initial = options.initialState() != null ? options.initialState()
                : initialState(options.model(), options.seed());
        ClassTag<TaskResult> tag = ClassTag$.MODULE$.apply(TaskResult.class);
        RDD<TaskResult> out = rdd.barrier().mapPartitions(new BarrierTask<>(options, initial, reader), false, tag);
        // Through a shuffle: Spark retries a failed barrier stage only when it is a shuffle-map stage
        // ("Could not recover from a failed barrier ResultStage" otherwise).
        List<TaskResult> results = new ArrayList<>(out.toJavaRDD().repartition(1).collect());
        results.sort(Comparator.comparingInt(TaskResult::rank));
        TaskResult first = results.get(0);
        int epochs = options.epochs();
        long stepsPerEpoch = first.steps() / epochs;
        double[] means = new double[epochs];
        for (int e = 0; e < epochs; e++) {
            means[e] = first.lossSums()[e] / Math.max(1, stepsPerEpoch);
        }
        return new TrainResult(first.state(), means, first.steps(), first.resumedFrom(), first.allReduceNanos(),
                results.stream().map(TaskResult::device).toList());
    }

    /**
     * The weights a run starts from when no {@link Builder#initialState(HostState)} is given: the
     * model factory's, built on the CPU after {@code Tensor.manualSeed(seed)}.
     *
     * @param model the factory
     * @param seed  the seed
     * @return the state
     */
    public static HostState initialState(ModelFactory model, long seed) {
        Tensor.manualSeed(seed);
        Module<?> m = model.create();
        m.to(Device.cpu());
        return HostState.of(m);
    }

    /** The options this trainer was built with. */
    TrainOptions options() {
        return options;
    }
}
