package io.clgrad.nn;

import io.clgrad.Functional;
import io.clgrad.Tensor;

/**
 * Applies HardTanh element-wise: the input clamped to {@code [minVal, maxVal]}, as PyTorch's
 * {@code torch.nn.Hardtanh} (the gradient is 0 at the bounds themselves).
 *
 * <p>Shapes: input any shape; output the same shape.
 *
 * <pre>{@code
 * Tensor y = new Hardtanh(0f, 6f).forward(Tensor.randn(2));   // ReLU6
 * }</pre>
 */
public class Hardtanh extends FixedArgsModule<Hardtanh> {
    /** The range [-1, 1], PyTorch's default. */
    public Hardtanh() {
        this(-1f, 1f);
    }

    /**
     * Creates the module (it has no parameters); its forward is
     * {@link Functional#hardtanh(Tensor, float, float)}.
     *
     * @param minVal the lower bound
     * @param maxVal the upper bound, at least {@code minVal}
     * @throws IllegalArgumentException when {@code maxVal < minVal}
     */
    public Hardtanh(float minVal, float maxVal) {
        super(x -> Functional.hardtanh(x, minVal, maxVal), repr(minVal, maxVal));
    }

    /** {@code min_val=-1.0, max_val=1.0}, once the range is checked. */
    private static String repr(float minVal, float maxVal) {
        if (maxVal < minVal) {
            throw new IllegalArgumentException("Hardtanh: max_val (" + maxVal + ") cannot be less than min_val ("
                    + minVal + ")");
        }
        return "min_val=" + PyNumbers.floatRepr(minVal) + ", max_val=" + PyNumbers.floatRepr(maxVal);
    }
}
