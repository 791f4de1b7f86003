package io.clgrad.nn;

import io.clgrad.Tensor;

/**
 * Applies the logistic sigmoid element-wise: {@code Sigmoid(x) = 1 / (1 + e^(-x))}, as PyTorch's
 * {@code torch.nn.Sigmoid}.
 *
 * <p>Shapes: input any shape; output the same shape.
 *
 * <pre>{@code
 * Tensor p = new Sigmoid().forward(logits);
 * }</pre>
 */
public class Sigmoid extends Module<Sigmoid> {
    /** Creates the module (it has no parameters). */
    public Sigmoid() {
    }

    /**
     * {@code 1 / (1 + e^(-x))} element-wise.
     *
     * @param x any shape
     * @return the same shape, values in (0, 1)
     */
    @Override
    public Tensor forward(Tensor x) {
        return x.sigmoid();
    }
}
