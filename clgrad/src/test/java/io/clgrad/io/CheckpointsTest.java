package io.clgrad.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clgrad.Device;
import io.clgrad.TestDevices;
import io.clgrad.Tensor;
import io.clgrad.nn.Linear;
import io.clgrad.nn.MSELoss;
import io.clgrad.nn.Module;
import io.clgrad.nn.ReLU;
import io.clgrad.nn.Sequential;
import io.clgrad.optim.Adam;
import io.clgrad.optim.LRScheduler;
import io.clgrad.optim.Optimizer;
import io.clgrad.optim.SGD;
import io.clgrad.optim.StepLR;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Checkpoints: model, optimizer and scheduler state dicts survive a save and load, and training
 * continues identically when the caller loads them back into its modules.
 */
class CheckpointsTest {
    @TempDir
    Path dir;

    private static Module<?> model(long seed) {
        Tensor.manualSeed(seed);
        return new Sequential(new Linear(3, 8), new ReLU(), new Linear(8, 2));
    }

    private static Adam adam(Module<?> m) {
        return Adam.builder(m.parameters()).lr(0.01).betas(0.8, 0.99).weightDecay(0.001).build();
    }

    private static final Tensor X = Tensor.of(new float[] {0.5f, -1f, 2f, 1f, 0f, -0.5f, -2f, 0.25f, 1.5f, 0.1f, 0.2f, 0.3f}, 4, 3);
    private static final Tensor Y = Tensor.of(new float[] {1, 0, 0, 1, -1, 2, 0.5f, 0.5f}, 4, 2);

    private static void train(Module<?> m, Optimizer opt, int steps) {
        train(m, opt, steps, X, Y);
    }

    private static void train(Module<?> m, Optimizer opt, int steps, Tensor x, Tensor y) {
        MSELoss mse = new MSELoss();
        for (int i = 0; i < steps; i++) {
            opt.zeroGrad();
            Tensor loss = mse.forward(m.forward(x), y);
            loss.backward();
            opt.step();
        }
    }

    private static List<float[]> params(Module<?> m) {
        List<float[]> out = new ArrayList<>();
        for (Tensor p : m.parameters()) {
            out.add(p.toFloatArray());
        }
        return out;
    }

    private static void assertSameParams(List<float[]> a, List<float[]> b) {
        assertEquals(a.size(), b.size());
        for (int i = 0; i < a.size(); i++) {
            assertArrayEquals(a.get(i), b.get(i), "parameter " + i);
        }
    }

    /** What a caller saves: the state dicts, the optimizer's with its class name. */
    private static Checkpoint checkpoint(Module<?> m, Optimizer opt, Map<String, String> meta) {
        Map<String, Object> osd = null;
        if (opt != null) {
            osd = new LinkedHashMap<>(opt.stateDict());
            osd.put("type", opt.getClass().getSimpleName());
        }
        return new Checkpoint(m.stateDict(), osd, null, meta);
    }

    /** What a caller loads: the model strictly, then the optimizer. */
    private static Map<String, String> load(Path p, Module<?> m, Optimizer opt) throws IOException {
        try (Checkpoint ck = Checkpoints.load(p)) {
            m.loadStateDict(ck.model());
            if (opt != null) {
                opt.loadStateDict(ck.optimizer());
            }
            return ck.metadata();
        }
    }

    @Test
    void resumingFromACheckpointContinuesTrainingExactly() throws IOException {
        Module<?> m = model(1);
        Adam opt = adam(m);
        train(m, opt, 5);
        Path p = dir.resolve("ckpt.safetensors");
        Checkpoints.save(p, checkpoint(m, opt, Map.of("epoch", "5", "clgrad.model", "mlp")));

        train(m, opt, 7);
        List<float[]> uninterrupted = params(m);

        Module<?> m2 = model(2);
        Adam opt2 = Adam.builder(m2.parameters()).lr(0.5).build();   // other options: restored from the file
        Map<String, String> meta = load(p, m2, opt2);
        assertEquals(Map.of("epoch", "5", "clgrad.model", "mlp"), meta);   // the optimizer's key is not the caller's
        assertEquals(0.01, opt2.lr());
        assertEquals(List.of(0.8, 0.99), opt2.paramGroups().get(0).get("betas"));
        train(m2, opt2, 7);
        assertSameParams(uninterrupted, params(m2));
    }

