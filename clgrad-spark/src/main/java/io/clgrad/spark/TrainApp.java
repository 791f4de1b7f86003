package io.clgrad.spark;

import io.clgrad.Autograd;
import io.clgrad.Device;
import io.clgrad.Tensor;
import io.clgrad.TensorScope;
import io.clgrad.Tensors;
import io.clgrad.data.FashionMnist;
import io.clgrad.data.TensorDataset;
import io.clgrad.nn.CrossEntropyLoss;
import io.clgrad.nn.Linear;
import io.clgrad.nn.Module;
import io.clgrad.nn.ReLU;
import io.clgrad.nn.Sequential;
import io.clgrad.optim.Adam;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * The Spark application that trains the Fashion-MNIST MLP (784-512-512-10, Adam, cross-entropy)
 * data-parallel over barrier tasks and prints, on the driver's stdout, {@code epoch E loss L} per
 * epoch, {@code all-reduce ms/step M} (the median), {@code wall time S s} and
 * {@code test accuracy A} (the trained model on the test split, scored on the driver).
 *
 * <pre>
 * spark-submit --master spark://host:7077 --class io.clgrad.spark.TrainApp clgrad-spark-0.1.0-SNAPSHOT-app.jar \
 *     --data /usr/share/datasets/fashion-mnist --epochs 3 --checkpoint /tmp/ckpt --batch-size 128
 * </pre>
 *
 * <p>Options: {@code --data DIR} (IDX files, readable on every executor; default
 * /usr/share/datasets/fashion-mnist), {@code --epochs N} (3), {@code --batch-size B} (128, global),
 * {@code --partitions P} (tasks; default Spark's default parallelism), {@code --checkpoint PATH} (a
 * directory of any Hadoop file system; none by default), {@code --checkpoint-every K} (100 steps),
 * {@code --lr X} (0.001), {@code --seed S} (0), {@code --device SPEC} (each executor's best device by
 * default), {@code --limit N} (train on the first N images), {@code --master URL} (else the Spark
 * conf's), {@code --fail-at-step K} and {@code --fail-mode throw|exit} (the fault hook: on the first
 * stage attempt task 1 dies after step K; {@code exit} halts its executor's JVM).
 */
public final class TrainApp {
    private static final Set<String> OPTIONS = Set.of("--data", "--epochs", "--batch-size", "--partitions", "--checkpoint",
            "--checkpoint-every", "--lr", "--seed", "--device", "--limit", "--master", "--fail-at-step", "--fail-mode");

    private TrainApp() {
    }

    /**
     * Runs the application.
     *
     * @param args the options above
     * @throws Exception when reading the data or training fails
     */
    public static void main(String[] args) throws Exception {
        run(args, System.out);
    }

    /**
     * Runs the application, printing its result lines to {@code out}.
     *
     * @param args the options
     * @param out  where the lines go
     * @return the test accuracy
     * @throws Exception when reading the data or training fails
     */
    public static double run(String[] args, PrintStream out) throws Exception {
        Map<String, String> o = parse(args);
        String data = o.getOrDefault("--data", FashionMnist.DEFAULT_DIR.toString());
        int epochs = Integer.parseInt(o.getOrDefault("--epochs", "3"));
        int batch = Integer.parseInt(o.getOrDefault("--batch-size", "128"));
        double lr = Double.parseDouble(o.getOrDefault("--lr", "0.001"));
        SparkConf conf = new SparkConf().setAppName("clgrad-spark TrainApp");
        if (o.containsKey("--master")) {
            conf.setMaster(o.get("--master"));
        }
        if (!conf.contains("spark.master")) {
            throw new IllegalArgumentException("TrainApp: no Spark master: give spark-submit --master URL, --master URL,"
                    + " or -Dspark.master=URL");
        }
        SparkJvmOptions.configure(conf);
        shipOwnJar(conf);
        TensorDataset test = new FashionMnist(Path.of(data), false, null).asTensorDataset(true);   // fail early on bad data
        SparkSession spark;
        try {
            spark = SparkSession.builder().config(conf).getOrCreate();
        } catch (UnsupportedOperationException e) {
            throw SparkJvmOptions.explain(e);
        }
        try {
            int partitions = Integer.parseInt(o.getOrDefault("--partitions",
                    Integer.toString(spark.sparkContext().defaultParallelism())));
            SparkTrainer.Builder b = SparkTrainer.builder(TrainApp::mlp, CrossEntropyLoss::new, params -> new Adam(params, lr))
                    .epochs(epochs).batchSize(batch).seed(Long.parseLong(o.getOrDefault("--seed", "0")))
                    .device(o.get("--device"));
            if (o.containsKey("--checkpoint")) {
                b.checkpoint(o.get("--checkpoint"), Integer.parseInt(o.getOrDefault("--checkpoint-every", "100")));
            }
            if (o.containsKey("--fail-at-step")) {
                b.failAtStep(Long.parseLong(o.get("--fail-at-step")),
                        FailMode.valueOf(o.getOrDefault("--fail-mode", "throw").toUpperCase(Locale.ROOT)));
            }
            long t0 = System.nanoTime();
            TrainResult r = b.build().fitIdx(spark, data, partitions, Integer.parseInt(o.getOrDefault("--limit", "0")));
            double wall = (System.nanoTime() - t0) / 1e9;
            out.println("tasks " + partitions + " on devices " + String.join(",", r.devices()));
            if (r.resumedFrom() >= 0) {
                out.println("resumed from step " + r.resumedFrom());
            }
            double[] losses = r.epochLosses();
            for (int e = 0; e < losses.length; e++) {
                out.printf(Locale.ROOT, "epoch %d loss %.4f%n", e + 1, losses[e]);
            }
            out.printf(Locale.ROOT, "all-reduce ms/step %.2f%n", r.medianAllReduceMillis());
            out.printf(Locale.ROOT, "wall time %.1f s%n", wall);
            double acc = accuracy(r.loadInto(mlp()), test);
            out.printf(Locale.ROOT, "test accuracy %.4f%n", acc);
            return acc;
        } finally {
            test.tensors()[0].close();
            test.tensors()[1].close();
            spark.stop();
        }
    }

    /**
     * When this class runs from a jar (the app jar) and {@code spark.jars} is not set, names that jar
     * in {@code spark.jars} so that executors load this module's and clgrad's classes: spark-submit
     * does it for its primary jar, a driver started with plain {@code java -cp} does not.
     */
    static void shipOwnJar(SparkConf conf) throws java.net.URISyntaxException {
        var source = TrainApp.class.getProtectionDomain().getCodeSource();
        if (source == null || conf.contains("spark.jars")) {
            return;
        }
        Path p = Path.of(source.getLocation().toURI());
        if (p.toString().endsWith(".jar")) {
            conf.set("spark.jars", p.toString());
        }
    }

    /** The Fashion-MNIST MLP, 784-512-512-10. */
    static Module<?> mlp() {
        return new Sequential(new Linear(784, 512), new ReLU(), new Linear(512, 512), new ReLU(), new Linear(512, 10));
    }

    /** The share of {@code data}'s samples the model classifies right, on this JVM's best device. */
    static double accuracy(Module<?> model, TensorDataset data) {
        Device d = Device.best();
        model.to(d);
        model.eval();
        Tensor[] t = data.tensors();
        int n = t[1].shape(0);
        int ok = 0;
        int[] y = t[1].toIntArray();
        for (int from = 0; from < n; from += 1000) {
            int m = Math.min(1000, n - from);
            try (var g = Autograd.noGrad(); TensorScope s = Tensors.scope()) {
                int[] pred = model.forward(t[0].narrow(0, from, m).to(d)).argmax(1).toIntArray();
                for (int i = 0; i < m; i++) {
                    ok += pred[i] == y[from + i] ? 1 : 0;
                }
            }
        }
        return (double) ok / n;
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> o = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!OPTIONS.contains(args[i])) {
                throw new IllegalArgumentException("TrainApp: unknown option '" + args[i] + "'; expected one of " + OPTIONS);
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("TrainApp: option " + args[i] + " needs a value");
            }
            o.put(args[i], args[++i]);
        }
        return o;
    }
}
