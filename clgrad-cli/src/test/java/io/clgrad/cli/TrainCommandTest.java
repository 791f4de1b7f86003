package io.clgrad.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clgrad.Device;
import java.util.List;
import java.util.ArrayList;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/** {@code clgrad train/eval/predict} end to end, in-process, on every device. */
class TrainCommandTest {

    /** Output, error output and exit code of one command. */
    record Run(int code, String out, String err) {
    }

    /** {@code clgrad train --quiet} on 50 two-moons samples, 1 epoch, CPU, unless {@code extra} sets these options. */
    static Run quickTrain(String... extra) {
        List<String> args = new ArrayList<>(List.of("train", "--quiet"));
        String[][] defaults = {{"--device", "cpu"}, {"--samples", "50"}, {"--epochs", "1"}};
        for (String[] d : defaults) {
            if (!List.of(extra).contains(d[0])) {
                args.addAll(List.of(d));
            }
        }
        args.addAll(List.of(extra));
        return run(args.toArray(new String[0]));
    }

    /** The command failed with exactly {@code message} on stderr, exit code {@code code}, and trained nothing. */
    static void assertRefused(Run r, int code, String message) {
        assertEquals(code, r.code(), r.err());
        assertEquals("clgrad train: " + message, r.err().strip());
        assertFalse(r.out().contains("done:"), "trained before refusing: " + r.out());
    }

    static Run run(String... args) {
        CommandLine cl = Main.newCommandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    private static double finalAccuracy(String out) {
        Matcher m = Pattern.compile("final (?:validation|test) accuracy (\\d\\.\\d+)").matcher(out);
        assertTrue(m.find(), out);
        return Double.parseDouble(m.group(1));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void defaultTrainingReaches95PercentAndSavedModelEvaluatesTheSame(Device d, @TempDir Path dir) throws IOException {
        Path model = dir.resolve("moons.safetensors");
        Path png = dir.resolve("curves.png");
        Path metrics = dir.resolve("metrics.json");
        Run train = run("train", "--device", d.id(), "--save", model.toString(), "--plot", png.toString(),
                "--metrics-json", metrics.toString());
        assertEquals(0, train.code(), train.err());
        assertTrue(train.out().startsWith("SimpleNet(\n  (layer_1): Linear(in_features=2, out_features=10, bias=True)"),
                train.out());
        assertTrue(train.out().contains("epoch 50/50  train loss"), train.out());
        // SimpleNet(2, 10, 1): 2*10 + 10 weights and biases in layer_1, 10*1 + 1 in layer_2
        assertTrue(train.out().contains("\nparameters: " + (2 * 10 + 10 + 10 * 1 + 1) + "\n"), train.out());
        double acc = finalAccuracy(train.out());
        assertTrue(acc >= 0.95, "validation accuracy " + acc + " < 0.95 on " + d);
        byte[] head = Arrays.copyOf(Files.readAllBytes(png), 8);
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}, head, "not a PNG");
        assertTrue(Files.readString(metrics).contains("\"validation_accuracy\""));

        Run eval = run("eval", "--model", model.toString(), "--device", d.id());
        assertEquals(0, eval.code(), eval.err());
        assertTrue(eval.out().contains(String.format(java.util.Locale.ROOT, "validation accuracy %.4f", acc)),
                "eval should reproduce " + acc + ": " + eval.out());

        Run predict = run("predict", "--model", model.toString(), "--input", "1.8,0.1", "--input", "-0.9,0.4");
        assertEquals(0, predict.code(), predict.err());
        assertTrue(predict.out().contains("1.8,0.1 -> class 1"), predict.out());
        assertTrue(predict.out().contains("-0.9,0.4 -> class 0"), predict.out());
    }

    @Test
    void resumeContinuesFromTheSavedEpoch(@TempDir Path dir) {
        Path model = dir.resolve("m.safetensors");
        assertEquals(0, run("train", "--device", "cpu", "--epochs", "2", "--checkpoint", model.toString(), "--quiet").code());
        Run resumed = run("train", "--device", "cpu", "--epochs", "1", "--resume", model.toString());
        assertEquals(0, resumed.code(), resumed.err());
        assertTrue(resumed.out().contains("epoch 3/3"), resumed.out());
    }

    @Test
    void badInputGetsOneLineAndNonZeroExit(@TempDir Path dir) throws IOException {
        Run zero = run("train", "--batch-size", "0");
        assertNotEquals(0, zero.code());
        assertEquals("clgrad train: --batch-size must be at least 1, got 0", zero.err().strip());

        Run device = run("train", "--device", "tpu");
        assertNotEquals(0, device.code());
        assertTrue(device.err().contains("unknown device 'tpu'"), device.err());

        Path corrupt = dir.resolve("bad.safetensors");
        Files.write(corrupt, new byte[] {(byte) 0xff, 0x10, 0, 0, 0, 0, 0, 0, '{'});
        Run eval = run("eval", "--model", corrupt.toString());
        assertNotEquals(0, eval.code());
        assertTrue(eval.err().contains("bad.safetensors: header length"), eval.err());
        assertFalse(eval.err().contains("\tat "), "stack trace printed: " + eval.err());

        Path csv = dir.resolve("data.csv");
        Files.writeString(csv, "a,b,label\n1,2,0\n3,x,1\n");
        Run badCsv = run("train", "--data", "csv", "--file", csv.toString(), "--label", "label");
        assertNotEquals(0, badCsv.code());
        assertTrue(badCsv.err().contains("line 3"), badCsv.err());
        assertFalse(badCsv.err().contains("\tat "), badCsv.err());

        Run missing = run("train", "--data", "fashion-mnist", "--data-dir", dir.resolve("none").toString());
        assertNotEquals(0, missing.code());
        assertTrue(missing.err().contains("dataset-fashion-mnist"), missing.err());
    }

    @Test
    void csvDataTrains(@TempDir Path dir) throws IOException {
        StringBuilder sb = new StringBuilder("x,y,label\n");
        java.util.Random r = new java.util.Random(3);
        for (int i = 0; i < 400; i++) {
            double x = r.nextGaussian();
            double y = r.nextGaussian();
            sb.append(x).append(',').append(y).append(',').append(x + y > 0 ? 1 : 0).append('\n');
        }
        Path csv = dir.resolve("linear.csv");
        Files.writeString(csv, sb.toString());
        Run train = run("train", "--device", "cpu", "--data", "csv", "--file", csv.toString(), "--label", "label",
                "--epochs", "20", "--quiet");
        assertEquals(0, train.code(), train.err());
        assertTrue(finalAccuracy(train.out()) >= 0.9, train.out());
    }
}
