package io.clgrad.nn;

import io.clgrad.Device;
import io.clgrad.Tensor;
import io.clgrad.nn.init.Init;

/**
 * A module with the learnable parameters {@code weight} and {@code bias} ({@link Linear}, the
 * convolutions and the normalisation layers), and the normalisation layers' affine pair: weight ones
 * and bias zeros of one shape, or neither.
 *
 * @param <M> the concrete module
 */
abstract class AffineModule<M extends AffineModule<M>> extends WeightModule<M> {
    /**
     * The learnable bias, or null where the layer was built without one; its shape is the subclass's.
     *
     * @return the parameter {@code bias}
     */
    public Tensor bias() {
        return parameter("bias");
    }

    /**
     * Registers {@code weight} (ones) and {@code bias} (zeros) of {@code shape} when {@code affine},
     * else both as null.
     *
     * @param affine whether to learn them
     * @param device where they live
     * @param shape  their shape
     */
    protected void registerAffine(boolean affine, Device device, int... shape) {
        registerParameter("weight", affine ? Tensor.ones(device, shape) : null);
        registerParameter("bias", affine ? Tensor.zeros(device, shape) : null);
    }

    /** Sets the weight to 1 and the bias to 0 (the affine pair's initial values). */
    protected void resetAffine() {
        Init.ones(weight());
        Init.zeros(bias());
    }
}
