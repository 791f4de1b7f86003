package io.clgrad.golden;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clgrad.Device;
import io.clgrad.LossReduction;
import io.clgrad.Tensor;
import io.clgrad.TestDevices;
import io.clgrad.nn.BCELoss;
import io.clgrad.nn.BCEWithLogitsLoss;
import io.clgrad.nn.CrossEntropyLoss;
import io.clgrad.nn.L1Loss;
import io.clgrad.nn.Linear;
import io.clgrad.nn.Loss;
import io.clgrad.nn.MSELoss;
import io.clgrad.nn.Module;
import io.clgrad.nn.NLLLoss;
import io.clgrad.nn.ReLU;
import io.clgrad.nn.Sequential;
import io.clgrad.nn.Sigmoid;
import io.clgrad.nn.Tanh;
import io.clgrad.optim.Adam;
import io.clgrad.optim.AdamBuilder;
import io.clgrad.optim.AdamW;
import io.clgrad.optim.Optimizer;
import io.clgrad.optim.SGD;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/**
 * Reads the PyTorch fixtures under clgrad/src/test/resources/golden/ (written by scripts/make-golden.py)
 * and compares clgrad's results with them: |got - want| <= tol * max(1, |want|), element by element.
 */
final class Golden {
    /** Relative tolerance for outputs, gradients and up to 10 optimizer steps. */
    static final double TOL = 1e-5 * scale();
    /** Relative tolerance after more than 10 optimizer steps (the 50-step MLP). */
    static final double TOL_LONG = 1e-4 * scale();

    private Golden() {
    }

    /** -Dclgrad.golden.tolScale=0.1 tightens both tolerances, to see how much margin each fixture has. */
    private static double scale() {
        return Double.parseDouble(System.getProperty("clgrad.golden.tolScale", "1"));
    }

