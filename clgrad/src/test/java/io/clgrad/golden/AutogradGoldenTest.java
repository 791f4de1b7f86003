package io.clgrad.golden;

import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import io.clgrad.Autograd;
import io.clgrad.Device;
import io.clgrad.Tensor;
import io.clgrad.nn.utils.ClipGrad;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 11's autograd extras against PyTorch (golden/autograd.json), on every device: on the graph
 * {@code h = x @ w + b, y = tanh(h), loss = sum(y·y) + sum(x·x)}, backward with retainGraph (grads
 * after each pass), hooks {@code g -> g·scale + shift} on leaves and intermediates (chained, removed,
 * on a leaf used twice), {@code Autograd.grad} of chosen tensors (several outputs, gradOutputs,
 * allowUnused); and {@code ClipGrad.clipGradNorm} (p = 2, 1, 3, ∞: returned norm and clipped grads)
 * and {@code clipGradValue} on given gradients.
 */
class AutogradGoldenTest {
    private static final String FILE = "autograd.json";

    /** One case: its kind says which of the four checks below it is. */
    @ParameterizedTest(name = "{1} on {0}")
    @MethodSource("kinds")
    void matchesPyTorch(Device device, String name, JsonNode c) {
        switch (c.get("kind").asText()) {
            case "backward" -> backward(FILE + ": " + name, c, device);
            case "grad" -> grad(FILE + ": " + name, c, device);
            case "clip_norm" -> clipNorm(FILE + ": " + name, c, device);
            case "clip_value" -> clipValue(FILE + ": " + name, c, device);
            default -> throw new IllegalArgumentException("unknown kind in " + FILE + ": " + c.get("kind"));
        }
    }

    static Stream<Arguments> kinds() {
        return Golden.onEveryDevice(FILE);
    }

    /** x, w, b (leaves), h, y, loss and z (a leaf the graph does not use), by name. */
    private static Map<String, Tensor> graph(JsonNode c, Device device) {
        Map<String, Tensor> t = new LinkedHashMap<>();
        t.put("x", Golden.leaf(c.get("inputs").get(0), device));
        t.put("w", Golden.leaf(c.get("inputs").get(1), device));
        t.put("b", Golden.leaf(c.get("inputs").get(2), device));
        t.put("z", Tensor.zeros(device, 2).requiresGrad(true));
        Tensor h = t.get("x").matmul(t.get("w")).add(t.get("b"));
        Tensor y = h.tanh();
        t.put("h", h);
        t.put("y", y);
        t.put("loss", y.mul(y).sum().add(t.get("x").mul(t.get("x")).sum()));
        for (JsonNode hk : c.get("hooks")) {
            hook(t, hk);
        }
        if (c.has("removed")) {
            for (JsonNode hk : c.get("removed")) {
                hook(t, hk).remove();
            }
        }
        return t;
    }

    private static io.clgrad.RemovableHandle hook(Map<String, Tensor> t, JsonNode hk) {
        float scale = (float) hk.get(1).asDouble();
        float shift = (float) hk.get(2).asDouble();
        return t.get(hk.get(0).asText()).registerHook(g -> g.mul(scale).add(shift));
    }

    private static void backward(String fixture, JsonNode c, Device device) {
        Map<String, Tensor> t = graph(c, device);
        int passes = c.get("passes").asInt();
        String[] leaves = {"x", "w", "b"};
        for (int i = 0; i < passes; i++) {
            t.get("loss").backward(i + 1 < passes);
            for (int k = 0; k < leaves.length; k++) {
                Golden.assertClose(fixture, "grad of " + leaves[k] + " after pass " + (i + 1),
                        c.get("grads").get(i).get(k), t.get(leaves[k]).grad(), device, Golden.TOL);
            }
        }
    }

    private static void grad(String fixture, JsonNode c, Device device) {
        Map<String, Tensor> t = graph(c, device);
        Tensor[] outputs = pick(t, c.get("outputs"));
        Tensor[] wrt = pick(t, c.get("wrt"));
        Tensor[] ups = new Tensor[outputs.length];
        for (int i = 0; i < ups.length; i++) {
            JsonNode u = c.get("upstream").get(i);
            ups[i] = u.isNull() ? null : Golden.tensor(u, device);
        }
        Tensor[] got = Autograd.grad(outputs, wrt, ups, false, false, c.get("allow_unused").asBoolean());
        for (int i = 0; i < wrt.length; i++) {
            JsonNode want = c.get("expected").get(i);
            String what = "grad of " + c.get("wrt").get(i).asText();
            if (want.isNull()) {
                assertNull(got[i], fixture + " / " + what + ": PyTorch gives None");
            } else {
                Golden.assertClose(fixture, what, want, got[i], device, Golden.TOL);
            }
        }
        for (String leaf : new String[] {"x", "w", "b"}) {
            assertNull(t.get(leaf).grad(), fixture + ": Autograd.grad touched " + leaf + ".grad()");
        }
    }

    private static Tensor[] pick(Map<String, Tensor> t, JsonNode names) {
        Tensor[] r = new Tensor[names.size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = t.get(names.get(i).asText());
        }
        return r;
    }

    /** Parameters (zeros) whose grad() are the fixture's gradients, set through a backward of sum(p·g). */
    private static List<Tensor> withGrads(JsonNode grads, Device device) {
        List<Tensor> ps = new ArrayList<>();
        for (JsonNode g : grads) {
            Tensor p = Tensor.zeros(device, Golden.shape(g)).requiresGrad(true);
            p.mul(Golden.tensor(g, device)).sum().backward();
            ps.add(p);
        }
        return ps;
    }

    private static void clipNorm(String fixture, JsonNode c, Device device) {
        List<Tensor> ps = withGrads(c.get("grads"), device);
        JsonNode nt = c.get("norm_type");
        double normType = nt.isTextual() ? Double.POSITIVE_INFINITY : nt.asDouble();
        Tensor total = ClipGrad.clipGradNorm(ps, c.get("max_norm").asDouble(), normType);
        Golden.assertClose(fixture, "total norm", c.get("total"), total, device, Golden.TOL);
        for (int i = 0; i < ps.size(); i++) {
            Golden.assertClose(fixture, "clipped grad " + i, c.get("clipped").get(i), ps.get(i).grad(), device,
                    Golden.TOL);
        }
    }

    private static void clipValue(String fixture, JsonNode c, Device device) {
        List<Tensor> ps = withGrads(c.get("grads"), device);
        ClipGrad.clipGradValue(ps, c.get("clip_value").asDouble());
        for (int i = 0; i < ps.size(); i++) {
            Golden.assertClose(fixture, "clipped grad " + i, c.get("clipped").get(i), ps.get(i).grad(), device,
                    Golden.TOL);
        }
    }
}
