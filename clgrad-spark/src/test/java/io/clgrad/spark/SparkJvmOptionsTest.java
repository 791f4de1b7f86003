package io.clgrad.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.List;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;

/** What SparkJvmOptions puts on a conf, and that this module's test JVM has it (the pom's argLine). */
class SparkJvmOptionsTest {

    @Test
    void configureAddsSparksListTheVectorModuleAndLibjsigKeepingTheUsersOwn() {
        SparkConf conf = new SparkConf(false).set(SparkJvmOptions.EXECUTOR_JAVA_OPTIONS, "-Xss4m -Dx=1");
        SparkJvmOptions.configure(conf);
        String exec = conf.get(SparkJvmOptions.EXECUTOR_JAVA_OPTIONS);
        List<String> words = List.of(exec.split(" "));
        for (String o : SparkJvmOptions.javaOptions()) {
            assertTrue(words.contains(o), o + " missing from " + exec);
        }
        assertTrue(words.contains("--add-modules=jdk.incubator.vector"), exec);
        assertTrue(words.contains("--add-opens=java.base/sun.nio.ch=ALL-UNNAMED"), exec);
        assertTrue(exec.endsWith("-Xss4m -Dx=1"), "the user's options stay, last (they win): " + exec);
        assertTrue(conf.get(SparkJvmOptions.DRIVER_JAVA_OPTIONS).contains("--add-modules=jdk.incubator.vector"));
        if (SparkJvmOptions.libjsig() != null) {
            assertEquals(SparkJvmOptions.libjsig(), conf.get(SparkJvmOptions.EXECUTOR_LD_PRELOAD));
        }
        String once = conf.toDebugString();
        SparkJvmOptions.configure(conf);
        assertEquals(once, conf.toDebugString(), "configure twice must change nothing more");
    }

    @Test
    void anUnconfiguredClusterConfIsWarnedAboutAConfiguredOneAndLocalModeAreNot() {
        SparkConf bare = new SparkConf(false).setMaster("spark://h:7077");
        String w = SparkJvmOptions.warnIfNotConfigured(bare);
        assertTrue(w != null && w.contains("--add-modules=jdk.incubator.vector") && w.contains("SparkJvmOptions.configure"), w);
        assertEquals(null, SparkJvmOptions.warnIfNotConfigured(SparkJvmOptions.configure(bare)));
        assertEquals(null, SparkJvmOptions.warnIfNotConfigured(new SparkConf(false).setMaster("local[2]")));
    }

    @Test
    void aUsersLdPreloadIsKept() {
        SparkConf conf = new SparkConf(false).set(SparkJvmOptions.EXECUTOR_LD_PRELOAD, "/opt/jdk/lib/libjsig.so");
        SparkJvmOptions.configure(conf);
        assertEquals("/opt/jdk/lib/libjsig.so", conf.get(SparkJvmOptions.EXECUTOR_LD_PRELOAD));
    }

    @Test
    void thisTestJvmStartedWithTheOptionsLocalModeExecutorsNeed() {
        List<String> args = ManagementFactory.getRuntimeMXBean().getInputArguments();
        for (String o : SparkJvmOptions.javaOptions()) {
            assertTrue(args.contains(o), "surefire's argLine (clgrad-spark/pom.xml) lacks " + o + ": " + args);
        }
        if (SparkJvmOptions.libjsig() != null) {
            String preload = System.getenv("LD_PRELOAD");
            assertTrue(preload != null && preload.contains("libjsig.so"),
                    "LD_PRELOAD should name libjsig.so (the parent pom's jvm-signal-chaining profile): " + preload);
        }
    }

    @Test
    void hadoopsGetSubjectFailureOnANewJavaIsExplainedOthersAreNot() {
        // the message Java 23+ gives when Hadoop 3.4's UserGroupInformation asks for the current user
        UnsupportedOperationException hadoop = new UnsupportedOperationException("getSubject is not supported");
        RuntimeException explained = SparkJvmOptions.explain(hadoop);
        assertTrue(explained instanceof IllegalStateException, explained.toString());
        String msg = explained.getMessage();
        assertTrue(msg.contains("Java " + Runtime.version().feature()) && msg.contains("Java 17 or 21")
                && msg.contains("getSubject is not supported"), msg);
        assertSame(hadoop, explained.getCause());
        UnsupportedOperationException other = new UnsupportedOperationException("something else");
        assertSame(other, SparkJvmOptions.explain(other));
        UnsupportedOperationException none = new UnsupportedOperationException();
        assertSame(none, SparkJvmOptions.explain(none));
    }
}
