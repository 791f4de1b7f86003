package io.clgrad.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The message of a bad model file, and the one helper that quotes a file's values in messages. */
class ModelFileExceptionTest {
    @Test
    void messageNamesTheFileThenTheProblem() {
        ModelFileException e = new ModelFileException(Path.of("m.safetensors"), "truncated");
        assertEquals("m.safetensors: truncated", e.getMessage());
        assertEquals("truncated", e.problem());
    }

    @Test
    void shortenCutsLongValuesAndHidesControlCharacters() {
        assertEquals("null", ModelFileException.shorten(null));
        assertEquals("x".repeat(80), ModelFileException.shorten("x".repeat(80)));
        assertEquals("x".repeat(77) + "...", ModelFileException.shorten("x".repeat(81)));
        assertEquals("a?b??[31m", ModelFileException.shorten("a\nb\r\u001b[31m"));
    }
}
