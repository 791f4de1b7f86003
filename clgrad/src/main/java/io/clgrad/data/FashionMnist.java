package io.clgrad.data;

import io.clgrad.Tensor;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Fashion-MNIST, Zalando's article images, as torchvision's {@code FashionMNIST}: 60,000 training and
 * 10,000 test grey-scale 28x28 images of 10 kinds of clothing (see {@link #CLASSES}), read from the four IDX files
 * ({@code train-images-idx3-ubyte.gz}, {@code train-labels-idx1-ubyte.gz}, {@code t10k-...}; gzipped
 * or not) in a directory. Nothing is downloaded.
 *
 * <p>Shapes: {@code get(i)} returns {@code {transform(image), label}}: with the default transform
 * ({@link io.clgrad.data.transforms.ToTensor}) the image is float32 {@code [1, 28, 28]} in
 * {@code [0, 1]}; the label is an int32 scalar {@code []}. {@link #asTensorDataset(boolean)} gives
 * all of them at once for fast loading.
 *
 * <pre>{@code
 * FashionMnist train = new FashionMnist(FashionMnist.DEFAULT_DIR, true, null);
 * DataLoader<Tensor[]> loader = DataLoader.builder(train.asTensorDataset(true)).batchSize(64).build();
 * }</pre>
 */
public final class FashionMnist extends IdxImageDataset {
    /** Where the Debian package {@code dataset-fashion-mnist} installs the files. */
    public static final Path DEFAULT_DIR = Path.of("/usr/share/datasets/fashion-mnist");

    /** The class names, index = label. */
    public static final String[] CLASSES = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal",
        "Shirt", "Sneaker", "Bag", "Ankle boot"};

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
    public FashionMnist(Path dir, boolean train, Transform<Image, Tensor> transform) throws IOException {
        this(dir, train, transform, null);
    }

    /**
     * Reads one split, with a transform of the labels, as torchvision's {@code target_transform}.
     *
     * @param dir             the directory holding the IDX files
     * @param train           true for the training split, false for the test split
     * @param transform       applied to each image; null for {@link io.clgrad.data.transforms.ToTensor}
     * @param targetTransform applied to each label (0-9) by {@link #get(int)}; null for an int32 scalar
     * @throws IOException              as {@link #FashionMnist(Path, boolean, Transform)}
     * @throws IllegalArgumentException as {@link #FashionMnist(Path, boolean, Transform)}
     */
    public FashionMnist(Path dir, boolean train, Transform<Image, Tensor> transform, Transform<Integer, Tensor> targetTransform)
            throws IOException {
        super(IdxImageSet.FASHION_MNIST.load(dir, train, CLASSES.length), transform, targetTransform);
    }
}
