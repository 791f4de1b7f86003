package io.clgrad.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clgrad.Tensor;
import io.clgrad.io.Safetensors;
import io.clgrad.io.SafetensorsFile;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 9 items 6 and 15: {@code --save} writes a state dict with only the metadata needed to rebuild
 * the network, {@code --checkpoint}/{@code --resume} continue a run exactly, files of clgrad 0.1 still
 * load, and a model file's metadata is checked against its tensors before anything is built.
 */
class ModelFilesTest {
    @TempDir
    Path dir;

    private static TrainCommandTest.Run run(String... args) {
        return TrainCommandTest.run(args);
    }

    private static void ok(TrainCommandTest.Run r) {
        assertEquals(0, r.code(), r.err());
    }

    private Path fixture(String name) throws IOException {
        Path p = dir.resolve(name);
        try (InputStream in = ModelFilesTest.class.getResourceAsStream("/models/" + name)) {
            Files.copy(in, p);
        }
        return p;
    }

    // ------------------------------------------------------------------ --save: a state dict

    @Test
    void saveWritesTheStateDictOnlyWithTheMetadataThatRebuildsTheNetwork() throws IOException {
        Path moons = dir.resolve("moons.safetensors");
        ok(run("train", "--device", "cpu", "--samples", "200", "--epochs", "1", "--save", moons.toString(), "--quiet"));
        SafetensorsFile f = Safetensors.load(moons);
        assertEquals(List.of("layer_1.weight", "layer_1.bias", "layer_2.weight", "layer_2.bias"),
                List.copyOf(f.tensors().keySet()));
        assertEquals(Map.of("format", "pt", "clgrad.architecture", "simplenet", "clgrad.layers", "2,10,1",
                "clgrad.task", "binary", "clgrad.data", "two-moons", "clgrad.seed", "42", "clgrad.samples", "200"),
                f.metadata());

        Path blobs = dir.resolve("blobs.safetensors");
        ok(run("train", "--device", "cpu", "--data", "blobs", "--hidden", "6,5", "--samples", "150", "--epochs", "1",
                "--save", blobs.toString(), "--quiet"));
        SafetensorsFile g = Safetensors.load(blobs);
        assertEquals(List.of("0.weight", "0.bias", "2.weight", "2.bias", "4.weight", "4.bias"),
                List.copyOf(g.tensors().keySet()));
        assertArrayEquals(new int[] {6, 2}, g.tensors().get("0.weight").shape());
        assertArrayEquals(new int[] {3}, g.tensors().get("4.bias").shape());
        assertEquals(Map.of("format", "pt", "clgrad.architecture", "mlp", "clgrad.layers", "2,6,5,3",
                "clgrad.task", "multiclass", "clgrad.data", "blobs", "clgrad.seed", "42", "clgrad.samples", "150"),
                g.metadata());
    }

    @Test
    void aModelFileIsNotACheckpoint() {
        Path m = dir.resolve("m.safetensors");
        ok(run("train", "--device", "cpu", "--samples", "100", "--epochs", "1", "--save", m.toString(), "--quiet"));
        TrainCommandTest.Run r = run("train", "--device", "cpu", "--samples", "100", "--epochs", "1", "--resume", m.toString());
        assertNotEquals(0, r.code());
        assertEquals("clgrad train: " + m + ": has no optimizer state: it is a model file (clgrad train --save);"
                + " --resume needs a checkpoint written by clgrad train --checkpoint", r.err().strip());
    }

    // ------------------------------------------------------------------ --checkpoint / --resume

    private static Map<String, float[]> weights(Path p) throws IOException {
        Map<String, float[]> out = new LinkedHashMap<>();
        SafetensorsFile f = Safetensors.load(p);
        f.tensors().forEach((k, t) -> out.put(k, t.toFloatArray()));
        f.tensors().values().forEach(Tensor::close);
        return out;
    }

