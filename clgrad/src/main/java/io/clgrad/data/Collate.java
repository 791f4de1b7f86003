package io.clgrad.data;

import io.clgrad.DType;
import io.clgrad.Device;
import io.clgrad.Shape;
import io.clgrad.Tensor;
import java.util.Arrays;
import java.util.List;

/**
 * The default collate function: stacks field {@code i} of every sample along a new dim 0, as
 * PyTorch's {@code default_collate} does for tensors. A sample is a {@code Tensor[]} (one tensor
 * per field) or a single {@link Tensor} (one field).
 */
final class Collate {
    private Collate() {
    }

    /** Stacks {@code samples} into one tensor per field on {@code device}. */
    static Tensor[] stack(List<?> samples, Device device) {
        if (samples.isEmpty()) {
            throw new IllegalArgumentException("collate: no samples");
        }
        Tensor[] first = fields(samples.get(0), 0);
        Tensor[] out = new Tensor[first.length];
        for (int f = 0; f < first.length; f++) {
            out[f] = stackField(samples, f, first[f], device);
        }
        return out;
    }

    private static Tensor stackField(List<?> samples, int f, Tensor first, Device device) {
        int[] shape = first.shape();
        DType dtype = first.dtype();
        int rowSize = (int) Shape.numel(shape);
        int n = samples.size();
        int[] batchShape = new int[shape.length + 1];
        batchShape[0] = n;
        System.arraycopy(shape, 0, batchShape, 1, shape.length);
        if ((long) n * rowSize > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("collate: " + n + " samples of shape " + Shape.str(shape) + " are "
                    + (long) n * rowSize + " values, more than one tensor holds (" + Integer.MAX_VALUE
                    + "); use a smaller batch size");
        }
        float[] floats = dtype == DType.FLOAT32 ? new float[n * rowSize] : null;
        int[] ints = dtype == DType.INT32 ? new int[n * rowSize] : null;
        for (int s = 0; s < n; s++) {
            Tensor[] fs = fields(samples.get(s), s);
            if (fs.length <= f) {
                throw new IllegalArgumentException("collate: sample " + s + " has " + fs.length
                        + " fields, sample 0 has more");
            }
            Tensor t = fs[f];
            if (!Arrays.equals(t.shape(), shape) || t.dtype() != dtype) {
                throw new IllegalArgumentException("collate: field " + f + " of sample " + s + " is " + t.dtype()
                        + Shape.str(t.shape()) + ", but sample 0 has " + dtype + Shape.str(shape)
                        + "; the default collate stacks equal shapes only");
            }
            if (ints != null) {
                System.arraycopy(t.toIntArray(), 0, ints, s * rowSize, rowSize);
            } else {
                System.arraycopy(t.toFloatArray(), 0, floats, s * rowSize, rowSize);
            }
        }
        return ints != null ? HostTensors.make(device, ints, batchShape) : HostTensors.make(device, floats, batchShape);
    }

    private static Tensor[] fields(Object sample, int index) {
        if (sample instanceof Tensor t) {
            return new Tensor[] {t};
        }
        if (sample instanceof Tensor[] ts) {
            for (int i = 0; i < ts.length; i++) {
                if (ts[i] == null) {
                    throw new IllegalArgumentException("collate: field " + i + " of sample " + index + " is null");
                }
            }
            return ts;
        }
        throw new IllegalArgumentException("collate: the default collate takes Tensor or Tensor[] samples, got "
                + (sample == null ? "null" : sample.getClass().getName()) + " (sample " + index
                + "); pass DataLoader.builder(...).collate(fn)");
    }
}
