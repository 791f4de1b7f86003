package io.clgrad.nn;

import io.clgrad.Functional;
import io.clgrad.Tensor;

/**
 * Applies the exponential linear unit element-wise: {@code ELU(x) = x} where {@code x > 0}, else
 * {@code alpha·(e^x - 1)}, as PyTorch's {@code torch.nn.ELU}.
 *
 * <p>Shapes: input any shape; output the same shape.
 *
 * <pre>{@code
 * Tensor y = new ELU().forward(Tensor.randn(2));   // ELU(alpha=1.0)
 * }</pre>
 */
public class ELU extends FixedArgsModule<ELU> {
    /** {@code alpha = 1}, PyTorch's default. */
    public ELU() {
        this(1f);
    }

    /**
     * Creates the module (it has no parameters); its forward is {@link Functional#elu(Tensor, float)}.
     *
     * @param alpha the value the output saturates to for large negative inputs, negated
     */
    public ELU(float alpha) {
        super(x -> Functional.elu(x, alpha), "alpha=" + PyNumbers.floatRepr(alpha));
    }
}
