package io.clgrad.golden;

import com.fasterxml.jackson.databind.JsonNode;
import io.clgrad.Device;
import io.clgrad.Tensor;
import io.clgrad.nn.Loss;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every loss with every reduction against PyTorch (golden/losses.json): BCEWithLogitsLoss (hard
 * and soft targets, posWeight, weight), BCELoss (weight), MSELoss, L1Loss, CrossEntropyLoss (class
 * weight, label smoothing, ignoreIndex, probability targets) and NLLLoss; the value and the
 * gradient with respect to the input (for NONE, of Σ loss·upstream).
 */
class LossGoldenTest {
    private static final String FILE = "losses.json";

    static Stream<Arguments> cases() {
        return Golden.onEveryDevice(FILE);
    }

    @ParameterizedTest(name = "{1} on {0}")
    @MethodSource("cases")
    void matchesPyTorch(Device device, String name, JsonNode c) {
        String fixture = FILE + ": " + name;
        Loss<?> criterion = Golden.loss(c.get("loss"), device);
        Tensor input = Golden.leaf(c.get("input"), device);
        Tensor target = Golden.tensor(c.get("target"), device);
        Tensor out = criterion.forward(input, target);
        if (c.has("upstream")) {
            out.mul(Golden.tensor(c.get("upstream"), device)).sum().backward();
        } else {
            out.backward();
        }
        Golden.assertClose(fixture, "output", c.get("output"), out, device, Golden.TOL);
        Golden.assertClose(fixture, "input.grad", c.get("input_grad"), input.grad(), device, Golden.TOL);
    }
}
