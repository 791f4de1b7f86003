package io.clgrad.nn;

import io.clgrad.DType;
import io.clgrad.Functional;
import io.clgrad.LossReduction;
import io.clgrad.Tensor;
import java.util.Arrays;

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
public class CrossEntropyLoss extends Loss<CrossEntropyLoss> {
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
        super(reduction);
        registerBuffer("weight", weight);
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
     * The weight per class, or null.
     *
     * @return the weight
     */
    public Tensor weight() {
        return buffer("weight");
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
        if (input == null || target == null) {
            throw new IllegalArgumentException("CrossEntropyLoss: input and target must not be null");
        }
        Tensor w = weight();
        if (input.dim() == 2) {
            ClassTargets.checkWeight("CrossEntropyLoss", w, input.shape(1));
        }
        if (target.dtype() == DType.FLOAT32) {
            return probabilities(input, target, w);
        }
        if (w == null) {
            return Functional.crossEntropy(input, target, ignoreIndex, (float) labelSmoothing, reduction());
        }
        ClassTargets.check("CrossEntropyLoss", input, target);
        return Functional.crossEntropy(input, target, w.to(input.device()), ignoreIndex, (float) labelSmoothing,
                reduction());
    }

    /** {@code -Σ_c w_c·((1-ε)·y_c + ε/C)·log softmax(x)_c} per row; MEAN divides by N. */
    private Tensor probabilities(Tensor input, Tensor target, Tensor w) {
        if (input.dim() != 2 || !Arrays.equals(input.shape(), target.shape())) {
            throw new IllegalArgumentException("CrossEntropyLoss: probability target shape "
                    + Arrays.toString(target.shape()) + " must be the same as input shape " + Arrays.toString(input.shape())
                    + " ([batch, classes])");
        }
        int classes = input.shape(1);
        Tensor y = target.to(input.device());
        if (labelSmoothing > 0) {
            y = y.mul((float) (1 - labelSmoothing)).add((float) (labelSmoothing / classes));
        }
        Tensor logp = input.logSoftmax(1);
        if (w != null) {
            logp = logp.mul(w.to(input.device()).unsqueeze(0));
        }
        Tensor loss = logp.mul(y).sum(1, false).neg();
        return reduce(loss);
    }

    /** Builds a {@link CrossEntropyLoss}; every setting defaults to PyTorch's. */
    public static final class Builder {
        private Tensor weight;
        private int ignoreIndex = -100;
        private double labelSmoothing;
        private LossReduction reduction = LossReduction.MEAN;

        private Builder() {
        }

        /**
         * The weight per class.
         *
         * @param weight a float32 tensor {@code [C]} (null for none)
         * @return this builder
         */
        public Builder weight(Tensor weight) {
            this.weight = weight;
            return this;
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

        /**
         * The reduction.
         *
         * @param reduction NONE, MEAN or SUM
         * @return this builder
         */
        public Builder reduction(LossReduction reduction) {
            this.reduction = reduction;
            return this;
        }

        /**
         * The loss.
         *
         * @return a new CrossEntropyLoss
         */
        public CrossEntropyLoss build() {
            return new CrossEntropyLoss(weight, ignoreIndex, labelSmoothing, reduction);
        }
    }
}
