package io.clgrad.nn;

import io.clgrad.Functional;
import io.clgrad.Tensor;

/**
 * Applies softplus element-wise: {@code Softplus(x) = log(1 + e^(βx))/β}, and {@code x} where
 * {@code βx > threshold}, as PyTorch's {@code torch.nn.Softplus}.
 *
 * <p>Shapes: input any shape; output the same shape.
 *
 * <pre>{@code
 * Tensor y = new Softplus().forward(Tensor.randn(2));   // Softplus(beta=1, threshold=20)
 * }</pre>
 */
public class Softplus extends FixedArgsModule<Softplus> {
    /** {@code beta = 1, threshold = 20}, PyTorch's defaults. */
    public Softplus() {
        this(1f, 20f);
    }

    /**
     * Creates the module (it has no parameters); its forward is
     * {@link Functional#softplus(Tensor, float, float)}. It prints as {@code beta=1, threshold=20}:
     * integral values print as ints, as PyTorch prints its int defaults (PyTorch prints {@code 2.0}
     * for a float the user passed; Java cannot tell 2 from 2.0).
     *
     * @param beta      the sharpness β
     * @param threshold above which βx the output is the input
     */
    public Softplus(float beta, float threshold) {
        super(x -> Functional.softplus(x, beta, threshold),
                "beta=" + PyNumbers.numberRepr(beta) + ", threshold=" + PyNumbers.numberRepr(threshold));
    }
}
