package io.clgrad.golden;

import com.fasterxml.jackson.databind.JsonNode;
import io.clgrad.Device;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The seed's SimpleNet (Linear(2,10) → ReLU → Linear(10,1)), BCEWithLogitsLoss and Adam(lr=0.01)
 * on 5 samples against PyTorch (golden/simplenet.json): output, loss, every gradient, and the
 * parameters after 1 and after 10 steps, on every device.
 */
class SimpleNetGoldenTest {

    static Stream<Arguments> cases() {
        return Golden.onEveryDevice("simplenet.json");
    }

    @ParameterizedTest(name = "{1} on {0}")
    @MethodSource("cases")
    void trainsLikePyTorch(Device device, String name, JsonNode c) {
        Golden.replayTraining("simplenet.json", c, device);
    }
}
