package io.clgrad.nn;

import io.clgrad.Functional;
import io.clgrad.LossReduction;

/**
 * Mean absolute error between each element of the input x and target y:
 * {@code ℓ_n = |x_n - y_n|}, then mean (default), sum or none, as PyTorch's {@code torch.nn.L1Loss}.
 *
 * <p>Parameters: {@code reduction} — NONE, MEAN (default) or SUM.
 *
 * <p>Shapes: input any shape; target the same shape; output a scalar, or the input's shape for NONE.
 *
 * <pre>{@code
 * Tensor loss = new L1Loss().forward(prediction, target);   // Functional.l1Loss(prediction, target, MEAN)
 * }</pre>
 */
public class L1Loss extends FunctionalLoss<L1Loss> {
    /** The mean reduction. */
    public L1Loss() {
        this(LossReduction.MEAN);
    }

    /**
     * A given reduction.
     *
     * @param reduction NONE, MEAN or SUM
     */
    public L1Loss(LossReduction reduction) {
        super(reduction, Functional::l1Loss);
    }
}
