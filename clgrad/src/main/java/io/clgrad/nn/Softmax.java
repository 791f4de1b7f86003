package io.clgrad.nn;

import io.clgrad.Tensor;

/**
 * Applies softmax along one dim: {@code Softmax(x)_i = e^{x_i} / Σ_j e^{x_j}}, as PyTorch's
 * {@code torch.nn.Softmax}. The dim is required (PyTorch's implicit dim is deprecated).
 *
 * <p>Shapes: input any shape; output the same shape.
 *
 * <pre>{@code
 * Tensor y = new Softmax(1).forward(Tensor.randn(4, 10));   // Softmax(dim=1)
 * }</pre>
 */
public class Softmax extends FixedArgsModule<Softmax> {
    /**
     * Creates the module (it has no parameters); its forward is the input's {@link Tensor#softmax(int)}.
     *
     * @param dim the dim to normalise over; negative counts from the end
     */
    public Softmax(int dim) {
        super(x -> x.softmax(dim), "dim=" + dim);
    }
}
