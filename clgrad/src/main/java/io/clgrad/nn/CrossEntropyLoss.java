package io.clgrad.nn;

import io.clgrad.Functional;
import io.clgrad.LossReduction;
import io.clgrad.Tensor;

/**
 * Cross-entropy between logits and targets, as PyTorch's {@code torch.nn.CrossEntropyLoss}
 * (log-softmax and negative log-likelihood in one stable step). With class indices y and
 * {@code p = log softmax(x)}:
 * {@code ℓ_n = -((1-ε)·w_{y_n}·p_n[y_n] + (ε/C)·Σ_c w_c·p_n[c])}; rows whose target is
 * {@code ignoreIndex} contribute nothing, and MEAN divides by {@code Σ_n w_{y_n}} over the other
 * rows (their number when unweighted). With class probabilities y (a float32 target of the
 * input's shape): {@code ℓ_n = -Σ_c w_c·((1-ε)·y_nc + ε/C)·p_n[c]}, and MEAN divides by N.
 *
 * <p>Parameters: {@code weight} — a weight per class {@code [C]} (null for 1; a buffer);
 * {@code ignoreIndex} — a class-index target to skip (default -100); {@code labelSmoothing} — ε
 * in [0, 1] (default 0); {@code reduction} — NONE, MEAN (default) or SUM. Without weight and with
 * index targets, one fused kernel computes the loss; otherwise tensor ops do.
 *
 * <p>Shapes: input {@code [N, C]} logits; target {@code [N]} int32 indices in [0, C) (or
 * ignoreIndex), or {@code [N, C]} float32 probabilities; output a scalar, or {@code [N]} for NONE.
 * An index target outside [0, C) that is not ignoreIndex raises
 * {@link io.clgrad.backend.TargetOutOfBoundsException} (on an OpenCL device, from the next read;
 * see {@link io.clgrad.Functional#checkClassTargets}).
 *
 * <pre>{@code
 * CrossEntropyLoss criterion = CrossEntropyLoss.builder().labelSmoothing(0.1).build();
 * Tensor loss = criterion.forward(model.forward(images), labels);   // labels: Tensor.of(int[]...)
 * }</pre>
 */
public class CrossEntropyLoss extends WeightedLoss<CrossEntropyLoss> {
    private final int ignoreIndex;
    private final double labelSmoothing;

    /** PyTorch's defaults: no weight, ignoreIndex -100, no label smoothing, mean. */
    public CrossEntropyLoss() {
        this(null, -100, 0.0, LossReduction.MEAN);
    }

    /**
     * Given settings without class weight (see {@link #builder()}).
     *
     * @param ignoreIndex    target value to skip
     * @param labelSmoothing ε in [0, 1]
     * @param reduction      NONE, MEAN or SUM
     * @throws IllegalArgumentException when ε is outside [0, 1]
     */
    public CrossEntropyLoss(int ignoreIndex, double labelSmoothing, LossReduction reduction) {
        this(null, ignoreIndex, labelSmoothing, reduction);
    }

    /**
     * Given settings (see {@link #builder()}).
     *
     * @param weight         a float32 weight per class {@code [C]}, or null
     * @param ignoreIndex    target value to skip
     * @param labelSmoothing ε in [0, 1]
     * @param reduction      NONE, MEAN or SUM
     * @throws IllegalArgumentException when ε is outside [0, 1]
     */
    public CrossEntropyLoss(Tensor weight, int ignoreIndex, double labelSmoothing, LossReduction reduction) {
        super(weight, reduction);
        if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) {
            throw new IllegalArgumentException("CrossEntropyLoss: label_smoothing must be in [0, 1], got " + labelSmoothing);
        }
        this.ignoreIndex = ignoreIndex;
        this.labelSmoothing = labelSmoothing;
    }

    /**
     * A builder with PyTorch's defaults.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The target value that is skipped.
     *
     * @return ignore_index
     */
    public int ignoreIndex() {
        return ignoreIndex;
    }

    /**
     * The label smoothing ε.
     *
     * @return label_smoothing
     */
    public double labelSmoothing() {
        return labelSmoothing;
    }

    /**
     * The loss.
     *
     * @param input  logits {@code [N, C]}, float32
     * @param target class indices {@code [N]}, int32, or class probabilities {@code [N, C]}, float32
     * @return the loss
     * @throws IllegalArgumentException naming both shapes when they do not match
     */
    @Override
    public Tensor forward(Tensor input, Tensor target) {
        return named(() -> Functional.crossEntropy(input, target, onDeviceOf(weight(), input), ignoreIndex,
                labelSmoothing, reduction()));
    }

    /** Builds a {@link CrossEntropyLoss}; every setting defaults to PyTorch's. */
    public static final class Builder extends WeightedLoss.Builder<Builder, CrossEntropyLoss> {
        private int ignoreIndex = -100;
        private double labelSmoothing;

        private Builder() {
        }

        /**
         * The target value to skip.
         *
         * @param ignoreIndex the value (default -100)
         * @return this builder
         */
        public Builder ignoreIndex(int ignoreIndex) {
            this.ignoreIndex = ignoreIndex;
            return this;
        }

        /**
         * The label smoothing ε.
         *
         * @param labelSmoothing ε in [0, 1] (default 0)
         * @return this builder
         */
        public Builder labelSmoothing(double labelSmoothing) {
            this.labelSmoothing = labelSmoothing;
            return this;
        }

        @Override
        public CrossEntropyLoss build() {
            return new CrossEntropyLoss(weight, ignoreIndex, labelSmoothing, reduction);
        }
    }
}
