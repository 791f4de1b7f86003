package io.clgrad.optim;

import io.clgrad.ParameterUpdates;
import io.clgrad.Tensor;
import java.util.LinkedHashMap;
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
        this(params, lr, 0, 0, 0, false);
    }

    private SGD(List<Tensor> params, double lr, double momentum, double dampening, double weightDecay,
                boolean nesterov) {
        super(params, defaults(lr, momentum, dampening, weightDecay, nesterov));
    }

    private static Map<String, Object> defaults(double lr, double momentum, double dampening, double weightDecay,
                                                boolean nesterov) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("lr", lr);
        d.put("momentum", momentum);
        d.put("dampening", dampening);
        d.put("weight_decay", weightDecay);
        d.put("nesterov", nesterov);
        return OptionChecks.withPrintedOnly(d, "maximize", "foreach", "differentiable", "fused");
    }

    /** A builder over {@code params} starting from PyTorch's defaults. */
    public static Builder builder(List<Tensor> params) {
        return new Builder(params);
    }

    @Override
    protected void validate(Map<String, Object> o) {
        OptionChecks.nonNegative(o, "lr", "learning rate");
        double momentum = OptionChecks.nonNegative(o, "momentum", "momentum value");
        OptionChecks.nonNegative(o, "weight_decay", "weight_decay value");
        double dampening = OptionChecks.number(o, "dampening");
        if (!(o.get("nesterov") instanceof Boolean)) {
            throw new IllegalArgumentException("nesterov must be a boolean, got " + o.get("nesterov"));
        }
        if ((Boolean) o.get("nesterov") && (momentum <= 0 || dampening != 0)) {
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
    public void step() {
        for (ParamGroup g : paramGroups()) {
            double lr = g.lr();
            double momentum = g.getDouble("momentum");
            double dampening = g.getDouble("dampening");
            double wd = g.getDouble("weight_decay");
            boolean nesterov = Boolean.TRUE.equals(g.get("nesterov"));
            for (Tensor p : g.params()) {
                Tensor grad = p.grad();
                if (grad == null) {
                    continue;
                }
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

    /** Builds an {@link SGD}; every setter returns the builder. */
    public static final class Builder {
        private final List<Tensor> params;
        private double lr = 1e-3;
        private double momentum;
        private double dampening;
        private double weightDecay;
        private boolean nesterov;

        private Builder(List<Tensor> params) {
            this.params = params;
        }

        /** Learning rate γ (default 1e-3). */
        public Builder lr(double lr) {
            this.lr = lr;
            return this;
        }

        /** Momentum factor μ (default 0: no momentum buffer). */
        public Builder momentum(double momentum) {
            this.momentum = momentum;
            return this;
        }

        /** Dampening τ for momentum (default 0). */
        public Builder dampening(double dampening) {
            this.dampening = dampening;
            return this;
        }

        /** L2 penalty λ added to the gradient (default 0). */
        public Builder weightDecay(double weightDecay) {
            this.weightDecay = weightDecay;
            return this;
        }

        /** Whether to use Nesterov momentum (default false; needs momentum &gt; 0 and dampening 0). */
        public Builder nesterov(boolean nesterov) {
            this.nesterov = nesterov;
            return this;
        }

        /**
         * The optimizer.
         *
         * @throws IllegalArgumentException on an invalid parameter list or option (PyTorch's checks)
         */
        public SGD build() {
            return new SGD(params, lr, momentum, dampening, weightDecay, nesterov);
        }
    }
}
