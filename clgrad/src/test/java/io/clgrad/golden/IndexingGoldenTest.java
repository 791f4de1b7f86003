package io.clgrad.golden;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.clgrad.Device;
import io.clgrad.Tensor;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The indexing views against PyTorch (golden/indexing.json): select, narrow, split (a size and a
 * list of sizes), chunk, unbind, and {@code Tensor.get(String)} on the very text PyTorch evaluated
 * as {@code x[text]} (integers, negative and clamped slice bounds, steps, {@code ...}, {@code None}).
 * Each output, and the input gradient of {@code Σ_i sum(output_i · upstream_i)}, on every device.
 */
class IndexingGoldenTest {
    @ParameterizedTest(name = "{1} on {0}")
    @MethodSource("cases")
    void viewsMatchPyTorch(Device device, String name, JsonNode c) {
        Tensor x = Golden.leaf(c.get("x"), device);
        List<Tensor> ys = apply(c, x);
        String fixture = FILE + ": " + name;
        assertEquals(c.get("outputs").size(), ys.size(), fixture + ": number of outputs on " + device);
        Tensor loss = Tensor.zeros(device);
        for (int i = 0; i < ys.size(); i++) {
            Golden.assertClose(fixture, "output " + i, c.get("outputs").get(i), ys.get(i), device, Golden.TOL);
            loss = loss.add(ys.get(i).mul(Golden.tensor(c.get("upstreams").get(i), device)).sum());
        }
        loss.backward();
        Golden.assertClose(fixture, "x.grad", c.get("x_grad"), x.grad(), device, Golden.TOL);
    }

    private static List<Tensor> apply(JsonNode c, Tensor x) {
        JsonNode a = c.get("args");
        return switch (c.get("op").asText()) {
            case "select" -> List.of(x.select(a.get(0).asInt(), a.get(1).asInt()));
            case "narrow" -> List.of(x.narrow(a.get(0).asInt(), a.get(1).asInt(), a.get(2).asInt()));
            case "split" -> a.get(0).isArray() ? x.split(ints(a.get(0)), a.get(1).asInt())
                    : x.split(a.get(0).asInt(), a.get(1).asInt());
            case "chunk" -> x.chunk(a.get(0).asInt(), a.get(1).asInt());
            case "unbind" -> x.unbind(a.get(0).asInt());
            case "get" -> List.of(x.get(c.get("index").asText()));
            default -> throw new IllegalArgumentException(FILE + ": unknown op " + c.get("op"));
        };
    }

    /** Every case of the fixture on every device. */
    static Stream<Arguments> cases() {
        return Golden.onEveryDevice(FILE);
    }

    private static final String FILE = "indexing.json";

    private static int[] ints(JsonNode v) {
        int[] r = new int[v.size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = v.get(i).asInt();
        }
        return r;
    }
}
