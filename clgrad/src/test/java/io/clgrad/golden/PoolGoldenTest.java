package io.clgrad.golden;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.clgrad.Device;
import io.clgrad.Tensor;
import io.clgrad.ValuesAndIndices;
import io.clgrad.nn.AdaptiveAvgPool2d;
import io.clgrad.nn.AvgPool2d;
import io.clgrad.nn.MaxPool2d;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * MaxPool2d (values and indices), AvgPool2d and AdaptiveAvgPool2d, forward and input gradient,
 * against PyTorch (golden/pool.json): kernel, stride, padding, dilation, ceil_mode (including the
 * rule that drops a last window starting in the padding, and windows overhanging the input),
 * count_include_pad, divisor_override, 3-D inputs, NaN for max, adaptive sizes that divide the
 * input and sizes that do not. The indices must be equal; the rest within the golden tolerance.
 */
class PoolGoldenTest {
    private static final String FILE = "pool.json";

    static Stream<Arguments> max() {
        return of("max");
    }

    static Stream<Arguments> avg() {
        return of("avg");
    }

    static Stream<Arguments> adaptive() {
        return of("adaptive");
    }

    /** The cases of one op on every device. */
    private static Stream<Arguments> of(String op) {
        return Golden.onEveryDevice(FILE).filter(a -> ((JsonNode) a.get()[2]).get("op").asText().equals(op));
    }

    @ParameterizedTest(name = "{1} on {0}")
    @MethodSource("max")
    void maxPool2dMatchesPyTorch(Device device, String name, JsonNode c) {
        Tensor x = Golden.leaf(c.get("x"), device);
        MaxPool2d pool = new MaxPool2d(ints(c.get("kernel_size")), ints(c.get("stride")), ints(c.get("padding")),
                ints(c.get("dilation")), true, c.get("ceil_mode").asBoolean());
        ValuesAndIndices r = pool.forwardWithIndices(x);
        assertArrayEquals(Golden.tensor(c.get("indices"), device).toIntArray(), r.indices().toIntArray(),
                FILE + ": " + name + " / indices on " + device);
        compare(device, name, c, x, r.values());
    }

    @ParameterizedTest(name = "{1} on {0}")
    @MethodSource("avg")
    void avgPool2dMatchesPyTorch(Device device, String name, JsonNode c) {
        Tensor x = Golden.leaf(c.get("x"), device);
        JsonNode div = c.get("divisor_override");
        AvgPool2d pool = new AvgPool2d(ints(c.get("kernel_size")), ints(c.get("stride")), ints(c.get("padding")),
                c.get("ceil_mode").asBoolean(), c.get("count_include_pad").asBoolean(),
                div == null || div.isNull() ? null : div.asInt());
        compare(device, name, c, x, pool.forward(x));
    }

    @ParameterizedTest(name = "{1} on {0}")
    @MethodSource("adaptive")
    void adaptiveAvgPool2dMatchesPyTorch(Device device, String name, JsonNode c) {
        Tensor x = Golden.leaf(c.get("x"), device);
        int[] size = ints(c.get("output_size"));
        AdaptiveAvgPool2d pool = size.length == 1 ? new AdaptiveAvgPool2d(size[0])
                : new AdaptiveAvgPool2d(size[0], size[1]);
        compare(device, name, c, x, pool.forward(x));
    }

    /** The output, and the input's gradient of sum(output · upstream), against PyTorch's. */
    private static void compare(Device device, String name, JsonNode c, Tensor x, Tensor y) {
        String fixture = FILE + ": " + name;
        y.mul(Golden.tensor(c.get("upstream"), device)).sum().backward();
        Golden.assertClose(fixture, "output", c.get("output"), y, device, Golden.TOL);
        Golden.assertClose(fixture, "x.grad", c.get("x_grad"), x.grad(), device, Golden.TOL);
    }

    /** A size list, or null for JSON null (PyTorch's stride=None). */
    private static int[] ints(JsonNode v) {
        if (v == null || v.isNull()) {
            return null;
        }
        int[] r = new int[v.size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = v.get(i).asInt();
        }
        return r;
    }
}
