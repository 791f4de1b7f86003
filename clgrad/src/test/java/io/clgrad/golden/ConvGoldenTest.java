package io.clgrad.golden;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.clgrad.Device;
import io.clgrad.Tensor;
import io.clgrad.nn.Conv1d;
import io.clgrad.nn.Conv2d;
import io.clgrad.nn.Module;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code Conv2d} and {@code Conv1d} against PyTorch (golden/conv.json): stride, padding (ints,
 * "same" with an even kernel, "valid"), dilation, groups (depthwise included), with and without
 * bias. Each case builds the module from PyTorch's arguments, checks its print format, loads
 * PyTorch's weight and bias with {@code strict=true}, and compares the output and the gradients of
 * input, weight and bias of {@code Σ y·upstream}.
 */
class ConvGoldenTest {
    static Stream<Arguments> convCases() {
        return Golden.onEveryDevice("conv.json");
    }

    @ParameterizedTest(name = "{1} on {0}")
    @MethodSource("convCases")
    void convMatchesPyTorch(Device device, String name, JsonNode c) {
        String fixture = "conv.json: " + name;
        Module<?> conv = module(c, device);
        assertEquals(c.get("repr").asText(), conv.toString(), fixture + ": print format");
        Map<String, Tensor> state = new LinkedHashMap<>();
        state.put("weight", Golden.tensor(c.get("weight"), device));
        if (c.has("bias")) {
            state.put("bias", Golden.tensor(c.get("bias"), device));
        }
        conv.loadStateDict(state, true);
        Tensor x = Golden.leaf(c.get("x"), device);
        Tensor y = conv.forward(x);
        y.mul(Golden.tensor(c.get("upstream"), device)).sum().backward();
        Golden.assertClose(fixture, "output", c.get("output"), y, device, Golden.TOL);
        Golden.assertClose(fixture, "x.grad", c.get("x_grad"), x.grad(), device, Golden.TOL);
        Map<String, Tensor> params = conv.namedParameters();
        Golden.assertClose(fixture, "weight.grad", c.get("weight_grad"), params.get("weight").grad(), device,
                Golden.TOL);
        if (c.has("bias")) {
            Golden.assertClose(fixture, "bias.grad", c.get("bias_grad"), params.get("bias").grad(), device, Golden.TOL);
        }
    }

    private static Module<?> module(JsonNode c, Device device) {
        int[] ws = Golden.shape(c.get("weight"));
        int groups = c.get("groups").asInt();
        int in = ws[1] * groups;
        boolean bias = c.has("bias");
        JsonNode padding = c.get("padding");
        if (ws.length == 3) {
            int stride = c.get("stride").get(0).asInt();
            int dilation = c.get("dilation").get(0).asInt();
            return padding.isTextual()
                    ? new Conv1d(in, ws[0], ws[2], stride, padding.asText(), dilation, groups, bias, device)
                    : new Conv1d(in, ws[0], ws[2], stride, padding.get(0).asInt(), dilation, groups, bias, device);
        }
        int[] kernel = {ws[2], ws[3]};
        int[] stride = ints(c.get("stride"));
        int[] dilation = ints(c.get("dilation"));
        return padding.isTextual()
                ? new Conv2d(in, ws[0], kernel, stride, padding.asText(), dilation, groups, bias, device)
                : new Conv2d(in, ws[0], kernel, stride, ints(padding), dilation, groups, bias, device);
    }

    private static int[] ints(JsonNode a) {
        int[] out = new int[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).asInt();
        }
        return out;
    }
}
