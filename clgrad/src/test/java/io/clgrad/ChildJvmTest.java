package io.clgrad;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;

/**
 * {@link ChildJvm}: a hung child fails the test after the timeout, with its output, and is killed
 * (reading the child's output to its end before {@code waitFor(timeout)} hung the build instead).
 */
class ChildJvmTest {
    @TempDir
    Path dir;

    private static void assumeBash() {
        assumeTrue(Files.isExecutable(Path.of("/bin/bash")), "needs /bin/bash");
    }

    @Test
    void hungChildFailsTheTestWithItsOutputAndIsKilled() throws Exception {
        assumeBash();
        Path pidFile = dir.resolve("pid");
        ProcessBuilder pb = new ProcessBuilder("/bin/bash", "-c",
                "echo started; echo $$ > '" + pidFile + "'; exec sleep 600");
        long t0 = System.nanoTime();
        AssertionFailedError e = assertThrows(AssertionFailedError.class, () -> ChildJvm.run(pb, Duration.ofSeconds(2)));
        assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(60).toNanos(), "the timeout did not fire");
        assertTrue(e.getMessage().contains("did not finish within 2 s and was killed; its output:\nstarted"),
                e.getMessage());
        long pid = Long.parseLong(Files.readString(pidFile).strip());
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "the child still runs");
    }

    @Test
    void outputLargerThanAPipeBufferAndTheExitCodeComeBack() throws Exception {
        assumeBash();
        ChildJvm.Result r = ChildJvm.run(new ProcessBuilder("/bin/bash", "-c",
                "head -c 1000000 /dev/zero | tr '\\0' x; echo; echo to-stderr >&2; exit 3"), Duration.ofSeconds(60));
        assertEquals(3, r.exitCode());
        assertTrue(r.output().startsWith("x".repeat(1000)) && r.output().endsWith("\nto-stderr\n"), r.output().length()
                + " chars");
        assertEquals(1_000_000 + 1 + "to-stderr\n".length(), r.output().length());
    }

    @Test
    void childJvmRunsOnThisClassPath() throws Exception {
        ChildJvm.Result r = ChildJvm.run(ChildJvm.builder(Hello.class, "a b"), Duration.ofSeconds(60));
        assertEquals(0, r.exitCode(), r.output());
        assertEquals("hello a b", r.output().strip());
    }

    /** Run by {@link #childJvmRunsOnThisClassPath}. */
    static final class Hello {
        public static void main(String[] args) {
            System.out.println("hello " + String.join(",", args));
        }
    }
}
