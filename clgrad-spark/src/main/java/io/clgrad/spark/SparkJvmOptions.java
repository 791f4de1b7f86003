package io.clgrad.spark;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.SparkConf;
import org.apache.spark.launcher.JavaModuleOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the JVMs of a Spark application need to run clgrad on Java 17+, set on a {@link SparkConf} so
 * that the user does not: Spark's own {@code --add-opens} list ({@link JavaModuleOptions}, the list
 * spark-submit gives the driver), {@code --add-modules=jdk.incubator.vector} (the CPU backend's
 * Vector API matmul), and {@code LD_PRELOAD} of the JVM's {@code libjsig.so} for the executors (PoCL
 * installs signal handlers over the JVM's; see docs/backends-and-devices.md).
 *
 * <pre>{@code
 * SparkConf conf = SparkJvmOptions.configure(new SparkConf().setAppName("train"));
 * SparkSession spark = SparkSession.builder().config(conf).getOrCreate();
 * }</pre>
 *
 * <p>Executors start after the conf is set, so they get the options. The driver's JVM is already
 * running when a conf is built in it: in client mode launch the driver with the same options
 * ({@link #javaOptions()}; spark-submit adds Spark's list itself) and with {@code LD_PRELOAD} in its
 * environment when it uses PoCL; {@code spark.driver.extraJavaOptions} is set too, for cluster mode.
 */
public final class SparkJvmOptions {
    /** The executors' JVM options key. */
    public static final String EXECUTOR_JAVA_OPTIONS = "spark.executor.extraJavaOptions";
    /** The driver's JVM options key (used when Spark starts the driver: cluster deploy mode). */
    public static final String DRIVER_JAVA_OPTIONS = "spark.driver.extraJavaOptions";
    /** The executors' LD_PRELOAD key. */
    public static final String EXECUTOR_LD_PRELOAD = "spark.executorEnv.LD_PRELOAD";

    private static final String VECTOR = "--add-modules=jdk.incubator.vector";
    private static final Logger LOG = LoggerFactory.getLogger(SparkJvmOptions.class);

    private SparkJvmOptions() {
    }

    /**
     * The JVM options clgrad on Spark needs: Spark's {@link JavaModuleOptions#defaultModuleOptionArray()}
     * (add-opens, {@code -Djdk.reflect.useDirectMethodHandle=false}, ...) and the Vector API module.
     *
     * @return the options, in order, without duplicates
     */
    public static List<String> javaOptions() {
        Set<String> out = new LinkedHashSet<>(Arrays.asList(JavaModuleOptions.defaultModuleOptionArray()));
        out.add(VECTOR);
        return List.copyOf(out);
    }

    /**
     * This JVM's {@code $JAVA_HOME/lib/libjsig.so}, the signal-chaining library PoCL needs preloaded,
     * or null when this JVM has none.
     *
     * @return the library's absolute path, or null
     */
    public static String libjsig() {
        Path p = Path.of(System.getProperty("java.home"), "lib", "libjsig.so");
        return Files.isRegularFile(p) ? p.toString() : null;
    }

    /**
     * Adds clgrad's needs to a Spark conf, keeping what the user set: each option of
     * {@link #javaOptions()} missing from {@code spark.executor.extraJavaOptions} and
     * {@code spark.driver.extraJavaOptions} is prepended to it, and {@code spark.executorEnv.LD_PRELOAD}
     * is set to {@link #libjsig()} unless already set (executors on other machines are assumed to
     * have Java at the same path, as Spark assumes of {@code JAVA_HOME}). Calling it twice changes
     * nothing more.
     *
     * @param conf the conf to change (not null)
     * @return {@code conf}
     */
    public static SparkConf configure(SparkConf conf) {
        if (conf == null) {
            throw new IllegalArgumentException("SparkJvmOptions.configure: conf is null");
        }
        for (String key : List.of(EXECUTOR_JAVA_OPTIONS, DRIVER_JAVA_OPTIONS)) {
            conf.set(key, merged(conf.get(key, "")));
        }
        String jsig = libjsig();
        if (jsig != null && !conf.contains(EXECUTOR_LD_PRELOAD)) {
            conf.set(EXECUTOR_LD_PRELOAD, jsig);
        }
        return conf;
    }

    /**
     * Logs a warning when a running application's executors (not local mode) start without what
     * {@link #configure(SparkConf)} sets: their JVM options are fixed when the SparkContext starts,
     * so a trainer or scorer can only tell, not fix.
     *
     * @param conf the running application's conf
     * @return the warning, or null when there was nothing to say
     */
    static String warnIfNotConfigured(SparkConf conf) {
        if (conf.get("spark.master", "").startsWith("local")) {
            return null;
        }
        String opts = conf.get(EXECUTOR_JAVA_OPTIONS, "");
        boolean vector = opts.contains(VECTOR) || opts.contains("--add-modules jdk.incubator.vector");
        boolean jsig = libjsig() == null || conf.contains(EXECUTOR_LD_PRELOAD);
        if (vector && jsig) {
            return null;
        }
        String msg = "the executors start without " + (vector ? "" : "--add-modules=jdk.incubator.vector ")
                + (jsig ? "" : "LD_PRELOAD of libjsig.so (PoCL may crash them) ")
                + "- build the session from SparkJvmOptions.configure(conf) (docs/distributed.md, \"JVM options\")";
        LOG.warn(msg);
        return msg;
    }

    /**
     * {@code e} with what it means when it is Hadoop failing on a Java newer than Spark 4.0 supports:
     * Hadoop 3.4's {@code UserGroupInformation} asks {@code Subject.getSubject} for the current user,
     * which throws "getSubject is not supported" from Java 23 on. Other exceptions come back as they are.
     *
     * @param e what starting Spark (or a Hadoop file system) threw
     * @return an {@link IllegalStateException} naming this Java and the ones to use, or {@code e}
     */
    public static RuntimeException explain(UnsupportedOperationException e) {
        String msg = e.getMessage();
        if (msg == null || !msg.contains("getSubject")) {
            return e;
        }
        return new IllegalStateException("Spark cannot start on Java " + Runtime.version().feature()
                + ": its Hadoop asks Subject.getSubject for the current user, which Java 23 and newer do not"
                + " support (\"" + msg + "\"); run the Spark application on Java 17 or 21 (JAVA_HOME), as Spark"
                + " 4.0 requires", e);
    }

    /** {@code existing} with each missing option of {@link #javaOptions()} put in front. */
    static String merged(String existing) {
        List<String> have = Arrays.asList(existing.trim().split("\\s+"));
        List<String> add = new ArrayList<>();
        for (String o : javaOptions()) {
            if (!have.contains(o)) {
                add.add(o);
            }
        }
        String front = String.join(" ", add);
        return existing.isBlank() ? front : front.isEmpty() ? existing.trim() : front + " " + existing.trim();
    }
}
