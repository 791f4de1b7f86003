package io.clgrad.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clgrad.ChildJvm;
import io.clgrad.backend.CpuThreadSettings;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The CPU thread count has an upper bound, {@link CpuThreadSettings#MAX_THREADS}: {@code --threads 32768}
 * used to make the CPU backend fail to start (ForkJoinPool's limit is 32767) and train end in
 * "internal error: NullPointerException ... because "backend" is null"; the environment variable and
 * system property did the same.
 */
class CpuThreadLimitTest {

    @Test
    void threadsAboveTheLimitAreRefusedInOneLine() {
        for (String n : new String[] {"32768", Integer.toString(CpuThreadSettings.MAX_THREADS + 1)}) {
            TrainCommandTest.Run r = TrainCommandTest.run("train", "--device", "cpu", "--samples", "20", "--epochs", "1",
                    "--threads", n);
            assertEquals(2, r.code(), r.out() + r.err());
            assertEquals("clgrad train: --threads " + n + " is above the limit of 4096 CPU threads (this machine has "
                    + Runtime.getRuntime().availableProcessors() + " processors)", r.err().strip());
            assertFalse(r.out().contains("epoch"), r.out());
        }
    }

    /** The backend starts once per JVM, so each setting runs train in a fresh one. */
    private static ChildJvm.Result train(List<String> jvmArgs, String env, String... more)
            throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("--add-modules", "jdk.incubator.vector"));
        args.addAll(jvmArgs);
        List<String> cli = new ArrayList<>(List.of("train", "--device", "cpu", "--samples", "20", "--epochs", "1"));
        cli.addAll(List.of(more));
        ProcessBuilder pb = new ProcessBuilder(ChildJvm.command(args, Main.class, cli.toArray(new String[0])));
        pb.environment().remove("CLGRAD_CPU_THREADS");
        if (env != null) {
            pb.environment().put("CLGRAD_CPU_THREADS", env);
        }
        return ChildJvm.run(pb, Duration.ofSeconds(120));
    }

    private static String defaultPool() {
        int n = Math.min(Runtime.getRuntime().availableProcessors(), CpuThreadSettings.MAX_THREADS);
        return "device: cpu (Java CPU backend (" + n + (n == 1 ? " thread))" : " threads))");
    }

    @Test
    void environmentVariableAboveTheLimitWarnsAndUsesTheDefault() throws IOException, InterruptedException {
        ChildJvm.Result r = train(List.of(), "40000");
        assertEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().contains("CLGRAD_CPU_THREADS=40000 is above the limit of 4096 CPU threads; ignored"),
                r.output());
        assertTrue(r.output().contains(defaultPool()), r.output());
        assertFalse(r.output().contains("internal error"), r.output());
    }

    @Test
    void propertyAboveTheLimitWarnsAndUsesTheDefault() throws IOException, InterruptedException {
        ChildJvm.Result r = train(List.of("-Dclgrad.threads=32768"), null);
        assertEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().contains("-Dclgrad.threads=32768 is above the limit of 4096 CPU threads; ignored"),
                r.output());
        assertTrue(r.output().contains(defaultPool()), r.output());
    }

    @Test
    void theLimitItselfIsAccepted() throws IOException, InterruptedException {
        ChildJvm.Result r = train(List.of(), null, "--threads", "4096");
        assertEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().contains("device: cpu (Java CPU backend (4096 threads))"), r.output());
    }
}