    /** The cases of one fixture file, by name. */
    static List<JsonNode> cases(String file) {
        try (InputStream in = Golden.class.getResourceAsStream("/golden/" + file)) {
            assertNotNull(in, "missing fixture /golden/" + file + " (run scripts/make-golden.py)");
            List<JsonNode> out = new ArrayList<>();
            new ObjectMapper().readTree(in).get("cases").forEach(out::add);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every (device, case name, case) of a fixture file, for {@code @MethodSource}. */
    static Stream<Arguments> onEveryDevice(String file) {
        List<JsonNode> cases = cases(file);
        List<Arguments> args = new ArrayList<>();
        for (Device d : TestDevices.all()) {
            for (JsonNode c : cases) {
                args.add(Arguments.of(d, c.get("name").asText(), c));
            }
        }
        return args.stream();
    }

    static int[] shape(JsonNode t) {
        int[] s = new int[t.get("shape").size()];
        for (int i = 0; i < s.length; i++) {
            s[i] = t.get("shape").get(i).asInt();
        }
        return s;
    }

    static float value(JsonNode v) {
        if (v.isTextual()) {
            return switch (v.asText()) {
                case "nan" -> Float.NaN;
                case "inf" -> Float.POSITIVE_INFINITY;
                case "-inf" -> Float.NEGATIVE_INFINITY;
                default -> throw new IllegalArgumentException("bad value " + v);
            };
        }
        return (float) v.asDouble();
    }

    static float[] floats(JsonNode t) {
        JsonNode data = t.get("data");
        float[] out = new float[data.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = value(data.get(i));
        }
        return out;
    }

    static boolean isInt(JsonNode t) {
        return t.has("dtype") && t.get("dtype").asText().equals("int32");
    }

    /** The fixture tensor, exactly, on {@code device} (int32 when the fixture says so). */
    static Tensor tensor(JsonNode t, Device device) {
        if (isInt(t)) {
            JsonNode data = t.get("data");
            int[] v = new int[data.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = data.get(i).asInt();
            }
            return zeroDim(Tensor.of(device, v, shape(t)), shape(t));
        }
        return zeroDim(Tensor.of(device, floats(t), shape(t)), shape(t));
    }

    /** {@code t} as a 0-d tensor when the fixture's shape is [] (Tensor.of reads an empty shape as [n]). */
    private static Tensor zeroDim(Tensor t, int[] shape) {
        if (shape.length > 0) {
            return t;
        }
        try (t) {
            return t.reshape();
        }
    }

    /** A leaf tensor that requires grad. */
    static Tensor leaf(JsonNode t, Device device) {
        return tensor(t, device).requiresGrad(true);
    }

    /** Fails naming fixture, tensor, index, got, want and device for the elements out of tolerance. */
    static void assertClose(String fixture, String what, JsonNode want, Tensor got, Device device, double tol) {
        String where = fixture + " / " + what + " on " + device;
        if (got == null) {
            fail(where + ": got no tensor (null), want shape " + Arrays.toString(shape(want)));
        }
        if (!Arrays.equals(shape(want), got.shape())) {
            fail(where + ": got shape " + Arrays.toString(got.shape()) + ", want " + Arrays.toString(shape(want)));
        }
        assertClose(fixture, what, floats(want), got.toFloatArray(), device, tol);
    }

    static void assertClose(String fixture, String what, float[] want, float[] got, Device device, double tol) {
        String where = fixture + " / " + what + " on " + device;
        if (want.length != got.length) {
            fail(where + ": got " + got.length + " values, want " + want.length);
        }
        StringBuilder sb = new StringBuilder();
        int bad = 0;
        double worst = 0;
        for (int i = 0; i < want.length; i++) {
            float w = want[i];
            float g = got[i];
            boolean ok;
            if (Float.isNaN(w) || Float.isInfinite(w)) {
                ok = Float.compare(w, g) == 0;
            } else {
                double err = Math.abs((double) g - w);
                ok = err <= tol * Math.max(1, Math.abs(w));
                if (!Double.isNaN(err)) {
                    worst = Math.max(worst, err / Math.max(1, Math.abs(w)));
                } else {
                    worst = Double.NaN;
                }
            }
            if (!ok) {
                if (bad < 8) {
                    sb.append("\n  [").append(i).append("] got ").append(g).append(", want ").append(w);
                }
                bad++;
            }
        }
        if (bad > 0) {
            fail(where + ": " + bad + " of " + want.length + " values differ by more than " + tol
                    + " * max(1, |want|) (worst relative error " + worst + "):" + sb);
        }
    }

    static void assertClose(String fixture, String what, JsonNode want, float got, Device device, double tol) {
        assertClose(fixture, what, new float[] {value(want)}, new float[] {got}, device, tol);
    }

    // ---------------------------------------------------------------- building what PyTorch built

    /** Children registered under given names and applied in order (SimpleNet's layer_1, relu, layer_2). */
    static final class NamedNet extends Module<NamedNet> {
        private final List<Module<?>> layers = new ArrayList<>();

        NamedNet(List<String> names, List<Module<?>> modules) {
            for (int i = 0; i < names.size(); i++) {
                layers.add(register(names.get(i), modules.get(i)));
            }
        }

        @Override
        public Tensor forward(Tensor x) {
            for (Module<?> m : layers) {
                x = m.forward(x);
            }
            return x;
        }
    }

    /** The model of a training case on {@code device}, holding the fixture's initial parameters. */
    static Module<?> model(JsonNode c, Device device) {
        List<Module<?>> layers = new ArrayList<>();
        for (JsonNode s : c.get("model")) {
            switch (s.get(0).asText()) {
                case "linear" -> layers.add(new Linear(s.get(1).asInt(), s.get(2).asInt(),
                        s.size() < 4 || s.get(3).asBoolean()));
                case "relu" -> layers.add(new ReLU());
                case "sigmoid" -> layers.add(new Sigmoid());
                case "tanh" -> layers.add(new Tanh());
                default -> throw new IllegalArgumentException("layer " + s);
            }
        }
        Module<?> m;
        JsonNode names = c.get("names");
        if (names == null || names.isNull()) {
            m = new Sequential(layers.toArray(new Module<?>[0]));
        } else {
            List<String> n = new ArrayList<>();
            names.forEach(x -> n.add(x.asText()));
            m = new NamedNet(n, layers);
        }
        m.to(device);
        m.loadStateDict(stateDict(c.get("params"), device));
        return m;
    }

    static Map<String, Tensor> stateDict(JsonNode params, Device device) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = params.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            out.put(e.getKey(), tensor(e.getValue(), device));
        }
        return out;
    }

