package io.clgrad.nn;

import io.clgrad.LossReduction;
import io.clgrad.Tensor;
import java.util.function.Supplier;

/**
 * Base class of the loss modules, as PyTorch's {@code torch.nn.modules.loss._Loss}: a module whose
 * {@link #forward(Tensor, Tensor)} compares an input with a target and reduces the per-element
 * losses by its {@link LossReduction} (MEAN by default). The library's losses hand their settings
 * to the matching {@link io.clgrad.Functional} loss, which checks the arguments (see
 * {@link #named}). A loss prints like PyTorch's, e.g. {@code BCEWithLogitsLoss()}.
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
     * The loss made by {@code functional} (one of {@link io.clgrad.Functional}'s losses, which
     * checks its arguments and names its op), with this module's name before the message of an
     * argument error, e.g. {@code BCELoss: binary_cross_entropy: target size [3, 4] must be the
     * same as input size [4, 3]} (the functional form's exception is the cause).
     *
     * @param functional computes the loss
     * @return the loss
     * @throws IllegalArgumentException naming this module and the problem
     */
    protected final Tensor named(Supplier<Tensor> functional) {
        try {
            return functional.get();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(typeName() + ": " + e.getMessage(), e);
        }
    }
}
