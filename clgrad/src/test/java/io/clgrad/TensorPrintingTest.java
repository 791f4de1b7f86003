package io.clgrad;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code Tensor.toString()} against strings printed by real PyTorch (golden/print.json, scripts/make-golden.py). */
class TensorPrintingTest {

    static Stream<Arguments> cases() throws IOException {
        JsonNode root;
        try (InputStream in = TensorPrintingTest.class.getResourceAsStream("/golden/print.json")) {
            root = new ObjectMapper().readTree(in);
        }
        List<Arguments> args = new ArrayList<>();
        for (JsonNode c : root.get("cases")) {
            args.add(Arguments.of(c.get("name").asText(), c));
        }
        return args.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void printsLikePyTorch(String name, JsonNode c) {
        int[] shape = new int[c.get("shape").size()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = c.get("shape").get(i).asInt();
        }
        JsonNode values = c.get("values");
        Tensor t;
        if (c.get("dtype").asText().equals("int32")) {
            int[] data = new int[values.size()];
            for (int i = 0; i < data.length; i++) {
                data[i] = values.get(i).asInt();
            }
            t = Factories.exact(Device.cpu(), data, shape);
        } else {
            float[] data = new float[values.size()];
            for (int i = 0; i < data.length; i++) {
                data[i] = parse(values.get(i));
            }
            t = Factories.exact(Device.cpu(), data, shape);
        }
        assertEquals(c.get("expected").asText(), t.toString(), name);
    }

    private static float parse(JsonNode v) {
        if (v.isTextual()) {
            return switch (v.asText()) {
                case "nan" -> Float.NaN;
                case "inf" -> Float.POSITIVE_INFINITY;
                default -> Float.NEGATIVE_INFINITY;
            };
        }
        return (float) v.asDouble();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void namesTheDeviceWhenNotOnTheCpu(Device device) {
        Tensor t = Tensor.of(new float[] {0.1f, 0.2f}, 1, 2).to(device);
        String expected = device.isCpu() ? "tensor([[0.1000, 0.2000]])"
                : "tensor([[0.1000, 0.2000]], device='" + device.id() + "')";
        assertEquals(expected, t.toString());
    }

    @Test
    void closedTensorPrintsWithoutReadingMemory() {
        Tensor t = Tensor.ones(2, 3);
        t.close();
        assertTrue(t.toString().contains("closed"), t.toString());
    }
}
