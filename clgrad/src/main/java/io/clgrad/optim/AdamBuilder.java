package io.clgrad.optim;

import io.clgrad.Tensor;
import java.util.List;
import java.util.function.Function;

/**
 * The options {@link Adam.Builder} and {@link AdamW.Builder} share beyond {@link OptimizerBuilder}'s,
 * starting from PyTorch's defaults (lr 1e-3); every setter returns the concrete builder, so the calls chain.
 *
 * <pre>{@code
 * Adam opt = Adam.builder(model.parameters()).lr(1e-3).betas(0.9, 0.98).weightDecay(1e-4).build();
 * }</pre>
 *
 * @param <B> the concrete builder
 * @param <O> the optimizer it builds
 */
public abstract class AdamBuilder<B extends AdamBuilder<B, O>, O extends Optimizer>
        extends OptimizerBuilder<B, O> {
    AdamBuilder(List<Tensor> params, double weightDecay, Function<B, O> factory) {
        super(params, OptionChecks.defaults(new Object[] {"lr", 1e-3, "betas", List.of(0.9, 0.999), "eps", 1e-8,
            "weight_decay", weightDecay, "amsgrad", false}, "maximize", "foreach", "capturable", "differentiable",
            "fused"), factory);
    }

    /**
     * Coefficients of the running averages of the gradient and its square (default 0.9, 0.999).
     *
     * @param beta1 β1
     * @param beta2 β2
     * @return this builder
     */
    public B betas(double beta1, double beta2) {
        return set("betas", List.of(beta1, beta2));
    }

    /**
     * Term added to the denominator for numerical stability (default 1e-8).
     *
     * @param eps ε
     * @return this builder
     */
    public B eps(double eps) {
        return set("eps", eps);
    }

    /**
     * Whether to use the AMSGrad variant (default false).
     *
     * @param amsgrad true for AMSGrad
     * @return this builder
     */
    public B amsgrad(boolean amsgrad) {
        return set("amsgrad", amsgrad);
    }
}
