package io.clgrad.data;

import java.util.Arrays;

/**
 * The contents of an IDX file (the MNIST format) of unsigned bytes: its dimensions and its
 * values, row-major.
 *
 * <pre>{@code
 * IdxArray images = IdxReader.read(Path.of("t10k-images-idx3-ubyte.gz"));
 * images.dims();                 // [10000, 28, 28]
 * int v = images.data()[0] & 0xFF;
 * }</pre>
 *
 * @param dims the size of each dimension, e.g. {@code [60000, 28, 28]} for images, {@code [60000]} for labels
 * @param data the values, {@code product(dims)} bytes, to be read as unsigned ({@code b & 0xFF})
 */
public record IdxArray(int[] dims, byte[] data) {
    /**
     * The number of items: the size of dim 0.
     *
     * @return {@code dims[0]}
     */
    public int count() {
        return dims[0];
    }

    /**
     * The number of values per item: the product of the dimensions after the first.
     *
     * @return e.g. 784 for 28x28 images, 1 for labels
     */
    public int itemSize() {
        int s = 1;
        for (int d = 1; d < dims.length; d++) {
            s *= dims[d];
        }
        return s;
    }

    @Override
    public String toString() {
        return "IdxArray(dims=" + Arrays.toString(dims) + ")";
    }
}
