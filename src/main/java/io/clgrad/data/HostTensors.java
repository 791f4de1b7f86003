package io.clgrad.data;

import io.clgrad.Device;
import io.clgrad.Tensor;

/** Tensor factories for this package where an empty shape means a scalar (not "infer 1-D"). */
final class HostTensors {
    private HostTensors() {
    }

    static Tensor make(Device device, float[] data, int[] shape) {
        return shape.length == 0 ? scalar(Tensor.of(device, data, 1)) : Tensor.of(device, data, shape);
    }

    static Tensor make(Device device, int[] data, int[] shape) {
        return shape.length == 0 ? scalar(Tensor.of(device, data, 1)) : Tensor.of(device, data, shape);
    }

    /** The one-element tensor {@code one} as a scalar (shape {@code []}); {@code one} itself is closed. */
    private static Tensor scalar(Tensor one) {
        Tensor scalar = one.reshape();
        one.close();
        return scalar;
    }
}
