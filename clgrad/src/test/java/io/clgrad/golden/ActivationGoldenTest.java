package io.clgrad.golden;

import com.fasterxml.jackson.databind.JsonNode;
import io.clgrad.Device;
import io.clgrad.Tensor;
import io.clgrad.nn.Module;
import io.clgrad.nn.ReLU;
import io.clgrad.nn.Sigmoid;
import io.clgrad.nn.Tanh;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * ReLU, Sigmoid and Tanh modules, forward and backward, against PyTorch (golden/activations.json):
 * random inputs plus ±0, ±1e-4, ±20, ±50 and ±100 (saturation; ReLU's gradient at 0 is 0).
 */
class ActivationGoldenTest {
    private static final String FILE = "activations.json";

    static Stream<Arguments> cases() {
        return Golden.onEveryDevice(FILE);
    }

    @ParameterizedTest(name = "{1} on {0}")
    @MethodSource("cases")
    void matchesPyTorch(Device device, String name, JsonNode c) {
        String fixture = FILE + ": " + name;
        Module<?> act = switch (c.get("activation").asText()) {
            case "relu" -> new ReLU();
            case "sigmoid" -> new Sigmoid();
            case "tanh" -> new Tanh();
            default -> throw new IllegalArgumentException(name);
        };
        Tensor x = Golden.leaf(c.get("x"), device);
        Tensor y = act.forward(x);
        y.mul(Golden.tensor(c.get("upstream"), device)).sum().backward();
        Golden.assertClose(fixture, "output", c.get("output"), y, device, Golden.TOL);
        Golden.assertClose(fixture, "x.grad", c.get("x_grad"), x.grad(), device, Golden.TOL);
    }
}
