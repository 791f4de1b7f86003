package io.clgrad.golden;

import com.fasterxml.jackson.databind.JsonNode;
import io.clgrad.Tensor;
import io.clgrad.optim.Adagrad;
import io.clgrad.optim.Optimizer;
import io.clgrad.optim.RMSprop;
import java.util.List;

/** Builds the RMSprop and Adagrad optimizers a fixture names; options it leaves out keep clgrad's defaults. */
final class OptimizerOptions {
    private OptimizerOptions() {
    }

    static Optimizer rmspropOrAdagrad(JsonNode spec, List<Tensor> params) {
        double lr = spec.get("lr").asDouble();
        if (spec.get("type").asText().equals("RMSprop")) {
            RMSprop.Builder b = RMSprop.builder(params).lr(lr);
            if (spec.has("alpha")) {
                b.alpha(spec.get("alpha").asDouble());
            }
            if (spec.has("eps")) {
                b.eps(spec.get("eps").asDouble());
            }
            if (spec.has("weight_decay")) {
                b.weightDecay(spec.get("weight_decay").asDouble());
            }
            if (spec.has("momentum")) {
                b.momentum(spec.get("momentum").asDouble());
            }
            if (spec.has("centered")) {
                b.centered(spec.get("centered").asBoolean());
            }
            return b.build();
        }
        Adagrad.Builder b = Adagrad.builder(params).lr(lr);
        if (spec.has("lr_decay")) {
            b.lrDecay(spec.get("lr_decay").asDouble());
        }
        if (spec.has("weight_decay")) {
            b.weightDecay(spec.get("weight_decay").asDouble());
        }
        if (spec.has("initial_accumulator_value")) {
            b.initialAccumulatorValue(spec.get("initial_accumulator_value").asDouble());
        }
        if (spec.has("eps")) {
            b.eps(spec.get("eps").asDouble());
        }
        return b.build();
    }
}
