package io.clgrad.cli;

import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * Where {@code --data} is read from: {@code --data-dir} for the IDX image sets, {@code --file} and
 * {@code --label} for a CSV file (a picocli mixin shared by {@code train} and {@code eval}).
 */
final class DataFileOptions {
    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Directory of the fashion-mnist/mnist IDX files (default: /usr/share/datasets/<name>).")
    Path dataDir;

    @Option(names = "--file", paramLabel = "F", description = "CSV file for --data csv (first line: column names).")
    Path file;

    @Option(names = "--label", paramLabel = "COL", description = "Label column of the CSV file (class indices).")
    String label;

    /** The data set {@code name} read from these options ({@link TrainingData#load}). */
    TrainingData load(String name, int samples, long seed, double heldFraction) throws IOException {
        return TrainingData.load(name, dataDir, file, label, samples, seed, heldFraction);
    }
}
