package io.clgrad.optim;

import io.clgrad.Tensor;
import java.util.List;

/**
 * The options {@link Adam.Builder} and {@link AdamW.Builder} share, starting from PyTorch's
 * defaults; every setter returns the concrete builder, so the calls chain.
 *
 * <pre>{@code
 * Adam opt = Adam.builder(model.parameters()).lr(1e-3).betas(0.9, 0.98).weightDecay(1e-4).build();
 * }</pre>
 *
 * @param <B> the concrete builder
 * @param <O> the optimizer it builds
 */
public abstract class AdamBuilder<B extends AdamBuilder<B, O>, O extends Optimizer> {
    final List<Tensor> params;
    double lr = 1e-3;
    double beta1 = 0.9;
    double beta2 = 0.999;
    double eps = 1e-8;
    double weightDecay;
    boolean amsgrad;

    AdamBuilder(List<Tensor> params, double weightDecay) {
        this.params = params;
        this.weightDecay = weightDecay;
    }

    /**
     * Learning rate γ (default 1e-3).
     *
     * @param lr the learning rate
     * @return this builder
     */
    public B lr(double lr) {
        this.lr = lr;
        return self();
    }

    /**
     * Coefficients of the running averages of the gradient and its square (default 0.9, 0.999).
     *
     * @param beta1 β1
     * @param beta2 β2
     * @return this builder
     */
    public B betas(double beta1, double beta2) {
        this.beta1 = beta1;
        this.beta2 = beta2;
        return self();
    }

    /**
     * Term added to the denominator for numerical stability (default 1e-8).
     *
     * @param eps ε
     * @return this builder
     */
    public B eps(double eps) {
        this.eps = eps;
        return self();
    }

    /**
     * Weight decay λ: for {@link Adam} an L2 penalty added to the gradient (default 0), for
     * {@link AdamW} decoupled from it (default 0.01).
     *
     * @param weightDecay λ
     * @return this builder
     */
    public B weightDecay(double weightDecay) {
        this.weightDecay = weightDecay;
        return self();
    }

    /**
     * Whether to use the AMSGrad variant (default false).
     *
     * @param amsgrad true for AMSGrad
     * @return this builder
     */
    public B amsgrad(boolean amsgrad) {
        this.amsgrad = amsgrad;
        return self();
    }

    /**
     * The optimizer.
     *
     * @return the optimizer over the builder's parameters
     * @throws IllegalArgumentException on an invalid parameter list or option (PyTorch's checks)
     */
    public abstract O build();

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }
}
