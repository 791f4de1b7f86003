package io.clgrad.data;

import io.clgrad.DType;
import io.clgrad.Device;
import io.clgrad.Tensor;
import java.util.Arrays;

/**
 * The host copy of one tensor of a {@link TensorDataset}: its values as a float or int array,
 * its shape, and row access. Rows are slices along dim 0; gathering rows by index builds a batch
 * without per-sample tensors.
 */
final class HostArray {
    private final float[] floats;
    private final int[] ints;
    private final int[] shape;
    private final int rowSize;

    HostArray(Tensor t) {
        this.shape = t.shape();
        if (shape.length == 0) {
            throw new IllegalArgumentException("TensorDataset: tensors need at least one dimension, got a scalar");
        }
        if (t.dtype() == DType.INT32) {
            this.ints = t.toIntArray();
            this.floats = null;
        } else {
            this.floats = t.toFloatArray();
            this.ints = null;
        }
        int r = 1;
        for (int d = 1; d < shape.length; d++) {
            r *= shape[d];
        }
        this.rowSize = r;
    }

    /** Wraps {@code data} (not copied) as an array of shape {@code shape}. */
    HostArray(float[] data, int[] shape) {
        this(data, null, shape);
    }

    /** Wraps {@code data} (not copied) as an int32 array of shape {@code shape}. */
    HostArray(int[] data, int[] shape) {
        this(null, data, shape);
    }

    private HostArray(float[] floats, int[] ints, int[] shape) {
        if (shape.length == 0) {
            throw new IllegalArgumentException("TensorDataset: tensors need at least one dimension, got a scalar");
        }
        this.floats = floats;
        this.ints = ints;
        this.shape = shape.clone();
        long r = 1;   // long: a bad shape's product must not wrap around to the array's length
        for (int d = 1; d < shape.length; d++) {
            r *= shape[d];
            if (r > Integer.MAX_VALUE || r < 0) {
                throw new IllegalArgumentException("TensorDataset: shape " + Arrays.toString(shape)
                        + " has rows of more than " + Integer.MAX_VALUE + " values (or a negative size)");
            }
        }
        this.rowSize = (int) r;
        long len = floats != null ? floats.length : ints.length;
        if (shape[0] < 0 || len != r * shape[0]) {
            throw new IllegalArgumentException("TensorDataset: " + len + " values do not fill shape " + java.util.Arrays.toString(shape));
        }
    }

    int rows() {
        return shape[0];
    }

    int[] shape() {
        return shape.clone();
    }

    DType dtype() {
        return ints != null ? DType.INT32 : DType.FLOAT32;
    }

    /** The shape of one row: the shape without dim 0. */
    int[] rowShape() {
        return Arrays.copyOfRange(shape, 1, shape.length);
    }

    /** The whole array as a CPU tensor. */
    Tensor toTensor() {
        return ints != null ? HostTensors.make(Device.cpu(), ints.clone(), shape) : HostTensors.make(Device.cpu(), floats.clone(), shape);
    }

    /** Row {@code i} as a CPU tensor of shape {@link #rowShape()}. */
    Tensor row(int i) {
        int from = i * rowSize;
        if (ints != null) {
            return HostTensors.make(Device.cpu(), Arrays.copyOfRange(ints, from, from + rowSize), rowShape());
        }
        return HostTensors.make(Device.cpu(), Arrays.copyOfRange(floats, from, from + rowSize), rowShape());
    }

    /** Rows {@code indices[from..to)} stacked into one tensor {@code [to - from, rowShape...]} on {@code device}. */
    Tensor gather(int[] indices, int from, int to, Device device) {
        int n = to - from;
        int[] batchShape = shape.clone();
        batchShape[0] = n;
        if (ints != null) {
            int[] out = new int[n * rowSize];
            for (int k = 0; k < n; k++) {
                System.arraycopy(ints, indices[from + k] * rowSize, out, k * rowSize, rowSize);
            }
            return HostTensors.make(device, out, batchShape);
        }
        float[] out = new float[n * rowSize];
        for (int k = 0; k < n; k++) {
            System.arraycopy(floats, indices[from + k] * rowSize, out, k * rowSize, rowSize);
        }
        return HostTensors.make(device, out, batchShape);
    }
}
