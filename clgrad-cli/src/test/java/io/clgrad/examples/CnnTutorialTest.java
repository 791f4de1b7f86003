package io.clgrad.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clgrad.Device;
import io.clgrad.io.Safetensors;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The code of docs/cnn.md ({@link CnnTutorial}) runs: two epochs on the small bar images of
 * {@link BarImages}; the loss falls, the test accuracy is well above chance, and the network loaded
 * from the saved safetensors file tests exactly as the trained one.
 */
class CnnTutorialTest {

    @Test
    void trainsTestsSavesAndLoads(@TempDir Path dir) throws IOException {
        Path data = BarImages.write(Files.createDirectory(dir.resolve("bars")));
        Path file = dir.resolve("cnn.safetensors");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        double loaded = CnnTutorial.run(Device.cpu(), data, 2, file,
                new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String text = bytes.toString(StandardCharsets.UTF_8);
        Matcher m = Pattern.compile("epoch (\\d): loss ([0-9.]+), test accuracy ([0-9.]+)").matcher(text);
        double[] loss = new double[2];
        String lastAccuracy = null;
        for (int e = 0; e < 2; e++) {
            assertTrue(m.find(), text);
            loss[e] = Double.parseDouble(m.group(2));
            lastAccuracy = m.group(3);
        }
        assertTrue(loss[1] < loss[0], text);
        assertTrue(Double.parseDouble(lastAccuracy) > 0.5, text);
        assertEquals(lastAccuracy, String.format(java.util.Locale.ROOT, "%.4f", loaded), text);
        assertEquals(new java.util.ArrayList<>(CnnExample.network().stateDict().keySet()),
                new java.util.ArrayList<>(Safetensors.readShapes(file).keySet()));
    }
}
