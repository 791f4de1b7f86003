package io.clgrad.nn;

import io.clgrad.Tensor;

/**
 * During training, zeroes whole channels: each channel {@code x[n, c]} of the input is zeroed with
 * probability {@code p} and the others are scaled by {@code 1/(1-p)}; in evaluation mode it returns
 * the input (PyTorch's {@code torch.nn.Dropout2d}). Neighbouring pixels of a feature map are strongly
 * correlated, so dropping them one at a time (as {@link Dropout} does) regularises little. The mask
 * is drawn from the global generator, so {@link Tensor#manualSeed(long)} makes it reproducible.
 *
 * <p>Parameters: {@code p} — probability of a channel to be zeroed (default 0.5).
 *
 * <p>Shapes: input {@code [N, C, H, W]}, or {@code [C, H, W]} (one sample); output the same shape.
 *
 * <pre>{@code
 * Dropout2d m = new Dropout2d(0.2);
 * Tensor y = m.forward(Tensor.randn(20, 16, 32, 32));   // about 20% of the 320 channels all zero
 * }</pre>
 */
public class Dropout2d extends DropoutBase<Dropout2d> {
    /** Dropout2d with p = 0.5. */
    public Dropout2d() {
        this(0.5);
    }

    /**
     * Dropout2d with probability {@code p}.
     *
     * @param p probability of a channel to be zeroed, in [0, 1]
     * @throws IllegalArgumentException when p is outside [0, 1]
     */
    public Dropout2d(double p) {
        super(p);
    }

    /**
     * One mask value per channel: the input's shape with H and W set to 1.
     *
     * @throws IllegalArgumentException for an input that is not [C, H, W] or [N, C, H, W]
     */
    @Override
    protected int[] maskShape(Tensor x) {
        if (x.dim() != 3 && x.dim() != 4) {
            throw new IllegalArgumentException("Dropout2d: expected a 3D [C, H, W] or 4D [N, C, H, W] input, got "
                    + x.dim() + "D input " + java.util.Arrays.toString(x.shape()));
        }
        int[] shape = x.shape();
        shape[shape.length - 1] = 1;
        shape[shape.length - 2] = 1;
        return shape;
    }
}
