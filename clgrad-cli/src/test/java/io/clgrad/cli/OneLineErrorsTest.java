package io.clgrad.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.clgrad.backend.DeviceOutOfMemoryException;
import io.clgrad.backend.TargetOutOfBoundsException;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * How the CLI prints a failed command: a user's input or a resource limit is one plain line, and
 * only a bug is labelled "internal error" (issue 9: never "internal error" for a user's mistake).
 */
class OneLineErrorsTest {
    private static String handle(Exception e, int expectedCode) {
        CommandLine cl = Main.newCommandLine().getSubcommands().get("train");
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err));
        int code = new Main.OneLineErrors().handleExecutionException(e, cl, null);
        assertEquals(expectedCode, code);
        return err.toString().strip();
    }

    @Test
    void outOfDeviceMemoryIsOneLineNotAnInternalError() {
        String line = handle(new DeviceOutOfMemoryException("cpu", 3_600_000_000L, 12_345L, null), 1);
        assertEquals("clgrad train: cpu: out of device memory allocating 3,600,000,000 bytes (12,345 bytes in use by"
                + " clgrad)", line);
    }

    @Test
    void anOutOfRangeClassTargetIsOneLineNotAnInternalError() {
        String line = handle(new TargetOutOfBoundsException("cross_entropy", 250, 7, 10, -100, null), 1);
        assertFalse(line.contains("internal error"), line);
        assertEquals("clgrad train: cross_entropy: Target 250 is out of bounds: target[7] = 250 is outside the classes"
                + " [0, 10) and is not ignore_index (-100)", line);
    }

    @Test
    void aBugIsLabelledAsOne() {
        String line = handle(new NullPointerException("x is null"), 1);
        assertEquals("clgrad train: internal error: NullPointerException: x is null (set CLGRAD_LOG_LEVEL=debug for"
                + " the stack trace)", line);
    }
}
