package io.clgrad.data;

import io.clgrad.Tensor;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The MNIST handwritten digits, as torchvision's {@code MNIST}: 60,000 training and 10,000 test
 * grey-scale 28x28 images, labels 0-9, read from the four IDX files
 * ({@code train-images-idx3-ubyte.gz}, {@code train-labels-idx1-ubyte.gz}, {@code t10k-...}; gzipped
 * or not) in a directory. Nothing is downloaded.
 *
 * <p>Shapes: {@code get(i)} returns {@code {transform(image), label}}: with the default transform
 * ({@link io.clgrad.data.transforms.ToTensor}) the image is float32 {@code [1, 28, 28]} in
 * {@code [0, 1]}; the label is an int32 scalar {@code []}. {@link #asTensorDataset(boolean)} gives
 * all of them at once for fast loading.
 *
 * <pre>{@code
 * Mnist train = new Mnist(Mnist.DEFAULT_DIR, true, null);
 * DataLoader<Tensor[]> loader = DataLoader.builder(train.asTensorDataset(true)).batchSize(64).build();
 * }</pre>
 */
public final class Mnist extends IdxImageDataset {
    /** Where Debian-style packages would put MNIST: {@code /usr/share/datasets/mnist}. */
    public static final Path DEFAULT_DIR = Path.of("/usr/share/datasets/mnist");

    /** The class names, index = label. */
    public static final String[] CLASSES = {"0 - zero", "1 - one", "2 - two", "3 - three", "4 - four",
        "5 - five", "6 - six", "7 - seven", "8 - eight", "9 - nine"};

    /**
     * Reads one split.
     *
     * @param dir       the directory holding the IDX files
     * @param train     true for the 60,000 training images, false for the 10,000 test images
     * @param transform applied to each image by {@link #get(int)}; null for {@link io.clgrad.data.transforms.ToTensor}
     * @throws IOException              when the directory or a file is missing (the message says how to
     *                                  get the data) or cannot be read
     * @throws IllegalArgumentException when {@code dir} is not a directory, a file is not a valid IDX file,
     *                                  images and labels disagree, or a label is outside [0, 10) (the
     *                                  message names file, index and value)
     */
    public Mnist(Path dir, boolean train, Transform<Image, Tensor> transform) throws IOException {
        this(dir, train, transform, null);
    }

    /**
     * Reads one split, with a transform of the labels, as torchvision's {@code target_transform}.
     *
     * @param dir             the directory holding the IDX files
     * @param train           true for the training split, false for the test split
     * @param transform       applied to each image; null for {@link io.clgrad.data.transforms.ToTensor}
     * @param targetTransform applied to each label (0-9) by {@link #get(int)}; null for an int32 scalar
     * @throws IOException              as {@link #Mnist(Path, boolean, Transform)}
     * @throws IllegalArgumentException as {@link #Mnist(Path, boolean, Transform)}
     */
    public Mnist(Path dir, boolean train, Transform<Image, Tensor> transform, Transform<Integer, Tensor> targetTransform)
            throws IOException {
        super(IdxImageSet.MNIST.load(dir, train, CLASSES.length), transform, targetTransform);
    }
}
