package io.clgrad.golden;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clgrad.Device;
import io.clgrad.Tensor;
import io.clgrad.optim.Adam;
import io.clgrad.optim.ExponentialLR;
import io.clgrad.optim.LambdaLR;
import io.clgrad.optim.MultiStepLR;
import io.clgrad.optim.OneCycleLR;
import io.clgrad.optim.Optimizer;
import io.clgrad.optim.ParamGroup;
import io.clgrad.optim.ReduceLROnPlateau;
import io.clgrad.optim.SGD;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.IntToDoubleFunction;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * MultiStepLR, ExponentialLR, OneCycleLR (cos/linear, three phases, momentum and beta1 cycling),
 * ReduceLROnPlateau (min/max, rel/abs, cooldown, min_lr, eps) and LambdaLR against PyTorch
 * (golden/schedulers.json): both groups' learning rates and momenta at every epoch, for an
 * optimizer over parameters on each device. Halfway through, the optimizer's and the scheduler's
 * state dicts go through JSON into a freshly built optimizer and scheduler, which must continue
 * PyTorch's sequence.
 */
class SchedulerGoldenTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    static Stream<Arguments> cases() {
        return Golden.onEveryDevice("schedulers.json");
    }

    /** A scheduler seen through what the test needs of it. */
    private record Sched(Runnable step, java.util.function.DoubleConsumer stepMetric,
                         Supplier<Map<String, Object>> state, Consumer<Map<String, Object>> load) {
    }

    private static Optimizer optimizer(JsonNode c, Device device) {
        List<Tensor> w1 = List.of(Tensor.zeros(device, 3).requiresGrad(true));
        List<Tensor> w2 = List.of(Tensor.zeros(device, 2).requiresGrad(true));
        Optimizer opt = c.get("optimizer").asText().equals("SGD")
                ? SGD.builder(w1).lr(0.1).momentum(0.9).build()
                : Adam.builder(w1).lr(0.1).betas(0.9, 0.999).build();
        opt.addParamGroup(w2, Map.of("lr", 0.02));
        return opt;
    }

    private static double[] doubles(JsonNode n) {
        double[] out = new double[n.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = n.get(i).asDouble();
        }
        return out;
    }

    private static Sched scheduler(JsonNode c, Optimizer opt) {
        JsonNode k = c.get("kwargs");
        switch (c.get("scheduler").asText()) {
            case "MultiStepLR" -> {
                List<Integer> ms = new ArrayList<>();
                k.get("milestones").forEach(m -> ms.add(m.asInt()));
                MultiStepLR s = k.has("gamma") ? new MultiStepLR(opt, ms, k.get("gamma").asDouble())
                        : new MultiStepLR(opt, ms);
                return new Sched(s::step, null, s::stateDict, s::loadStateDict);
            }
            case "ExponentialLR" -> {
                ExponentialLR s = new ExponentialLR(opt, k.get("gamma").asDouble());
                return new Sched(s::step, null, s::stateDict, s::loadStateDict);
            }
            case "LambdaLR" -> {
                List<IntToDoubleFunction> fs = List.of(e -> Math.pow(0.95, e), e -> 1.0 / (1 + e));
                LambdaLR s = new LambdaLR(opt, fs);
                return new Sched(s::step, null, s::stateDict, s::loadStateDict);
            }
            case "OneCycleLR" -> {
                OneCycleLR.Builder b = OneCycleLR.builder(opt, k.get("max_lr").isArray()
                        ? doubles(k.get("max_lr")) : new double[] {k.get("max_lr").asDouble()});
                if (k.has("total_steps")) {
                    b.totalSteps(k.get("total_steps").asInt());
                }
                if (k.has("epochs")) {
                    b.epochs(k.get("epochs").asInt()).stepsPerEpoch(k.get("steps_per_epoch").asInt());
                }
                if (k.has("pct_start")) {
                    b.pctStart(k.get("pct_start").asDouble());
                }
                if (k.has("anneal_strategy")) {
                    b.annealStrategy(k.get("anneal_strategy").asText());
                }
                if (k.has("three_phase")) {
                    b.threePhase(k.get("three_phase").asBoolean());
                }
                if (k.has("div_factor")) {
                    b.divFactor(k.get("div_factor").asDouble());
                }
                if (k.has("final_div_factor")) {
                    b.finalDivFactor(k.get("final_div_factor").asDouble());
                }
                if (k.has("base_momentum")) {
                    b.baseMomentum(k.get("base_momentum").asDouble());
                }
                if (k.has("max_momentum")) {
                    b.maxMomentum(k.get("max_momentum").asDouble());
                }
                if (k.has("cycle_momentum")) {
                    b.cycleMomentum(k.get("cycle_momentum").asBoolean());
                }
                OneCycleLR s = b.build();
                return new Sched(s::step, null, s::stateDict, s::loadStateDict);
            }
            case "ReduceLROnPlateau" -> {
                ReduceLROnPlateau.Builder b = ReduceLROnPlateau.builder(opt);
                if (k.has("mode")) {
                    b.mode(k.get("mode").asText());
                }
                if (k.has("factor")) {
                    b.factor(k.get("factor").asDouble());
                }
                if (k.has("patience")) {
                    b.patience(k.get("patience").asInt());
                }
                if (k.has("threshold")) {
                    b.threshold(k.get("threshold").asDouble());
                }
                if (k.has("threshold_mode")) {
                    b.thresholdMode(k.get("threshold_mode").asText());
                }
                if (k.has("cooldown")) {
                    b.cooldown(k.get("cooldown").asInt());
                }
                if (k.has("min_lr")) {
                    b.minLr(doubles(k.get("min_lr")));
                }
                if (k.has("eps")) {
                    b.eps(k.get("eps").asDouble());
                }
                ReduceLROnPlateau s = b.build();
                return new Sched(null, s::step, s::stateDict, s::loadStateDict);
            }
            default -> throw new IllegalArgumentException("scheduler " + c.get("scheduler"));
        }
    }

    private static double momentum(ParamGroup g) {
        Object betas = g.get("betas");
        return betas != null ? ((Number) ((List<?>) betas).get(0)).doubleValue() : g.getDouble("momentum");
    }

    private static Map<String, Object> throughJson(Map<String, Object> state) throws Exception {
        return JSON.readValue(JSON.writeValueAsString(state), new TypeReference<Map<String, Object>>() { });
    }

    @ParameterizedTest(name = "{1} on {0}")
    @MethodSource("cases")
    void ratesLikePyTorch(Device device, String name, JsonNode c) throws Exception {
        Optimizer opt = optimizer(c, device);
        Sched s = scheduler(c, opt);
        int epochs = c.get("epochs").asInt();
        int restoreAt = epochs / 2;
        for (int e = 0; e < epochs; e++) {
            if (e == restoreAt) {
                Map<String, Object> optState = throughJson(opt.stateDict());
                Map<String, Object> schedState = throughJson(s.state().get());
                opt = optimizer(c, device);
                s = scheduler(c, opt);
                opt.loadStateDict(optState);
                s.load().accept(schedState);
                assertEquals(JSON.writeValueAsString(schedState), JSON.writeValueAsString(s.state().get()),
                        name + ": state dict after loading it");
            }
            for (int g = 0; g < 2; g++) {
                double want = c.get("lrs").get(e).get(g).asDouble();
                double wantM = c.get("momenta").get(e).get(g).asDouble();
                ParamGroup group = opt.paramGroups().get(g);
                String where = name + " on " + device + ", epoch " + e + ", group " + g
                        + (e >= restoreAt ? " (restored from a state dict at epoch " + restoreAt + ")" : "");
                assertEquals(want, group.lr(), 1e-12 * Math.abs(want), where + ": lr");
                assertEquals(wantM, momentum(group), 1e-12 * Math.abs(wantM), where + ": momentum");
            }
            if (e + 1 < epochs) {
                if (s.step() != null) {
                    s.step().run();
                } else {
                    s.stepMetric().accept(c.get("metrics").get(e).asDouble());
                }
            }
        }
    }
}
