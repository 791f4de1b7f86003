package io.clgrad.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clgrad.Tensor;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CIFAR-10 reader on small files written in the binary format (label byte, then the red, green
 * and blue 32x32 planes): labels, the plane-to-HWC conversion, the order of the training batches,
 * target transforms, asTensorDataset, and errors for truncated, empty and mislabelled files.
 */
class Cifar10Test {
    @TempDir
    Path dir;

    /** Record value at (file f, record r, channel ch, pixel i), a pattern the test can recompute. */
    private static int px(int f, int r, int ch, int i) {
        return (f * 31 + r * 7 + ch * 50 + i) & 0xFF;
    }

    private static int labelOf(int f, int r) {
        return (f + 3 * r) % 10;
    }

    private void write(String name, int f, int records) throws IOException {
        byte[] b = new byte[records * Cifar10.RECORD_BYTES];
        for (int r = 0; r < records; r++) {
            int base = r * Cifar10.RECORD_BYTES;
            b[base] = (byte) labelOf(f, r);
            for (int ch = 0; ch < 3; ch++) {
                for (int i = 0; i < 1024; i++) {
                    b[base + 1 + ch * 1024 + i] = (byte) px(f, r, ch, i);
                }
            }
        }
        Files.write(dir.resolve(name), b);
    }

    private void writeTrain() throws IOException {
        for (int f = 0; f < 5; f++) {
            write(Cifar10.TRAIN_FILES.get(f), f, f + 1);   // 1 + 2 + ... + 5 = 15 records
        }
    }

    @Test
    void readsRecordsInOrder() throws IOException {
        writeTrain();
        write(Cifar10.TEST_FILE, 9, 3);
        Cifar10 train = new Cifar10(dir, true, null, null);
        assertEquals(15, train.size());
        assertEquals(10, train.classes().size());
        int k = 0;
        for (int f = 0; f < 5; f++) {
            for (int r = 0; r <= f; r++, k++) {
                assertEquals(labelOf(f, r), train.label(k));
                Image img = train.image(k);
                assertEquals(32, img.height());
                assertEquals(3, img.channels());
                for (int i : new int[] {0, 1, 33, 1023}) {
                    for (int ch = 0; ch < 3; ch++) {
                        assertEquals(px(f, r, ch, i), img.pixel(i / 32, i % 32, ch), "file " + f + " record " + r);
                    }
                }
            }
        }
        Cifar10 test = new Cifar10(dir, false, null, y -> Tensor.of(new int[] {y * 10}, 1));
        assertEquals(3, test.size());
        Tensor[] s = test.get(2);
        assertArrayEquals(new int[] {3, 32, 32}, s[0].shape());
        assertEquals(px(9, 2, 1, 5) / 255f, s[0].toFloatArray()[1024 + 5], 1e-7f);
        assertArrayEquals(new int[] {labelOf(9, 2) * 10}, s[1].toIntArray());
        Tensor[] all = test.asTensorDataset().tensors();
        assertArrayEquals(new int[] {3, 3, 32, 32}, all[0].shape());
        assertArrayEquals(s[0].toFloatArray(), Arrays.copyOfRange(all[0].toFloatArray(), 2 * 3072, 3 * 3072));
        assertArrayEquals(new int[] {labelOf(9, 0), labelOf(9, 1), labelOf(9, 2)}, all[1].toIntArray());
    }

    @Test
    void truncatedEmptyMissingAndBadLabels() throws IOException {
        writeTrain();
        Path f = dir.resolve("data_batch_3.bin");
        byte[] b = Files.readAllBytes(f);
        Files.write(f, Arrays.copyOf(b, b.length - 100));   // record 2 of 3 cut short
        IllegalArgumentException cut = assertThrows(IllegalArgumentException.class, () -> new Cifar10(dir, true, null, null));
        assertTrue(cut.getMessage().contains("data_batch_3.bin is truncated") && cut.getMessage().contains("record 2")
                && cut.getMessage().contains("only 2973 bytes"), cut.getMessage());
        Files.write(f, new byte[0]);
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class, () -> new Cifar10(dir, true, null, null));
        assertTrue(empty.getMessage().contains("data_batch_3.bin is empty"), empty.getMessage());
        b[Cifar10.RECORD_BYTES] = 12;   // record 1's label
        Files.write(f, b);
        IllegalArgumentException label = assertThrows(IllegalArgumentException.class, () -> new Cifar10(dir, true, null, null));
        assertTrue(label.getMessage().contains("data_batch_3.bin record 1") && label.getMessage().contains("label 12"),
                label.getMessage());
        FileNotFoundException missing = assertThrows(FileNotFoundException.class, () -> new Cifar10(dir, false, null, null));
        assertTrue(missing.getMessage().contains("test_batch.bin not found"), missing.getMessage());
    }
}
