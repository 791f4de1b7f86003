package io.clgrad.nn;

import io.clgrad.Tensor;

/**
 * Applies the hyperbolic tangent element-wise: {@code Tanh(x) = (e^x - e^(-x)) / (e^x + e^(-x))},
 * as PyTorch's {@code torch.nn.Tanh}.
 *
 * <p>Shapes: input any shape; output the same shape.
 *
 * <pre>{@code
 * Tensor y = new Tanh().forward(x);
 * }</pre>
 */
public class Tanh extends Module<Tanh> {
    /** Creates the module (it has no parameters). */
    public Tanh() {
    }

    /**
     * {@code tanh(x)} element-wise.
     *
     * @param x any shape
     * @return the same shape, values in (-1, 1)
     */
    @Override
    public Tensor forward(Tensor x) {
        return x.tanh();
    }
}
