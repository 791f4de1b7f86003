package io.clgrad.nn;

import io.clgrad.Functional;
import io.clgrad.LossReduction;
import io.clgrad.Tensor;

/**
 * Sigmoid and binary cross-entropy in one numerically stable step, as PyTorch's
 * {@code torch.nn.BCEWithLogitsLoss}:
 * {@code ℓ_n = -w_n·[p·y_n·log σ(x_n) + (1 - y_n)·log(1 - σ(x_n))]}, computed as
 * {@code max(x,0) - x·y + log(1 + e^(-|x|))} (for p = 1), then mean (default), sum or none.
 * The gradient is {@code σ(x) - y} (scaled).
 *
 * <p>Parameters: {@code weight} — a rescaling weight broadcastable to the input (null for none);
 * {@code posWeight} — a weight of positive examples broadcastable to the input, typically one per
 * class {@code [C]} (null for none); {@code reduction} — NONE, MEAN (default) or SUM. Both weights
 * are buffers: {@link #to(io.clgrad.Device)} moves them and {@link #stateDict()} holds them.
 *
 * <p>Shapes: input (logits) any shape; target the same shape, values in [0, 1]; output a scalar,
 * or the input's shape for NONE.
 *
 * <pre>{@code
 * BCEWithLogitsLoss criterion = new BCEWithLogitsLoss();
 * Tensor loss = criterion.forward(model.forward(x), y);
 * BCEWithLogitsLoss weighted = BCEWithLogitsLoss.builder().posWeight(Tensor.of(new float[] {3f})).build();
 * }</pre>
 */
public class BCEWithLogitsLoss extends WeightedLoss<BCEWithLogitsLoss> {
    /** No weights, mean reduction. */
    public BCEWithLogitsLoss() {
        this(null, null, LossReduction.MEAN);
    }

    /**
     * Given weights and reduction (see {@link #builder()}).
     *
     * @param weight    rescaling weight, or null
     * @param posWeight weight of positive examples, or null
     * @param reduction NONE, MEAN or SUM
     */
    public BCEWithLogitsLoss(Tensor weight, Tensor posWeight, LossReduction reduction) {
        super(weight, reduction);
        registerBuffer("pos_weight", posWeight);
    }

    /**
     * A builder with PyTorch's defaults (no weights, MEAN).
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The weight of positive examples, or null.
     *
     * @return the positive weight
     */
    public Tensor posWeight() {
        return buffer("pos_weight");
    }

    /**
     * The loss on logits.
     *
     * @param input  logits, any shape
     * @param target the same shape, values in [0, 1]
     * @return the loss
     * @throws IllegalArgumentException naming both shapes when they differ, or when a weight does
     *                                  not broadcast to the input
     */
    @Override
    public Tensor forward(Tensor input, Tensor target) {
        return named(() -> Functional.binaryCrossEntropyWithLogits(input, target, onDeviceOf(weight(), input),
                onDeviceOf(posWeight(), input), reduction()));
    }

    /** Builds a {@link BCEWithLogitsLoss}; every setting defaults to PyTorch's. */
    public static final class Builder extends WeightedLoss.Builder<Builder, BCEWithLogitsLoss> {
        private Tensor posWeight;

        private Builder() {
        }

        /**
         * The weight of positive examples, broadcastable to the input (typically {@code [C]}).
         *
         * @param posWeight the weight (null for none)
         * @return this builder
         */
        public Builder posWeight(Tensor posWeight) {
            this.posWeight = posWeight;
            return this;
        }

        @Override
        public BCEWithLogitsLoss build() {
            return new BCEWithLogitsLoss(weight, posWeight, reduction);
        }
    }
}
