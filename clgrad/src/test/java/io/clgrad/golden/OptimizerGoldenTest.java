package io.clgrad.golden;

import com.fasterxml.jackson.databind.JsonNode;
import io.clgrad.Device;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * SGD (momentum, dampening, nesterov, weight decay), Adam (betas, eps, weight decay, amsgrad) and
 * AdamW against PyTorch (golden/optimizers.json): a Linear(4,3) fitted with MSELoss to 8 samples;
 * every loss, the first gradients, and the parameters after 1 and after 10 steps, on every device.
 */
class OptimizerGoldenTest {

    static Stream<Arguments> cases() {
        return Golden.onEveryDevice("optimizers.json");
    }

    @ParameterizedTest(name = "{1} on {0}")
    @MethodSource("cases")
    void stepsLikePyTorch(Device device, String name, JsonNode c) {
        Golden.replayTraining("optimizers.json", c, device);
    }
}
