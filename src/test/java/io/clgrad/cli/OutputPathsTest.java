package io.clgrad.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

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
}
