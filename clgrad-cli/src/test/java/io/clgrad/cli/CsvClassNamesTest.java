package io.clgrad.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clgrad.Tensor;
import io.clgrad.io.Safetensors;
import io.clgrad.io.SafetensorsFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model trained on a CSV file knows its class labels (metadata {@code clgrad.classes}): predict
 * prints the label, not the class index, and eval and --resume refuse data with other labels (they
 * used to print "class 1" for a true 2, "class 0" for "cat", and 2.5% accuracy on a CSV of other
 * labels without a word).
 */
class CsvClassNamesTest {

    /**
     * A CSV of {@code rows} points: label {@code labels[k]} around centre {@code (4k, 0)}, so the
     * classes are far apart. Rows are shuffled with {@code seed}, so label order of first appearance
     * differs between files.
     */
    private static Path csv(Path file, int rows, long seed, String... labels) throws IOException {
        Random r = new Random(seed);
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            int k = i % labels.length;
            lines.add(String.format(Locale.ROOT, "%.3f,%.3f,%s", 4.0 * k + r.nextGaussian() * 0.3,
                    r.nextGaussian() * 0.3, labels[k]));
        }
        Collections.shuffle(lines, r);
        lines.add(0, "x,y,cls");
        return Files.write(file, lines);
    }

    private static TrainCommandTest.Run train(Path data, Path model) {
        return train(data, model, 40);
    }

    private static TrainCommandTest.Run train(Path data, Path model, int epochs) {
        return TrainCommandTest.run("train", "--device", "cpu", "--data", "csv", "--file", data.toString(), "--label",
                "cls", "--epochs", Integer.toString(epochs), "--lr", "0.05", "--quiet", "--save", model.toString());
    }

    /** {@code data}'s rows in another order: those of label {@code first} first. */
    private static Path reordered(Path data, Path to, String first) throws IOException {
        List<String> lines = Files.readAllLines(data);
        List<String> rows = new ArrayList<>(lines.subList(1, lines.size()));
        rows.sort((a, b) -> Boolean.compare(!a.endsWith("," + first), !b.endsWith("," + first)));
        rows.add(0, lines.get(0));
        return Files.write(to, rows);
    }

    private static void ok(TrainCommandTest.Run r) {
        assertEquals(0, r.code(), r.out() + r.err());
    }

    private static void refused(TrainCommandTest.Run r, String command, String message) {
        assertEquals(2, r.code(), r.out() + r.err());
        assertEquals("clgrad " + command + ": " + message, r.err().strip());
    }

    @Test
    void binaryStringLabelsArePredictedByName(@TempDir Path dir) throws IOException {
        Path data = csv(dir.resolve("pets.csv"), 60, 1, "dog", "cat");   // dog at x=0, cat at x=4
        Path model = dir.resolve("pets.safetensors");
        ok(train(data, model));
        assertEquals("[\"cat\",\"dog\"]", Safetensors.readMetadata(model).get("clgrad.classes"));
        TrainCommandTest.Run p = TrainCommandTest.run("predict", "--model", model.toString(), "--input", "4.1,0.1",
                "--input", "-0.1,0.2");
        ok(p);
        List<String> lines = p.out().strip().lines().toList();
        assertEquals(2, lines.size(), p.out());
        assertTrue(lines.get(0).matches("4\\.1,0\\.1 -> cat \\(class 0, p=(0\\.[5-9]\\d{3}|1\\.0000)\\)"), p.out());
        assertTrue(lines.get(1).matches("-0\\.1,0\\.2 -> dog \\(class 1, p=(0\\.[5-9]\\d{3}|1\\.0000)\\)"), p.out());
    }

    @Test
    void integerLabelsArePrintedAsTheLabelNotTheIndex(@TempDir Path dir) throws IOException {
        Path data = csv(dir.resolve("twelve.csv"), 60, 2, "1", "2");
        Path model = dir.resolve("m.safetensors");
        ok(train(data, model));
        assertEquals("[\"1\",\"2\"]", Safetensors.readMetadata(model).get("clgrad.classes"));
        TrainCommandTest.Run p = TrainCommandTest.run("predict", "--model", model.toString(), "--input", "4,0");
        ok(p);
        assertTrue(p.out().strip().matches("4,0 -> 2 \\(class 1, p=(0\\.[5-9]\\d{3}|1\\.0000)\\)"), p.out());
    }

    @Test
    void multiclassLabelsArePredictedByNameWithTheSoftmaxProbability(@TempDir Path dir) throws IOException {
        Path data = csv(dir.resolve("three.csv"), 90, 3, "setosa", "versicolor", "virginica");
        Path model = dir.resolve("m.safetensors");
        ok(train(data, model));
        TrainCommandTest.Run p = TrainCommandTest.run("predict", "--model", model.toString(), "--input", "8,0",
                "--input", "0,0");
        ok(p);
        List<String> lines = p.out().strip().lines().toList();
        assertTrue(lines.get(0).matches("8,0 -> virginica \\(class 2, p=(0\\.[4-9]\\d{3}|1\\.0000)\\)"), p.out());
        assertTrue(lines.get(1).matches("0,0 -> setosa \\(class 0, p=(0\\.[4-9]\\d{3}|1\\.0000)\\)"), p.out());
    }

    @Test
    void evalChecksTheLabelsAgainstTheModel(@TempDir Path dir) throws IOException {
        Path data = csv(dir.resolve("pets.csv"), 60, 1, "dog", "cat");
        Path model = dir.resolve("pets.safetensors");
        ok(train(data, model));
        // the same rows with either label first: the same class indices (the labels are sorted)
        for (String first : new String[] {"cat", "dog"}) {
            Path again = reordered(data, dir.resolve(first + "-first.csv"), first);
            TrainCommandTest.Run e = TrainCommandTest.run("eval", "--model", model.toString(), "--file",
                    again.toString(), "--label", "cls", "--device", "cpu");
            ok(e);
            assertTrue(e.out().contains("validation accuracy 1.0000"), first + " first: " + e.out());
        }

        Path other = csv(dir.resolve("other.csv"), 60, 1, "1", "2");
        refused(TrainCommandTest.run("eval", "--model", model.toString(), "--file", other.toString(), "--label", "cls",
                "--device", "cpu"), "eval", model + " was trained on the classes [cat, dog], but --data csv (" + other
                + ") has the classes [1, 2]; use data with the same labels");
        Path subset = csv(dir.resolve("three.csv"), 60, 1, "cat", "dog", "bird");
        refused(TrainCommandTest.run("eval", "--model", model.toString(), "--file", subset.toString(), "--label", "cls",
                "--device", "cpu"), "eval", model + " was trained on the classes [cat, dog], but --data csv (" + subset
                + ") has the classes [bird, cat, dog]; use data with the same labels");
    }

    @Test
    void resumeRefusesACsvWithOtherLabels(@TempDir Path dir) throws IOException {
        Path data = csv(dir.resolve("pets.csv"), 60, 1, "dog", "cat");
        Path ck = dir.resolve("ck.safetensors");
        ok(TrainCommandTest.run("train", "--device", "cpu", "--data", "csv", "--file", data.toString(), "--label", "cls",
                "--epochs", "1", "--quiet", "--checkpoint", ck.toString()));
        Path other = csv(dir.resolve("other.csv"), 60, 1, "1", "2");
        TrainCommandTest.Run r = TrainCommandTest.run("train", "--device", "cpu", "--data", "csv", "--file",
                other.toString(), "--label", "cls", "--epochs", "1", "--quiet", "--resume", ck.toString());
        refused(r, "train", ck + " was trained on the classes [cat, dog], but --data csv (" + other
                + ") has the classes [1, 2]; use data with the same labels");
        assertFalse(r.out().contains("epoch"), r.out());
        ok(TrainCommandTest.run("train", "--device", "cpu", "--data", "csv", "--file", data.toString(), "--label", "cls",
                "--epochs", "1", "--quiet", "--resume", ck.toString()));
    }

    @Test
    void hostileClassMetadataIsOneLineNamingTheKey(@TempDir Path dir) throws IOException {
        Path data = csv(dir.resolve("pets.csv"), 60, 1, "dog", "cat");
        Path model = dir.resolve("pets.safetensors");
        ok(train(data, model, 1));
        String[][] cases = {
            {"[\"cat\"]", "metadata clgrad.classes [\"cat\"] names 1 classes, but the binary model has 2"},
            {"[\"cat\",\"cat\"]", "metadata clgrad.classes [\"cat\",\"cat\"] repeats a class name"},
            {"[\"cat\",\"\"]", "metadata clgrad.classes [\"cat\",\"\"] has an empty class name"},
            {"cat,dog", "metadata clgrad.classes is 'cat,dog': not JSON: "},
            {"[\"cat\",2]", "metadata clgrad.classes is '[\"cat\",2]': item 1 is not a string"},
        };
        for (String[] c : cases) {
            Path bad = dir.resolve("bad.safetensors");
            rewriteMetadata(model, bad, "clgrad.classes", c[0]);
            TrainCommandTest.Run p = TrainCommandTest.run("predict", "--model", bad.toString(), "--input", "1,1");
            assertEquals(1, p.code(), c[0] + ": " + p.out() + p.err());
            assertTrue(p.err().startsWith("clgrad predict: " + bad + ": " + c[1]), c[0] + ": " + p.err());
            assertEquals(1, p.err().strip().lines().count(), p.err());
        }
    }

    @Test
    void modelsOfBuiltInDataKeepTheirOutputAndHaveNoClassKey(@TempDir Path dir) throws IOException {
        Path model = dir.resolve("moons.safetensors");
        ok(TrainCommandTest.run("train", "--device", "cpu", "--samples", "100", "--epochs", "1", "--quiet", "--save",
                model.toString()));
        assertFalse(Safetensors.readMetadata(model).containsKey("clgrad.classes"));
        TrainCommandTest.Run p = TrainCommandTest.run("predict", "--model", model.toString(), "--input", "1,1");
        ok(p);
        assertTrue(p.out().strip().matches("1,1 -> class [01] \\(p\\(class 1\\) = 0\\.\\d{4}\\)"), p.out());
        // a two-moons model evaluated on a 3-class CSV: refused by class count (no class names to compare)
        Path three = csv(dir.resolve("three.csv"), 60, 1, "a", "b", "c");
        refused(TrainCommandTest.run("eval", "--model", model.toString(), "--data", "csv", "--file", three.toString(),
                "--label", "cls", "--device", "cpu"), "eval", model + ": the model has 2 classes but --data csv has 3");
    }

    private static void rewriteMetadata(Path from, Path to, String key, String value) throws IOException {
        SafetensorsFile f = Safetensors.load(from);
        Map<String, String> meta = new LinkedHashMap<>(f.metadata());
        meta.put(key, value);
        Map<String, Tensor> tensors = f.tensors();
        try {
            Safetensors.save(to, tensors, meta);
        } finally {
            tensors.values().forEach(Tensor::close);
        }
    }
}
