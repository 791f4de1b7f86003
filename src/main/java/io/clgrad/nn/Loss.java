package io.clgrad.nn;

import io.clgrad.LossReduction;
import io.clgrad.Tensor;
import java.util.Arrays;

/**
 * Base class of the loss modules, as PyTorch's {@code torch.nn.modules.loss._Loss}: a module whose
 * {@link #forward(Tensor, Tensor)} compares an input with a target and reduces the per-element
 * losses by its {@link LossReduction} (MEAN by default). A loss prints like PyTorch's, e.g.
 * {@code BCEWithLogitsLoss()}.
 *
 * <pre>{@code
 * Loss<?> criterion = new MSELoss();
 * Tensor loss = criterion.forward(prediction, target);
 * loss.backward();
 * }</pre>
 *
 * @param <L> the subclass itself, as for {@link Module}
 */
public abstract class Loss<L extends Loss<L>> extends Module<L> {
    private final LossReduction reduction;

    /**
     * A loss with the given reduction.
     *
     * @param reduction NONE, MEAN or SUM (null means MEAN)
     */
    protected Loss(LossReduction reduction) {
        this.reduction = reduction == null ? LossReduction.MEAN : reduction;
    }

    /**
     * The loss between {@code input} and {@code target}.
     *
     * @param input  the prediction
     * @param target the expected value
     * @return a scalar for MEAN and SUM, per-element losses for NONE
     */
    public abstract Tensor forward(Tensor input, Tensor target);

    /**
     * Always throws: a loss needs an input and a target; call {@link #forward(Tensor, Tensor)}.
     *
     * @param x unused
     * @return never
     * @throws UnsupportedOperationException always
     */
    @Override
    public Tensor forward(Tensor x) {
        throw new UnsupportedOperationException(typeName() + ".forward needs an input and a target: call forward(input, target)");
    }

    /**
     * How the per-element losses are combined.
     *
     * @return the reduction
     */
    public LossReduction reduction() {
        return reduction;
    }

    /**
     * Applies this loss's reduction to per-element losses.
     *
     * @param perElement the unreduced losses
     * @return {@code perElement} for NONE, its mean for MEAN, its sum for SUM
     */
    protected Tensor reduce(Tensor perElement) {
        switch (reduction) {
            case NONE:
                return perElement;
            case SUM:
                return perElement.sum();
            case MEAN:
            default:
                return perElement.mean();
        }
    }

    /**
     * Throws unless {@code input} and {@code target} have the same shape.
     *
     * @param input  the prediction
     * @param target the expected value
     * @throws IllegalArgumentException naming both shapes
     */
    protected void checkSameShape(Tensor input, Tensor target) {
        if (input == null || target == null) {
            throw new IllegalArgumentException(typeName() + ": input and target must not be null");
        }
        if (!Arrays.equals(input.shape(), target.shape())) {
            throw new IllegalArgumentException(typeName() + ": target size " + Arrays.toString(target.shape())
                    + " must be the same as input size " + Arrays.toString(input.shape()));
        }
    }
}
