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
public class GELU extends Module<GELU> {
    private final String approximate;

    /** The exact GELU ({@code approximate='none'}). */
    public GELU() {
        this("none");
    }

    /**
     * Creates the module (it has no parameters).
     *
     * @param approximate "none" (exact, by erf) or "tanh"
     * @throws IllegalArgumentException for another approximation
     */
    public GELU(String approximate) {
        if (!approximate.equals("none") && !approximate.equals("tanh")) {
            throw new IllegalArgumentException("GELU: approximate must be 'none' or 'tanh', got '" + approximate + "'");
        }
        this.approximate = approximate;
    }

    /**
     * {@link Functional#gelu(Tensor, String)} of the input.
     *
     * @param x any shape, float32
     * @return the same shape
     */
    @Override
    public Tensor forward(Tensor x) {
        return Functional.gelu(x, approximate);
    }

    /** {@code approximate='none'}. */
    @Override
    protected String extraRepr() {
        return "approximate='" + approximate + "'";
    }
}
