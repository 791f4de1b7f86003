package io.clgrad.optim;

import io.clgrad.Tensor;
import java.util.List;
import java.util.Map;

/**
 * RMSprop, as PyTorch's {@code torch.optim.RMSprop}:
 * <pre>
 *   input: γ (lr), θ0 (params), α (alpha), ε (eps), λ (weight decay), μ (momentum), centered
 *   initialize: v0 ← 0 (square average), b0 ← 0 (buffer), g_ave0 ← 0
 *   for t = 1 to ... do
 *       g_t ← ∇θ f_t(θ_{t-1})
 *       if λ ≠ 0:  g_t ← g_t + λ θ_{t-1}
 *       v_t ← α v_{t-1} + (1 - α) g_t²
 *       ṽ_t ← v_t
 *       if centered:  g_ave_t ← α g_ave_{t-1} + (1 - α) g_t;  ṽ_t ← ṽ_t - g_ave_t²
 *       if μ &gt; 0:  b_t ← μ b_{t-1} + g_t / (√ṽ_t + ε);  θ_t ← θ_{t-1} - γ b_t
 *       else:      θ_t ← θ_{t-1} - γ g_t / (√ṽ_t + ε)
 *   return θ_t
 * </pre>
 * State per parameter (PyTorch's names): {@code "step"}, {@code "square_avg"}, {@code
 * "momentum_buffer"} (only when μ &gt; 0) and {@code "grad_avg"} (only when centered), created on
 * the parameter's first step on its device.
 *
 * <p>Defaults (PyTorch 2.x): lr 1e-2, alpha 0.99, eps 1e-8, weight decay 0, momentum 0, centered
 * false. The options {@code capturable}, {@code foreach}, {@code maximize} and {@code
 * differentiable} exist only so that the printed form matches PyTorch's; they keep their defaults.
 *
 * <p>The step is composed of clgrad's elementwise tensor ops (10 to 17 launches per parameter),
 * not one fused kernel as {@link Adam}'s and {@link SGD}'s are; see the package documentation.
 *
 * <pre>{@code
 * RMSprop opt = RMSprop.builder(model.parameters()).lr(0.01).momentum(0.9).centered(true).build();
 * }</pre>
 */
public final class RMSprop extends Optimizer {
    /**
     * RMSprop with learning rate {@code lr} and PyTorch's other defaults.
     *
     * @throws IllegalArgumentException when params is empty, a parameter does not require grad or
     *                                  is not a leaf, or lr is negative
     */
    public RMSprop(List<Tensor> params, double lr) {
        this(new Builder(params).lr(lr));
    }

    private RMSprop(Builder b) {
        super(b.params, b.options());
    }

    /** A builder over {@code params} starting from PyTorch's defaults. */
    public static Builder builder(List<Tensor> params) {
        return new Builder(params);
    }

    @Override
    protected void validate(Map<String, Object> o) {
        OptionChecks.nonNegative(o, "lr", "eps", "momentum", "weight_decay", "alpha");
        OptionChecks.bool(o, "centered");
        OptionChecks.checkPrintedOnly(o);
    }

    /** One RMSprop step on every parameter with a gradient. */
    @Override
    protected void update() {
        for (ParamGroup g : paramGroups()) {
            float lr = (float) g.lr();
            double alpha = g.getDouble("alpha");
            float eps = (float) g.getDouble("eps");
            double wd = g.getDouble("weight_decay");
            double momentum = g.getDouble("momentum");
            boolean centered = Boolean.TRUE.equals(g.get("centered"));
            for (Tensor p : withGrad(g)) {
                Tensor grad = p.grad();
                ParamState s = state(p);
                Tensor squareAvg = stateTensor(s, "square_avg", p);
                Tensor buf = momentum > 0 ? stateTensor(s, "momentum_buffer", p) : null;
                Tensor gradAvg = centered ? stateTensor(s, "grad_avg", p) : null;
                s.step++;
                ComposedStep.run(() -> {
                    Tensor gt = ComposedStep.withWeightDecay(grad, p, wd);
                    squareAvg.copyFrom(squareAvg.mul((float) alpha).add(gt.mul(gt).mul((float) (1 - alpha))));
                    Tensor avg;
                    if (centered) {
                        gradAvg.copyFrom(gradAvg.mul((float) alpha).add(gt.mul((float) (1 - alpha))));
                        avg = squareAvg.sub(gradAvg.mul(gradAvg)).sqrt();
                    } else {
                        avg = squareAvg.sqrt();
                    }
                    avg = avg.add(eps);
                    if (buf != null) {
                        buf.copyFrom(buf.mul((float) momentum).add(gt.div(avg)));
                        p.copyFrom(p.sub(buf.mul(lr)));
                    } else {
                        p.copyFrom(p.sub(gt.div(avg).mul(lr)));
                    }
                });
            }
        }
    }

    /** Builds an {@link RMSprop}; every setter returns the builder. Defaults: lr 1e-2, weight decay 0. */
    public static final class Builder extends OptimizerBuilder<Builder, RMSprop> {
        private Builder(List<Tensor> params) {
            super(params, OptionChecks.defaults(new Object[] {"lr", 1e-2, "momentum", 0.0, "alpha", 0.99, "eps", 1e-8,
                "centered", false, "weight_decay", 0.0}, "capturable", "foreach", "maximize", "differentiable"),
                RMSprop::new);
        }

        /** Smoothing constant α of the square average (default 0.99). */
        public Builder alpha(double alpha) {
            return set("alpha", alpha);
        }

        /** Term ε added to the denominator (default 1e-8). */
        public Builder eps(double eps) {
            return set("eps", eps);
        }

        /** Momentum factor μ (default 0: no momentum buffer). */
        public Builder momentum(double momentum) {
            return set("momentum", momentum);
        }

        /** Whether to normalise by the estimated variance of the gradient (default false). */
        public Builder centered(boolean centered) {
            return set("centered", centered);
        }
    }
}
