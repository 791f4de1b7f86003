package io.clgrad.data;

import io.clgrad.Tensor;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * CIFAR-10 from its binary distribution ({@code cifar-10-batches-bin}), as torchvision's
 * {@code CIFAR10}: 50,000 training images in {@code data_batch_1.bin} ... {@code data_batch_5.bin}
 * and 10,000 test images in {@code test_batch.bin}, 32x32 RGB in 10 classes ({@link #CLASSES}).
 * Each record is 3073 bytes: the label (0-9), then 1024 red, 1024 green and 1024 blue bytes, each
 * plane row-major. Nothing is downloaded; any number of records per file is accepted.
 *
 * <p>Files are checked when loaded; errors name the file and the record (counting from 0): a size
 * that is not a whole number of records (a truncated file), an empty file, or a label outside [0, 10).
 *
 * <p>Shapes: {@code get(i)} is {@code {transform(image), targetTransform(label)}}; by default float32
 * {@code [3, 32, 32]} in {@code [0, 1]} and an int32 scalar label.
 *
 * <pre>{@code
 * Cifar10 train = new Cifar10(Path.of("data/cifar-10-batches-bin"), true,
 *         Compose.of(new ToTensor(), new RandomCrop(32, 4, 42), new RandomHorizontalFlip(0.5, 42)), null);
 * }</pre>
 */
public final class Cifar10 extends LabelledImages {
    /** The class names, index = label. */
    public static final List<String> CLASSES = List.of("airplane", "automobile", "bird", "cat", "deer", "dog", "frog",
            "horse", "ship", "truck");
    /** Bytes per record: 1 label byte and 3 x 32 x 32 pixel bytes. */
    public static final int RECORD_BYTES = 1 + 3 * 32 * 32;
    /** The training files, in order. */
    public static final List<String> TRAIN_FILES = List.of("data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin",
            "data_batch_4.bin", "data_batch_5.bin");
    /** The test file. */
    public static final String TEST_FILE = "test_batch.bin";

    private static final int SIDE = 32;
    private static final int PLANE = SIDE * SIDE;

    private final byte[] records;
    private final int size;

    /**
     * Reads one split from {@code dir}.
     *
     * @param dir             the directory holding the {@code .bin} files ({@code cifar-10-batches-bin})
     * @param train           true for the five training batches, false for the test batch
     * @param transform       applied to each image; null for {@link Image#toTensor()}
     * @param targetTransform applied to each label; null for an int32 scalar tensor
     * @throws IOException              when a file is missing or cannot be read
     * @throws IllegalArgumentException when a file is empty, truncated or holds a label outside [0, 10)
     *                                  (naming the file and the record)
     */
    public Cifar10(Path dir, boolean train, Transform<Image, Tensor> transform, Transform<Integer, Tensor> targetTransform)
            throws IOException {
        super(transform, targetTransform);
        List<byte[]> parts = new ArrayList<>();
        long total = 0;
        for (String name : train ? TRAIN_FILES : List.of(TEST_FILE)) {
            Path f = dir.resolve(name);
            if (!Files.isRegularFile(f)) {
                throw new FileNotFoundException("CIFAR-10: " + f + " not found. Download the binary version"
                        + " (cifar-10-binary.tar.gz from https://www.cs.toronto.edu/~kriz/cifar.html), unpack it"
                        + " and pass its cifar-10-batches-bin directory");
            }
            byte[] b = Files.readAllBytes(f);
            check(f, b);
            parts.add(b);
            total += b.length;
        }
        if (total > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("CIFAR-10: " + total + " bytes in " + dir + " is more than one array holds");
        }
        this.records = new byte[(int) total];
        int at = 0;
        for (byte[] b : parts) {
            System.arraycopy(b, 0, records, at, b.length);
            at += b.length;
        }
        this.size = (int) (total / RECORD_BYTES);
    }

    /** Checks one file's length and labels. */
    private static void check(Path f, byte[] b) {
        if (b.length == 0) {
            throw new IllegalArgumentException("CIFAR-10: " + f + " is empty: no records");
        }
        if (b.length % RECORD_BYTES != 0) {
            int whole = b.length / RECORD_BYTES;
            throw new IllegalArgumentException("CIFAR-10: " + f + " is truncated or corrupt: " + b.length
                    + " bytes is not a whole number of " + RECORD_BYTES + "-byte records (1 label byte + 3072 pixel"
                    + " bytes); record " + whole + " (counting from 0) has only " + (b.length % RECORD_BYTES) + " bytes");
        }
        for (int r = 0; r < b.length / RECORD_BYTES; r++) {
            int label = b[r * RECORD_BYTES] & 0xFF;
            if (label >= CLASSES.size()) {
                throw new IllegalArgumentException("CIFAR-10: " + f + " record " + r + " (counting from 0): label "
                        + label + " is outside the 10 classes [0, 10); is this a CIFAR-100 file or a corrupt one?");
            }
        }
    }

    @Override
    public int size() {
        return size;
    }

    /**
     * Image {@code index}, converted from the file's planes to {@code H x W x C}.
     *
     * @param index {@code 0 <= index < size()}
     * @return a 32x32x3 image
     */
    @Override
    public Image image(int index) {
        int base = java.util.Objects.checkIndex(index, size) * RECORD_BYTES + 1;
        byte[] px = new byte[3 * PLANE];
        for (int i = 0; i < PLANE; i++) {
            for (int ch = 0; ch < 3; ch++) {
                px[3 * i + ch] = records[base + ch * PLANE + i];
            }
        }
        return new Image(px, SIDE, SIDE, 3);
    }

    @Override
    public int label(int index) {
        return records[java.util.Objects.checkIndex(index, size) * RECORD_BYTES] & 0xFF;
    }

    @Override
    public List<String> classes() {
        return CLASSES;
    }

    /**
     * All samples as one {@link TensorDataset}, skipping per-sample transforms: images float32
     * {@code [N, 3, 32, 32]} in {@code [0, 1]}, labels int32 {@code [N]}, for the loader's fast path.
     *
     * @return a new dataset
     */
    public TensorDataset asTensorDataset() {
        float[] x = new float[size * 3 * PLANE];
        int[] y = new int[size];
        for (int r = 0; r < size; r++) {
            y[r] = label(r);
            int src = r * RECORD_BYTES + 1;
            for (int i = 0; i < 3 * PLANE; i++) {
                x[r * 3 * PLANE + i] = (records[src + i] & 0xFF) / 255f;
            }
        }
        return TensorDataset.ofHost(new HostArray(x, new int[] {size, 3, SIDE, SIDE}), new HostArray(y, new int[] {size}));
    }
}
