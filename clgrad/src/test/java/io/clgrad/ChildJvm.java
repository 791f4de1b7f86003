package io.clgrad;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a child process for a test (usually a JVM on this JVM's class path) with a timeout that
 * really fires: its output (stdout and stderr together) goes to a file rather than a pipe, so that
 * waiting never blocks on a read; a child that outlives the timeout is killed with its descendants
 * and the test fails with what it printed. Reading the pipe to its end before
 * {@code waitFor(timeout)} would hang the build forever on a hung child.
 */
public final class ChildJvm {
    private ChildJvm() {
    }

    /**
     * What a finished child left.
     *
     * @param exitCode its exit status
     * @param output   its stdout and stderr, interleaved as written (UTF-8)
     */
    public record Result(int exitCode, String output) {
    }

    /** The {@code java} launcher of the JVM running the tests. */
    public static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /**
     * The command line that runs {@code main} in a fresh JVM on this JVM's class path:
     * {@code java [jvmArgs] -cp CLASSPATH main [args]}.
     */
    public static List<String> command(List<String> jvmArgs, Class<?> main, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(java());
        cmd.addAll(jvmArgs);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** A process builder for {@link #command(List, Class, String...)} without JVM options. */
    public static ProcessBuilder builder(Class<?> main, String... args) {
        return new ProcessBuilder(command(List.of(), main, args));
    }

    /**
     * Starts {@code pb} (its output redirection is replaced by a temporary file), waits at most
     * {@code timeout} and returns the exit status and output. On timeout the child and its
     * descendants are killed and the test fails with the output so far; the child never outlives
     * this call.
     *
     * @throws IOException when the process cannot be started or its output not read
     */
    public static Result run(ProcessBuilder pb, Duration timeout) throws IOException, InterruptedException {
        Path log = Files.createTempFile("clgrad-child-", ".log");
        Process p = null;
        try {
            pb.redirectErrorStream(true);
            pb.redirectOutput(log.toFile());
            p = pb.start();
            p.getOutputStream().close();   // no input: a child reading stdin sees its end
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                kill(p);
                fail("child process " + pb.command() + " did not finish within " + timeout.toSeconds()
                        + " s and was killed; its output:\n" + read(log));
            }
            return new Result(p.exitValue(), read(log));
        } finally {
            if (p != null && p.isAlive()) {
                kill(p);
            }
            Files.deleteIfExists(log);
        }
    }

    /**
     * Starts {@code pb} (output to a temporary file), waits until {@code ready} holds for the output
     * so far (at most {@code readyTimeout}; the test fails if the child ends or the time passes
     * first), waits {@code settle}, sends SIGTERM ({@link Process#destroy()}, so the JVM runs its
     * shutdown hooks) and waits at most {@code exitTimeout} for the child to end. The child never
     * outlives this call.
     *
     * @return everything the child printed
     */
    public static String terminateWhen(ProcessBuilder pb, java.util.function.Predicate<String> ready,
                                       Duration readyTimeout, Duration settle, Duration exitTimeout)
            throws IOException, InterruptedException {
        Path log = Files.createTempFile("clgrad-child-", ".log");
        Process p = null;
        try {
            pb.redirectErrorStream(true);
            pb.redirectOutput(log.toFile());
            p = pb.start();
            p.getOutputStream().close();
            long deadline = System.nanoTime() + readyTimeout.toNanos();
            while (!ready.test(read(log))) {
                if (!p.isAlive() || System.nanoTime() > deadline) {
                    fail("the child " + (p.isAlive() ? "was not ready within " + readyTimeout.toSeconds() + " s"
                            : "ended with " + p.exitValue()) + "; its output:\n" + read(log));
                }
                Thread.sleep(20);
            }
            Thread.sleep(settle.toMillis());
            p.destroy();
            if (!p.waitFor(exitTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                fail("the child did not end within " + exitTimeout.toSeconds() + " s of SIGTERM; its output:\n"
                        + read(log));
            }
            return read(log);
        } finally {
            if (p != null && p.isAlive()) {
                kill(p);
            }
            Files.deleteIfExists(log);
        }
    }

    /** The output, with bytes that are not UTF-8 replaced rather than failing the read. */
    private static String read(Path log) throws IOException {
        return new String(Files.readAllBytes(log), StandardCharsets.UTF_8);
    }

    private static void kill(Process p) throws InterruptedException {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
    }
}
