package io.clgrad.nn;

import io.clgrad.Device;
import io.clgrad.Tensor;

/**
 * A module with a learnable parameter {@code weight}: {@link Embedding}, and through
 * {@link AffineModule} the layers that add a {@code bias}.
 *
 * @param <M> the concrete module
 */
abstract class WeightModule<M extends WeightModule<M>> extends Module<M> {
    /**
     * The learnable weight (the current tensor: it changes after {@link #to(Device)}), or null
     * where the layer was built without one; its shape is the subclass's.
     *
     * @return the parameter {@code weight}
     */
    public Tensor weight() {
        return parameter("weight");
    }
}
