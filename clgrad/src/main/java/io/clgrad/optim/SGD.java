package io.clgrad.optim;

import io.clgrad.ParameterUpdates;
import io.clgrad.Tensor;
import java.util.List;
import java.util.Map;

/**
 * Stochastic gradient descent, optionally with momentum, dampening, Nesterov momentum and L2
 * weight decay, as PyTorch's {@code torch.optim.SGD}:
 * <pre>
 *   input: γ (lr), θ0 (params), f(θ) (objective), λ (weight decay), μ (momentum), τ (dampening), nesterov
 *   for t = 1 to ... do
 *       g_t ← ∇θ f_t(θ_{t-1})
 *       if λ ≠ 0:  g_t ← g_t + λ θ_{t-1}
 *       if μ ≠ 0:
 *           if t &gt; 1:  b_t ← μ b_{t-1} + (1 - τ) g_t
 *           else:      b_t ← g_t
 *           if nesterov:  g_t ← g_t + μ b_t
 *           else:         g_t ← b_t
 *       θ_t ← θ_{t-1} - γ g_t
 *   return θ_t
 * </pre>
 * The momentum buffer (state {@code "momentum_buffer"}, only when μ ≠ 0) lives on the parameter's
 * device and is created on the parameter's first step. Nesterov momentum requires μ &gt; 0 and
 * τ = 0, as PyTorch checks.
 *
 * <p>Defaults (PyTorch 2.x): lr 1e-3, momentum 0, dampening 0, weight decay 0, nesterov false.
 * The options {@code maximize}, {@code foreach}, {@code differentiable} and {@code fused} exist
 * only so that the printed form matches PyTorch's; they must keep their defaults.
 *
 * <pre>{@code
 * SGD opt = SGD.builder(model.parameters()).lr(0.1).momentum(0.9).nesterov(true).build();
 * }</pre>
 */
public final class SGD extends Optimizer {
    /**
     * Plain SGD (no momentum, no weight decay) with learning rate {@code lr}.
     *
     * @throws IllegalArgumentException when params is empty, a parameter does not require grad or
     *                                  is not a leaf, or lr is negative
     */
    public SGD(List<Tensor> params, double lr) {
        this(new Builder(params).lr(lr));
    }

    private SGD(Builder b) {
        super(b.params, b.options());
    }

    /** A builder over {@code params} starting from PyTorch's defaults. */
    public static Builder builder(List<Tensor> params) {
        return new Builder(params);
    }

    @Override
    protected void validate(Map<String, Object> o) {
        OptionChecks.nonNegative(o, "lr", "momentum", "weight_decay");
        double momentum = OptionChecks.number(o, "momentum");
        double dampening = OptionChecks.number(o, "dampening");
        if (OptionChecks.bool(o, "nesterov") && (momentum <= 0 || dampening != 0)) {
            throw new IllegalArgumentException("Nesterov momentum requires a momentum and zero dampening (momentum "
                    + PyRepr.option("momentum", momentum) + ", dampening " + PyRepr.option("dampening", dampening) + ")");
        }
        OptionChecks.checkPrintedOnly(o);
    }

    @Override
    boolean hasStepState() {
        return false;
    }

    /** One SGD step on every parameter with a gradient (one fused kernel per parameter). */
    @Override
    protected void update() {
        for (ParamGroup g : paramGroups()) {
            double lr = g.lr();
            double momentum = g.getDouble("momentum");
            double dampening = g.getDouble("dampening");
            double wd = g.getDouble("weight_decay");
            boolean nesterov = Boolean.TRUE.equals(g.get("nesterov"));
            for (Tensor p : withGrad(g)) {
                Tensor grad = p.grad();
                Tensor buf = null;
                boolean first = false;
                if (momentum != 0) {
                    ParamState s = state(p);
                    first = !s.tensors.containsKey("momentum_buffer");
                    buf = stateTensor(s, "momentum_buffer", p);
                }
                ParameterUpdates.sgd(p, grad, buf, lr, momentum, dampening, nesterov, wd, first);
            }
        }
    }

    /** Builds an {@link SGD}; every setter returns the builder. Defaults: lr 1e-3, weight decay 0. */
    public static final class Builder extends OptimizerBuilder<Builder, SGD> {
        private Builder(List<Tensor> params) {
            super(params, OptionChecks.defaults(new Object[] {"lr", 1e-3, "momentum", 0.0, "dampening", 0.0,
                "weight_decay", 0.0, "nesterov", false}, "maximize", "foreach", "differentiable", "fused"),
                SGD::new);
        }

        /** Momentum factor μ (default 0: no momentum buffer). */
        public Builder momentum(double momentum) {
            return set("momentum", momentum);
        }

        /** Dampening τ for momentum (default 0). */
        public Builder dampening(double dampening) {
            return set("dampening", dampening);
        }

        /** Whether to use Nesterov momentum (default false; needs momentum &gt; 0 and dampening 0). */
        public Builder nesterov(boolean nesterov) {
            return set("nesterov", nesterov);
        }
    }
}
