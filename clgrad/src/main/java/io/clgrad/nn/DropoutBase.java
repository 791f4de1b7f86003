package io.clgrad.nn;

import io.clgrad.Autograd;
import io.clgrad.Tensor;

/**
 * What {@link Dropout} and {@link Dropout2d} share, PyTorch's {@code _DropoutNd}: the probability
 * {@code p}, its check, the print format {@code p=0.5, inplace=False}, and the forward: the input
 * itself in evaluation mode or when p = 0, zeros when p = 1, else the input times a mask that is
 * {@code 1/(1-p)} with probability 1-p and 0 otherwise, drawn ({@code rand < 1-p}) from the global
 * generator with the shape {@link #maskShape} gives.
 *
 * @param <M> the subclass itself
 */
@SuppressWarnings("try")   // scopes opened for their effect (noGrad, tensor scopes)
public abstract class DropoutBase<M extends DropoutBase<M>> extends Module<M> {
    private final double p;

    /**
     * @param p probability of an element (or channel) to be zeroed, in [0, 1]
     * @throws IllegalArgumentException when p is outside [0, 1]
     */
    protected DropoutBase(double p) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("dropout probability has to be between 0 and 1, but got " + p);
        }
        this.p = p;
    }

    /**
     * The probability of an element (or channel) to be zeroed.
     *
     * @return p
     */
    public double p() {
        return p;
    }

    /**
     * The shape of the mask for input {@code x}, broadcastable to it (checks x's rank if needed).
     *
     * @param x the input
     * @return the mask's shape
     */
    protected abstract int[] maskShape(Tensor x);

    /**
     * {@code x · mask / (1-p)} in training mode (all zeros when p = 1), {@code x} in evaluation
     * mode or when p = 0.
     *
     * @param x float32, a shape the subclass accepts
     * @return the same shape
     */
    @Override
    public Tensor forward(Tensor x) {
        int[] shape = maskShape(x);
        if (!isTraining() || p == 0) {
            return x;
        }
        if (p == 1) {
            return x.mul(0f);
        }
        Tensor scaledMask;
        try (Autograd.Mode g = Autograd.noGrad();
             Tensor u = Tensor.rand(x.device(), shape);
             Tensor keep = u.lt((float) (1 - p))) {
            scaledMask = keep.mul((float) (1 / (1 - p)));
        }
        return x.mul(scaledMask);   // the mask is saved by autograd: left to the scope or the GC
    }

    /** {@code p=0.5, inplace=False}. */
    @Override
    protected String extraRepr() {
        return "p=" + Dropout.pyFloat(p) + ", inplace=False";
    }
}
