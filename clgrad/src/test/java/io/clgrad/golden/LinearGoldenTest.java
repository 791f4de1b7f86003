package io.clgrad.golden;

import com.fasterxml.jackson.databind.JsonNode;
import io.clgrad.Device;
import io.clgrad.Tensor;
import io.clgrad.nn.Linear;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code Linear} forward and backward against PyTorch (golden/linear.json): with and without bias,
 * 1-D, 2-D and 3-D inputs; the gradient flowing back is a fixed random tensor (loss = Σ y·upstream).
 */
class LinearGoldenTest {
    private static final String FILE = "linear.json";

    static Stream<Arguments> cases() {
        return Golden.onEveryDevice(FILE);
    }

    @ParameterizedTest(name = "{1} on {0}")
    @MethodSource("cases")
    void matchesPyTorch(Device device, String name, JsonNode c) {
        String fixture = FILE + ": " + name;
        Linear lin = new Linear(c.get("in").asInt(), c.get("out").asInt(), c.get("bias").asBoolean());
        lin.to(device);
        lin.loadStateDict(Golden.stateDict(c.get("params"), device));
        Tensor x = Golden.leaf(c.get("x"), device);
        Tensor y = lin.forward(x);
        y.mul(Golden.tensor(c.get("upstream"), device)).sum().backward();
        Golden.assertClose(fixture, "output", c.get("output"), y, device, Golden.TOL);
        Golden.assertClose(fixture, "x.grad", c.get("x_grad"), x.grad(), device, Golden.TOL);
        for (Map.Entry<String, Tensor> e : lin.namedParameters().entrySet()) {
            Golden.assertClose(fixture, e.getKey() + ".grad", c.get("grads").get(e.getKey()),
                    e.getValue().grad(), device, Golden.TOL);
        }
    }
}
