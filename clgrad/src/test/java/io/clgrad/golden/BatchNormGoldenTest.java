package io.clgrad.golden;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.clgrad.Device;
import io.clgrad.Tensor;
import io.clgrad.nn.BatchNorm1d;
import io.clgrad.nn.BatchNorm2d;
import io.clgrad.nn.BatchNormBase;
import io.clgrad.nn.BatchNormOptions;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code BatchNorm1d} and {@code BatchNorm2d} against PyTorch (golden/batchnorm.json): from random
 * weight, bias and running statistics, a few training steps (each a fresh input and upstream
 * gradient: loss = Σ y·upstream) and one step in evaluation mode; every output, input gradient,
 * weight and bias gradient, and the state dict after training (running mean and variance,
 * num_batches_tracked); with momentum 0.3 and eps 1e-3, momentum None (cumulative average),
 * affine False, track_running_stats False, and [N, C], [N, C, L] and [N, C, H, W] inputs.
 */
class BatchNormGoldenTest {
    private static final String FILE = "batchnorm.json";

    static Stream<Arguments> cases() {
        return Golden.onEveryDevice(FILE);
    }

    /** The module a case describes, with PyTorch's defaults for what the case leaves out. */
    static BatchNormBase<?> module(JsonNode c, Device device) {
        int features = c.get("num_features").asInt();
        double eps = c.has("eps") ? c.get("eps").asDouble() : 1e-5;
        Double momentum = !c.has("momentum") ? Double.valueOf(0.1)
                : c.get("momentum").isNull() ? null : Double.valueOf(c.get("momentum").asDouble());
        boolean affine = !c.has("affine") || c.get("affine").asBoolean();
        boolean track = !c.has("track_running_stats") || c.get("track_running_stats").asBoolean();
        BatchNormOptions options = new BatchNormOptions(features, eps, momentum, affine, track);
        return c.get("kind").asText().equals("1d") ? new BatchNorm1d(options, device) : new BatchNorm2d(options, device);
    }

    @ParameterizedTest(name = "{1} on {0}")
    @MethodSource("cases")
    void matchesPyTorch(Device device, String name, JsonNode c) {
        BatchNormBase<?> m = module(c, device);
        m.loadStateDict(Golden.stateDict(c.get("params"), device));
        int step = 0;
        for (JsonNode s : c.get("steps")) {
            String fixture = FILE + ": " + name + " step " + (++step) + " (" + s.get("mode").asText() + ")";
            m.train(s.get("mode").asText().equals("train"));
            m.zeroGrad();
            Tensor x = Golden.leaf(s.get("x"), device);
            Tensor y = m.forward(x);
            y.mul(Golden.tensor(s.get("upstream"), device)).sum().backward();
            Golden.assertClose(fixture, "output", s.get("output"), y, device, Golden.TOL);
            Golden.assertClose(fixture, "x.grad", s.get("x_grad"), x.grad(), device, Golden.TOL);
            if (s.has("grads")) {
                for (Map.Entry<String, Tensor> e : m.namedParameters().entrySet()) {
                    Golden.assertClose(fixture, e.getKey() + ".grad", s.get("grads").get(e.getKey()),
                            e.getValue().grad(), device, Golden.TOL);
                }
            }
            if (step == c.get("steps").size() - 1) {
                checkState(FILE + ": " + name + " after training", c.get("after"), m, device);
            }
        }
    }

    /** Every float tensor of the state dict within tolerance; num_batches_tracked exactly. */
    static void checkState(String fixture, JsonNode want, BatchNormBase<?> m, Device device) {
        Map<String, Tensor> state = m.stateDict();
        assertEquals(Golden.stateDict(want, Device.cpu()).keySet(), state.keySet(), fixture + ": state dict keys");
        for (Map.Entry<String, Tensor> e : state.entrySet()) {
            JsonNode w = want.get(e.getKey());
            if (Golden.isInt(w)) {
                assertEquals(w.get("data").get(0).asInt(), e.getValue().toIntArray()[0], fixture + ": " + e.getKey());
                assertEquals(0, e.getValue().dim(), fixture + ": " + e.getKey() + " is 0-d");
            } else {
                Golden.assertClose(fixture, e.getKey(), w, e.getValue(), device, Golden.TOL);
            }
        }
    }
}
