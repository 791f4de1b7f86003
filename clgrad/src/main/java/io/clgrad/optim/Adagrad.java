package io.clgrad.optim;

import io.clgrad.Tensor;
import io.clgrad.Tensors;
import java.util.List;
import java.util.Map;

/**
 * Adagrad, as PyTorch's {@code torch.optim.Adagrad}:
 * <pre>
 *   input: γ (lr), θ0 (params), λ (weight decay), τ (initial accumulator value), η (lr decay), ε (eps)
 *   initialize: sum_0 ← τ
 *   for t = 1 to ... do
 *       g_t ← ∇θ f_t(θ_{t-1})
 *       γ̃ ← γ / (1 + (t - 1) η)
 *       if λ ≠ 0:  g_t ← g_t + λ θ_{t-1}
 *       sum_t ← sum_{t-1} + g_t²
 *       θ_t ← θ_{t-1} - γ̃ g_t / (√sum_t + ε)
 *   return θ_t
 * </pre>
 * State per parameter (PyTorch's names): {@code "step"} and {@code "sum"}. PyTorch creates both
 * for every parameter in its constructor; clgrad creates them on the parameter's first step, so a
 * state dict taken before any step has no entries for the parameter (loading one into PyTorch, or
 * PyTorch's into clgrad, gives the same steps).
 *
 * <p>Defaults (PyTorch 2.x): lr 1e-2, lr decay 0, weight decay 0, initial accumulator value 0,
 * eps 1e-10. The options {@code foreach}, {@code maximize}, {@code differentiable} and
 * {@code fused} exist only so that the printed form matches PyTorch's; they keep their defaults.
 *
 * <p>The step is composed of clgrad's elementwise tensor ops, not one fused kernel; see the
 * package documentation.
 *
 * <pre>{@code
 * Adagrad opt = Adagrad.builder(model.parameters()).lr(0.1).lrDecay(1e-3).build();
 * }</pre>
 */
public final class Adagrad extends Optimizer {
    /**
     * Adagrad with learning rate {@code lr} and PyTorch's other defaults.
     *
     * @throws IllegalArgumentException when params is empty, a parameter does not require grad or
     *                                  is not a leaf, or lr is negative
     */
    public Adagrad(List<Tensor> params, double lr) {
        this(new Builder(params).lr(lr));
    }

    private Adagrad(Builder b) {
        super(b.params, b.options());
    }

    /** A builder over {@code params} starting from PyTorch's defaults. */
    public static Builder builder(List<Tensor> params) {
        return new Builder(params);
    }

    @Override
    protected void validate(Map<String, Object> o) {
        OptionChecks.nonNegative(o, "lr", "lr_decay", "weight_decay", "initial_accumulator_value", "eps");
        OptionChecks.checkPrintedOnly(o);
    }

    /** One Adagrad step on every parameter with a gradient. */
    @Override
    protected void update() {
        for (ParamGroup g : paramGroups()) {
            double lr = g.lr();
            double lrDecay = g.getDouble("lr_decay");
            float eps = (float) g.getDouble("eps");
            double wd = g.getDouble("weight_decay");
            float initial = (float) g.getDouble("initial_accumulator_value");
            for (Tensor p : withGrad(g)) {
                Tensor grad = p.grad();
                ParamState s = state(p);
                if (!s.tensors.containsKey("sum")) {
                    s.tensors.put("sum", Tensors.keep(Tensor.full(p.device(), initial, p.shape())));
                }
                Tensor sum = stateTensor(s, "sum", p);
                s.step++;
                float clr = (float) (lr / (1 + (s.step - 1) * lrDecay));
                ComposedStep.run(() -> {
                    Tensor gt = ComposedStep.withWeightDecay(grad, p, wd);
                    sum.copyFrom(sum.add(gt.mul(gt)));
                    Tensor std = sum.sqrt().add(eps);
                    p.copyFrom(p.sub(gt.div(std).mul(clr)));
                });
            }
        }
    }

    /** Builds an {@link Adagrad}; every setter returns the builder. Defaults: lr 1e-2, weight decay 0. */
    public static final class Builder extends OptimizerBuilder<Builder, Adagrad> {
        private Builder(List<Tensor> params) {
            super(params, OptionChecks.defaults(new Object[] {"lr", 1e-2, "lr_decay", 0.0, "eps", 1e-10,
                "weight_decay", 0.0, "initial_accumulator_value", 0.0}, "foreach", "maximize", "differentiable",
                "fused"), Adagrad::new);
        }

        /** Learning-rate decay η: step t uses γ / (1 + (t-1) η) (default 0). */
        public Builder lrDecay(double lrDecay) {
            return set("lr_decay", lrDecay);
        }

        /** Starting value τ of every element of the accumulator {@code sum} (default 0). */
        public Builder initialAccumulatorValue(double value) {
            return set("initial_accumulator_value", value);
        }

        /** Term ε added to the denominator (default 1e-10). */
        public Builder eps(double eps) {
            return set("eps", eps);
        }
    }
}
