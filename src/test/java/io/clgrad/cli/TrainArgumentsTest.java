package io.clgrad.cli;

import static io.clgrad.cli.TrainCommandTest.assertRefused;
import static io.clgrad.cli.TrainCommandTest.quickTrain;
import static io.clgrad.cli.TrainCommandTest.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.clgrad.TestDevices;
import io.clgrad.backend.CpuThreadSettings;
import io.clgrad.cli.TrainCommandTest.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code clgrad train} options found wanting by a new-user/hostile test after issue 9's first
 * round: outputs over the input data set, over-long file names, {@code --resume} with other
 * {@code --samples}, {@code -} as an output, a plot under a non-PNG name, CSV headers and labels,
 * strict numbers in {@code predict --input}, and {@code --threads} with an OpenCL device.
 */
class TrainArgumentsTest {
    /**
     * {@code --save fm/train-labels-idx1-ubyte.gz} with {@code --data-dir fm} trained and then
     * replaced the IDX file with a model file (exit code 0). Every output is checked against all
     * the names the data set is read from, gzipped or not, existing or not.
     */
    @Test
    void outputsMayNotOverwriteTheImageDataSet(@TempDir Path dir) throws IOException {
        Path fm = dir.resolve("fm");
        Files.createDirectory(fm);
        TrainHardeningTest.writeIdx(fm.resolve("train-images-idx3-ubyte"), new int[] {2, 28, 28});
        TrainHardeningTest.writeIdx(fm.resolve("train-labels-idx1-ubyte"), new int[] {2});
        TrainHardeningTest.writeIdx(fm.resolve("t10k-images-idx3-ubyte"), new int[] {1, 28, 28});
        TrainHardeningTest.writeIdx(fm.resolve("t10k-labels-idx1-ubyte"), new int[] {1});
        byte[] labels = Files.readAllBytes(fm.resolve("train-labels-idx1-ubyte"));
        String[][] cases = {
            {"--save", "train-labels-idx1-ubyte"},
            {"--checkpoint", "t10k-labels-idx1-ubyte"},
            {"--metrics-json", "t10k-images-idx3-ubyte"},
            {"--plot", "train-images-idx3-ubyte.gz"},   // the gzipped name is read first when it exists
            {"--save", "t10k-labels-idx1-ubyte.gz"},
        };
        for (String[] c : cases) {
            Path target = fm.resolve(c[1]);
            assertRefused(run("train", "--quiet", "--device", "cpu", "--epochs", "1", "--data", "fashion-mnist",
                    "--data-dir", fm.toString(), c[0], target.toString()), 2,
                    c[0] + " " + target + " would overwrite the --data fashion-mnist file; write to another file");
        }
        assertArrayEquals(labels, Files.readAllBytes(fm.resolve("train-labels-idx1-ubyte")));
        assertFalse(Files.exists(fm.resolve("train-images-idx3-ubyte.gz")));
        // the same file through another spelling of the directory
        Path other = dir.resolve("./fm/../fm/train-labels-idx1-ubyte");
        assertRefused(run("train", "--quiet", "--device", "cpu", "--data", "mnist", "--data-dir", fm.toString(),
                "--save", other.toString()), 2, "--save " + other + " would overwrite the --data mnist file;"
                + " write to another file");
        assertArrayEquals(labels, Files.readAllBytes(fm.resolve("train-labels-idx1-ubyte")));
        // without --data-dir the files are those of the default directory
        assertEquals(Path.of("/usr/share/datasets/fashion-mnist"), TrainingData.imageDir("fashion-mnist", null));
        assertEquals(Path.of("/usr/share/datasets/mnist"), TrainingData.imageDir("mnist", null));
        assertEquals(fm, TrainingData.imageDir("mnist", fm));
    }