    static java.util.stream.Stream<Device> devices() {
        return TestDevices.all().stream();
    }

    @ParameterizedTest
    @MethodSource("devices")
    void resumingWorksOnEveryDevice(Device device) throws IOException {
        Module<?> m = model(1).to(device);
        Adam opt = adam(m);
        Tensor x = X.to(device);
        Tensor y = Y.to(device);
        train(m, opt, 3, x, y);
        Path p = dir.resolve("dev.safetensors");
        Checkpoints.save(p, checkpoint(m, opt, null));
        train(m, opt, 4, x, y);
        Module<?> m2 = model(2).to(device);
        Adam opt2 = adam(m2);
        load(p, m2, opt2);
        assertEquals(device, m2.parameters().get(0).device());
        train(m2, opt2, 4, x, y);
        assertSameParams(params(m), params(m2));
    }

    @Test
    void theFileIsAPlainWeightFileWithOptimizerStateBeside() throws IOException {
        Module<?> m = model(1);
        Adam opt = adam(m);
        train(m, opt, 3);
        Path p = dir.resolve("ckpt.safetensors");
        Checkpoints.save(p, checkpoint(m, opt, null));
        SafetensorsFile f = Safetensors.load(p);
        assertEquals(List.of("0.weight", "0.bias", "2.weight", "2.bias",
                "optimizer.state.0.exp_avg", "optimizer.state.0.exp_avg_sq",
                "optimizer.state.1.exp_avg", "optimizer.state.1.exp_avg_sq",
                "optimizer.state.2.exp_avg", "optimizer.state.2.exp_avg_sq",
                "optimizer.state.3.exp_avg", "optimizer.state.3.exp_avg_sq"), List.copyOf(f.tensors().keySet()));
        String json = f.metadata().get(Checkpoints.OPTIMIZER_KEY);
        assertTrue(json.startsWith("{\"type\":\"Adam\",\"param_groups\":[{\"lr\":0.01,\"betas\":[0.8,0.99]"), json);
        assertTrue(json.endsWith("\"state\":{\"0\":{\"step\":3},\"1\":{\"step\":3},\"2\":{\"step\":3},\"3\":{\"step\":3}}}"),
                json);
        assertEquals(f.metadata(), Checkpoints.readMetadata(p));
        try (Checkpoint ck = Checkpoints.load(p)) {
            assertEquals(List.of("0.weight", "0.bias", "2.weight", "2.bias"), List.copyOf(ck.model().keySet()));
            assertEquals("Adam", ck.optimizer().get("type"));
            assertEquals(null, ck.scheduler());
        }
    }

    @Test
    void aPlainWeightFileLoadsAsAModelOnlyCheckpoint() throws IOException {
        Module<?> m = model(1);
        Adam opt = adam(m);
        train(m, opt, 2);
        Path modelOnly = dir.resolve("b.safetensors");
        Checkpoints.save(modelOnly, checkpoint(m, null, Map.of("k", "v")));
        assertFalse(Safetensors.load(modelOnly).metadata().containsKey(Checkpoints.OPTIMIZER_KEY));
        try (Checkpoint ck = Checkpoints.load(modelOnly)) {
            assertEquals(null, ck.optimizer());
            assertEquals(Map.of("k", "v"), ck.metadata());
        }
        Module<?> m3 = model(4);
        assertEquals(Map.of("k", "v"), load(modelOnly, m3, null));
        assertSameParams(params(m), params(m3));
    }

    @Test
    void aFreshOptimizerWithoutStateRoundTrips() throws IOException {
        Module<?> m = model(1);
        Adam opt = adam(m);
        Path p = dir.resolve("fresh.safetensors");
        Checkpoints.save(p, checkpoint(m, opt, null));
        Module<?> m2 = model(1);
        Adam opt2 = adam(m2);
        load(p, m2, opt2);
        train(m, opt, 3);
        train(m2, opt2, 3);
        assertSameParams(params(m), params(m2));
    }

    @Test
    void mismatchesGetClearMessagesAndChangeNothing() throws IOException {
        Module<?> m = model(1);
        Adam opt = adam(m);
        train(m, opt, 1);
        Path p = dir.resolve("ckpt.safetensors");
        Checkpoints.save(p, checkpoint(m, opt, null));

        Module<?> other = new Sequential(new Linear(3, 5), new ReLU(), new Linear(5, 2));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> load(p, other, null));
        assertTrue(e.getMessage().contains("size mismatch for 0.weight"), e.getMessage());

