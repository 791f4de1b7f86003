package io.clgrad.nn;

import io.clgrad.LossReduction;
import io.clgrad.Tensor;

/**
 * Base class of the losses with an optional rescaling weight, as PyTorch's
 * {@code torch.nn.modules.loss._WeightedLoss}: the weight is the buffer {@code weight}, so
 * {@link #to(io.clgrad.Device)} moves it and {@link #stateDict()} holds it. What it weighs (each
 * element, or each class) is the subclass's: see {@link BCELoss}, {@link BCEWithLogitsLoss},
 * {@link CrossEntropyLoss} and {@link NLLLoss}.
 *
 * <pre>{@code
 * CrossEntropyLoss criterion = CrossEntropyLoss.builder().weight(Tensor.of(new float[] {1f, 3f})).build();
 * Tensor w = criterion.weight();   // [2]
 * }</pre>
 *
 * @param <L> the subclass itself, as for {@link Module}
 */
public abstract class WeightedLoss<L extends WeightedLoss<L>> extends Loss<L> {
    /**
     * A loss with the given weight and reduction.
     *
     * @param weight    the rescaling weight, or null for none (registered as buffer {@code weight})
     * @param reduction NONE, MEAN or SUM (null means MEAN)
     */
    protected WeightedLoss(Tensor weight, LossReduction reduction) {
        super(reduction);
        registerBuffer("weight", weight);
    }

    /**
     * The rescaling weight, or null.
     *
     * @return the weight
     */
    public Tensor weight() {
        return buffer("weight");
    }

    /**
     * A weight buffer on the input's device (a copy when this module's buffers live elsewhere);
     * null stays null, and with no input it stays where it is (the functional form names that).
     *
     * @param buffer a weight buffer, or null
     * @param input  the input of the loss, or null
     * @return the weight to hand to the functional form
     */
    protected static Tensor onDeviceOf(Tensor buffer, Tensor input) {
        return buffer == null || input == null ? buffer : buffer.to(input.device());
    }

    /**
     * The settings every weighted loss's builder has: the weight and the reduction, with PyTorch's
     * defaults (none, MEAN).
     *
     * @param <B> the builder itself, so that the setters chain
     * @param <L> the loss it builds
     */
    public abstract static class Builder<B extends Builder<B, L>, L extends WeightedLoss<L>> {
        Tensor weight;
        LossReduction reduction = LossReduction.MEAN;

        Builder() {
        }

        /**
         * The rescaling weight (see the loss for its shape).
         *
         * @param weight the weight (null for none)
         * @return this builder
         */
        public B weight(Tensor weight) {
            this.weight = weight;
            return self();
        }

        /**
         * The reduction.
         *
         * @param reduction NONE, MEAN or SUM
         * @return this builder
         */
        public B reduction(LossReduction reduction) {
            this.reduction = reduction;
            return self();
        }

        /**
         * The loss.
         *
         * @return a new loss with these settings
         */
        public abstract L build();

        @SuppressWarnings("unchecked")
        private B self() {
            return (B) this;
        }
    }
}
