package io.clgrad.nn;

import io.clgrad.Tensor;

/**
 * Applies the sigmoid linear unit (swish) element-wise, {@code SiLU(x) = x·σ(x)}, as PyTorch's
 * {@code torch.nn.SiLU}.
 *
 * <p>Shapes: input any shape; output the same shape.
 *
 * <pre>{@code
 * Tensor y = new SiLU().forward(Tensor.randn(2));
 * }</pre>
 */
public class SiLU extends Module<SiLU> {
    /** Creates the module (it has no parameters). */
    public SiLU() {
    }

    /**
     * {@code x·σ(x)} element-wise.
     *
     * @param x any shape, float32
     * @return the same shape
     */
    @Override
    public Tensor forward(Tensor x) {
        return x.silu();
    }
}
