package io.clgrad.golden;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.clgrad.Device;
import io.clgrad.Functional;
import io.clgrad.Tensor;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * index_select, gather, scatter, scatter_add, scatter(value), masked_fill, where, masked_select,
 * {@code x[mask]} and one_hot against PyTorch (golden/index_ops.json): every dim including
 * negative ones, repeated indices for index_select, gather and scatter_add, index tensors smaller
 * than the input off the indexed dim, broadcast masks; the output and the gradients of
 * sum(output · upstream) for x (and src, y) within the golden tolerance, one_hot exactly.
 * PyTorch's bool masks are stored as float 0/1, which clgrad takes as masks.
 */
class IndexOpsGoldenTest {
    private static final String FILE = "index_ops.json";

    static Stream<Arguments> cases() {
        return Golden.onEveryDevice(FILE);
    }

    @ParameterizedTest(name = "{1} on {0}")
    @MethodSource("cases")
    void matchesPyTorch(Device device, String name, JsonNode c) {
        String op = c.get("op").asText();
        String fixture = FILE + ": " + name;
        if (op.equals("one_hot")) {
            Tensor out = Functional.oneHot(Golden.tensor(c.get("index"), device), c.get("num_classes").asInt());
            assertArrayEquals(Golden.tensor(c.get("output"), device).toIntArray(), out.toIntArray(), fixture);
            return;
        }
        Tensor x = Golden.leaf(c.get("x"), device);
        Tensor src = c.has("src") ? Golden.leaf(c.get("src"), device) : null;
        Tensor y = c.has("y") ? Golden.leaf(c.get("y"), device) : null;
        Tensor index = c.has("index") ? Golden.tensor(c.get("index"), device) : null;
        Tensor mask = c.has("mask") ? Golden.tensor(c.get("mask"), device) : null;
        int dim = c.has("dim") ? c.get("dim").asInt() : 0;
        float value = c.has("value") ? (float) c.get("value").asDouble() : 0f;
        Tensor out = switch (op) {
            case "index_select" -> x.indexSelect(dim, index);
            case "gather" -> x.gather(dim, index);
            case "scatter" -> x.scatter(dim, index, src);
            case "scatter_add" -> x.scatterAdd(dim, index, src);
            case "scatter_value" -> x.scatter(dim, index, value);
            case "masked_fill" -> x.maskedFill(mask, value);
            case "where" -> Tensor.where(mask, x, y);
            case "masked_select" -> x.maskedSelect(mask);
            case "get_mask" -> x.get(mask);
            default -> throw new IllegalArgumentException(fixture + ": unknown op " + op);
        };
        assertArrayEquals(Golden.shape(c.get("output")), out.shape(), fixture + ": shape");
        out.mul(Golden.tensor(c.get("upstream"), device)).sum().backward();
        Golden.assertClose(fixture, "output", c.get("output"), out, device, Golden.TOL);
        Golden.assertClose(fixture, "x.grad", c.get("x_grad"), x.grad(), device, Golden.TOL);
        if (src != null) {
            Golden.assertClose(fixture, "src.grad", c.get("src_grad"), src.grad(), device, Golden.TOL);
        }
        if (y != null) {
            Golden.assertClose(fixture, "y.grad", c.get("y_grad"), y.grad(), device, Golden.TOL);
        }
    }
}
