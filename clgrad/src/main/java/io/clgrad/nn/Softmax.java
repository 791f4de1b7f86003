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
public class Softmax extends Module<Softmax> {
    private final int dim;

    /**
     * Creates the module (it has no parameters).
     *
     * @param dim the dim to normalise over; negative counts from the end
     */
    public Softmax(int dim) {
        this.dim = dim;
    }

    /**
     * The softmax of the input along {@code dim}.
     *
     * @param x any shape with the dim
     * @return the same shape
     */
    @Override
    public Tensor forward(Tensor x) {
        return x.softmax(dim);
    }

    /** {@code dim=1}. */
    @Override
    protected String extraRepr() {
        return "dim=" + dim;
    }
}
