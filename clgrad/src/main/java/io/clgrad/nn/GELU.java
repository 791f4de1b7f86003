package io.clgrad.nn;

import io.clgrad.Functional;
import io.clgrad.Tensor;

/**
 * Applies the Gaussian error linear unit element-wise, {@code GELU(x) = x·Φ(x)} (or its tanh
 * approximation), as PyTorch's {@code torch.nn.GELU}.
 *
 * <p>Shapes: input any shape; output the same shape.
 *
 * <pre>{@code
 * Tensor y = new GELU("tanh").forward(Tensor.randn(2));   // GELU(approximate='tanh')
 * }</pre>
 */
public class GELU extends FixedArgsModule<GELU> {
    /** The exact GELU ({@code approximate='none'}). */
    public GELU() {
        this("none");
    }

    /**
     * Creates the module (it has no parameters); its forward is {@link Functional#gelu(Tensor, String)}.
     *
     * @param approximate "none" (exact, by erf) or "tanh"
     * @throws IllegalArgumentException for another approximation
     */
    public GELU(String approximate) {
        super(x -> Functional.gelu(x, approximate), "approximate='" + checkApproximate(approximate) + "'");
    }

    /** {@code approximate} when it is "none" or "tanh"; else an IllegalArgumentException. */
    private static String checkApproximate(String approximate) {
        if (!approximate.equals("none") && !approximate.equals("tanh")) {
            throw new IllegalArgumentException("GELU: approximate must be 'none' or 'tanh', got '" + approximate + "'");
        }
        return approximate;
    }
}
