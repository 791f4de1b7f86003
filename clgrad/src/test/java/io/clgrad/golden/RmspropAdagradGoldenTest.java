package io.clgrad.golden;

import com.fasterxml.jackson.databind.JsonNode;
import io.clgrad.Device;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * RMSprop (alpha, eps, weight decay, momentum, centered) and Adagrad (lr decay, weight decay,
 * initial accumulator value, eps) against PyTorch (golden/optimizers_rmsprop_adagrad.json): a
 * Linear(4,3) fitted with MSELoss to 8 samples; every loss, the first gradients, and the
 * parameters after 1, 5 and 10 steps, on every device.
 */
class RmspropAdagradGoldenTest {

    static Stream<Arguments> cases() {
        return Golden.onEveryDevice("optimizers_rmsprop_adagrad.json");
    }

    @ParameterizedTest(name = "{1} on {0}")
    @MethodSource("cases")
    void stepsLikePyTorch(Device device, String name, JsonNode c) {
        Golden.replayTraining("optimizers_rmsprop_adagrad.json", c, device);
    }
}
