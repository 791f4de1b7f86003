package io.clgrad.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.clgrad.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 9 item 10: temporary files of interrupted saves ({@code .NAME.<pid>.<random>.tmp}) are removed
 * by the next save to that path when their writer process is gone, and never while it is alive.
 */
class StaleTempFilesTest {
    @TempDir
    Path dir;

    private static Map<String, Tensor> weights() {
        return Map.of("w", Tensor.of(new float[] {1, 2, 3}, 3));
    }

    /** A process id that is not running: a child that has exited (and been reaped). */
    private static long deadPid() throws Exception {
        Process p = new ProcessBuilder("true").start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        long pid = p.pid();
        assertTrue(ProcessHandle.of(pid).isEmpty(), "the exited child's pid is free");
        return pid;
    }

    private List<String> names() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }

    @Test
    void temporaryNamesCarryTheWritersProcessId() throws IOException {
        Path tmp = TempFiles.create(dir, "m.safetensors");
        String f = tmp.getFileName().toString();
        assertTrue(f.matches("\\.m\\.safetensors\\." + ProcessHandle.current().pid() + "\\.[0-9]+\\.tmp"), f);
    }

    @Test
    void nextSaveRemovesTheTemporaryFileOfADeadWriterButNotOfLiveOnes() throws Exception {
        Process sleeper = new ProcessBuilder("sleep", "60").start();
        try {
            Path target = dir.resolve("m.safetensors");
            Path dead = dir.resolve(".m.safetensors." + deadPid() + ".123456789.tmp");
            Path live = dir.resolve(".m.safetensors." + sleeper.pid() + ".987654321.tmp");
            Path mine = dir.resolve(".m.safetensors." + ProcessHandle.current().pid() + ".555.tmp");
            Path otherTarget = dir.resolve(".other.safetensors." + deadPid() + ".1.tmp");
            Path notOurs = dir.resolve(".m.safetensors.notes.tmp");
            for (Path p : List.of(dead, live, mine, otherTarget, notOurs)) {
                Files.write(p, new byte[4096]);
            }

            Safetensors.save(target, weights(), null);

            assertFalse(Files.exists(dead), "a dead writer's temporary file is removed");
            assertTrue(Files.exists(live), "a live writer's (another process) temporary file stays");
            assertTrue(Files.exists(mine), "this process's other in-flight save stays");
            assertTrue(Files.exists(otherTarget), "another target's temporary files are not this save's business");
            assertTrue(Files.exists(notOurs), "a file clgrad did not name stays");
            assertEquals(3, Safetensors.load(target).tensors().get("w").numel());
            // sorted as names() sorts them: the order of two process ids depends on their digits
            assertEquals(Stream.of(mine, live, notOurs, otherTarget, target)
                    .map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList()), names());
        } finally {
            sleeper.destroy();
            sleeper.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /**
     * A process id is reused, in containers often by the next clgrad run: a temporary file named with
     * a live process's id but last written before that process started belongs to a writer that is
     * gone. It was kept forever (only liveness was checked). This JVM's own id stands in for the reused one.
     */
    @Test
    void aFileWrittenBeforeTheLiveProcessWithItsIdStartedIsRemoved() throws Exception {
        Instant started = ProcessHandle.current().info().startInstant().orElse(null);
        assumeTrue(started != null, "no process start times on this system");
        long me = ProcessHandle.current().pid();
        Path target = dir.resolve("m.safetensors");
        Path before = dir.resolve(".m.safetensors." + me + ".111.tmp");
        Path current = dir.resolve(".m.safetensors." + me + ".222.tmp");
        Files.write(before, new byte[4096]);
        Files.write(current, new byte[4096]);
        Files.setLastModifiedTime(before, FileTime.from(started.minus(Duration.ofMinutes(1))));

        Safetensors.save(target, weights(), null);

        assertFalse(Files.exists(before), "written a minute before this process started: its writer is gone");
        assertTrue(Files.exists(current), "written while this process runs: may be its own save in progress");
    }

    @Test
    void oldStyleNamesWithoutAProcessIdAreRemovedOnlyWhenOld() throws IOException {
        Path target = dir.resolve("m.safetensors");
        Path old = dir.resolve(".m.safetensors.4242424242.tmp");
        Path recent = dir.resolve(".m.safetensors.7777777777.tmp");
        Files.write(old, new byte[10]);
        Files.write(recent, new byte[10]);
        Files.setLastModifiedTime(old, FileTime.from(Instant.now().minus(TempFiles.LEGACY_MAX_AGE).minus(Duration.ofHours(1))));

        Safetensors.save(target, weights(), null);

        assertFalse(Files.exists(old), "an old-style temporary file untouched for over a day is removed");
        assertTrue(Files.exists(recent), "a recent old-style temporary file may still be written: it stays");
    }
}
