package io.clgrad.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clgrad.DType;
import io.clgrad.Tensor;
import io.clgrad.data.transforms.FlattenSample;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** MNIST and Fashion-MNIST on generated IDX files (4 images of 28x28; pixel value = (image + row + col) % 256). */
class MnistTest {
    @TempDir
    Path dir;

    private void writeSplit(String prefix, int n, boolean gzip) throws IOException {
        byte[] px = new byte[n * 28 * 28];
        byte[] labels = new byte[n];
        for (int i = 0; i < n; i++) {
            labels[i] = (byte) (9 - i);
            for (int r = 0; r < 28; r++) {
                for (int c = 0; c < 28; c++) {
                    px[(i * 28 + r) * 28 + c] = (byte) ((i + r + c * 7) % 256);
                }
            }
        }
        String ext = gzip ? ".gz" : "";
        IdxReaderTest.write(dir.resolve(prefix + "-images-idx3-ubyte" + ext), IdxReaderTest.idx(8, new int[] {n, 28, 28}, px), gzip);
        IdxReaderTest.write(dir.resolve(prefix + "-labels-idx1-ubyte" + ext), IdxReaderTest.idx(8, new int[] {n}, labels), gzip);
    }

    @Test
    void readsSamplesWithDefaultTransform() throws IOException {
        writeSplit("t10k", 4, true);
        FashionMnist test = new FashionMnist(dir, false, null);
        assertEquals(4, test.size());
        Tensor[] s = test.get(2);
        assertArrayEquals(new int[] {1, 28, 28}, s[0].shape());
        assertEquals(DType.INT32, s[1].dtype());
        assertArrayEquals(new int[0], s[1].shape());
        assertEquals(7, s[1].toIntArray()[0]);
        float[] v = s[0].toFloatArray();
        assertEquals(((2 + 3 + 5 * 7) % 256) / 255f, v[3 * 28 + 5], 1e-7);
        assertEquals("Ankle boot", FashionMnist.CLASSES[9]);
        assertEquals(10, Mnist.CLASSES.length);
    }

    @Test
    void transformIsApplied() throws IOException {
        writeSplit("train", 3, false);   // uncompressed files are found too
        Mnist train = new Mnist(dir, true, io.clgrad.data.transforms.Compose.of(new io.clgrad.data.transforms.ToTensor(), new FlattenSample()));
        assertArrayEquals(new int[] {784}, train.get(0)[0].shape());
        assertEquals(9, train.label(0));
        assertEquals(28, train.image(1).height());
    }

    @Test
    void asTensorDatasetMatchesSamples() throws IOException {
        writeSplit("t10k", 4, true);
        Mnist m = new Mnist(dir, false, null);
        TensorDataset flat = m.asTensorDataset(true);
        Tensor[] all = flat.tensors();
        assertArrayEquals(new int[] {4, 784}, all[0].shape());
        assertArrayEquals(new int[] {9, 8, 7, 6}, all[1].toIntArray());
        TensorDataset images = m.asTensorDataset(false);
        assertArrayEquals(new int[] {4, 1, 28, 28}, images.tensors()[0].shape());
        assertArrayEquals(m.get(3)[0].toFloatArray(), images.get(3)[0].toFloatArray());
        Tensor[] batch = DataLoader.builder(flat).batchSize(4).build().iterator().next();
        assertArrayEquals(new int[] {4, 784}, batch[0].shape());
    }

    @Test
    void missingDirectorySaysHowToGetTheData() {
        IOException e = assertThrows(IOException.class, () -> new FashionMnist(dir.resolve("absent"), true, null));
        assertTrue(e.getMessage().contains("apt-get install dataset-fashion-mnist"), e.getMessage());
        assertTrue(e.getMessage().contains("--data-dir"), e.getMessage());
    }

    @Test
    void missingFileIsNamed() throws IOException {
        writeSplit("train", 2, true);
        Files.delete(dir.resolve("train-labels-idx1-ubyte.gz"));
        IOException e = assertThrows(IOException.class, () -> new Mnist(dir, true, null));
        assertTrue(e.getMessage().contains("train-labels-idx1-ubyte.gz not found"), e.getMessage());
        IOException t = assertThrows(IOException.class, () -> new Mnist(dir, false, null));
        assertTrue(t.getMessage().contains("t10k-images-idx3-ubyte.gz"), t.getMessage());
    }

    @Test
    void countMismatchIsReported() throws IOException {
        writeSplit("train", 2, true);
        IdxReaderTest.write(dir.resolve("train-labels-idx1-ubyte.gz"), IdxReaderTest.idx(8, new int[] {3}, new byte[3]), true);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Mnist(dir, true, null));
        assertTrue(e.getMessage().contains("2 images but train-labels-idx1-ubyte.gz has 3 labels"), e.getMessage());
    }

    @Test
    void targetTransformMapsLabels() throws IOException {
        writeSplit("t10k", 3, true);
        FashionMnist test = new FashionMnist(dir, false, null, y -> Tensor.of(new float[] {y == 8 ? 1f : 0f}, 1));
        Tensor[] s = test.get(1);   // label 9 - 1 = 8
        assertArrayEquals(new int[] {1, 28, 28}, s[0].shape());
        assertArrayEquals(new float[] {1f}, s[1].toFloatArray());
        assertArrayEquals(new float[] {0f}, test.get(0)[1].toFloatArray());
        Mnist m = new Mnist(dir, false, new io.clgrad.data.transforms.ToTensor(), y -> Tensor.of(new int[] {y + 100}, 1));
        assertArrayEquals(new int[] {107}, m.get(2)[1].toIntArray());
    }
}
