package io.clgrad.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clgrad.Device;
import io.clgrad.Tensor;
import io.clgrad.data.TensorDataset;
import io.clgrad.nn.Module;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data-parallel training and scoring on Spark local[2] (two barrier tasks, two executor threads of
 * this JVM, each on its Device.best()), against plain clgrad in one process.
 */
class SparkTrainingTest {
    private static SparkSession spark;

    @BeforeAll
    static void start() {
        FashionMnistFixture.dir();
        spark = FashionMnistFixture.session("local[2]");
    }

    @AfterAll
    static void stop() {
        if (spark != null) {
            spark.stop();
        }
    }

    /** A DataFrame (features array<float>, label int) whose partitions hold the given shards. */
    private static Dataset<Row> frame(List<LocalShard> shards) {
        StructType schema = new StructType().add("features", DataTypes.createArrayType(DataTypes.FloatType, false), false)
                .add("label", DataTypes.IntegerType, false);
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Dataset<Row> out = null;
        for (LocalShard s : shards) {
            List<Row> rows = new ArrayList<>();
            for (int i = 0; i < s.size(); i++) {
                float[] x = Arrays.copyOfRange(s.x(), i * s.features(), (i + 1) * s.features());
                Float[] boxed = new Float[x.length];
                for (int j = 0; j < x.length; j++) {
                    boxed[j] = x[j];
                }
                rows.add(RowFactory.create(boxed, s.y()[i]));
            }
            Dataset<Row> part = spark.createDataFrame(jsc.parallelize(rows, 1), schema);
            out = out == null ? part : out.union(part);
        }
        return out;
    }

    /** The first {@code n} samples of a split, from {@code from}. */
    private static LocalShard slice(TensorDataset d, int from, int n) {
        Tensor[] t = d.tensors();
        return new LocalShard(t[0].narrow(0, from, n).toFloatArray(), t[1].narrow(0, from, n).toIntArray(), 784);
    }

    /**
     * 20 Adam steps on 2,560 images in two uneven partitions (1,920 and 640 rows, so the n_i/N
     * weighting matters) against {@link OneProcessReference}. What is compared: per parameter tensor,
     * the norm of the difference is at most 1e-4 of the tensor's norm and of the distance it moved in
     * training, and no element differs by more than 1e-5 (1% of one step of lr 1e-3). Not
     * elementwise 1e-4 relative: Adam divides each gradient element by its running RMS, so an element
     * whose gradient is near zero turns a rounding difference of the sums (two shards summed by the
     * ring, or one batch by one matmul) into up to lr a step; about 14 of 670,000 weights differ by
     * 1e-6 to 4e-6 (1e-4 to 3e-4 relative) after 20 steps, the norms by about 1e-6.
     */
    @Test
    void matchesAOneProcessRunOnTheSameGlobalBatches() throws Exception {
        TensorDataset train = FashionMnistFixture.split(true);
        // uneven partitions (3:1), so the n_i/N weighting of each task's gradient matters
        List<LocalShard> parts = List.of(slice(train, 0, 1920), slice(train, 1920, 640));
        HostState init = SparkTrainer.initialState(FashionMnistFixture::mlp, 7);
        int batch = 128;   // 2560 samples: 20 Adam steps
        TrainResult r = FashionMnistFixture.trainer().batchSize(batch).epochs(1).seed(3).initialState(init).build()
                .fit(frame(parts), "features", "label");
        OneProcessReference.Result ref = OneProcessReference.train(parts, batch, 1, 3, init);

        assertEquals(20, r.steps());
        assertEquals(-1, r.resumedFrom());
        assertEquals(2, r.devices().size());
        assertEquals(ref.state().keys(), r.state().keys());
        for (String k : ref.state().keys()) {
            float[] e = ref.state().floats(k);
            float[] a = r.state().floats(k);
            float[] start = init.floats(k);
            double diff = 0;
            double norm = 0;
            double moved = 0;
            double maxAbs = 0;
            for (int i = 0; i < e.length; i++) {
                double d = a[i] - e[i];
                diff += d * d;
                norm += (double) e[i] * e[i];
                moved += (double) (e[i] - start[i]) * (e[i] - start[i]);
                maxAbs = Math.max(maxAbs, Math.abs(d));
            }
            diff = Math.sqrt(diff);
            System.out.printf("Spark vs one process, %s: |diff| %.3g = %.3g of |w|, %.3g of |w - w0|; max elementwise %.3g%n",
                    k, diff, diff / Math.sqrt(norm), diff / Math.sqrt(moved), maxAbs);
            assertTrue(moved > 0, k + " did not change in training: the comparison would prove nothing");
            assertTrue(diff <= 1e-4 * Math.sqrt(norm), k + ": |Spark - one process| " + diff + " > 1e-4 |w|");
            assertTrue(diff <= 1e-4 * Math.sqrt(moved), k + ": |Spark - one process| " + diff + " > 1e-4 of the distance trained");
            assertTrue(maxAbs <= 1e-5, k + ": an element differs by " + maxAbs + " > 1e-5 (1% of one Adam step)");
        }
        assertEquals(ref.epochLosses()[0], r.epochLosses()[0], 1e-6 * ref.epochLosses()[0]);
    }
    @Test
    void trainsTheFashionMnistMlpToTheExpectedAccuracy() throws Exception {
        TrainResult r = FashionMnistFixture.trainer().batchSize(128).epochs(SparkFaultTest.EPOCHS).seed(1).build()
                .fitIdx(spark, FashionMnistFixture.dir().toString(), 2, 0);
        double acc = FashionMnistFixture.accuracy(r.loadInto(FashionMnistFixture.mlp()), FashionMnistFixture.split(false));
        System.out.printf("local[2] Fashion-MNIST MLP: epoch losses %s, test accuracy %.4f, all-reduce median %.2f ms/step,"
                + " devices %s%n", Arrays.toString(r.epochLosses()), acc, r.medianAllReduceMillis(), r.devices());
        assertTrue(acc >= 0.86, "test accuracy " + acc + " < 0.86");
        double[] l = r.epochLosses();
        assertTrue(l[l.length - 1] < l[0], "the loss did not fall: " + Arrays.toString(l));
        assertEquals((long) SparkFaultTest.EPOCHS * 469, r.steps());   // ceil(60000 / 128) steps an epoch
    }

