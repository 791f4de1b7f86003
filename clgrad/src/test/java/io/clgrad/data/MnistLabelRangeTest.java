package io.clgrad.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An IDX label outside [0, 10) is refused when MNIST / Fashion-MNIST is loaded (issue 9, item 1). */
class MnistLabelRangeTest {
    @TempDir
    Path dir;

    /** Writes a split of {@code labels.length} blank 28x28 images with the given labels. */
    static void writeSplit(Path dir, String prefix, int... labels) throws IOException {
        int n = labels.length;
        byte[] lb = new byte[n];
        for (int i = 0; i < n; i++) {
            lb[i] = (byte) labels[i];
        }
        IdxReaderTest.write(dir.resolve(prefix + "-images-idx3-ubyte.gz"),
                IdxReaderTest.idx(8, new int[] {n, 28, 28}, new byte[n * 28 * 28]), true);
        IdxReaderTest.write(dir.resolve(prefix + "-labels-idx1-ubyte.gz"), IdxReaderTest.idx(8, new int[] {n}, lb), true);
    }

    @Test
    void fashionMnistLabel250IsNamedWithFileAndIndex() throws IOException {
        writeSplit(dir, "train", 3, 9, 250, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new FashionMnist(dir, true, null));
        assertEquals(dir.resolve("train-labels-idx1-ubyte.gz") + ": label 2 is 250, outside the 10 Fashion-MNIST"
                + " classes [0, 10)", e.getMessage());
    }

    @Test
    void mnistLabel10IsRefusedAnd9Accepted() throws IOException {
        writeSplit(dir, "t10k", 0, 9, 10);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Mnist(dir, false, null));
        assertTrue(e.getMessage().contains("t10k-labels-idx1-ubyte.gz: label 2 is 10, outside the 10 MNIST classes"),
                e.getMessage());
        writeSplit(dir, "t10k", 0, 9, 5);
        assertEquals(9, new Mnist(dir, false, null).label(1));
    }
}
