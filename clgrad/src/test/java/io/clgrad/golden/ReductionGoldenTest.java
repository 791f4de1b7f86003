package io.clgrad.golden;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.clgrad.Device;
import io.clgrad.Tensor;
import io.clgrad.ValuesAndIndices;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * var/std with corrections, logsumexp (large inputs), prod with zeros, norm (p 2, 1, inf, 3),
 * cumsum, max/min(dim) with indices, argmin, stable sort and topk, and sum/mean over several dims
 * against PyTorch (golden/reductions.json, inputs free of ties): shapes and outputs within the
 * golden tolerance, indices exactly, and the gradient of sum(output · upstream).
 */
class ReductionGoldenTest {
    private static final String FILE = "reductions.json";

    static Stream<Arguments> cases() {
        return Golden.onEveryDevice(FILE);
    }

    private static int[] ints(JsonNode c, String key) {
        return StreamSupport.stream(c.get(key).spliterator(), false).mapToInt(JsonNode::asInt).toArray();
    }

    @ParameterizedTest(name = "{1} on {0}")
    @MethodSource("cases")
    void matchesPyTorch(Device device, String name, JsonNode c) {
        String op = c.get("op").asText();
        String fixture = FILE + ": " + name;
        Tensor x = Golden.leaf(c.get("x"), device);
        boolean keep = c.has("keepdim") && c.get("keepdim").asBoolean();
        int dim = c.has("dim") ? c.get("dim").asInt() : 0;
        int[] dims = c.has("dims") ? ints(c, "dims") : null;
        Tensor out;
        Tensor indices = null;
        switch (op) {
            case "var" -> out = x.var(dims, c.get("correction").asInt(), keep);
            case "std" -> out = x.std(dims, c.get("correction").asInt(), keep);
            case "logsumexp" -> out = x.logsumexp(dims, keep);
            case "prod" -> out = dims.length == 0 ? x.prod() : x.prod(dims[0], keep);
            case "norm" -> {
                float p = Golden.value(c.get("p"));
                out = dims.length == 0 ? x.norm(p) : x.norm(p, dims, keep);
            }
            case "cumsum" -> out = x.cumsum(dim);
            case "sum" -> out = x.sum(dims, keep);
            case "mean" -> out = x.mean(dims, keep);
            case "argmin_all" -> out = x.argmin();
            case "argmin" -> out = x.argmin(dim, keep);
            default -> {
                ValuesAndIndices r = switch (op) {
                    case "max" -> x.maxWithIndices(dim, keep);
                    case "min" -> x.minWithIndices(dim, keep);
                    case "sort" -> x.sort(dim, c.get("descending").asBoolean());
                    case "topk" -> x.topk(c.get("k").asInt(), dim, c.get("largest").asBoolean(), true);
                    default -> throw new IllegalArgumentException(fixture + ": unknown op " + op);
                };
                out = r.values();
                indices = r.indices();
            }
        }
        assertArrayEquals(Golden.shape(c.get("output")), out.shape(), fixture + ": shape");
        if (op.startsWith("argmin")) {
            assertArrayEquals(Golden.tensor(c.get("output"), device).toIntArray(), out.toIntArray(), fixture);
            return;
        }
        Golden.assertClose(fixture, "output", c.get("output"), out, device, Golden.TOL);
        if (indices != null) {
            assertArrayEquals(Golden.shape(c.get("indices")), indices.shape(), fixture + ": indices shape");
            assertArrayEquals(Golden.tensor(c.get("indices"), device).toIntArray(), indices.toIntArray(),
                    fixture + ": indices");
        }
        out.mul(Golden.tensor(c.get("upstream"), device)).sum().backward();
        Golden.assertClose(fixture, "x.grad", c.get("x_grad"), x.grad(), device, Golden.TOL);
    }
}