    @Test
    void scoringAddsTheModelsArgmaxAsAColumn() throws Exception {
        TensorDataset test = FashionMnistFixture.split(false);
        List<LocalShard> parts = List.of(slice(test, 0, 300), slice(test, 300, 200));
        HostState weights = SparkTrainer.initialState(FashionMnistFixture::mlp, 11);
        Dataset<Row> scored = SparkScorer.builder(FashionMnistFixture::mlp, weights).batchSize(64).build()
                .predict(frame(parts), "features", "prediction");
        assertEquals(List.of("features", "label", "prediction"), Arrays.asList(scored.columns()));
        List<Row> rows = scored.collectAsList();
        assertEquals(500, rows.size());
        int[] got = rows.stream().mapToInt(r -> r.getInt(2)).toArray();
        int[] labels = rows.stream().mapToInt(r -> r.getInt(1)).toArray();

        Module<?> m = FashionMnistFixture.mlp();
        m.to(Device.best());
        weights.loadInto(m);
        m.eval();
        int[] expected = new int[500];
        for (int p = 0; p < 2; p++) {   // the same batches of 64 rows as the scorer's partitions
            LocalShard s = parts.get(p);
            for (int b = 0; b < s.size(); b += 64) {
                List<float[]> xs = new ArrayList<>();
                for (int i = b; i < Math.min(b + 64, s.size()); i++) {
                    xs.add(Arrays.copyOfRange(s.x(), i * 784, (i + 1) * 784));
                }
                int[] c = SparkScorer.argmax(m, Device.best(), xs);
                System.arraycopy(c, 0, expected, (p == 0 ? 0 : 300) + b, c.length);
            }
        }
        assertArrayEquals(expected, got);
        int[] trueLabels = new int[500];
        System.arraycopy(parts.get(0).y(), 0, trueLabels, 0, 300);
        System.arraycopy(parts.get(1).y(), 0, trueLabels, 300, 200);
        assertArrayEquals(trueLabels, labels, "the input columns must come through unchanged, in order");
    }

    private static Module<?> linear() {
        return new io.clgrad.nn.Linear(4, 3);
    }

    private static io.clgrad.optim.Optimizer fastAdam(List<Tensor> params) {
        return new io.clgrad.optim.Adam(params, 0.05);
    }

