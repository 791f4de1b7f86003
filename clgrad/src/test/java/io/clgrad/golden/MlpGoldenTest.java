package io.clgrad.golden;

import com.fasterxml.jackson.databind.JsonNode;
import io.clgrad.Device;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A 3-layer MLP (Linear(4,32) → ReLU → Linear(32,32) → Tanh → Linear(32,3)) trained with
 * CrossEntropyLoss and Adam(lr=0.01) on 64 samples for 50 full-batch steps, against PyTorch
 * (golden/mlp.json). Tolerance 1e-5 relative up to step 10, 1e-4 after (rounding compounds).
 */
class MlpGoldenTest {

    static Stream<Arguments> cases() {
        return Golden.onEveryDevice("mlp.json");
    }

    @ParameterizedTest(name = "{1} on {0}")
    @MethodSource("cases")
    void trainsLikePyTorch(Device device, String name, JsonNode c) {
        Golden.replayTraining("mlp.json", c, device);
    }
}
