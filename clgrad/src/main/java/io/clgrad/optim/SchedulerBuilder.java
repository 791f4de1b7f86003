package io.clgrad.optim;

import java.util.function.Function;

/**
 * What the schedulers' builders share ({@link OneCycleLR.Builder}, {@link ReduceLROnPlateau.Builder}):
 * the optimizer whose learning rates the scheduler will set, and {@link #build()}, which refuses a
 * null optimizer before the scheduler's own checks. Every setter of a builder returns the builder, so
 * the calls chain.
 *
 * <pre>{@code
 * ReduceLROnPlateau sched = ReduceLROnPlateau.builder(optimizer).patience(5).factor(0.5).build();
 * }</pre>
 *
 * @param <B> the concrete builder
 * @param <S> the scheduler it builds
 */
public abstract class SchedulerBuilder<B extends SchedulerBuilder<B, S>, S> {
    private final Optimizer optimizer;
    private final Function<B, S> factory;

    /**
     * A builder over {@code optimizer}; {@link #build()} checks it, then gives the builder to
     * {@code factory}, which checks the scheduler's own arguments and makes it (as
     * {@link OptimizerBuilder}'s factory does).
     */
    SchedulerBuilder(Optimizer optimizer, Function<B, S> factory) {
        this.optimizer = optimizer;
        this.factory = factory;
    }

    /**
     * The scheduler.
     *
     * @return a scheduler over the builder's optimizer
     * @throws IllegalArgumentException when the optimizer is null, or on the scheduler's own argument
     *                                  errors (its builder's documentation lists them)
     */
    public final S build() {
        optimizer();   // a null optimizer is reported before any other argument error
        return factory.apply(self());
    }

    /**
     * The optimizer.
     *
     * @throws IllegalArgumentException when it is null
     */
    final Optimizer optimizer() {
        if (optimizer == null) {
            throw new IllegalArgumentException("optimizer is null");
        }
        return optimizer;
    }

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }
}
