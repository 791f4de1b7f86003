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
public class LogSoftmax extends FixedArgsModule<LogSoftmax> {
    /**
     * Creates the module (it has no parameters); its forward is the input's {@link Tensor#logSoftmax(int)}.
     *
     * @param dim the dim to normalise over; negative counts from the end
     */
    public LogSoftmax(int dim) {
        super(x -> x.logSoftmax(dim), "dim=" + dim);
    }
}
