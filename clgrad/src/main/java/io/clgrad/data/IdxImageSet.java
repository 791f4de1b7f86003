package io.clgrad.data;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The MNIST-format image sets clgrad reads, one entry per set: the name its error messages use and
 * how to get its files when they are missing. {@link Mnist} and {@link FashionMnist} load their
 * splits through their entry, as torchvision's {@code FashionMNIST} is {@code MNIST} with other
 * resources.
 */
enum IdxImageSet {
    /** The handwritten digits ({@link Mnist}). */
    MNIST("MNIST", "Put the four MNIST IDX files (train-images-idx3-ubyte.gz,"
            + " train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz) in that"
            + " directory, or pass another one with --data-dir."),
    /** Zalando's article images ({@link FashionMnist}); Debian packages them. */
    FASHION_MNIST("Fashion-MNIST", "On Debian/Ubuntu: sudo apt-get install dataset-fashion-mnist"
            + " (installs /usr/share/datasets/fashion-mnist); or put the four IDX files"
            + " (train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz,"
            + " t10k-labels-idx1-ubyte.gz) in a directory and pass it (--data-dir DIR).");

    private final String title;
    private final String howToGet;

    IdxImageSet(String title, String howToGet) {
        this.title = title;
        this.howToGet = howToGet;
    }

    /**
     * Reads one split of this set from {@code dir} (see {@link MnistFiles#load}), checking that
     * every label is below {@code classes}.
     */
    MnistFiles load(Path dir, boolean train, int classes) throws IOException {
        return MnistFiles.load(title, dir, train, howToGet, classes);
    }
}
