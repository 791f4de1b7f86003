package io.clgrad.spark;

import io.clgrad.Tensor;
import io.clgrad.data.FashionMnist;
import io.clgrad.data.TensorDataset;
import io.clgrad.nn.CrossEntropyLoss;
import io.clgrad.nn.Loss;
import io.clgrad.nn.Module;
import io.clgrad.optim.Adam;
import io.clgrad.optim.Optimizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * The Spark tests' data, model and session: Fashion-MNIST from the directory in
 * {@code -Dclgrad.fashionMnistDir} (the pom sets /usr/share/datasets/fashion-mnist, Debian's
 * dataset-fashion-mnist, which .ci/run installs); a missing directory fails the tests with that
 * advice rather than skipping them.
 */
final class FashionMnistFixture {
    private FashionMnistFixture() {
    }

    /** The data directory, checked. */
    static Path dir() {
        Path dir = Path.of(System.getProperty("clgrad.fashionMnistDir", FashionMnist.DEFAULT_DIR.toString()));
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("the Spark tests need Fashion-MNIST in " + dir + " (IDX files): install the"
                    + " Debian package dataset-fashion-mnist (apt-get install dataset-fashion-mnist; .ci/run does), or"
                    + " point -Dclgrad.fashionMnistDir at a copy");
        }
        return dir;
    }

    /** A split, pixels in [0, 1] flattened to 784 values, labels int32. */
    static TensorDataset split(boolean train) throws IOException {
        return new FashionMnist(dir(), train, null).asTensorDataset(true);
    }

    /** The Fashion-MNIST MLP, 784-512-512-10 (TrainApp's). */
    static Module<?> mlp() {
        return TrainApp.mlp();
    }

    static Loss<?> loss() {
        return new CrossEntropyLoss();
    }

    static Optimizer adam(List<Tensor> params) {
        return new Adam(params, 1e-3);
    }

    /** A trainer builder for the MLP with Adam(1e-3) and cross-entropy. */
    static SparkTrainer.Builder trainer() {
        return SparkTrainer.builder(FashionMnistFixture::mlp, FashionMnistFixture::loss, FashionMnistFixture::adam);
    }

    /** A local-mode session, configured by {@link SparkJvmOptions}. */
    static SparkSession session(String master) {
        SparkConf conf = SparkJvmOptions.configure(new SparkConf().setMaster(master).setAppName("clgrad-spark-test")
                .set("spark.ui.enabled", "false").set("spark.sql.shuffle.partitions", "2")
                .set("spark.driver.host", "127.0.0.1").set("spark.driver.bindAddress", "127.0.0.1"));
        return SparkSession.builder().config(conf).getOrCreate();
    }

    /** The share of samples whose argmax of {@code model}'s output is the label (TrainApp's). */
    static double accuracy(Module<?> model, TensorDataset data) {
        return TrainApp.accuracy(model, data);
    }
}
