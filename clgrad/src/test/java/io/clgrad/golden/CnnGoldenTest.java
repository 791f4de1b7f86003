package io.clgrad.golden;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.clgrad.Device;
import io.clgrad.Tensor;
import io.clgrad.TensorScope;
import io.clgrad.Tensors;
import io.clgrad.Autograd;
import io.clgrad.nn.BatchNorm2d;
import io.clgrad.nn.Conv2d;
import io.clgrad.nn.CrossEntropyLoss;
import io.clgrad.nn.Flatten;
import io.clgrad.nn.Linear;
import io.clgrad.nn.MaxPool2d;
import io.clgrad.nn.Module;
import io.clgrad.nn.ReLU;
import io.clgrad.nn.Sequential;
import io.clgrad.optim.Adam;
import io.clgrad.optim.Optimizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A CNN of the {@code clgrad train --model cnn} family (two Conv2d 3x3 padding 1 - BatchNorm2d - ReLU -
 * MaxPool2d(2) blocks, Flatten, Linear - ReLU - Linear; scaled down to 4 and 8 channels on 1x12x12
 * images so that the fixture is small) trained 20 steps in training mode with CrossEntropyLoss and
 * Adam(lr=0.01) on one batch of 16 (the convolutions' biases, whose gradient under BatchNorm is
 * rounding noise, held at their initial values), against PyTorch (golden/cnn.json, from scripts/make-golden.py):
 * the output and every gradient of step 1, every loss, the whole state dict (running statistics and
 * num_batches_tracked too) after steps 1, 10 and 20, and the output in eval mode after training.
 * Tolerance 1e-5 relative up to step 10, 1e-4 after (rounding compounds).
 */
class CnnGoldenTest {

    static Stream<Arguments> cases() {
        return Golden.onEveryDevice("cnn.json");
    }

    /** The fixture's network with its initial state dict, on {@code device}. */
    static Sequential network(JsonNode c, Device device) {
        List<Module<?>> parts = new ArrayList<>();
        int in = 1;
        for (JsonNode ch : c.get("channels")) {
            int out = ch.asInt();
            parts.add(new Conv2d(in, out, 3, 1, 1));
            parts.add(new BatchNorm2d(out));
            parts.add(new ReLU());
            parts.add(new MaxPool2d(2));
            in = out;
        }
        int side = Golden.shape(c.get("x"))[2] >> c.get("channels").size();
        int hidden = c.get("hidden").asInt();
        parts.add(new Flatten());
        parts.add(new Linear(in * side * side, hidden));
        parts.add(new ReLU());
        parts.add(new Linear(hidden, c.get("classes").asInt()));
        Sequential m = new Sequential(parts.toArray(new Module<?>[0])).to(device);
        m.loadStateDict(Golden.stateDict(c.get("params"), device));
        return m;
    }

    @ParameterizedTest(name = "{1} on {0}")
    @MethodSource("cases")
    void trainsLikePyTorch(Device device, String name, JsonNode c) {
        String fixture = "cnn.json: " + name;
        Sequential model = network(c, device);
        Map<String, Tensor> named = model.namedParameters();
        // the convolutions' biases are not optimised (see make-golden.py: their gradient is rounding noise)
        List<String> frozen = new ArrayList<>();
        c.get("frozen").forEach(f -> frozen.add(f.asText()));
        List<Tensor> trained = new ArrayList<>();
        named.forEach((k, v) -> {
            if (!frozen.contains(k)) {
                trained.add(v);
            }
        });
        Optimizer opt = new Adam(trained, 0.01);
        CrossEntropyLoss criterion = new CrossEntropyLoss();
        Tensor x = Golden.tensor(c.get("x"), device);
        Tensor y = Golden.tensor(c.get("y"), device);
        model.train();
        int steps = c.get("steps").asInt();
        for (int step = 1; step <= steps; step++) {
            double tol = step <= 10 ? Golden.TOL : Golden.TOL_LONG;
            try (TensorScope s = Tensors.scope()) {
                opt.zeroGrad();
                Tensor out = model.forward(x);
                Tensor loss = criterion.forward(out, y);
                loss.backward();
                if (step == 1) {
                    Golden.assertClose(fixture, "output", c.get("output"), out, device, Golden.TOL);
                    for (Map.Entry<String, Tensor> e : named.entrySet()) {
                        Golden.assertClose(fixture, e.getKey() + ".grad (step 1)", c.get("grads").get(e.getKey()),
                                e.getValue().grad(), device, Golden.TOL);
                    }
                }
                Golden.assertClose(fixture, "loss (step " + step + ")", c.get("losses").get(step - 1), loss.item(),
                        device, tol);
                opt.step();
            }
            JsonNode snap = c.get("after").get(Integer.toString(step));
            if (snap != null) {
                Map<String, Tensor> state = model.stateDict();
                List<String> keys = new ArrayList<>();
                snap.fieldNames().forEachRemaining(keys::add);
                assertEquals(keys, new ArrayList<>(state.keySet()), fixture + ": state-dict keys");
                for (Map.Entry<String, Tensor> e : state.entrySet()) {
                    JsonNode want = snap.get(e.getKey());
                    if (Golden.isInt(want)) {
                        assertEquals(want.get("data").get(0).asInt(), e.getValue().toIntArray()[0],
                                fixture + " / " + e.getKey() + " after " + step + " steps on " + device);
                    } else {
                        Golden.assertClose(fixture, e.getKey() + " after " + step + " steps", want, e.getValue(),
                                device, tol);
                    }
                }
                state.values().forEach(Tensor::close);
            }
        }
        model.eval();
        try (Autograd.Mode g = Autograd.noGrad(); TensorScope s = Tensors.scope()) {
            Golden.assertClose(fixture, "eval-mode output after " + steps + " steps", c.get("eval_output"),
                    model.forward(x), device, Golden.TOL_LONG);
        }
    }
}
