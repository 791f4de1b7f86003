package io.clgrad.golden;

import com.fasterxml.jackson.databind.JsonNode;
import io.clgrad.Device;
import io.clgrad.Functional;
import io.clgrad.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * cat, stack, repeat, roll, flip and pad against PyTorch (golden/join.json): the output and every
 * input's gradient of {@code sum(output · upstream)}, on every device. Cases cover negative dims,
 * transposed (strided) inputs, an empty input, a roll of the flattened tensor, and pad in its four
 * modes over 1, 2 and 3 dims, batched and unbatched, with the negative paddings PyTorch accepts
 * (including its own index rule where reflect and replicate crop more than they pad).
 */
class JoinGoldenTest {
    private static final String FILE = "join.json";

    static Stream<Arguments> cases() {
        return Golden.onEveryDevice(FILE);
    }

    @ParameterizedTest(name = "{1} on {0}")
    @MethodSource("cases")
    void matchesPyTorch(Device device, String name, JsonNode c) {
        boolean transpose = c.get("transpose").asBoolean();
        List<Tensor> leaves = new ArrayList<>();
        List<Tensor> xs = new ArrayList<>();
        for (JsonNode t : c.get("inputs")) {
            Tensor leaf = Golden.leaf(t, device);
            leaves.add(leaf);
            xs.add(transpose ? leaf.t() : leaf);
        }
        Tensor y = apply(c, xs);
        y.mul(Golden.tensor(c.get("upstream"), device)).sum().backward();
        String fixture = FILE + ": " + name;
        Golden.assertClose(fixture, "output", c.get("output"), y, device, Golden.TOL);
        for (int i = 0; i < leaves.size(); i++) {
            Golden.assertClose(fixture, "grad of input " + i, c.get("grads").get(i), leaves.get(i).grad(), device,
                    Golden.TOL);
        }
    }

    private static Tensor apply(JsonNode c, List<Tensor> xs) {
        Tensor x = xs.get(0);
        return switch (c.get("op").asText()) {
            case "cat" -> Tensor.cat(xs, c.get("dim").asInt());
            case "stack" -> Tensor.stack(xs, c.get("dim").asInt());
            case "repeat" -> x.repeat(ints(c.get("repeats")));
            case "roll" -> x.roll(ints(c.get("shifts")), ints(c.get("dims")));
            case "flip" -> x.flip(ints(c.get("dims")));
            case "pad" -> Functional.pad(x, ints(c.get("pad")), c.get("mode").asText(), c.get("value").asDouble());
            default -> throw new IllegalArgumentException("unknown op in " + FILE + ": " + c.get("op"));
        };
    }

    private static int[] ints(JsonNode v) {
        int[] r = new int[v.size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = v.get(i).asInt();
        }
        return r;
    }
}