    /** The loss a fixture names, with its reduction, weights, smoothing and ignore index, on {@code device}. */
    static Loss<?> loss(JsonNode spec, Device device) {
        LossReduction r = LossReduction.valueOf(spec.has("reduction") ? spec.get("reduction").asText().toUpperCase() : "MEAN");
        Tensor weight = spec.has("weight") ? tensor(spec.get("weight"), device) : null;
        Tensor posWeight = spec.has("pos_weight") ? tensor(spec.get("pos_weight"), device) : null;
        int ignoreIndex = spec.has("ignore_index") ? spec.get("ignore_index").asInt() : -100;
        double smoothing = spec.has("label_smoothing") ? spec.get("label_smoothing").asDouble() : 0.0;
        return switch (spec.get("type").asText()) {
            case "BCEWithLogitsLoss" -> new BCEWithLogitsLoss(weight, posWeight, r);
            case "BCELoss" -> new BCELoss(weight, r);
            case "MSELoss" -> new MSELoss(r);
            case "L1Loss" -> new L1Loss(r);
            case "CrossEntropyLoss" -> new CrossEntropyLoss(weight, ignoreIndex, smoothing, r);
            case "NLLLoss" -> new NLLLoss(weight, ignoreIndex, r);
            default -> throw new IllegalArgumentException("loss " + spec);
        };
    }

    /** The optimizer a fixture names; options it leaves out keep clgrad's defaults (which must be PyTorch's). */
    /** The fixture's Adam/AdamW options applied to a builder. */
    private static <B extends AdamBuilder<B, ?>> B adamOptions(JsonNode spec, B b) {
        if (spec.has("betas")) {
            b.betas(spec.get("betas").get(0).asDouble(), spec.get("betas").get(1).asDouble());
        }
        if (spec.has("eps")) {
            b.eps(spec.get("eps").asDouble());
        }
        if (spec.has("weight_decay")) {
            b.weightDecay(spec.get("weight_decay").asDouble());
        }
        if (spec.has("amsgrad")) {
            b.amsgrad(spec.get("amsgrad").asBoolean());
        }
        return b;
    }

    static Optimizer optimizer(JsonNode spec, List<Tensor> params) {
        double lr = spec.get("lr").asDouble();
        switch (spec.get("type").asText()) {
            case "SGD" -> {
                SGD.Builder b = SGD.builder(params).lr(lr);
                if (spec.has("momentum")) {
                    b.momentum(spec.get("momentum").asDouble());
                }
                if (spec.has("dampening")) {
                    b.dampening(spec.get("dampening").asDouble());
                }
                if (spec.has("nesterov")) {
                    b.nesterov(spec.get("nesterov").asBoolean());
                }
                if (spec.has("weight_decay")) {
                    b.weightDecay(spec.get("weight_decay").asDouble());
                }
                return b.build();
            }
            case "Adam" -> {
                return adamOptions(spec, Adam.builder(params).lr(lr)).build();
            }
            case "AdamW" -> {
                return adamOptions(spec, AdamW.builder(params).lr(lr)).build();
            }
            case "RMSprop", "Adagrad" -> {
                return OptimizerOptions.rmspropOrAdagrad(spec, params);
            }
            default -> throw new IllegalArgumentException("optimizer " + spec);
        }
    }

    /**
     * Replays a training case: {@code steps} times zeroGrad, forward, loss, backward, step on the one
     * batch, checking the first output and gradients, every loss, and the parameters after each
     * recorded step. Steps after the 10th are held to {@link #TOL_LONG}.
     */
    static void replayTraining(String fixture, JsonNode c, Device device) {
        String name = fixture + ": " + c.get("name").asText();
        Module<?> model = model(c, device);
        Map<String, Tensor> named = model.namedParameters();
        Loss<?> criterion = loss(c.get("loss"), device);
        Optimizer opt = optimizer(c.get("optimizer"), model.parameters());
        Tensor x = tensor(c.get("x"), device);
        Tensor y = tensor(c.get("y"), device);
        int steps = c.get("steps").asInt();
        JsonNode after = c.get("after");
        for (int step = 1; step <= steps; step++) {
            double tol = step <= 10 ? TOL : TOL_LONG;
            opt.zeroGrad();
            Tensor out = model.forward(x);
            Tensor loss = criterion.forward(out, y);
            loss.backward();
            if (step == 1) {
                assertClose(name, "output", c.get("output"), out, device, TOL);
                for (Map.Entry<String, Tensor> e : named.entrySet()) {
                    assertClose(name, e.getKey() + ".grad (step 1)", c.get("grads").get(e.getKey()),
                            e.getValue().grad(), device, TOL);
                }
            }
            assertClose(name, "loss (step " + step + ")", c.get("losses").get(step - 1), loss.item(), device, tol);
            opt.step();
            JsonNode snap = after.get(Integer.toString(step));
            if (snap != null) {
                for (Map.Entry<String, Tensor> e : named.entrySet()) {
                    assertClose(name, e.getKey() + " after " + step + " steps", snap.get(e.getKey()),
                            e.getValue(), device, tol);
                }
            }
        }
    }
}
