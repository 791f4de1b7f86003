package io.clgrad.optim;

import io.clgrad.Tensor;
import java.util.List;

/**
 * Adam (Kingma &amp; Ba, 2015), as PyTorch's {@code torch.optim.Adam}, with L2 weight decay added to
 * the gradient and optional AMSGrad:
 * <pre>
 *   input: γ (lr), β1, β2 (betas), θ0 (params), f(θ) (objective), λ (weight decay), amsgrad
 *   initialize: m0 ← 0 (first moment), v0 ← 0 (second moment), v0_max ← 0
 *   for t = 1 to ... do
 *       g_t ← ∇θ f_t(θ_{t-1})
 *       if λ ≠ 0:  g_t ← g_t + λ θ_{t-1}
 *       m_t ← β1 m_{t-1} + (1 - β1) g_t
 *       v_t ← β2 v_{t-1} + (1 - β2) g_t²
 *       m̂_t ← m_t / (1 - β1^t)
 *       if amsgrad:  v_t_max ← max(v_{t-1}_max, v_t);  v̂_t ← v_t_max / (1 - β2^t)
 *       else:        v̂_t ← v_t / (1 - β2^t)
 *       θ_t ← θ_{t-1} - γ m̂_t / (√v̂_t + ε)
 *   return θ_t
 * </pre>
 * As in PyTorch, ε is added after the bias correction, and the step is computed as
 * {@code θ -= (γ/(1-β1^t)) · m / (√v / √(1-β2^t) + ε)} with the bias corrections in double on
 * the host. Each parameter has its own step count (state {@code "step"}) and state tensors
 * {@code "exp_avg"}, {@code "exp_avg_sq"} (and {@code "max_exp_avg_sq"} with amsgrad), zeros on
 * the parameter's device created on its first step.
 *
 * <p>On an OpenCL device one {@link #step()} updates all parameters of a group (up to eight per
 * launch) in ONE kernel launch, a multi-tensor kernel; its results equal the per-parameter
 * kernel's bit for bit.
 *
 * <p>Defaults: lr 1e-3, betas (0.9, 0.999), eps 1e-8, weight decay 0, amsgrad false. The options
 * {@code maximize}, {@code foreach}, {@code capturable}, {@code differentiable} and {@code fused}
 * exist only so that the printed form matches PyTorch's; they must keep their defaults.
 *
 * <pre>{@code
 * Adam opt = new Adam(model.parameters(), 0.01);
 * Adam tuned = Adam.builder(model.parameters()).lr(1e-3).betas(0.9, 0.98).weightDecay(1e-4).build();
 * System.out.println(opt);   // Adam (\nParameter Group 0\n    amsgrad: False\n ...
 * }</pre>
 */
public final class Adam extends AdamBase {
    /**
     * Adam with learning rate {@code lr} and PyTorch's other defaults.
     *
     * @throws IllegalArgumentException when params is empty, a parameter does not require grad or
     *                                  is not a leaf, or lr is negative
     */
    public Adam(List<Tensor> params, double lr) {
        this(new Builder(params).lr(lr));
    }

    private Adam(Builder b) {
        super(b, false);
    }

    /** A builder over {@code params} starting from PyTorch's defaults. */
    public static Builder builder(List<Tensor> params) {
        return new Builder(params);
    }

    /** Builds an {@link Adam}; the setters are {@link AdamBuilder}'s. */
    public static final class Builder extends AdamBuilder<Builder, Adam> {
        private Builder(List<Tensor> params) {
            super(params, 0.0, Adam::new);
        }
    }
}
