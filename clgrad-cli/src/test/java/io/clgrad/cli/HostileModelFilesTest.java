package io.clgrad.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.clgrad.Tensor;
import io.clgrad.io.Safetensors;
import io.clgrad.io.SafetensorsFile;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 9 item 6: a model file's metadata is checked against its tensors' shapes before the network
 * is built, and every bad file gets a one-line reason naming it (never "internal error"). The hostile
 * files are made here from the SimpleNet fixture of clgrad 0.1 with edited metadata or tensors.
 */
class HostileModelFilesTest {
    @TempDir
    Path dir;

    private Path good;

    @BeforeEach
    void copyFixture() throws IOException {
        good = dir.resolve("good.safetensors");
        try (InputStream in = getClass().getResourceAsStream("/models/v0.1-simplenet-two-moons.safetensors")) {
            Files.copy(in, good);
        }
    }

    /** A copy of the fixture with its metadata edited. */
    private Path withMetadata(String name, Consumer<Map<String, String>> edit) throws IOException {
        return rewrite(name, (tensors, meta) -> edit.accept(meta));
    }

    private Path rewrite(String name, java.util.function.BiConsumer<Map<String, Tensor>, Map<String, String>> edit)
            throws IOException {
        SafetensorsFile f = Safetensors.load(good);
        Map<String, Tensor> tensors = new LinkedHashMap<>(f.tensors());
        Map<String, String> meta = new LinkedHashMap<>(f.metadata());
        edit.accept(tensors, meta);
        Path p = dir.resolve(name + ".safetensors");
        Safetensors.save(p, tensors, meta);
        return p;
    }

    /** Runs eval and predict on {@code file}; both must fail with exactly {@code problem} after the file name. */
    static void refused(Path file, String problem) {
        for (String[] args : new String[][] {
                {"eval", "--model", file.toString(), "--device", "cpu"},
                {"predict", "--model", file.toString(), "--device", "cpu", "--input", "0,0"}}) {
            TrainCommandTest.Run r = TrainCommandTest.run(args);
            assertNotEquals(0, r.code(), r.out());
            assertEquals("clgrad " + args[0] + ": " + file + ": " + problem, r.err().strip());
            assertFalse(r.err().contains("internal error"), r.err());
        }
    }

    @Test
    void metadataAskingForHugeLayersIsRefusedBeforeAnythingIsAllocated() throws IOException {
        // was: 3.6 GB allocated for 13 s, then "internal error: DeviceOutOfMemoryException"
        Path p = withMetadata("wide", m -> {
            m.put("clgrad.layers", "2,30000,30000,1");
            m.put("clgrad.architecture", "mlp");
        });
        refused(p, "metadata clgrad.layers 2,30000,30000,1 (binary) describes 6 tensors (3 linear layers), but the"
                + " file holds 4 model tensors");
        Path simple = withMetadata("wide-simplenet", m -> m.put("clgrad.layers", "2,30000,1"));
        refused(simple, "metadata clgrad.layers 2,30000,1 (binary) needs layer_1.weight of shape [30000, 2], but the"
                + " file's is [10, 2]");
    }

    @Test
    void aHugeSampleCountIsRefused() throws IOException {
        // was: "internal error: NegativeArraySizeException: -294967296"
        refused(withMetadata("samples", m -> m.put("clgrad.samples", "2000000000")),
                "metadata clgrad.samples is '2000000000'; expected a sample count from 1 to 10,000,000");
        refused(withMetadata("samples-neg", m -> m.put("clgrad.samples", "-5")),
                "metadata clgrad.samples is '-5'; expected a sample count from 1 to 10,000,000");
    }

    @Test
    void badMetadataValuesNameTheKey() throws IOException {
        refused(withMetadata("seed", m -> m.put("clgrad.seed", "abc")), "metadata clgrad.seed is 'abc', not an integer");
        refused(withMetadata("data", m -> m.put("clgrad.data", "imagenet")), "metadata clgrad.data is 'imagenet', not a"
                + " data set clgrad knows (two-moons, circles, xor, blobs, fashion-mnist, mnist, csv)");
        refused(withMetadata("task", m -> m.put("clgrad.task", "regression")),
                "metadata clgrad.task is 'regression'; expected binary or multiclass");
        refused(withMetadata("layers", m -> m.put("clgrad.layers", "2,x,1")),
                "metadata clgrad.layers is '2,x,1': 'x' is not a layer size (an integer from 1 to 2147483647)");
        refused(withMetadata("layers-big", m -> m.put("clgrad.layers", "2,99999999999,1")), "metadata clgrad.layers is"
                + " '2,99999999999,1': '99999999999' is not a layer size (an integer from 1 to 2147483647)");
        refused(withMetadata("one", m -> m.put("clgrad.layers", "2")),
                "metadata clgrad.layers is '2'; expected at least an input and an output size, e.g. 2,10,1");
        refused(withMetadata("outputs", m -> m.put("clgrad.layers", "2,10,3")),
                "metadata clgrad.layers is '2,10,3': a binary model has one output, not 3");
        refused(withMetadata("arch", m -> m.put("clgrad.architecture", "resnet")),
                "metadata clgrad.architecture is 'resnet', but clgrad.layers 2,10,1 (binary) describes a simplenet");
        refused(withMetadata("none", m -> m.clear()), "not a clgrad model file (no clgrad.layers/clgrad.task in its"
                + " metadata); it holds weights only, so clgrad cannot rebuild the network");
    }

    @Test
    void tensorsThatDoNotFitTheMetadataAreNamed() throws IOException {
        refused(rewrite("missing", (t, m) -> t.remove("layer_2.bias")), "metadata clgrad.layers 2,10,1 (binary)"
                + " describes 4 tensors (2 linear layers), but the file holds 3 model tensors");
        refused(rewrite("renamed", (t, m) -> t.put("layer_3.bias", t.remove("layer_2.bias"))),
                "metadata clgrad.layers 2,10,1 (binary) needs tensor layer_2.bias [1], which the file does not hold"
                        + " (it holds layer_1.weight, layer_1.bias, layer_2.weight, layer_3.bias)");
        refused(rewrite("shape", (t, m) -> t.put("layer_1.bias", Tensor.zeros(11))),
                "metadata clgrad.layers 2,10,1 (binary) needs layer_1.bias of shape [10], but the file's is [11]");
    }

    @Test
    void aDirectoryOrAMissingFileIsNamed() throws IOException {
        Path d = Files.createDirectory(dir.resolve("d.safetensors"));
        refused(d, "is a directory, not a safetensors file");
        refused(dir.resolve("nope.safetensors"), "no such file");
    }
}
