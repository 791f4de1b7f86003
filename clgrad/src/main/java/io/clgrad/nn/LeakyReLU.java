package io.clgrad.nn;

import io.clgrad.Functional;
import io.clgrad.Tensor;

/**
 * Applies the leaky ReLU element-wise: {@code LeakyReLU(x) = x} where {@code x > 0}, else
 * {@code negativeSlope·x}, as PyTorch's {@code torch.nn.LeakyReLU}.
 *
 * <p>Shapes: input any shape; output the same shape.
 *
 * <pre>{@code
 * Tensor y = new LeakyReLU(0.2f).forward(Tensor.randn(2));   // LeakyReLU(negative_slope=0.2)
 * }</pre>
 */
public class LeakyReLU extends FixedArgsModule<LeakyReLU> {
    /** The slope 0.01 below 0, PyTorch's default. */
    public LeakyReLU() {
        this(0.01f);
    }

    /**
     * Creates the module (it has no parameters); its forward is {@link Functional#leakyRelu(Tensor, float)}.
     *
     * @param negativeSlope the slope below 0
     */
    public LeakyReLU(float negativeSlope) {
        super(x -> Functional.leakyRelu(x, negativeSlope), "negative_slope=" + PyNumbers.floatRepr(negativeSlope));
    }
}
