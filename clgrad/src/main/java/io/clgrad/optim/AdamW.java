package io.clgrad.optim;

import io.clgrad.Tensor;
import java.util.List;

/**
 * AdamW (Loshchilov &amp; Hutter, 2019), Adam with decoupled weight decay, as PyTorch's
 * {@code torch.optim.AdamW}:
 * <pre>
 *   input: γ (lr), β1, β2 (betas), θ0 (params), f(θ) (objective), ε (epsilon), λ (weight decay), amsgrad
 *   initialize: m0 ← 0 (first moment), v0 ← 0 (second moment), v0_max ← 0
 *   for t = 1 to ... do
 *       g_t ← ∇θ f_t(θ_{t-1})
 *       θ_t ← θ_{t-1} - γ λ θ_{t-1}
 *       m_t ← β1 m_{t-1} + (1 - β1) g_t
 *       v_t ← β2 v_{t-1} + (1 - β2) g_t²
 *       m̂_t ← m_t / (1 - β1^t)
 *       if amsgrad:  v_t_max ← max(v_{t-1}_max, v_t);  v̂_t ← v_t_max / (1 - β2^t)
 *       else:        v̂_t ← v_t / (1 - β2^t)
 *       θ_t ← θ_t - γ m̂_t / (√v̂_t + ε)
 *   return θ_t
 * </pre>
 * The decay multiplies the parameter by {@code 1 - γλ} (computed in double on the host) before
 * the Adam update; everything else, state and launches included, is as in {@link Adam}.
 *
 * <p>Defaults: lr 1e-3, betas (0.9, 0.999), eps 1e-8, weight decay 0.01, amsgrad false.
 *
 * <pre>{@code
 * AdamW opt = AdamW.builder(model.parameters()).lr(3e-4).weightDecay(0.05).build();
 * }</pre>
 */
public final class AdamW extends AdamBase {
    /**
     * AdamW with learning rate {@code lr} and PyTorch's other defaults (weight decay 0.01).
     *
     * @throws IllegalArgumentException when params is empty, a parameter does not require grad or
     *                                  is not a leaf, or lr is negative
     */
    public AdamW(List<Tensor> params, double lr) {
        this(new Builder(params).lr(lr));
    }

    private AdamW(Builder b) {
        super(b, true);
    }

    /** A builder over {@code params} starting from PyTorch's defaults. */
    public static Builder builder(List<Tensor> params) {
        return new Builder(params);
    }

    /** Builds an {@link AdamW}; the setters are {@link AdamBuilder}'s. */
    public static final class Builder extends AdamBuilder<Builder, AdamW> {
        private Builder(List<Tensor> params) {
            super(params, 1e-2, AdamW::new);
        }
    }
}
