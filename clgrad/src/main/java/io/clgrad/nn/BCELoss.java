package io.clgrad.nn;

import io.clgrad.Functional;
import io.clgrad.LossReduction;
import io.clgrad.Tensor;

/**
 * Binary cross-entropy between target probabilities y and input probabilities x:
 * {@code ℓ_n = -w_n·[y_n·log x_n + (1 - y_n)·log(1 - x_n)]}, each log clamped to be {@code >= -100}
 * as PyTorch does, then mean (default), sum or none ({@code torch.nn.BCELoss}). Prefer
 * {@link BCEWithLogitsLoss} on logits: it is numerically stable.
 *
 * <p>Parameters: {@code weight} — a rescaling weight broadcastable to the input (null for none);
 * {@code reduction} — NONE, MEAN (default) or SUM.
 *
 * <p>Shapes: input any shape, values in [0, 1]; target the same shape; output a scalar, or the
 * input's shape for NONE.
 *
 * <pre>{@code
 * Tensor loss = new BCELoss().forward(logits.sigmoid(), target);
 * }</pre>
 */
public class BCELoss extends WeightedLoss<BCELoss> {
    /** No weight, mean reduction. */
    public BCELoss() {
        this(null, LossReduction.MEAN);
    }

    /**
     * A given weight and reduction.
     *
     * @param weight    rescaling weight broadcastable to the input, or null (registered as buffer {@code weight})
     * @param reduction NONE, MEAN or SUM
     */
    public BCELoss(Tensor weight, LossReduction reduction) {
        super(weight, reduction);
    }

    /**
     * {@code -w·[y·max(log x, -100) + (1-y)·max(log(1-x), -100)]}, reduced.
     *
     * @param input  probabilities in [0, 1], any shape
     * @param target the same shape, values in [0, 1]
     * @return the loss
     * @throws IllegalArgumentException naming both shapes when they differ
     */
    @Override
    public Tensor forward(Tensor input, Tensor target) {
        return named(() -> Functional.binaryCrossEntropy(input, target, onDeviceOf(weight(), input), reduction()));
    }
}
