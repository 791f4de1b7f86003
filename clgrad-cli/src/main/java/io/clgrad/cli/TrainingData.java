package io.clgrad.cli;

import io.clgrad.Tensor;
import io.clgrad.data.CsvDataset;
import io.clgrad.data.Dataset;
import io.clgrad.data.Datasets;
import io.clgrad.data.FashionMnist;
import io.clgrad.data.Mnist;
import io.clgrad.data.TensorDataset;
import io.clgrad.data.synthetic.Blobs;
import io.clgrad.data.synthetic.Circles;
import io.clgrad.data.synthetic.TwoMoons;
import io.clgrad.data.synthetic.Xor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The data sets {@code clgrad train/eval/predict} can use: a training part, a held-out part
 * (validation split, or the official test set for Fashion-MNIST/MNIST), and their shape.
 *
 * @param name       the --data value
 * @param train      training samples
 * @param held       held-out samples
 * @param heldLabel  "validation" or "test"
 * @param features   input features per sample
 * @param classes    number of classes (2 for binary)
 * @param classNames the class names in index order: a CSV file's labels (see {@link CsvDataset}: sorted,
 *                   integers numerically), else the indices "0", "1", ...
 * @param source     the CSV file, or null for built-in data
 */
record TrainingData(String name, Dataset<Tensor[]> train, Dataset<Tensor[]> held, String heldLabel, int features,
                    int classes, List<String> classNames, Path source) {

    /** Names accepted by --data. */
    static final String NAMES = "two-moons, circles, xor, blobs, fashion-mnist, mnist, csv";

    /** The names of {@link #NAMES} as a list. */
    static final List<String> NAMES_LIST = List.of(NAMES.split(", "));

    /** Whether {@code name} is a generated data set (its sample count is a setting). */
    static boolean isSynthetic(String name) {
        return List.of("two-moons", "circles", "xor", "blobs").contains(name);
    }

    /** Whether {@code name} is an image set with an official test split (no seeded validation split). */
    static boolean isImageSet(String name) {
        return name.equals("fashion-mnist") || name.equals("mnist");
    }

    /**
     * Loads a data set by name.
     *
     * @param dataDir  directory for fashion-mnist/mnist (null: the Debian package's location)
     * @param file     the CSV file for csv
     * @param label    the CSV label column
     * @param samples  sample count for the synthetic sets
     * @param seed     seed for synthetic data and the validation split
     * @param validFraction share of samples held out for validation (synthetic and CSV)
     */
    static TrainingData load(String name, Path dataDir, Path file, String label, int samples, long seed,
                             double validFraction) throws IOException {
        switch (name) {
            case "two-moons":
                return split(name, TwoMoons.generate(samples, 0.2, seed), 2, 2, seed, validFraction, "--samples");
            case "circles":
                return split(name, Circles.generate(samples, 0.1, seed), 2, 2, seed, validFraction, "--samples");
            case "xor":
                return split(name, Xor.generate(samples, 0.0, seed), 2, 2, seed, validFraction, "--samples");
            case "blobs":
                return split(name, Blobs.generate(samples, 3, 1.0, seed), 2, 3, seed, validFraction, "--samples");
            case "fashion-mnist":
            case "mnist": {
                Path dir = imageDir(name, dataDir);
                TensorDataset train = name.equals("mnist") ? new Mnist(dir, true, null).asTensorDataset(true)
                        : new FashionMnist(dir, true, null).asTensorDataset(true);
                TensorDataset test = name.equals("mnist") ? new Mnist(dir, false, null).asTensorDataset(true)
                        : new FashionMnist(dir, false, null).asTensorDataset(true);
                requireSamples(name + " training images in " + dir, train.size());
                requireSamples(name + " test images in " + dir, test.size());
                return new TrainingData(name, train, test, "test", 784, 10, indices(10), null);
            }
            case "csv": {
                if (file == null || label == null) {
                    throw new IllegalArgumentException("--data csv needs --file F and --label COLUMN");
                }
                CsvDataset csv = CsvDataset.readClasses(file, label, true);   // clgrad classifies
                if (csv.numClasses() < 2) {
                    throw new IllegalArgumentException(file + ": the label column '" + label + "' holds only one class ('"
                            + csv.classes()[0] + "'); a classifier needs at least 2");
                }
                TrainingData td = split(name, csv.asTensorDataset(), csv.numFeatures(), csv.numClasses(), seed,
                        validFraction, file.toString());
                return new TrainingData(name, td.train(), td.held(), td.heldLabel(), td.features(), td.classes(),
                        List.of(csv.classes()), file);
            }
            default:
                throw new IllegalArgumentException("unknown --data '" + name + "'; expected one of: " + NAMES);
        }
    }

    /**
     * The directory an image set is read from.
     *
     * @param name    fashion-mnist or mnist
     * @param dataDir the --data-dir value, or null for the default (/usr/share/datasets/NAME)
     */
    static Path imageDir(String name, Path dataDir) {
        return dataDir != null ? dataDir : name.equals("mnist") ? Mnist.DEFAULT_DIR : FashionMnist.DEFAULT_DIR;
    }

    /**
     * Splits off the validation part.
     *
     * @param source "--samples" for generated data, else the file, for the message when a part is empty
     */
    private static TrainingData split(String name, TensorDataset all, int features, int classes, long seed,
                                      double validFraction, String source) {
        double[] fractions = {1 - validFraction, validFraction};
        List<? extends Dataset<Tensor[]>> parts = Datasets.randomSplit(all, fractions, seed);
        if (parts.get(0).size() == 0 || parts.get(1).size() == 0) {
            int min = 1;   // the fewest samples that leave every part non-empty
            while (Arrays.stream(Datasets.splitSizes(min, fractions)).anyMatch(size -> size == 0)) {
                min++;
            }
            String what = source.equals("--samples") ? "--samples " + all.size() : source + " has " + all.size()
                    + " data rows, which";
            throw new IllegalArgumentException(what + " leaves no " + (parts.get(0).size() == 0 ? "training" : "validation")
                    + " samples (" + Math.round(validFraction * 100) + "% are held out for validation; accuracy and loss"
                    + " over no samples are NaN); at least " + min + (source.equals("--samples") ? " samples" : " rows")
                    + " are needed");
        }
        return new TrainingData(name, parts.get(0), parts.get(1), "validation", features, classes, indices(classes),
                null);
    }

    /** "0", "1", ..., the names of classes that are their indices. */
    private static List<String> indices(int classes) {
        return java.util.stream.IntStream.range(0, classes).mapToObj(Integer::toString).toList();
    }

    /** Refuses an image set with no samples (its metrics would be NaN). */
    private static void requireSamples(String what, int count) {
        if (count == 0) {
            throw new IllegalArgumentException(what + ": the IDX files hold 0 images; training needs at least 1");
        }
    }
}
