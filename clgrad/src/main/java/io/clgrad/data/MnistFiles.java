package io.clgrad.data;

import io.clgrad.Tensor;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The images and labels of one MNIST-format split (MNIST, Fashion-MNIST), shared by {@link Mnist}
 * and {@link FashionMnist}: finding the files, checking that they match, and building samples.
 */
final class MnistFiles {
    final IdxArray images;
    final byte[] labels;
    final int rows;
    final int cols;

    private MnistFiles(IdxArray images, byte[] labels) {
        this.images = images;
        this.labels = labels;
        this.rows = images.dims()[1];
        this.cols = images.dims()[2];
    }

    /**
     * Reads {@code <train|t10k>-images-idx3-ubyte[.gz]} and {@code ...-labels-idx1-ubyte[.gz]} from {@code dir}.
     *
     * @param howToGet a sentence telling the user how to get the data, put in the missing-file message
     * @param classes  the number of classes: every label must be in [0, classes)
     * @throws IllegalArgumentException naming the file, index and value of the first label outside [0, classes)
     */
    static MnistFiles load(String what, Path dir, boolean train, String howToGet, int classes) throws IOException {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new IllegalArgumentException(what + ": " + dir + " is not a directory; give the directory that holds"
                    + " the IDX files");
        }
        if (!Files.isDirectory(dir)) {
            throw new FileNotFoundException(what + ": data directory " + dir + " does not exist. " + howToGet);
        }
        Path imageFile = find(what, dir, base(train, true), howToGet);
        Path labelFile = find(what, dir, base(train, false), howToGet);
        IdxArray images = IdxReader.read(imageFile);
        IdxArray labels = IdxReader.read(labelFile);
        if (images.dims().length != 3) {
            throw new IllegalArgumentException(imageFile + ": expected 3 dimensions [N, rows, cols], got "
                    + Arrays.toString(images.dims()));
        }
        if (labels.dims().length != 1) {
            throw new IllegalArgumentException(labelFile + ": expected 1 dimension [N], got " + Arrays.toString(labels.dims()));
        }
        if (images.count() != labels.count()) {
            throw new IllegalArgumentException(what + ": " + imageFile.getFileName() + " has " + images.count()
                    + " images but " + labelFile.getFileName() + " has " + labels.count() + " labels");
        }
        checkLabels(what, labelFile, labels.data(), classes);
        return new MnistFiles(images, labels.data());
    }

    /** Refuses a label outside [0, classes): a loss would be NaN or a class would be silently wrong. */
    private static void checkLabels(String what, Path labelFile, byte[] labels, int classes) {
        for (int i = 0; i < labels.length; i++) {
            int v = labels[i] & 0xFF;
            if (v >= classes) {
                throw new IllegalArgumentException(labelFile + ": label " + i + " is " + v + ", outside the "
                        + classes + " " + what + " classes [0, " + classes + ")");
            }
        }
    }

    /** The uncompressed name of a split's image or label file, e.g. {@code train-images-idx3-ubyte}. */
    private static String base(boolean train, boolean images) {
        return (train ? "train" : "t10k") + (images ? "-images-idx3-ubyte" : "-labels-idx1-ubyte");
    }

    /** Every file {@link #load} may read from {@code dir}: both splits' images and labels, gzipped or not. */
    static List<Path> candidates(Path dir) {
        List<Path> files = new ArrayList<>();
        for (boolean train : new boolean[] {true, false}) {
            for (boolean images : new boolean[] {true, false}) {
                for (String name : names(base(train, images))) {
                    files.add(dir.resolve(name));
                }
            }
        }
        return files;
    }

    /** The names a file is looked for under, in the order tried. */
    private static String[] names(String base) {
        return new String[] {base + ".gz", base};
    }

    private static Path find(String what, Path dir, String base, String howToGet) throws IOException {
        for (String name : names(base)) {
            Path p = dir.resolve(name);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new FileNotFoundException(what + ": " + dir.resolve(base + ".gz") + " not found (nor " + base
                + " uncompressed). " + howToGet);
    }

    int size() {
        return labels.length;
    }

    int label(int i) {
        return labels[i] & 0xFF;
    }

    Image image(int i) {
        int n = rows * cols;
        return new Image(Arrays.copyOfRange(images.data(), i * n, (i + 1) * n), rows, cols, 1);
    }

    Tensor[] sample(int i, Transform<Image, Tensor> transform) {
        java.util.Objects.checkIndex(i, size());
        Tensor x = transform == null ? image(i).toTensor() : transform.apply(image(i));
        return new Tensor[] {x, HostTensors.make(io.clgrad.Device.cpu(), new int[] {label(i)}, new int[0])};
    }

    /** All images as float32 in [0, 1] ({@code [N, rows*cols]} or {@code [N, 1, rows, cols]}) with int32 labels {@code [N]}. */
    TensorDataset asTensorDataset(boolean flatten) {
        byte[] px = images.data();
        float[] x = new float[px.length];
        for (int i = 0; i < px.length; i++) {
            x[i] = (px[i] & 0xFF) / 255f;
        }
        int n = size();
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = label(i);
        }
        int[] xShape = flatten ? new int[] {n, rows * cols} : new int[] {n, 1, rows, cols};
        return TensorDataset.ofHost(new HostArray(x, xShape), new HostArray(y, new int[] {n}));
    }
}
