package io.clgrad.data.transforms;

import io.clgrad.Tensor;
import io.clgrad.data.Transform;

/**
 * Flattens a tensor to one dimension, e.g. an image {@code [1, 28, 28]} to {@code [784]} for a
 * multilayer perceptron.
 *
 * <p>Shapes: input any; output {@code [numel]}.
 *
 * <pre>{@code
 * Tensor v = new Flatten().apply(Tensor.zeros(1, 28, 28));   // [784]
 * }</pre>
 */
public final class Flatten implements Transform<Tensor, Tensor> {
    /** A new Flatten (it has no parameters). */
    public Flatten() {
    }

    @Override
    public Tensor apply(Tensor x) {
        return x.reshape(x.numel());
    }

    @Override
    public String toString() {
        return "Flatten()";
    }
}
