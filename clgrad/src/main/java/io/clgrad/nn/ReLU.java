package io.clgrad.nn;

import io.clgrad.Tensor;

/**
 * Applies the rectified linear unit element-wise: {@code ReLU(x) = max(0, x)}, as PyTorch's
 * {@code torch.nn.ReLU}.
 *
 * <p>Shapes: input any shape; output the same shape.
 *
 * <pre>{@code
 * Tensor y = new ReLU().forward(Tensor.randn(2));
 * }</pre>
 */
public class ReLU extends Module<ReLU> {
    /** Creates the module (it has no parameters). */
    public ReLU() {
    }

    /**
     * {@code max(0, x)} element-wise.
     *
     * @param x any shape
     * @return the same shape
     */
    @Override
    public Tensor forward(Tensor x) {
        return x.relu();
    }
}
