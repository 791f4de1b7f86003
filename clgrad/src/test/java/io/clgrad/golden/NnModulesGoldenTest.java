package io.clgrad.golden;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.clgrad.Device;
import io.clgrad.Tensor;
import io.clgrad.nn.AdaptiveMaxPool2d;
import io.clgrad.nn.Conv2d;
import io.clgrad.nn.ConvTranspose2d;
import io.clgrad.nn.Embedding;
import io.clgrad.nn.GroupNorm;
import io.clgrad.nn.LayerNorm;
import io.clgrad.nn.Linear;
import io.clgrad.nn.Module;
import io.clgrad.nn.ModuleDict;
import io.clgrad.nn.ModuleList;
import io.clgrad.nn.ReLU;
import io.clgrad.nn.Sequential;
import io.clgrad.nn.Unflatten;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code LayerNorm}, {@code GroupNorm}, {@code Embedding} (with {@code padding_idx}) and
 * {@code ConvTranspose2d} and {@code AdaptiveMaxPool2d} (values, indices) against PyTorch (golden/nn_modules.json): each case builds the module from
 * PyTorch's arguments, checks its print format and state-dict keys, loads PyTorch's randomised state
 * with {@code strict=true}, and compares the output and the gradients of input and parameters of
 * {@code Σ y·upstream} (the embedding's padding row, non-zero in the state, must get a zero
 * gradient). The container cases compare the print format and the state-dict keys and shapes of
 * {@code ModuleList}, {@code ModuleDict}, {@code Unflatten} and a nesting of them.
 */
class NnModulesGoldenTest {
    private static final String FILE = "nn_modules.json";

    static Stream<Arguments> moduleCases() {
        return Golden.onEveryDevice(FILE).filter(a -> !((JsonNode) a.get()[2]).get("kind").asText().equals("container"));
    }

    @ParameterizedTest(name = "{1} on {0}")
    @MethodSource("moduleCases")
    void moduleMatchesPyTorch(Device device, String name, JsonNode c) {
        String fixture = FILE + ": " + name;
        Module<?> m = module(c, device);
        assertEquals(c.get("repr").asText(), m.toString(), fixture + ": print format");
        Map<String, Tensor> state = new LinkedHashMap<>();
        c.get("state").fields().forEachRemaining(e -> state.put(e.getKey(), Golden.tensor(e.getValue(), device)));
        assertEquals(List.copyOf(state.keySet()), List.copyOf(m.stateDict().keySet()), fixture + ": state-dict keys");
        m.loadStateDict(state, true);
        boolean floatInput = c.has("x_grad");
        Tensor x = floatInput ? Golden.leaf(c.get("x"), device) : Golden.tensor(c.get("x"), device);
        Tensor y = m.forward(x);
        y.mul(Golden.tensor(c.get("upstream"), device)).sum().backward();
        Golden.assertClose(fixture, "output", c.get("output"), y, device, Golden.TOL);
        if (floatInput) {
            Golden.assertClose(fixture, "x.grad", c.get("x_grad"), x.grad(), device, Golden.TOL);
        }
        if (c.has("indices")) {
            assertArrayEquals(Golden.shape(c.get("indices")), y.shape(), fixture + ": indices shape");
            int[] want = new int[c.get("indices").get("data").size()];
            for (int i = 0; i < want.length; i++) {
                want[i] = c.get("indices").get("data").get(i).asInt();
            }
            try (Tensor x2 = Golden.tensor(c.get("x"), device)) {
                assertArrayEquals(want, ((AdaptiveMaxPool2d) m).forwardWithIndices(x2).indices().toIntArray(),
                        fixture + ": indices on " + device);
            }
        }
        Map<String, Tensor> params = m.namedParameters();
        c.get("grads").fields().forEachRemaining(e -> Golden.assertClose(fixture, e.getKey() + ".grad", e.getValue(),
                params.get(e.getKey()).grad(), device, Golden.TOL));
    }

    @Test
    void containersPrintAndNameTheirStateAsPyTorch() {
        for (JsonNode c : Golden.cases(FILE)) {
            if (!c.get("kind").asText().equals("container")) {
                continue;
            }
            String fixture = FILE + ": " + c.get("name").asText();
            Module<?> m = container(c.get("name").asText());
            assertEquals(c.get("repr").asText(), m.toString(), fixture + ": print format");
            List<String> want = new ArrayList<>();
            c.get("keys").forEach(k -> want.add(k.get(0).asText() + " " + k.get(1)));
            List<String> got = new ArrayList<>();
            m.stateDict().forEach((k, v) -> got.add(k + " " + java.util.Arrays.toString(v.shape()).replace(" ", "")));
            assertEquals(want, got, fixture + ": state-dict keys and shapes");
        }
    }

    private static Module<?> container(String name) {
        return switch (name) {
            case "ModuleList" -> new ModuleList(new Linear(3, 4), new ReLU(), new Linear(4, 2, false));
            case "ModuleDict" -> new ModuleDict(ordered("enc", new Linear(3, 4), "act", new ReLU(), "dec",
                    new Conv2d(2, 3, 3)));
            case "Unflatten" -> new Unflatten(1, 2, -1, 3);
            case "nested" -> new ModuleDict(ordered(
                    "blocks", new ModuleList(new Sequential(new Linear(2, 2), new Unflatten(1, 1, 2)), new LayerNorm(2)),
                    "head", new Embedding(5, 2, 1)));
            default -> throw new IllegalArgumentException("no container case " + name);
        };
    }

    private static Map<String, Module<?>> ordered(Object... kv) {
        Map<String, Module<?>> out = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            out.put((String) kv[i], (Module<?>) kv[i + 1]);
        }
        return out;
    }

    private static Module<?> module(JsonNode c, Device device) {
        JsonNode a = c.get("args");
        return switch (c.get("kind").asText()) {
            case "layer_norm" -> new LayerNorm(ints(a.get("normalized_shape")), a.get("eps").asDouble(),
                    a.get("affine").asBoolean(), device);
            case "group_norm" -> new GroupNorm(a.get("num_groups").asInt(), Golden.shape(c.get("x"))[1],
                    a.get("eps").asDouble(), a.get("affine").asBoolean(), device);
            case "embedding" -> new Embedding(a.get("num_embeddings").asInt(), a.get("embedding_dim").asInt(),
                    a.get("padding_idx").isNull() ? null : a.get("padding_idx").asInt(), device);
            case "conv_transpose2d" -> new ConvTranspose2d(a.get("in_channels").asInt(), a.get("out_channels").asInt(),
                    ints(a.get("kernel_size")), ints(a.get("stride")), ints(a.get("padding")),
                    ints(a.get("output_padding")), a.get("groups").asInt(), a.get("bias").asBoolean(),
                    ints(a.get("dilation")), device);
            case "adaptive_max_pool2d" -> {
                JsonNode size = a.get("output_size");
                Integer[] out = new Integer[size.size()];
                for (int i = 0; i < out.length; i++) {
                    out[i] = size.get(i).isNull() ? null : size.get(i).asInt();
                }
                yield new AdaptiveMaxPool2d(out, true);
            }
            default -> throw new IllegalArgumentException("unknown kind " + c.get("kind"));
        };
    }

    private static int[] ints(JsonNode a) {
        int[] out = new int[a.size()];
        Iterator<JsonNode> it = a.elements();
        for (int i = 0; i < out.length; i++) {
            out[i] = it.next().asInt();
        }
        return out;
    }
}
