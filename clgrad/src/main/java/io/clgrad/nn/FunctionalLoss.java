package io.clgrad.nn;

import io.clgrad.LossReduction;
import io.clgrad.Tensor;

/**
 * A loss module that is exactly one {@link io.clgrad.Functional} loss of the input, the target and
 * the reduction ({@link MSELoss}, {@link L1Loss}): its forward is written here once.
 *
 * @param <L> the subclass itself, as for {@link Module}
 */
abstract class FunctionalLoss<L extends FunctionalLoss<L>> extends Loss<L> {
    /** A functional loss form, e.g. {@code Functional::mseLoss}. */
    @FunctionalInterface
    interface Form {
        Tensor apply(Tensor input, Tensor target, LossReduction reduction);
    }

    private final Form form;

    FunctionalLoss(LossReduction reduction, Form form) {
        super(reduction);
        this.form = form;
    }

    /**
     * The loss, reduced.
     *
     * @param input  any shape, float32
     * @param target the same shape, float32
     * @return the loss
     * @throws IllegalArgumentException naming both shapes when they differ
     */
    @Override
    public Tensor forward(Tensor input, Tensor target) {
        return named(() -> form.apply(input, target, reduction()));
    }
}
