package io.clgrad;

/** Tensor factories from host data and constants. */
final class Factories {
    private Factories() {
    }

    static Tensor of(Device device, float[] data, int[] shape) {
        return exact(device, data, shape.length == 0 ? new int[] {data.length} : shape);
    }

    static Tensor of(Device device, int[] data, int[] shape) {
        return exact(device, data, shape.length == 0 ? new int[] {data.length} : shape);
    }

    /** Like {@code of}, but an empty shape means a scalar rather than "infer 1-D". */
    static Tensor exact(Device device, float[] data, int[] shape) {
        return exact(device, DType.FLOAT32, data, shape);
    }

    /** {@code data} as a tensor of a float-stored dtype (float32, or bool from 0/1 values). */
    static Tensor exact(Device device, DType dtype, float[] data, int[] shape) {
        int[] s = shapeFor("of", data.length, shape);
        Tensor t = Tensor.empty(device, dtype, s);
        t.backend().write(t.buffer("of"), 0, data, 0, data.length);
        return t;
    }

    static Tensor exact(Device device, int[] data, int[] shape) {
        int[] s = shapeFor("of", data.length, shape);
        Tensor t = Tensor.empty(device, DType.INT32, s);
        t.backend().write(t.buffer("of"), 0, data, 0, data.length);
        return t;
    }

    private static int[] shapeFor(String op, int length, int[] shape) {
        int[] s = Shape.checked(op, shape);
        if (Shape.numel(s) != length) {
            throw new IllegalArgumentException(op + ": " + length + " values do not fill shape " + Shape.str(s)
                    + " (" + Shape.numel(s) + " elements)");
        }
        return s;
    }

    static Tensor full(Device device, float value, int[] shape) {
        int[] s = Shape.checked("full", shape);
        Tensor t = Tensor.empty(device, DType.FLOAT32, s);
        t.backend().fill(t.buffer("full"), t.numel(), value);
        return t;
    }

    /** As {@link #full}, with the fill deferred until the tensor's buffer is first used. */
    static Tensor fullDeferred(Device device, float value, int[] shape) {
        int[] s = Shape.checked("full", shape);
        Tensor t = Tensor.empty(device, DType.FLOAT32, s);
        if (t.numel() > 0) {
            t.storage().deferFill(value, t.numel());
        }
        return t;
    }

    static Tensor arange(Device device, int n) {
        if (n < 0) {
            throw new IllegalArgumentException("arange: n must be >= 0, got " + n);
        }
        Tensor t = Tensor.empty(device, DType.INT32, new int[] {n});
        t.backend().arange(t.buffer("arange"), n, 0, 1);
        return t;
    }
}
