package io.clgrad.examples;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * Small image sets in the MNIST IDX format for the CNN's tests: 10 classes, each a bright bar at its
 * own place on noise, that a CNN learns in a few steps.
 */
public final class BarImages {
    private BarImages() {
    }

    /**
     * Writes into {@code dir} the {@code train-*} (512 images) and {@code t10k-*} (256 images) IDX files of 28x28 grey
     * images: class k is a bright 8x4 bar at row 2 + 14·(k / 5), column 5·(k % 5) (jittered by a
     * pixel or two) on noise in [0, 64).
     */
    public static Path write(Path dir) throws IOException {
        Random r = new Random(7);
        for (String split : new String[] {"train", "t10k"}) {
            int n = split.equals("train") ? 512 : 256;
            byte[] images = new byte[n * 784];
            byte[] labels = new byte[n];
            for (int i = 0; i < n; i++) {
                int k = r.nextInt(10);
                labels[i] = (byte) k;
                int row0 = 2 + 14 * (k / 5) + r.nextInt(3);
                int col0 = 5 * (k % 5) + r.nextInt(2);
                for (int y = 0; y < 28; y++) {
                    for (int x = 0; x < 28; x++) {
                        boolean bar = y >= row0 && y < row0 + 8 && x >= col0 && x < col0 + 4;
                        images[i * 784 + y * 28 + x] = (byte) (bar ? 192 + r.nextInt(64) : r.nextInt(64));
                    }
                }
            }
            writeIdx(dir.resolve(split + "-images-idx3-ubyte"), 0x803, new int[] {n, 28, 28}, images);
            writeIdx(dir.resolve(split + "-labels-idx1-ubyte"), 0x801, new int[] {n}, labels);
        }
        return dir;
    }

    private static void writeIdx(Path file, int magic, int[] dims, byte[] data) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(magic);
        for (int d : dims) {
            out.writeInt(d);
        }
        out.write(data);
        Files.write(file, bytes.toByteArray());
    }
}
