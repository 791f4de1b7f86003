package io.clgrad.nn;

import io.clgrad.Functional;
import io.clgrad.LossReduction;

/**
 * Mean squared error between each element of the input x and target y:
 * {@code ℓ_n = (x_n - y_n)²}, then mean (default), sum or none, as PyTorch's {@code torch.nn.MSELoss}.
 *
 * <p>Parameters: {@code reduction} — NONE, MEAN (default) or SUM.
 *
 * <p>Shapes: input any shape; target the same shape; output a scalar, or the input's shape for NONE.
 *
 * <pre>{@code
 * Tensor loss = new MSELoss().forward(prediction, target);   // Functional.mseLoss(prediction, target, MEAN)
 * }</pre>
 */
public class MSELoss extends FunctionalLoss<MSELoss> {
    /** The mean reduction. */
    public MSELoss() {
        this(LossReduction.MEAN);
    }

    /**
     * A given reduction.
     *
     * @param reduction NONE, MEAN or SUM
     */
    public MSELoss(LossReduction reduction) {
        super(reduction, Functional::mseLoss);
    }
}
