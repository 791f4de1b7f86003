package io.clgrad.nn;

import io.clgrad.Functional;
import io.clgrad.LossReduction;
import io.clgrad.Tensor;

/**
 * The negative log-likelihood loss on log-probabilities, as PyTorch's {@code torch.nn.NLLLoss}:
 * {@code ℓ_n = -w_{y_n}·x_n[y_n]}; rows whose target is {@code ignoreIndex} contribute nothing,
 * and MEAN divides by {@code Σ_n w_{y_n}} over the other rows (their number when unweighted).
 * Put {@code logSoftmax(1)} before it (or use {@link CrossEntropyLoss}).
 *
 * <p>Parameters: {@code weight} — a weight per class {@code [C]} (null for 1; a buffer);
 * {@code ignoreIndex} — a target value to skip (default -100); {@code reduction} — NONE, MEAN
 * (default) or SUM. A target outside [0, C) other than ignoreIndex raises
 * {@link io.clgrad.backend.TargetOutOfBoundsException} (on an OpenCL device, from the next read;
 * see {@link io.clgrad.Functional#checkClassTargets}).
 *
 * <p>Shapes: input {@code [N, C]} log-probabilities; target {@code [N]} int32 indices; output a
 * scalar, or {@code [N]} for NONE.
 *
 * <pre>{@code
 * Tensor loss = new NLLLoss().forward(logits.logSoftmax(1), labels);
 * }</pre>
 */
public class NLLLoss extends WeightedLoss<NLLLoss> {
    private final int ignoreIndex;

    /** PyTorch's defaults: no weight, ignoreIndex -100, mean. */
    public NLLLoss() {
        this(null, -100, LossReduction.MEAN);
    }

    /**
     * Given settings, no class weight.
     *
     * @param ignoreIndex target value to skip
     * @param reduction   NONE, MEAN or SUM
     */
    public NLLLoss(int ignoreIndex, LossReduction reduction) {
        this(null, ignoreIndex, reduction);
    }

    /**
     * Given settings.
     *
     * @param weight      a float32 weight per class {@code [C]}, or null
     * @param ignoreIndex target value to skip
     * @param reduction   NONE, MEAN or SUM
     */
    public NLLLoss(Tensor weight, int ignoreIndex, LossReduction reduction) {
        super(weight, reduction);
        this.ignoreIndex = ignoreIndex;
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
     * {@code -w[target[n]]·input[n, target[n]]} per row, reduced (the entries not picked are never
     * multiplied, so a -inf elsewhere in a row does not make it NaN).
     *
     * @param input  log-probabilities {@code [N, C]}, float32
     * @param target class indices {@code [N]}, int32
     * @return the loss
     * @throws IllegalArgumentException naming both shapes when they do not match, or on a non-int32 target
     */
    @Override
    public Tensor forward(Tensor input, Tensor target) {
        return named(() -> Functional.nllLoss(input, target, onDeviceOf(weight(), input), ignoreIndex, reduction()));
    }
}