    /**
     * A legal 240-byte {@code --save} name failed after the first epoch: the temporary file
     * {@code .NAME.<pid>.<random>.tmp} passed the 255-byte limit of a file name. Over-long
     * {@code --plot} and {@code --metrics-json} names failed only after the whole run.
     */
    @Test
    void overLongFileNamesAreRefusedBeforeTraining(@TempDir Path dir) {
        int overhead = io.clgrad.io.Safetensors.tempNameOverhead();
        assertEquals(".".length() * 3 + Long.toString(ProcessHandle.current().pid()).length() + 20 + ".tmp".length(),
                overhead);
        int most = 255 - overhead;
        Path save = dir.resolve("m".repeat(228) + ".safetensors");   // 240 bytes: a legal name
        assertRefused(quickTrain("--save", save.toString()), 2, "--save " + save + ": the file name is 240 bytes long;"
                + " saving first writes a temporary file whose name is " + overhead + " bytes longer, and a file name"
                + " may have at most 255 bytes: give a name of at most " + most + " bytes");
        Path ckpt = dir.resolve("\u00e9".repeat(120));
        assertRefused(quickTrain("--checkpoint", ckpt.toString()), 2, "--checkpoint " + ckpt + ": the file name is 240 bytes"
                + " long (in UTF-8); saving first writes a temporary file whose name is " + overhead + " bytes longer,"
                + " and a file name may have at most 255 bytes: give a name of at most " + most + " bytes");
        Path plot = dir.resolve("\u00e9".repeat(126) + ".png");   // 256 bytes in UTF-8, 130 characters
        assertRefused(quickTrain("--plot", plot.toString()), 2, "--plot " + plot + ": the file name is 256 bytes long"
                + " (in UTF-8); a file name may have at most 255 bytes");
        Path json = dir.resolve("j".repeat(251) + ".json");
        assertRefused(quickTrain("--metrics-json", json.toString()), 2, "--metrics-json " + json + ": the file name is 256"
                + " bytes long; a file name may have at most 255 bytes");
        // the longest names that fit are accepted
        Path fits = dir.resolve("s".repeat(most - ".safetensors".length()) + ".safetensors");
        Path plotFits = dir.resolve("p".repeat(251) + ".png");
        Run ok = quickTrain("--save", fits.toString(), "--plot", plotFits.toString());
        assertEquals(0, ok.code(), ok.err());
        assertTrue(Files.isRegularFile(fits) && Files.isRegularFile(plotFits));
    }

    /** A checkpoint of 50 generated samples resumed on 2000 (the default) trained on other data silently. */
    @Test
    void resumeWithOtherSamplesIsRefused(@TempDir Path dir) {
        Path ck = dir.resolve("c.ckpt");
        assertEquals(0, quickTrain("--checkpoint", ck.toString()).code());
        assertRefused(quickTrain("--resume", ck.toString(), "--samples", "60"), 2, ck + ": the checkpoint was trained on"
                + " --samples 50, not 60 (another count generates other data): resume with --samples 50");
        assertRefused(run("train", "--quiet", "--device", "cpu", "--epochs", "1", "--resume", ck.toString()), 2,
                ck + ": the checkpoint was trained on --samples 50, not 2000 (another count generates other data):"
                        + " resume with --samples 50");
        Run same = quickTrain("--resume", ck.toString(), "--samples", "50");
        assertEquals(0, same.code(), same.err());
    }

    /** {@code --metrics-json -} wrote a file named "-" in the working directory. */
    @Test
    void dashIsRefusedAsAnOutputName() {
        Path dash = Path.of("-");
        boolean existed = Files.exists(dash);
        for (String option : new String[] {"--metrics-json", "--plot"}) {
            assertRefused(quickTrain(option, "-"), 2, option + " -: '-' would be a file named '-', not standard output;"
                    + " use /dev/stdout to print it (or ./- for a file of that name)");
        }
        for (String option : new String[] {"--save", "--checkpoint"}) {
            assertRefused(quickTrain(option, "-"), 2, option + " -: '-' would be a file named '-', not standard output;"
                    + " give a file name (./- for a file of that name)");
        }
        assertEquals(existed, Files.exists(dash), "a file named '-' was created");
    }

    /** {@code --plot curves.svg} wrote a PNG under that name. */
    @Test
    void plotUnderAnotherImageExtensionIsRefused(@TempDir Path dir) {
        for (String ext : new String[] {"svg", "jpg", "JPEG", "pdf", "gif"}) {
            Path p = dir.resolve("curves." + ext);
            assertRefused(quickTrain("--plot", p.toString()), 2, "--plot " + p + ": clgrad writes the curves as a PNG image;"
                    + " give a name ending in .png, not ." + ext);
            assertFalse(Files.exists(p));
        }
        Path upper = dir.resolve("curves.PNG");
        assertEquals(0, quickTrain("--plot", upper.toString()).code());
        assertTrue(Files.isRegularFile(upper));
    }

