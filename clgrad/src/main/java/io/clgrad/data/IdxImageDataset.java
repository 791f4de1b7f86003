package io.clgrad.data;

import io.clgrad.Tensor;

/**
 * A data set of 28x28 grey-scale images with labels 0-9 read from the four MNIST-format IDX files:
 * what {@link Mnist} and {@link FashionMnist} share. {@code get(i)} returns
 * {@code {transform(image), label}} (float32 {@code [1, 28, 28]} in [0, 1] with the default
 * {@link io.clgrad.data.transforms.ToTensor}; the label an int32 scalar), and
 * {@link #asTensorDataset(boolean)} gives all samples at once for fast loading.
 */
public abstract class IdxImageDataset implements Dataset<Tensor[]> {
    private final MnistFiles files;
    private final Transform<Image, Tensor> transform;
    private final Transform<Integer, Tensor> targetTransform;

    IdxImageDataset(MnistFiles files, Transform<Image, Tensor> transform, Transform<Integer, Tensor> targetTransform) {
        this.files = files;
        this.transform = transform;
        this.targetTransform = targetTransform;
    }

    /**
     * The files an MNIST-format data set in {@code dir} is read from: both splits' image and label
     * files, under their gzipped and uncompressed names ({@code train-images-idx3-ubyte.gz},
     * {@code train-images-idx3-ubyte}, ...), whether they exist or not. For checking that an output
     * file does not overwrite the data.
     *
     * @param dir the data directory
     * @return the 8 paths in {@code dir}
     */
    public static java.util.List<java.nio.file.Path> files(java.nio.file.Path dir) {
        return MnistFiles.candidates(dir);
    }

    @Override
    public int size() {
        return files.size();
    }

    /**
     * Sample {@code index}.
     *
     * @param index {@code 0 <= index < size()}
     * @return {@code {transform(image), label}}, the label an int32 scalar (or
     *         {@code targetTransform(label)} when the data set was given one)
     */
    @Override
    public Tensor[] get(int index) {
        if (targetTransform == null) {
            return files.sample(index, transform);
        }
        Image img = image(index);
        Tensor x = transform == null ? img.toTensor() : transform.apply(img);
        return new Tensor[] {x, targetTransform.apply(label(index))};
    }

    /**
     * The raw image {@code index}, before any transform.
     *
     * @param index {@code 0 <= index < size()}
     * @return a 28x28x1 image
     */
    public Image image(int index) {
        return files.image(java.util.Objects.checkIndex(index, size()));
    }

    /**
     * The label of sample {@code index}.
     *
     * @param index {@code 0 <= index < size()}
     * @return the class, 0-9
     */
    public int label(int index) {
        return files.label(java.util.Objects.checkIndex(index, size()));
    }

    /**
     * All samples as one {@link TensorDataset}, skipping per-sample transforms: images float32 scaled
     * to {@code [0, 1]}, {@code [N, 784]} when {@code flatten} else {@code [N, 1, 28, 28]}; labels
     * int32 {@code [N]}.
     *
     * @param flatten whether to flatten each image to 784 values
     * @return a new dataset
     */
    public TensorDataset asTensorDataset(boolean flatten) {
        return files.asTensorDataset(flatten);
    }
}
