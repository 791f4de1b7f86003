package io.clgrad.nn;

import io.clgrad.Tensor;

/**
 * Applies log-softmax along one dim: {@code LogSoftmax(x)_i = log(e^{x_i} / Σ_j e^{x_j})}, computed stably, as PyTorch's
 * {@code torch.nn.LogSoftmax}. The dim is required (PyTorch's implicit dim is deprecated).
 *
 * <p>Shapes: input any shape; output the same shape.
 *
 * <pre>{@code
 * Tensor y = new LogSoftmax(1).forward(Tensor.randn(4, 10));   // LogSoftmax(dim=1)
 * }</pre>
 */
public class LogSoftmax extends Module<LogSoftmax> {
    private final int dim;

    /**
     * Creates the module (it has no parameters).
     *
     * @param dim the dim to normalise over; negative counts from the end
     */
    public LogSoftmax(int dim) {
        this.dim = dim;
    }

    /**
     * The log-softmax of the input along {@code dim}.
     *
     * @param x any shape with the dim
     * @return the same shape
     */
    @Override
    public Tensor forward(Tensor x) {
        return x.logSoftmax(dim);
    }

    /** {@code dim=1}. */
    @Override
    protected String extraRepr() {
        return "dim=" + dim;
    }
}
