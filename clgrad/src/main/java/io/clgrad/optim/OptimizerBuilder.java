package io.clgrad.optim;

import io.clgrad.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * What the optimizers' builders share: the parameters, the option map that becomes the
 * optimizer's defaults (PyTorch's names and order, starting from PyTorch's defaults), and the
 * setters every optimizer has. Every setter returns the concrete builder, so the calls chain.
 *
 * <pre>{@code
 * SGD opt = SGD.builder(model.parameters()).lr(0.1).weightDecay(1e-4).momentum(0.9).build();
 * }</pre>
 *
 * @param <B> the concrete builder
 * @param <O> the optimizer it builds
 */
public abstract class OptimizerBuilder<B extends OptimizerBuilder<B, O>, O extends Optimizer> {
    final List<Tensor> params;
    private final Map<String, Object> options;
    private final Function<B, O> factory;

    /**
     * A builder over {@code params} whose options start as {@code defaults} (the map is kept and
     * changed by the setters); {@link #build()} gives the builder to {@code factory}.
     */
    OptimizerBuilder(List<Tensor> params, Map<String, Object> defaults, Function<B, O> factory) {
        this.params = params;
        this.options = defaults;
        this.factory = factory;
    }

    /**
     * Learning rate γ (the default is the optimizer's: see its documentation).
     *
     * @param lr the learning rate
     * @return this builder
     */
    public B lr(double lr) {
        return set("lr", lr);
    }

    /**
     * Weight decay λ (default 0; {@link AdamW}'s 0.01): an L2 penalty added to the gradient, or
     * for {@link AdamW} decoupled from it.
     *
     * @param weightDecay λ
     * @return this builder
     */
    public B weightDecay(double weightDecay) {
        return set("weight_decay", weightDecay);
    }

    /**
     * The optimizer.
     *
     * @return the optimizer over the builder's parameters
     * @throws IllegalArgumentException on an invalid parameter list or option (PyTorch's checks)
     */
    public O build() {
        return factory.apply(self());
    }

    /** Sets option {@code key} (PyTorch's name) to {@code value}. */
    final B set(String key, Object value) {
        options.put(key, value);
        return self();
    }

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }

    /** A copy of the options, in PyTorch's order: the defaults of the optimizer to build. */
    final Map<String, Object> options() {
        return new LinkedHashMap<>(options);
    }
}
