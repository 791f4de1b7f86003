package io.clgrad.data.transforms;

import io.clgrad.Tensor;
import io.clgrad.data.Transform;

/**
 * Flattens one sample to one dimension, e.g. an image {@code [1, 28, 28]} to {@code [784]} for a
 * multilayer perceptron (torchvision writes {@code Lambda(torch.flatten)}). Not to be confused with
 * {@link io.clgrad.nn.Flatten}, the layer that flattens a batch and keeps its first dimension.
 *
 * <p>Shapes: input any; output {@code [numel]}.
 *
 * <pre>{@code
 * Tensor v = new FlattenSample().apply(Tensor.zeros(1, 28, 28));   // [784]
 * }</pre>
 */
public final class FlattenSample implements Transform<Tensor, Tensor> {
    /** A new FlattenSample (it has no parameters). */
    public FlattenSample() {
    }

    @Override
    public Tensor apply(Tensor x) {
        return x.reshape(x.numel());
    }

    @Override
    public String toString() {
        return "FlattenSample()";
    }
}