        try (Checkpoint ck = Checkpoints.load(p)) {
            Module<?> m2 = model(2);
            SGD sgd = new SGD(m2.parameters(), 0.1);
            e = assertThrows(IllegalArgumentException.class, () -> sgd.loadStateDict(ck.optimizer()));
            assertEquals("loadStateDict: the state dict is Adam optimizer state, but this optimizer is SGD", e.getMessage());
            assertEquals(0.1, sgd.lr());

            // an optimizer over other parameters: refused before it changes
            Module<?> m3 = model(3);
            Adam partial = new Adam(m3.parameters().subList(0, 2), 0.1);
            e = assertThrows(IllegalArgumentException.class, () -> partial.loadStateDict(ck.optimizer()));
            assertTrue(e.getMessage().contains("group 0 has 4 parameters, this optimizer's has 2"), e.getMessage());
            assertEquals(0.1, partial.lr());
            Module<?> m4 = model(4);
            List<Tensor> reversed = new ArrayList<>(m4.parameters());
            java.util.Collections.reverse(reversed);
            Adam rev = new Adam(reversed, 0.1);
            e = assertThrows(IllegalArgumentException.class, () -> rev.loadStateDict(ck.optimizer()));
            assertTrue(e.getMessage().contains("state 'exp_avg' of parameter 0 has shape [8, 3], the parameter"
                    + " has shape [2]"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class,
                () -> Checkpoints.save(p, checkpoint(m, opt, Map.of(Checkpoints.OPTIMIZER_KEY, "x"))));
        assertThrows(IllegalArgumentException.class, () -> Checkpoints.save(p,
                new Checkpoint(Map.of("optimizer.state.0.x", Tensor.scalar(1f)), opt.stateDict(), null, null)));
    }

    @Test
    void sgdWithMomentumRoundTrips() throws IOException {
        Module<?> m = model(1);
        SGD opt = SGD.builder(m.parameters()).lr(0.05).momentum(0.9).nesterov(true).build();
        train(m, opt, 4);
        Path p = dir.resolve("sgd.safetensors");
        Checkpoints.save(p, checkpoint(m, opt, null));
        train(m, opt, 3);
        Module<?> m2 = model(9);
        SGD opt2 = new SGD(m2.parameters(), 0.3);
        load(p, m2, opt2);
        assertNotEquals(0.3, opt2.lr());
        train(m2, opt2, 3);
        assertSameParams(params(m), params(m2));
    }

    @Test
    void schedulerStateRoundTripsAndTheLearningRateScheduleContinues() throws IOException {
        Module<?> m = model(1);
        SGD opt = new SGD(m.parameters(), 0.1);
        LRScheduler sched = new StepLR(opt, 2, 0.5);
        for (int epoch = 0; epoch < 3; epoch++) {
            train(m, opt, 1);
            sched.step();
        }
        Path p = dir.resolve("sched.safetensors");
        Checkpoints.save(p, new Checkpoint(m.stateDict(), opt.stateDict(), sched.stateDict(), Map.of()));
        List<Double> uninterrupted = new ArrayList<>();
        for (int epoch = 3; epoch < 7; epoch++) {
            train(m, opt, 1);
            sched.step();
            uninterrupted.add(opt.lr());
        }

        Module<?> m2 = model(2);
        SGD opt2 = new SGD(m2.parameters(), 0.1);
        LRScheduler sched2 = new StepLR(opt2, 2, 0.5);
        try (Checkpoint ck = Checkpoints.load(p)) {
            assertEquals(Map.of(), ck.metadata());
            m2.loadStateDict(ck.model());
            opt2.loadStateDict(ck.optimizer());
            sched2.loadStateDict(ck.scheduler());
        }
        assertEquals(3, sched2.lastEpoch());
        List<Double> resumed = new ArrayList<>();
        for (int epoch = 3; epoch < 7; epoch++) {
            train(m2, opt2, 1);
            sched2.step();
            resumed.add(opt2.lr());
        }
        assertEquals(uninterrupted, resumed);
        assertSameParams(params(m), params(m2));
    }
}