    private void assertResumeMatchesAnUninterruptedRun(String... settings) throws IOException {
        Path whole = dir.resolve("whole.safetensors");
        Path half = dir.resolve("half.safetensors");
        Path ck = dir.resolve("ck.safetensors");
        Path resumed = dir.resolve("resumed.safetensors");
        ok(run(concat(settings, "--epochs", "3", "--save", whole.toString())));
        ok(run(concat(settings, "--epochs", "1", "--save", half.toString(), "--checkpoint", ck.toString())));
        TrainCommandTest.Run r = run(concat(settings, "--epochs", "2", "--resume", ck.toString(),
                "--save", resumed.toString(), "--checkpoint", ck.toString()));
        ok(r);
        assertTrue(r.out().contains("resuming after epoch 1") && r.out().contains("epoch 3/3"), r.out());
        Map<String, float[]> a = weights(whole);
        Map<String, float[]> b = weights(resumed);
        assertEquals(a.keySet(), b.keySet());
        for (String k : a.keySet()) {
            assertArrayEquals(a.get(k), b.get(k), k + ": 1 epoch + resume 2 epochs differs from 3 epochs");
        }
        assertFalse(java.util.Arrays.equals(a.get(a.keySet().iterator().next()),
                weights(half).get(a.keySet().iterator().next())), "training changed the weights");
        assertEquals("3", Safetensors.readMetadata(ck).get("clgrad.epoch"));
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void resumingFromACheckpointGivesTheUninterruptedRunsWeightsBitForBit() throws IOException {
        assertResumeMatchesAnUninterruptedRun("train", "--device", "cpu", "--samples", "300", "--seed", "5");
    }

    @Test
    void resumingWithSgdMomentumOnAnMlpToo() throws IOException {
        assertResumeMatchesAnUninterruptedRun("train", "--device", "cpu", "--data", "blobs", "--hidden", "8,4",
                "--optimizer", "sgd", "--samples", "300", "--batch-size", "16");
    }

    @Test
    void resumeRefusesAnotherSeedOrOptimizer() {
        Path ck = dir.resolve("ck.safetensors");
        ok(run("train", "--device", "cpu", "--samples", "100", "--epochs", "1", "--checkpoint", ck.toString(), "--quiet"));
        TrainCommandTest.Run seed = run("train", "--device", "cpu", "--samples", "100", "--seed", "1", "--resume", ck.toString());
        assertEquals("clgrad train: " + ck + ": was trained with --seed 42, not 1 (the seed orders the shuffled batches"
                + " and splits the data): resume with --seed 42", seed.err().strip());
        TrainCommandTest.Run opt = run("train", "--device", "cpu", "--samples", "100", "--optimizer", "sgd",
                "--resume", ck.toString());
        assertEquals("clgrad train: " + ck + ": holds Adam optimizer state, but this run's optimizer is SGD"
                + " (pass the --optimizer the checkpoint was trained with)", opt.err().strip());
    }

    /** The learning rate of the first parameter group in a checkpoint's optimizer state. */
    private static double savedLr(Path ck) throws IOException {
        try (io.clgrad.io.Checkpoint c = io.clgrad.io.Checkpoints.load(ck)) {
            return ((Number) ((Map<?, ?>) ((List<?>) c.optimizer().get("param_groups")).get(0)).get("lr")).doubleValue();
        }
    }

    /**
     * --resume used to print the --lr given (or its default) while training on with the checkpoint's
     * rate, which loadStateDict restores. Now, as in PyTorch, the checkpoint's rate wins unless --lr
     * is given, which is then set on every parameter group after loading; the rate used is printed.
     */
    @Test
    void resumeKeepsTheCheckpointsLearningRateUnlessLrIsGiven() throws IOException {
        Path ck = dir.resolve("ck.safetensors");
        Path next = dir.resolve("next.safetensors");
        ok(run("train", "--device", "cpu", "--samples", "100", "--epochs", "1", "--lr", "0.05", "--checkpoint",
                ck.toString(), "--quiet"));
        assertEquals(0.05, savedLr(ck), 1e-12);
        TrainCommandTest.Run kept = run("train", "--device", "cpu", "--samples", "100", "--epochs", "1", "--resume",
                ck.toString(), "--checkpoint", next.toString());
        ok(kept);
        assertTrue(kept.out().contains("adam lr=0.05, "), kept.out());
        assertEquals(0.05, savedLr(next), 1e-12);
        TrainCommandTest.Run given = run("train", "--device", "cpu", "--samples", "100", "--epochs", "1", "--lr", "0.002",
                "--resume", ck.toString(), "--checkpoint", next.toString());
        ok(given);
        assertTrue(given.out().contains("adam lr=0.002, "), given.out());
        assertEquals(0.002, savedLr(next), 1e-12);
    }

    /** --hidden was silently ignored on --resume (the checkpoint's network was built); a different one is refused. */
    @Test
    void resumeRefusesAHiddenSizeThatDiffersFromTheCheckpoint() {
        Path ck = dir.resolve("ck.safetensors");
        ok(run("train", "--device", "cpu", "--data", "blobs", "--hidden", "8,4", "--samples", "100", "--epochs", "1",
                "--checkpoint", ck.toString(), "--quiet"));
        TrainCommandTest.Run r = run("train", "--device", "cpu", "--data", "blobs", "--hidden", "16", "--samples", "100",
                "--epochs", "1", "--resume", ck.toString());
        assertEquals(2, r.code(), r.err());
        assertEquals("clgrad train: --hidden 16 does not match " + ck + ", whose hidden sizes are 8,4; leave --hidden"
                + " out when resuming (the checkpoint's network is used)", r.err().strip());
        assertFalse(r.out().contains("epoch "), r.out());
        ok(run("train", "--device", "cpu", "--data", "blobs", "--hidden", "8,4", "--samples", "100", "--epochs", "1",
                "--resume", ck.toString(), "--quiet"));
    }

    // ------------------------------------------------------------------ files of clgrad 0.1

    @Test
    void modelFilesSavedByClgrad01StillEvaluatePredictAndResume() throws IOException {
        // saved by clgrad 0.1 (train --samples 200 --epochs 2 --seed 7 --save ...), whose --save wrote a
        // full checkpoint; eval printed these lines then
        Path moons = fixture("v0.1-simplenet-two-moons.safetensors");
        TrainCommandTest.Run e = run("eval", "--model", moons.toString(), "--device", "cpu");
        ok(e);
        assertEquals(moons + ": validation accuracy 0.5000, loss 0.6898 on 40 samples (two-moons, cpu)", e.out().strip());
        Path blobs = fixture("v0.1-mlp-blobs.safetensors");
        e = run("eval", "--model", blobs.toString(), "--device", "cpu");
        ok(e);
        assertEquals(blobs + ": validation accuracy 0.3000, loss 1.1384 on 40 samples (blobs, cpu)", e.out().strip());
        TrainCommandTest.Run p = run("predict", "--model", blobs.toString(), "--input", "0.5,0.5");
        ok(p);
        assertTrue(p.out().matches("0\\.5,0\\.5 -> class [012]\\s*"), p.out());

        TrainCommandTest.Run r = run("train", "--device", "cpu", "--data", "blobs", "--optimizer", "sgd", "--samples", "200",
                "--seed", "7", "--epochs", "1", "--resume", blobs.toString());
        ok(r);
        assertTrue(r.out().contains("epoch 3/3"), r.out());
    }
}
