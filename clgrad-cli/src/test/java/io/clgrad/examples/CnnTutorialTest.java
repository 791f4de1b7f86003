package io.clgrad.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clgrad.Device;
import io.clgrad.Tensor;
import io.clgrad.nn.BatchNorm2d;
import io.clgrad.nn.Conv2d;
import io.clgrad.nn.Linear;
import io.clgrad.nn.MaxPool2d;
import io.clgrad.nn.Module;
import io.clgrad.nn.ReLU;
import io.clgrad.nn.Sequential;
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

    /** The class form of the network in docs/cnn.md, as written there. */
    static class Net extends Module<Net> {
        private final Sequential features;
        private final Linear fc1;
        private final Linear fc2;

        Net() {
            features = register("features", new Sequential(
                    new Conv2d(1, 32, 3, 1, 1), new BatchNorm2d(32), new ReLU(), new MaxPool2d(2),
                    new Conv2d(32, 64, 3, 1, 1), new BatchNorm2d(64), new ReLU(), new MaxPool2d(2)));
            fc1 = register("fc1", new Linear(64 * 7 * 7, 128));
            fc2 = register("fc2", new Linear(128, 10));
        }

        @Override
        public Tensor forward(Tensor x) {
            Tensor f = features.forward(x);
            f = f.reshape(f.shape(0), -1);
            return fc2.forward(fc1.forward(f).relu());
        }
    }

    /** docs/cnn.md's class form: PyTorch's keys for the same class, and [N, 10] logits from [N, 1, 28, 28]. */
    @Test
    void theClassFormOfTheDocsHasPyTorchsKeysAndShapes() {
        Net net = new Net();
        java.util.List<String> keys = new java.util.ArrayList<>(net.stateDict().keySet());
        assertEquals(java.util.List.of("features.0.weight", "features.0.bias", "features.1.weight", "features.1.bias",
                "features.1.running_mean", "features.1.running_var", "features.1.num_batches_tracked",
                "features.4.weight", "features.4.bias", "features.5.weight", "features.5.bias",
                "features.5.running_mean", "features.5.running_var", "features.5.num_batches_tracked",
                "fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"), keys);
        assertEquals(java.util.List.of(3, 10), java.util.Arrays.stream(net.forward(Tensor.randn(3, 1, 28, 28)).shape())
                .boxed().toList());
    }
}
