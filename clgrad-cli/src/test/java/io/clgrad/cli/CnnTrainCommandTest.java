package io.clgrad.cli;

import static io.clgrad.cli.HostileModelFilesTest.refused;
import static io.clgrad.cli.TrainCommandTest.assertRefused;
import static io.clgrad.cli.TrainCommandTest.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clgrad.Device;
import io.clgrad.examples.BarImages;
import io.clgrad.Tensor;
import io.clgrad.io.Safetensors;
import io.clgrad.io.SafetensorsFile;
import io.clgrad.nn.Module;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code clgrad train --model cnn} end to end on small image sets written here in the IDX format
 * (10 classes, each a bright bar at its own place on noise; 512 training and 256 test images), so
 * that it runs in seconds: training, the model file's metadata and keys, eval and predict of the
 * saved file, resuming, and the refusals.
 */
class CnnTrainCommandTest {
    /** The state-dict keys of PyTorch's nn.Sequential of the tutorial's CNN, in order. */
    static final List<String> KEYS = List.of("0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean",
            "1.running_var", "1.num_batches_tracked", "4.weight", "4.bias", "5.weight", "5.bias", "5.running_mean",
            "5.running_var", "5.num_batches_tracked", "9.weight", "9.bias", "11.weight", "11.bias");

    private static final Pattern FINAL = Pattern.compile("final test accuracy (\\S+), loss (\\S+);");
    private static final Pattern EVAL = Pattern.compile(": test accuracy (\\S+), loss (\\S+) on 256 samples");

    /** The 784 pixels (scaled to [0, 1], as the data set does) of test image {@code i}, as a --input value. */
    private static String testImage(Path data, int i) throws IOException {
        byte[] all = Files.readAllBytes(data.resolve("t10k-images-idx3-ubyte"));
        StringBuilder sb = new StringBuilder();
        for (int p = 0; p < 784; p++) {
            sb.append(p == 0 ? "" : ",").append((all[16 + i * 784 + p] & 0xFF) / 255f);
        }
        return sb.toString();
    }

    private static int testLabel(Path data, int i) throws IOException {
        return Files.readAllBytes(data.resolve("t10k-labels-idx1-ubyte"))[8 + i];
    }

