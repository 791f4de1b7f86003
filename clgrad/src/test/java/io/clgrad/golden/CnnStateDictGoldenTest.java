package io.clgrad.golden;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.clgrad.Device;
import io.clgrad.Tensor;
import io.clgrad.io.Safetensors;
import io.clgrad.io.SafetensorsFile;
import io.clgrad.nn.BatchNorm2d;
import io.clgrad.nn.Conv2d;
import io.clgrad.nn.Flatten;
import io.clgrad.nn.Linear;
import io.clgrad.nn.MaxPool2d;
import io.clgrad.nn.ReLU;
import io.clgrad.nn.Sequential;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A PyTorch CNN's state dict loads into the same network built from clgrad's modules and gives
 * PyTorch's logits: golden/cnn.safetensors is the state dict of the Fashion-MNIST CNN
 * (Conv2d-BatchNorm2d-ReLU-MaxPool2d twice, Flatten, Linear-ReLU-Linear) after 3 Adam steps in
 * PyTorch, saved by PyTorch (num_batches_tracked int64); it loads with strict=true, prints as
 * PyTorch printed it, and its logits on 4 images match in eval mode (running statistics) and in
 * train mode (batch statistics).
 */
class CnnStateDictGoldenTest {
    private static final String FILE = "cnn_state.json";

    static Stream<Arguments> cases() {
        return Golden.onEveryDevice(FILE);
    }

    /** The network, as {@code scripts/make-golden.py}'s {@code cnn_model()}. */
    static Sequential cnn() {
        return new Sequential(
                new Conv2d(1, 32, 3, 1, 1), new BatchNorm2d(32), new ReLU(), new MaxPool2d(2),
                new Conv2d(32, 64, 3, 1, 1), new BatchNorm2d(64), new ReLU(), new MaxPool2d(2),
                new Flatten(), new Linear(3136, 128), new ReLU(), new Linear(128, 10));
    }

    @ParameterizedTest(name = "{1} on {0}")
    @MethodSource("cases")
    void pyTorchCnnLoadsStrictAndGivesItsLogits(Device device, String name, JsonNode c) throws Exception {
        String fixture = FILE + ": " + name;
        Path file = Path.of(Golden.class.getResource("/golden/" + c.get("file").asText()).toURI());
        SafetensorsFile saved = Safetensors.load(file);
        Sequential m = cnn().to(device);
        m.loadStateDict(saved.tensors(), true);
        assertEquals(c.get("repr").asText(), m.toString(), "print format");
        Tensor x = Golden.tensor(c.get("x"), device);
        m.eval();
        Golden.assertClose(fixture, "eval logits", c.get("eval_logits"), m.forward(x), device, Golden.TOL);
        m.train();
        Golden.assertClose(fixture, "train logits", c.get("train_logits"), m.forward(x), device, Golden.TOL);
    }
}
