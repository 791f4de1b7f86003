package io.clgrad.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Write errors name the user's path, never the temporary file the writer used (issue 9, item 7). */
class OutputPathsTest {
    private final Path model = Path.of("out", "m.safetensors");

    @Test
    void temporaryFileIsReplacedByTheUsersPath() {
        IOException e = OutputPaths.failed(model, new AccessDeniedException("/out/.m.safetensors.1069123.tmp"));
        assertEquals("out/m.safetensors: can't write: Permission denied", e.getMessage());
        IOException full = OutputPaths.failed(model, new FileSystemException("/out/.m.safetensors.77.tmp", null,
                "No space left on device"));
        assertEquals("out/m.safetensors: can't write: No space left on device", full.getMessage());
        assertEquals("out/m.safetensors: can't write: No space left on device",
                OutputPaths.failed(model, new IOException("No space left on device")).getMessage());
    }

    @Test
    void messageThatAlreadyNamesThePathIsKept() {
        IOException e = new IOException("out/m.safetensors: can't be written: directory out does not exist");
        assertSame(e, OutputPaths.failed(model, e));
    }

    /**
     * {@code --plot} and {@code --metrics-json} write an existing file in place, so a writable file
     * in a directory that accepts no new file is fine: the check used to probe the directory and
     * refused e.g. {@code --metrics-json /dev/stdout} for a non-root user ("can't create files in
     * /dev"). /proc/self/comm stands in for that here, since it refuses new files also for root.
     * {@code --save} renames a temporary file over its target, so it still needs the directory.
     */
    @Test
    void inPlaceWritersNeedOnlyAnExistingFileToBeWritable() {
        Path comm = Path.of("/proc/self/comm");
        assumeTrue(Files.isRegularFile(comm) && Files.isWritable(comm), "needs Linux /proc/self/comm");
        OutputPaths.check("--metrics-json", comm, true);
        OutputPaths.check("--plot", comm, true);
        IllegalArgumentException save = assertThrows(IllegalArgumentException.class,
                () -> OutputPaths.check("--save", comm, false));
        assertTrue(save.getMessage().startsWith("--save /proc/self/comm: can't create files in /proc/self"),
                save.getMessage());
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> OutputPaths.check("--plot", Path.of("/proc/self/x.png"), true));
        assertTrue(missing.getMessage().startsWith("--plot /proc/self/x.png: can't create files in /proc/self"),
                missing.getMessage());
    }

    /** An existing file the user may not write is refused before training, naming the path. */
    @Test
    void unwritableExistingFileIsRefused(@TempDir Path dir) throws IOException {
        Path ro = Files.writeString(dir.resolve("ro.json"), "{}");
        if (ro.toFile().setWritable(false, false) && !Files.isWritable(ro)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> OutputPaths.check("--metrics-json", ro, true));
            assertEquals("--metrics-json " + ro + ": the file exists and is not writable", e.getMessage());
        } else {
            // root may write a read-only file; a read-only sysfs attribute refuses even root when opened
            Path attr = Path.of("/sys/devices/system/cpu/online");
            assumeTrue(Files.isRegularFile(attr), "no read-only file that refuses root here");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> OutputPaths.check("--metrics-json", attr, true));
            // where /sys is mounted read-only (containers) the permission check refuses it first
            assertTrue(e.getMessage().startsWith("--metrics-json " + attr + ": can't write the file (")
                    || e.getMessage().equals("--metrics-json " + attr + ": the file exists and is not writable"),
                    e.getMessage());
        }
    }
}