    private static String[] group(Pattern p, String text) {
        Matcher m = p.matcher(text);
        assertTrue(m.find(), text);
        return new String[] {m.group(1), m.group(2)};
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void trainsSavesEvaluatesAndPredicts(Device d, @TempDir Path dir) throws IOException {
        Path data = BarImages.write(Files.createDirectory(dir.resolve("bars")));
        Path model = dir.resolve("cnn.safetensors");
        Path metrics = dir.resolve("m.json");
        TrainCommandTest.Run r = run("train", "--model", "cnn", "--data", "fashion-mnist", "--data-dir", data.toString(),
                "--epochs", "2", "--device", d.id(), "--save", model.toString(), "--metrics-json", metrics.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("Sequential(\n  (0): Conv2d(1, 32, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))\n"
                + "  (1): BatchNorm2d(32, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)\n"), r.out());
        assertTrue(r.out().contains("  (9): Linear(in_features=3136, out_features=128, bias=True)\n"), r.out());
        assertTrue(r.out().contains("parameters: 421,834\n"), r.out());

        // the loss falls and the bars are learnt well beyond chance (0.1)
        String json = Files.readString(metrics);
        Matcher losses = Pattern.compile("\"train_loss\": ?([0-9.eE+-]+)").matcher(json);
        List<Double> trainLoss = new ArrayList<>();
        while (losses.find()) {
            trainLoss.add(Double.parseDouble(losses.group(1)));
        }
        assertEquals(2, trainLoss.size(), json);
        assertTrue(trainLoss.get(1) < trainLoss.get(0), json);
        String[] printed = group(FINAL, r.out());
        assertTrue(Double.parseDouble(printed[0]) > 0.5, r.out());

        // the file: PyTorch's keys and shapes, and the architecture in its metadata
        Map<String, int[]> shapes = Safetensors.readShapes(model);
        assertEquals(KEYS, new ArrayList<>(shapes.keySet()));
        assertArrayEquals(new int[] {64, 32, 3, 3}, shapes.get("4.weight"));
        assertArrayEquals(new int[0], shapes.get("5.num_batches_tracked"));
        Map<String, String> meta = Safetensors.readMetadata(model);
        assertEquals("cnn", meta.get("clgrad.architecture"));
        assertEquals("1,28,28", meta.get("clgrad.input_shape"));
        assertEquals("32,64", meta.get("clgrad.conv_channels"));
        assertEquals("3136,128,10", meta.get("clgrad.layers"));
        assertEquals("multiclass", meta.get("clgrad.task"));
        SafetensorsFile f = Safetensors.load(model);
        assertEquals(8, f.tensors().get("1.num_batches_tracked").toIntArray()[0]);   // 2 epochs of 4 batches
        f.tensors().values().forEach(Tensor::close);

        // eval of the file reproduces the accuracy and loss that training printed (both in eval mode)
        TrainCommandTest.Run e = run("eval", "--model", model.toString(), "--data-dir", data.toString(), "--device", d.id());
        assertEquals(0, e.code(), e.err());
        assertArrayEquals(printed, group(EVAL, e.out()), e.out() + " vs " + r.out());
        // one image per batch gives the same loss in eval mode (not so with batch statistics)
        TrainCommandTest.Run e1 = run("eval", "--model", model.toString(), "--data-dir", data.toString(), "--device",
                d.id(), "--batch-size", "1");
        assertEquals(printed[1], group(EVAL, e1.out())[1], e1.out() + " vs " + r.out());

        // predict: one class per input, mostly right; the same for an image alone as in a batch
        List<String> args = new ArrayList<>(List.of("predict", "--model", model.toString(), "--device", d.id()));
        int right = 0;
        for (int i = 0; i < 8; i++) {
            args.add("--input");
            args.add(testImage(data, i));
        }
        TrainCommandTest.Run p = run(args.toArray(new String[0]));
        assertEquals(0, p.code(), p.err());
        String[] lines = p.out().strip().split("\n");
        assertEquals(8, lines.length, p.out());
        for (int i = 0; i < 8; i++) {
            Matcher m = Pattern.compile(" -> class (\\d)$").matcher(lines[i]);
            assertTrue(m.find(), lines[i]);
            right += Integer.parseInt(m.group(1)) == testLabel(data, i) ? 1 : 0;
            if (i < 4) {
                TrainCommandTest.Run one = run("predict", "--model", model.toString(), "--device", d.id(),
                        "--input", testImage(data, i));
                assertEquals(lines[i], one.out().strip());
            }
        }
        assertTrue(right >= 4, p.out());

        // the probabilities of an image alone and in a batch are the same: eval mode, running statistics (in
        // training mode each batch would be normalised by its own statistics)
        SavedModel saved = SavedModel.open(model, d);
        float[] rows = new float[8 * 784];
        for (int i = 0; i < 8; i++) {
            String[] px = testImage(data, i).split(",");
            for (int k = 0; k < 784; k++) {
                rows[i * 784 + k] = Float.parseFloat(px[k]);
            }
        }
        float[] batch = saved.loop().probabilities(Tensor.of(d, rows, 8, 784)).toFloatArray();
        float[] alone = saved.loop().probabilities(Tensor.of(d, java.util.Arrays.copyOf(rows, 784), 1, 784)).toFloatArray();
        assertArrayEquals(java.util.Arrays.copyOf(batch, 10), alone, 1e-5f);
    }

    /** Two epochs in one run, and one epoch then one more from its checkpoint, end with the same model and accuracy. */
    @Test
    void aResumedCnnContinuesAsOneRun(@TempDir Path dir) throws IOException {
        Path data = BarImages.write(Files.createDirectory(dir.resolve("bars")));
        String[] common = {"train", "--model", "cnn", "--data", "fashion-mnist", "--data-dir", data.toString(),
                "--device", "cpu", "--quiet"};
        Path whole = dir.resolve("whole.safetensors");
        Path ck = dir.resolve("ck.safetensors");
        Path resumed = dir.resolve("resumed.safetensors");
        assertEquals(0, run(concat(common, "--epochs", "2", "--save", whole.toString())).code());
        assertEquals(0, run(concat(common, "--epochs", "1", "--checkpoint", ck.toString())).code());
        TrainCommandTest.Run r = run("train", "--data", "fashion-mnist", "--data-dir", data.toString(), "--device", "cpu",
                "--quiet", "--epochs", "1", "--resume", ck.toString(), "--save", resumed.toString());
        assertEquals(0, r.code(), r.err());
        SafetensorsFile a = Safetensors.load(whole);
        SafetensorsFile b = Safetensors.load(resumed);
        for (String k : KEYS) {
            Tensor x = a.tensors().get(k);
            Tensor y = b.tensors().get(k);
            if (k.endsWith("num_batches_tracked")) {
                assertArrayEquals(x.toIntArray(), y.toIntArray(), k);
            } else {
                assertArrayEquals(x.toFloatArray(), y.toFloatArray(), 1e-5f, k);
            }
        }
        assertRefused(run("train", "--model", "mlp", "--data", "fashion-mnist", "--data-dir", data.toString(),
                "--device", "cpu", "--resume", ck.toString()), 2, "--model mlp does not match " + ck + ", which holds a"
                + " cnn; leave --model out when resuming (the checkpoint's network is used)");
    }

    private static String[] concat(String[] a, String... b) {
        List<String> all = new ArrayList<>(List.of(a));
        all.addAll(List.of(b));
        return all.toArray(new String[0]);
    }

    @Test
    void dataThatIsNotASquareImageIsRefused(@TempDir Path dir) throws IOException {
        Path csv = dir.resolve("pets.csv");
        Files.writeString(csv, "w,h,e,species\n1,2,3,cat\n2,1,0,dog\n1,1,1,cat\n3,2,1,dog\n2,2,2,cat\n");
        assertRefused(run("train", "--model", "cnn", "--data", "csv", "--file", csv.toString(), "--label", "species",
                "--device", "cpu"), 2, "--model cnn trains on single-channel square images: --data fashion-mnist or"
                + " mnist, or a CSV file whose feature columns are the pixels of an N x N image (N >= 4, e.g. 784 columns"
                + " for 28x28); --data csv (" + csv + ") has 3 features per sample; use --model mlp for it");
        assertRefused(run("train", "--model", "cnn", "--device", "cpu"), 2, "--model cnn trains on single-channel"
                + " square images: --data fashion-mnist or mnist, or a CSV file whose feature columns are the pixels of"
                + " an N x N image (N >= 4, e.g. 784 columns for 28x28); --data two-moons has 2 features per sample;"
                + " use --model mlp for it");
        assertRefused(run("train", "--model", "resnet", "--device", "cpu"), 2, "unknown --model 'resnet': expected mlp or cnn");
        TrainCommandTest.Run help = run("train", "--help");
        assertTrue(help.out().contains("[--model=mlp|cnn]") && help.out().contains("      --model=mlp|cnn       Network:"),
                help.out());
    }

    /** A CSV file whose 16 feature columns are 4x4 images trains a CNN on [1, 4, 4] (binary: one logit). */
    @Test
    void aCsvOfSquareImagesTrains(@TempDir Path dir) throws IOException {
        StringBuilder csv = new StringBuilder();
        for (int p = 0; p < 16; p++) {
            csv.append("p").append(p).append(',');
        }
        csv.append("where\n");
        java.util.Random r = new java.util.Random(1);
        for (int i = 0; i < 60; i++) {
            boolean top = i % 2 == 0;   // a bright top or bottom half
            for (int p = 0; p < 16; p++) {
                csv.append((p < 8) == top ? 0.8f + 0.2f * r.nextFloat() : 0.2f * r.nextFloat()).append(',');
            }
            csv.append(top ? "top" : "bottom").append('\n');
        }
        Path file = dir.resolve("halves.csv");
        Files.writeString(file, csv);
        Path model = dir.resolve("halves.safetensors");
        TrainCommandTest.Run r1 = run("train", "--model", "cnn", "--data", "csv", "--file", file.toString(), "--label",
                "where", "--device", "cpu", "--epochs", "3", "--quiet", "--save", model.toString());
        assertEquals(0, r1.code(), r1.err());
        Map<String, String> meta = Safetensors.readMetadata(model);
        assertEquals("1,4,4", meta.get("clgrad.input_shape"));
        assertEquals("64,128,1", meta.get("clgrad.layers"));
        assertEquals("binary", meta.get("clgrad.task"));
        assertArrayEquals(new int[] {128, 64}, Safetensors.readShapes(model).get("9.weight"));
        String top = "0.9,0.9,0.9,0.9,0.9,0.9,0.9,0.9,0,0,0,0,0,0,0,0";
        TrainCommandTest.Run p = run("predict", "--model", model.toString(), "--device", "cpu", "--input", top);
        assertEquals(0, p.code(), p.err());
        assertTrue(p.out().startsWith(top + " -> top (class 1, p="), p.out());
    }

    /** A CNN model file (untrained, as the CLI writes it) with its metadata edited. */
    private static Path cnnFile(Path dir, String name, Consumer<Map<String, String>> edit) throws IOException {
        ModelSpec spec = ModelSpec.cnn(ConvStack.forSquareImages(784, ConvStack.DEFAULT_CHANNELS),
                ConvStack.DEFAULT_HIDDEN, 10);
        Module<?> net = spec.build();
        Map<String, String> meta = new LinkedHashMap<>(spec.toMetadata());
        meta.put(MetadataKey.DATA.key(), "fashion-mnist");
        edit.accept(meta);
        Path p = dir.resolve(name + ".safetensors");
        Map<String, Tensor> sd = net.stateDict();
        Safetensors.save(p, sd, meta);
        return p;
    }

    @Test
    void badCnnMetadataIsRefusedBeforeBuilding(@TempDir Path dir) throws IOException {
        // the unedited file is accepted
        Path good = cnnFile(dir, "good", m -> { });
        TrainCommandTest.Run ok = run("predict", "--model", good.toString(), "--device", "cpu", "--input",
                String.join(",", java.util.Collections.nCopies(784, "0.5")));
        assertEquals(0, ok.code(), ok.err());
        refused(cnnFile(dir, "no-channels", m -> m.remove("clgrad.conv_channels")), "metadata clgrad.architecture is"
                + " cnn, but clgrad.conv_channels is missing; a cnn file records the input shape C,H,W (e.g."
                + " clgrad.input_shape=1,28,28) and the convolution channels (e.g. clgrad.conv_channels=32,64)");
        refused(cnnFile(dir, "shape2", m -> m.put("clgrad.input_shape", "28,28")), "metadata clgrad.input_shape is"
                + " '28,28'; expected the input's channels, height and width, e.g. 1,28,28");
        refused(cnnFile(dir, "shape-x", m -> m.put("clgrad.input_shape", "1,x,28")), "metadata clgrad.input_shape is"
                + " '1,x,28': 'x' is not an image size (an integer from 1 to 2147483647)");
        refused(cnnFile(dir, "tiny", m -> m.put("clgrad.input_shape", "1,3,3")), "metadata clgrad.input_shape 1,3,3 and"
                + " clgrad.conv_channels 32,64: 3x3 images are too small for 2 blocks of MaxPool2d(2): each halves the"
                + " height and width (rounding down), so at least 4x4 pixels are needed");
        refused(cnnFile(dir, "huge", m -> m.put("clgrad.input_shape", "1000,100000,100000")), "metadata"
                + " clgrad.input_shape 1000,100000,100000 and clgrad.conv_channels 32,64: a CNN input of"
                + " 1000x100000x100000 values is too large for one row");
        refused(cnnFile(dir, "bigger", m -> m.put("clgrad.input_shape", "1,32,32")), "metadata clgrad.layers is"
                + " '3136,128,10', but the linear layers of a cnn on 1x32x32 images, conv channels 32,64 take 4096"
                + " features, not 3136");
        refused(cnnFile(dir, "channels", m -> m.put("clgrad.conv_channels", "32,0")), "metadata clgrad.conv_channels is"
                + " '32,0': '0' is not a channel count (an integer from 1 to 2147483647)");
        refused(cnnFile(dir, "wide", m -> {
            m.put("clgrad.conv_channels", "32,4096");
            m.put("clgrad.layers", "200704,128,10");
        }), "metadata clgrad.architecture cnn on 1x28x28 images, conv channels 32,4096, clgrad.layers 200704,128,10"
                + " (multiclass) needs 4.weight of shape [4096, 32, 3, 3], but the file's is [64, 32, 3, 3]");
        refused(cnnFile(dir, "mlp", m -> m.put("clgrad.architecture", "mlp")), "metadata clgrad.layers 3136,128,10"
                + " (multiclass) describes 4 tensors (2 linear layers), but the file holds 18 model tensors");
    }
}
