package io.clgrad.backend;

import java.util.Arrays;

/**
 * A strided window onto a {@link Buffer}: element {@code (i0, i1, ...)} lives at
 * {@code offset + i0*strides[0] + i1*strides[1] + ...} (in elements). A stride of 0 repeats the
 * same element along that dimension, which is how broadcasting is expressed.
 *
 * @param buffer  the storage
 * @param offset  element offset of index (0, 0, ...)
 * @param shape   sizes per dimension (rank 0 means a scalar)
 * @param strides element strides per dimension, same length as {@code shape}
 */
public record StridedView(Buffer buffer, int offset, int[] shape, int[] strides) {

    /** Largest rank a strided op accepts; kernels use fixed-size geometry tables. */
    public static final int MAX_DIMS = 8;

    public StridedView {
        if (shape.length != strides.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape)
                    + " and strides " + Arrays.toString(strides) + " differ in rank");
        }
        if (shape.length > MAX_DIMS) {
            throw new IllegalArgumentException("rank " + shape.length + " exceeds the maximum of " + MAX_DIMS);
        }
    }

    /** A contiguous row-major view of the first {@code numel(shape)} elements of a buffer. */
    public static StridedView contiguous(Buffer buffer, int... shape) {
        return new StridedView(buffer, 0, shape, contiguousStrides(shape));
    }

    /** Row-major strides for a shape. */
    public static int[] contiguousStrides(int[] shape) {
        int[] strides = new int[shape.length];
        int s = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            strides[d] = s;
            s *= shape[d];
        }
        return strides;
    }

    /** Number of elements the view covers. */
    public long numel() {
        long n = 1;
        for (int s : shape) {
            n *= s;
        }
        return n;
    }

    /** Rank. */
    public int rank() {
        return shape.length;
    }

    /** Whether the view is the plain row-major layout starting at offset 0. */
    public boolean isContiguousFromZero() {
        return offset == 0 && isContiguous();
    }

    /** Whether the view is row-major contiguous (size-1 dimensions may have any stride). */
    public boolean isContiguous() {
        int expected = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            if (shape[d] != 1 && strides[d] != expected) {
                return false;
            }
            expected *= shape[d];
        }
        return true;
    }
}
