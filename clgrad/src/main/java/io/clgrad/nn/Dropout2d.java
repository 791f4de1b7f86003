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
public class Dropout2d extends Module<Dropout2d> {
    private final double p;

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
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("dropout probability has to be between 0 and 1, but got " + p);
        }
        this.p = p;
    }

    /**
     * The probability of a channel to be zeroed.
     *
     * @return p
     */
    public double p() {
        return p;
    }

    /**
     * {@code x · mask / (1-p)} with one mask value per channel in training mode, {@code x} in
     * evaluation mode or when p = 0.
     *
     * @param x [N, C, H, W] or [C, H, W], float32
     * @return the same shape
     * @throws IllegalArgumentException for another rank
     */
    @Override
    public Tensor forward(Tensor x) {
        if (x.dim() != 3 && x.dim() != 4) {
            throw new IllegalArgumentException("Dropout2d: expected a 3D [C, H, W] or 4D [N, C, H, W] input, got "
                    + x.dim() + "D input " + java.util.Arrays.toString(x.shape()));
        }
        if (!isTraining() || p == 0) {
            return x;
        }
        if (p == 1) {
            return x.mul(0f);
        }
        int[] shape = x.shape();
        for (int d = x.dim() - 2; d < x.dim(); d++) {
            shape[d] = 1;   // one value per channel, broadcast over H and W
        }
        return x.mul(Dropout.scaledMask(x, p, shape));
    }

    /** {@code p=0.5, inplace=False}. */
    @Override
    protected String extraRepr() {
        return "p=" + Dropout.pyFloat(p) + ", inplace=False";
    }
}
