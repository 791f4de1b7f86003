package io.clgrad.cli;

import static io.clgrad.cli.TrainCommandTest.assertRefused;
import static io.clgrad.cli.TrainCommandTest.quickTrain;
import static io.clgrad.cli.TrainCommandTest.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.clgrad.ChildJvm;
import io.clgrad.Tensor;
import io.clgrad.cli.TrainCommandTest.Run;
import io.clgrad.io.Safetensors;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code clgrad train} and {@code predict} against the bad inputs of issue 9 (items 4, 5, 7, 8, 9
 * and the thread count of 18): each a one-line error and a non-zero exit, or a correct result.
 */
class TrainHardeningTest {
    /** Item 4: the batch count overflowed, so no batch ran and the loss was NaN with exit code 0. */
    @Test
    void batchSizeIntMaxTrainsOneBatchPerEpoch() {
        Run r = run("train", "--device", "cpu", "--samples", "50", "--epochs", "2", "--batch-size", "2147483647");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("epoch 2/2  train loss 0."), r.out());
        assertFalse(r.out().contains("NaN"), r.out());
    }

    /** Item 4: first epoch + epochs - 1 wrapped to a negative number, no epoch ran, "internal error". */
    @Test
    void epochCountPastIntMaxAfterResumeIsRefused(@TempDir Path dir) {
        Path model = dir.resolve("m.safetensors");
        assertEquals(0, quickTrain("--checkpoint", model.toString()).code());
        assertRefused(quickTrain("--resume", model.toString(), "--epochs", "2147483647"), 2,
                "--epochs 2147483647 after epoch 1 would end past epoch 2147483647; give fewer epochs");
    }

    /** Item 4: 2 * samples overflowed into NegativeArraySizeException ("internal error"). */
    @Test
    void hugeSampleCountIsRefused() {
        assertRefused(quickTrain("--samples", "2147483647"), 2, "--samples 2147483647 is more than the 10,000,000"
                + " generated samples clgrad trains on (and eval regenerates from a saved model)");
        // one past what eval accepts in a saved model's metadata: a model train saved must stay loadable
        assertRefused(quickTrain("--samples", "10000001"), 2, "--samples 10000001 is more than the 10,000,000"
                + " generated samples clgrad trains on (and eval regenerates from a saved model)");
    }

    /** Item 5: sgd with lr 1e6 ended with loss NaN and exit 0; with --save it kept non-finite weights. */
    @Test
    void divergenceStopsWithOneLineAndNeverSavesNonFiniteWeights(@TempDir Path dir) throws IOException {
        Path model = dir.resolve("m.safetensors");
        Run r = run("train", "--device", "cpu", "--samples", "50", "--epochs", "8", "--optimizer", "sgd", "--lr", "1e6",
                "--save", model.toString());
        assertEquals(1, r.code(), r.out() + r.err());
        String err = r.err().strip();
        assertTrue(err.matches("clgrad train: training diverged in epoch \\d: the (training|validation) loss"
                + " (became|is) (NaN|\\+Infinity).*; lower --lr \\(now 1000000\\.0 with sgd\\) or pass"
                + " --allow-non-finite to keep going"), err);
        assertFalse(err.contains("\n"), err);
        assertFalse(r.out().contains("done:"), r.out());
        assertAllFinite(model);
        Run fast = quickTrain("--optimizer", "sgd", "--lr", "1e30");
        assertEquals("clgrad train: training diverged in epoch 1: the training loss became NaN in batch 2 of 2; lower"
                + " --lr (now 1.0E30 with sgd) or pass --allow-non-finite to keep going", fast.err().strip());
    }

    /** Item 5: with --allow-non-finite the run goes on, but a model with non-finite weights is not saved. */
    @Test
    void allowNonFiniteKeepsTrainingButKeepsTheLastFiniteModel(@TempDir Path dir) throws IOException {
        Path model = dir.resolve("m.safetensors");
        Path png = dir.resolve("curves.png");
        Path json = dir.resolve("metrics.json");
        Run r = run("train", "--device", "cpu", "--samples", "50", "--epochs", "8", "--optimizer", "sgd", "--lr", "1e6",
                "--allow-non-finite", "--save", model.toString(), "--plot", png.toString(), "--metrics-json",
                json.toString());
        assertEquals(1, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("epoch 8/8"), r.out());
        assertTrue(r.out().contains("model NOT saved to " + model + " (non-finite weights)"), r.out());
        assertTrue(r.err().contains("because the weights are not finite ("), r.err());
        assertTrue(r.err().strip().lines().reduce((a, b) -> b).orElseThrow()
                .startsWith("clgrad train: the model was not saved: epoch 8: not saved to " + model), r.err());
        assertAllFinite(model);
        assertTrue(Files.size(png) > 1000, "no plot");
        assertTrue(Files.readString(json).contains("\"epoch\": 8"), "no metrics");
    }

    private static void assertAllFinite(Path model) throws IOException {
        assertTrue(Files.exists(model), "the first epoch's (finite) model should have been saved");
        for (Map.Entry<String, Tensor> e : Safetensors.load(model).tensors().entrySet()) {
            if (!e.getKey().startsWith("optimizer.")) {
                for (float v : e.getValue().toFloatArray()) {
                    assertTrue(Float.isFinite(v), e.getKey() + " holds " + v);
                }
            }
        }
    }

    /** Item 7: output paths are checked before training; errors name the user's path, not a temporary file. */
    @Test
    void outputPathsAreCheckedBeforeTraining(@TempDir Path dir) throws IOException {
        assertRefused(quickTrain("--plot", dir.toString()), 2, "--plot " + dir + ": is a directory; give a file name in it");
        Path missing = dir.resolve("no/such/dir/m.safetensors");
        assertRefused(quickTrain("--save", missing.toString()), 2,
                "--save " + missing + ": directory " + missing.getParent() + " does not exist");
        Path underFile = dir.resolve("file.txt");
        Files.writeString(underFile, "x");
        assertRefused(quickTrain("--metrics-json", underFile.resolve("m.json").toString()), 2,
                "--metrics-json " + underFile.resolve("m.json") + ": " + underFile + " is not a directory");
        Path same = dir.resolve("same.out");
        assertRefused(quickTrain("--plot", same.toString(), "--metrics-json", same.toString()), 2,
                "--plot and --metrics-json name the same file " + same);
        Path csv = dir.resolve("data.csv");
        Files.writeString(csv, "a,label\n1,0\n2,1\n3,0\n4,1\n5,0\n6,1\n");
        assertRefused(run("train", "--device", "cpu", "--data", "csv", "--file", csv.toString(), "--label", "label",
                "--plot", csv.toString()), 2, "--plot " + csv + " would overwrite the --file file; write to another file");
        assertEquals("a,label\n1,0\n2,1\n3,0\n4,1\n5,0\n6,1\n", Files.readString(csv));
        assumeTrue(Files.isDirectory(Path.of("/proc/self")), "needs Linux /proc");
        Run proc = quickTrain("--save", "/proc/x.safetensors");
        assertEquals(2, proc.code(), proc.err());
        assertTrue(proc.err().startsWith("clgrad train: --save /proc/x.safetensors: can't create files in /proc ("),
                proc.err());
        assertFalse(proc.err().contains(".tmp"), proc.err());
        Run plot = quickTrain("--plot", "/proc/x.png");
        assertEquals(2, plot.code(), plot.err());
        assertFalse(plot.err().contains("\tat "), "stack trace: " + plot.err());
        assertFalse(plot.out().contains("done:"), plot.out());
    }

    /**
     * The atomic save renames its temporary file over the target: over a FIFO (or, as root, a device
     * such as /dev/full) that replaced the special file with a model file. A FIFO stands in for the
     * device here, so that a regression cannot damage the machine.
     */
    @Test
    void saveRefusesToReplaceSpecialFiles(@TempDir Path dir) throws IOException, InterruptedException {
        Path fifo = mkfifo(dir.resolve("pipe"));
        assertRefused(quickTrain("--save", fifo.toString()), 2, "--save " + fifo + ": not a regular file (a device, FIFO or"
                + " socket); saving replaces the file, so give a regular file name");
        assertFalse(Files.isRegularFile(fifo), "the FIFO was replaced");

        // a loop of links is refused before training, not after the first epoch
        Path a = dir.resolve("a.safetensors");
        Path b = dir.resolve("b.safetensors");
        Files.createSymbolicLink(a, b);
        Files.createSymbolicLink(b, a);
        assertRefused(quickTrain("--save", a.toString()), 2, "--save " + a + ": can't be written: more than 40 symbolic"
                + " links in a row (a loop of links?)");

        // a link into a directory that does not exist: refused before training, naming the link's target
        Path dangling = dir.resolve("link.safetensors");
        Path missing = Path.of("/nonexistent-clgrad-dir/m.safetensors");
        Files.createSymbolicLink(dangling, missing);
        assertRefused(quickTrain("--save", dangling.toString()), 2, "--save " + dangling + " is a link to " + missing
                + ": directory /nonexistent-clgrad-dir does not exist");
    }

    /**
     * {@code --plot} went through {@code ImageIO.write(image, "png", File)}, which deletes the target
     * first: a pipe (or, as root, a device such as /dev/full) was replaced by a regular file. Now the
     * PNG is written into the pipe, which stays a pipe.
     */
    @Test
    void plotIntoAPipeStreamsThePngAndKeepsThePipe(@TempDir Path dir) throws Exception {
        Path fifo = mkfifo(dir.resolve("plot.fifo"));
        java.util.concurrent.ExecutorService reader = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "fifo-reader");
            t.setDaemon(true);   // stays blocked in open() if the pipe was replaced (the failure this test catches)
            return t;
        });
        try {
            java.util.concurrent.Future<byte[]> png = reader.submit(() -> Files.readAllBytes(fifo));
            Run r = quickTrain("--plot", fifo.toString());
            assertEquals(0, r.code(), r.err());
            assertFalse(Files.isRegularFile(fifo), "the pipe was replaced by a regular file");
            byte[] head = java.util.Arrays.copyOf(png.get(60, TimeUnit.SECONDS), 8);
            assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}, head, "not a PNG");
        } finally {
            reader.shutdownNow();
        }
    }

    /** A named pipe at {@code path} (the test is skipped where mkfifo is missing). */
    private static Path mkfifo(Path path) throws IOException, InterruptedException {
        Process mk;
        try {
            mk = new ProcessBuilder("mkfifo", path.toString()).start();
        } catch (IOException e) {
            Assumptions.abort("needs mkfifo");
            return path;
        }
        assumeTrue(mk.waitFor() == 0 && Files.exists(path), "mkfifo failed");
        return path;
    }

    /**
     * Item 9: a full disk said "No space left on device" without the path; /dev/full fails every write
     * with ENOSPC. For a non-root user (who may write /dev/full but not create files in /dev) the
     * output check used to refuse it with exit code 2 ("can't create files in /dev").
     */
    @Test
    void diskFullNamesThePath() {
        assumeTrue(Files.isWritable(Path.of("/dev/full")), "needs /dev/full");
        Run r = quickTrain("--metrics-json", "/dev/full");
        assertEquals(1, r.code(), r.err());
        assertEquals("clgrad train: /dev/full: can't write: No space left on device", r.err().strip());
        // (no --plot /dev/full here: the old plot writer deleted its target first, so as root a regression
        // would replace the device node; plotIntoAPipeStreamsThePngAndKeepsThePipe covers that with a FIFO)
    }

    /** Item 8: --lr Infinity trained to a NaN loss; NaN, 0 and negatives were already refused. */
    @Test
    void nonFiniteOrNonPositiveNumbersAreRefused() {
        for (String lr : new String[] {"Infinity", "-Infinity", "NaN", "0", "-1"}) {
            assertRefused(quickTrain("--lr", lr), 2, "--lr must be a finite number > 0, got " + Double.parseDouble(lr));
        }
        assertRefused(quickTrain("--lr", "1e-300"), 2, "--lr 1.0E-300 is outside float32's range (1.4E-45 to 3.4028235E38);"
                + " updates are computed in float32, where it is 0");
        assertRefused(quickTrain("--lr", "1e39"), 2, "--lr 1.0E39 is outside float32's range (1.4E-45 to 3.4028235E38);"
                + " updates are computed in float32, where it is infinite");
        assertRefused(quickTrain("--hidden", "0"), 2, "--hidden sizes must be at least 1, got 0 in [0]");
        assertRefused(quickTrain("--hidden", "10,-3"), 2, "--hidden sizes must be at least 1, got -3 in [10, -3]");
        assertRefused(quickTrain("--epochs", "0"), 2, "--epochs must be at least 1, got 0");
        assertRefused(quickTrain("--batch-size", "-5"), 2, "--batch-size must be at least 1, got -5");
        assertRefused(quickTrain("--threads", "0"), 2, "--threads must be at least 1, got 0");
    }

    /** Item 8: --samples 1 gave NaN validation metrics with exit code 0. */
    @Test
    void tooFewSamplesForTheValidationSplitAreRefusedWithTheMinimum(@TempDir Path dir) throws IOException {
        for (String n : new String[] {"1", "4"}) {
            assertRefused(quickTrain("--samples", n), 2, "--samples " + n + " leaves no validation samples (20% are held"
                    + " out for validation; accuracy and loss over no samples are NaN); at least 5 samples are needed");
        }
        assertEquals(0, quickTrain("--samples", "5").code());
        Path csv = dir.resolve("four.csv");
        Files.writeString(csv, "a,label\n1,0\n2,1\n3,0\n4,1\n");
        assertRefused(run("train", "--device", "cpu", "--data", "csv", "--file", csv.toString(), "--label", "label"), 2,
                csv + " has 4 data rows, which leaves no validation samples (20% are held out for validation; accuracy"
                        + " and loss over no samples are NaN); at least 5 rows are needed");
    }

    /** Data options the chosen --data does not use were silently ignored (e.g. --data-dir with two-moons). */
    @Test
    void optionsOfOtherDataSetsAreRefused() {
        String tail = " (--data-dir: fashion-mnist and mnist; --file and --label: csv; --samples: the generated sets)";
        assertRefused(quickTrain("--data-dir", "/tmp"), 2, "--data-dir does not apply to --data two-moons" + tail);
        assertRefused(quickTrain("--file", "x.csv"), 2, "--file does not apply to --data two-moons" + tail);
        assertRefused(quickTrain("--label", "y"), 2, "--label does not apply to --data two-moons" + tail);
        assertRefused(run("train", "--data", "csv", "--file", "x.csv", "--label", "y", "--samples", "10"), 2,
                "--samples does not apply to --data csv" + tail);
    }

    /** Items 8 and 9: CSV cells and paths through the CLI. */
    @Test
    void csvAndDataDirProblemsAreOneLine(@TempDir Path dir) throws IOException {
        Path csv = dir.resolve("inf.csv");
        Files.writeString(csv, "a,b,label\n1,1e999,0\n3,4,1\n");
        assertRefused(run("train", "--device", "cpu", "--data", "csv", "--file", csv.toString(), "--label", "label"), 2,
                "inf.csv line 2, column 'b': '1e999' is not a finite float32 number (|value| > 3.4e38 overflows)");
        assertRefused(run("train", "--device", "cpu", "--data", "csv", "--file", dir.toString(), "--label", "label"), 2,
                dir + " is a directory, not a CSV file");
        Path oneClass = dir.resolve("one.csv");
        Files.writeString(oneClass, "a,label\n1,0\n2,0\n3,0\n4,0\n5,0\n");
        assertRefused(run("train", "--device", "cpu", "--data", "csv", "--file", oneClass.toString(), "--label", "label"),
                2, oneClass + ": the label column 'label' holds only one class ('0'); a classifier needs at least 2");
        Path floats = dir.resolve("floats.csv");
        Files.writeString(floats, "a,label\n1,0.5\n2,1.5\n3,0.5\n4,1.5\n5,0.5\n");
        assertRefused(run("train", "--device", "cpu", "--data", "csv", "--file", floats.toString(), "--label", "label"),
                2, "floats.csv line 2, column 'label': label '0.5' is not an integer; class labels must be integers"
                        + " or names");
        Path notDir = dir.resolve("passwd");
        Files.writeString(notDir, "root:x:0:0\n");
        assertRefused(run("train", "--device", "cpu", "--data", "fashion-mnist", "--data-dir", notDir.toString()), 2,
                "Fashion-MNIST: " + notDir + " is not a directory; give the directory that holds the IDX files");
    }

    /** Item 8: an IDX training set of 0 images trained nothing and printed NaN metrics. */
    @Test
    void zeroTrainingImagesAreRefused(@TempDir Path dir) throws IOException {
        writeIdx(dir.resolve("train-images-idx3-ubyte"), new int[] {0, 28, 28});
        writeIdx(dir.resolve("train-labels-idx1-ubyte"), new int[] {0});
        writeIdx(dir.resolve("t10k-images-idx3-ubyte"), new int[] {1, 28, 28});
        writeIdx(dir.resolve("t10k-labels-idx1-ubyte"), new int[] {1});
        assertRefused(run("train", "--device", "cpu", "--data", "fashion-mnist", "--data-dir", dir.toString()), 2,
                "fashion-mnist training images in " + dir + ": the IDX files hold 0 images; training needs at least 1");
    }

    static void writeIdx(Path file, int[] dims) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.write(new byte[] {0, 0, 8, (byte) dims.length});
        long n = 1;
        for (int d : dims) {
            out.writeInt(d);
            n *= d;
        }
        out.write(new byte[(int) n]);
        Files.write(file, bytes.toByteArray());
    }

    /** Item 8: predict --input NaN,1 printed "class 0 (p(class 1) = NaN)". */
    @Test
    void predictRefusesNonFiniteInputs(@TempDir Path dir) {
        Path model = dir.resolve("m.safetensors");
        assertEquals(0, quickTrain("--save", model.toString()).code());
        for (String bad : new String[] {"NaN", "Infinity", "1e999"}) {
            Run r = run("predict", "--model", model.toString(), "--input", bad + ",1", "--device", "cpu");
            assertEquals(2, r.code(), r.err());
            assertEquals("clgrad predict: --input '" + bad + ",1': '" + bad + "' is not a finite float32 number",
                    r.err().strip());
        }
    }

    /**
     * Item 18: {@code --threads N} sets the CPU backend's pool. The backend starts once per JVM, so
     * this runs the command in a fresh one.
     */
    @Test
    void threadsOptionSizesTheCpuPool() throws IOException, InterruptedException {
        ChildJvm.Result r = ChildJvm.run(new ProcessBuilder(ChildJvm.command(List.of("--add-modules",
                "jdk.incubator.vector"), Main.class, "train", "--device", "cpu", "--samples", "20", "--epochs", "1",
                "--threads", "3")), Duration.ofSeconds(120));
        assertEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().contains("device: cpu (Java CPU backend (3 threads))"), r.output());
    }
}