    /** A headerless CSV lost its first row to the header without a word. */
    @Test
    void headerThatLooksLikeDataIsWarnedAbout(@TempDir Path dir) throws IOException {
        Path csv = dir.resolve("nohead.csv");
        Files.writeString(csv, "0.5,1\n1,0\n2,1\n3,0\n4,1\n5,0\n6,1\n");
        Run r = run("train", "--quiet", "--device", "cpu", "--epochs", "1", "--data", "csv", "--file", csv.toString(),
                "--label", "1");
        assertEquals(0, r.code(), r.err());
        assertEquals("clgrad train: warning: " + csv + ": the first line looks like data, not column names; clgrad"
                + " reads line 1 as the header", r.err().strip());
        Path named = dir.resolve("head.csv");
        Files.writeString(named, "x,label\n1,0\n2,1\n3,0\n4,1\n5,0\n6,1\n");
        Run quiet = run("train", "--quiet", "--device", "cpu", "--epochs", "1", "--data", "csv", "--file",
                named.toString(), "--label", "label");
        assertEquals(0, quiet.code(), quiet.err());
        assertEquals("", quiet.err());
    }

    /** Labels 0, 1, 1.0 were refused as "numbers that are not all integers", without saying which. */
    @Test
    void decimalLabelsAreNamed(@TempDir Path dir) throws IOException {
        Path csv = dir.resolve("labels.csv");
        Files.writeString(csv, "a,label\n1,0\n2,1\n3,1.0\n4,0\n5,1\n6,0\n");
        assertRefused(run("train", "--device", "cpu", "--data", "csv", "--file", csv.toString(), "--label", "label"), 2,
                "labels.csv line 4, column 'label': label '1.0' is written as a decimal; class labels must be"
                        + " integers or names");
        Path floats = dir.resolve("floats.csv");
        Files.writeString(floats, "a,label\n1,2\n2,1.5\n3,0.5\n4,1.5\n5,0.5\n");
        assertRefused(run("train", "--device", "cpu", "--data", "csv", "--file", floats.toString(), "--label", "label"), 2,
                "floats.csv line 3, column 'label': label '1.5' is not an integer; class labels must be integers or"
                        + " names");
    }

    /** {@code predict --input 1,2,} dropped the empty last value; Java-only number forms were accepted. */
    @Test
    void predictInputIsParsedStrictly(@TempDir Path dir) {
        Path model = dir.resolve("m.safetensors");
        assertEquals(0, quickTrain("--save", model.toString()).code());
        String[][] cases = {
            {"1,2,", "--input '1,2,': value 3 is empty"},
            {",1", "--input ',1': value 1 is empty"},
            {"", "--input '': no values; give the model's 2 features separated by commas"},
            {" ", "--input ' ': no values; give the model's 2 features separated by commas"},
            {"1.2f,1", "--input '1.2f,1': '1.2f' is not a decimal number"},
            {"0.5d,1", "--input '0.5d,1': '0.5d' is not a decimal number"},
            {"0x1p3,1", "--input '0x1p3,1': '0x1p3' is not a decimal number"},
            {"1,2,3", "--input '1,2,3' has 3 values but the model takes 2 features"},
        };
        for (String[] c : cases) {
            Run r = run("predict", "--model", model.toString(), "--input", c[0], "--device", "cpu");
            assertEquals(2, r.code(), c[0] + ": " + r.err());
            assertEquals("clgrad predict: " + c[1], r.err().strip());
        }
        Run ok = run("predict", "--model", model.toString(), "--input", "+1.5e0, -.25", "--device", "cpu");
        assertEquals(0, ok.code(), ok.err());
    }

    /** {@code --threads 2 --device opencl:0} said nothing although OpenCL does not use the Java pool. */
    @Test
    void threadsWithAnOpenClDeviceIsWarnedAbout() {
        assumeTrue(!TestDevices.opencl().isEmpty(), "needs an OpenCL device");
        String before = System.getProperty(CpuThreadSettings.PROPERTY);
        try {
            String id = TestDevices.opencl().get(0).id();
            Run r = quickTrain("--device", id, "--threads", "2");
            assertEquals(0, r.code(), r.err());
            assertTrue(r.err().contains("clgrad train: warning: --threads sizes only the Java CPU backend's worker"
                    + " pool; " + id + " does not use it\n"), r.err());
        } finally {
            if (before == null) {
                System.clearProperty(CpuThreadSettings.PROPERTY);
            } else {
                System.setProperty(CpuThreadSettings.PROPERTY, before);
            }
        }
    }
}
