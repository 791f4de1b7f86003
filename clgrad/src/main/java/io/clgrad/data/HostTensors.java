package io.clgrad.data;

import io.clgrad.Device;
import io.clgrad.Tensor;

/** Tensor factories for this package where an empty shape means a scalar (not "infer 1-D"). */
final class HostTensors {
    private HostTensors() {
    }

    static Tensor make(Device device, float[] data, int[] shape) {
        if (shape.length == 0) {
            Tensor one = Tensor.of(device, data, 1);
            Tensor scalar = one.reshape();
            one.close();
            return scalar;
        }
        return Tensor.of(device, data, shape);
    }

    static Tensor make(Device device, int[] data, int[] shape) {
        if (shape.length == 0) {
            Tensor one = Tensor.of(device, data, 1);
            Tensor scalar = one.reshape();
            one.close();
            return scalar;
        }
        return Tensor.of(device, data, shape);
    }
}