    @Test
    void trainsOnACsvFileWithAHeader(@TempDir Path dir) throws Exception {
        java.util.Random rnd = new java.util.Random(4);
        StringBuilder csv = new StringBuilder("a,b,kind,c,d\n");   // the label column in the middle
        float[] x = new float[600 * 4];
        int[] y = new int[600];
        for (int i = 0; i < 600; i++) {
            y[i] = rnd.nextInt(3);
            for (int j = 0; j < 4; j++) {
                x[i * 4 + j] = (float) (rnd.nextGaussian() + (j == y[i] ? 3 : 0));
            }
            csv.append(x[i * 4]).append(',').append(x[i * 4 + 1]).append(',').append(y[i]).append(',')
                    .append(x[i * 4 + 2]).append(',').append(x[i * 4 + 3]).append('\n');
        }
        Path file = dir.resolve("blobs.csv");
        Files.writeString(file, csv);
        TrainResult r = SparkTrainer.builder(SparkTrainingTest::linear, io.clgrad.nn.CrossEntropyLoss::new,
                SparkTrainingTest::fastAdam).epochs(5).batchSize(32).partitions(2).build()
                .fitCsv(spark, file.toString(), "kind");
        assertEquals(2, r.devices().size());
        assertEquals(5L * 19, r.steps());   // ceil(600 / 32) steps an epoch
        double acc = FashionMnistFixture.accuracy(r.loadInto(linear()),
                new io.clgrad.data.TensorDataset(Tensor.of(x, 600, 4), Tensor.of(y, 600)));
        assertTrue(acc > 0.9, "accuracy on three separable blobs: " + acc);
        Exception e = assertThrows(IllegalArgumentException.class, () -> FashionMnistFixture.trainer().build()
                .fitCsv(spark, file.toString(), "species"));
        assertTrue(e.getMessage().contains("no label column 'species'"), e.getMessage());
    }

    @Test
    void badColumnsAreRefusedWithTheirNames() {
        Dataset<Row> df = spark.range(10).toDF("id");
        SparkTrainer t = FashionMnistFixture.trainer().build();
        Exception e = assertThrows(IllegalArgumentException.class, () -> t.fit(df, "features", "label"));
        assertTrue(e.getMessage().contains("no features column 'features'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> t.fit(df, "id", "id"));
        assertTrue(e.getMessage().contains("features column 'id' is bigint"), e.getMessage());
    }

    /** A net with a BatchNorm layer, whose num_batches_tracked is a 0-dim buffer. */
    static io.clgrad.nn.Module<?> batchNormNet() {
        return new io.clgrad.nn.Sequential(new io.clgrad.nn.Linear(4, 8), new io.clgrad.nn.BatchNorm1d(8),
                new io.clgrad.nn.ReLU(), new io.clgrad.nn.Linear(8, 3));
    }

    @Test
    void trainsAModelWithBatchNormAndRefusesEmptyData(@TempDir Path dir) throws Exception {
        java.util.Random rnd = new java.util.Random(5);
        StringBuilder csv = new StringBuilder("a,b,c,d,kind\n");
        for (int i = 0; i < 600; i++) {
            int y = rnd.nextInt(3);
            for (int j = 0; j < 4; j++) {
                csv.append((float) (rnd.nextGaussian() + (j == y ? 3 : 0))).append(',');
            }
            csv.append(y).append('\n');
        }
        Path file = dir.resolve("blobs.csv");
        Files.writeString(file, csv);
        TrainResult r = SparkTrainer.builder(SparkTrainingTest::batchNormNet, io.clgrad.nn.CrossEntropyLoss::new,
                SparkTrainingTest::fastAdam).epochs(2).batchSize(32).partitions(2).build()
                .fitCsv(spark, file.toString(), "kind");
        assertEquals(2L * 19, r.steps());
        // the 0-dim buffer made the trip to the executors and back with its shape, counting the steps
        io.clgrad.nn.Module<?> trained = r.loadInto(batchNormNet());
        Tensor tracked = trained.stateDict().get("1.num_batches_tracked");
        assertEquals(0, tracked.dim(), "num_batches_tracked stays a 0-dim tensor");
        assertEquals(2L * 19, (long) tracked.item());

        StructType schema = new StructType()
                .add("features", DataTypes.createArrayType(DataTypes.FloatType))
                .add("label", DataTypes.IntegerType);
        Dataset<Row> empty = spark.createDataFrame(new java.util.ArrayList<Row>(), schema);
        Exception e = assertThrows(IllegalArgumentException.class,
                () -> FashionMnistFixture.trainer().build().fit(empty, "features", "label"));
        assertTrue(e.getMessage().contains("the training data is empty"), e.getMessage());
    }
}
