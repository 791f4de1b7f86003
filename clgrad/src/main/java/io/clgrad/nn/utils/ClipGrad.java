package io.clgrad.nn.utils;

import io.clgrad.Autograd;
import io.clgrad.Device;
import io.clgrad.Tensor;
import io.clgrad.TensorScope;
import io.clgrad.Tensors;
import java.util.ArrayList;
import java.util.List;

/**
 * Gradient clipping, as PyTorch's {@code torch.nn.utils.clip_grad_norm_} and
 * {@code clip_grad_value_}: both rescale the parameters' {@code grad()} <b>in place</b> (between
 * {@code loss.backward()} and {@code optimizer.step()}), skip parameters without a gradient, and
 * record no graph.
 *
 * <pre>{@code
 * loss.backward();
 * Tensor norm = ClipGrad.clipGradNorm(model.parameters(), 1.0);   // total 2-norm before clipping
 * optimizer.step();
 * }</pre>
 */
@SuppressWarnings("try")   // scopes opened for their effect (noGrad, tensor scopes)
public final class ClipGrad {
    private ClipGrad() {
    }

    /** {@link #clipGradNorm(Iterable, double, double, boolean)} with the 2-norm. */
    public static Tensor clipGradNorm(Iterable<Tensor> parameters, double maxNorm) {
        return clipGradNorm(parameters, maxNorm, 2.0, false);
    }

    /** {@link #clipGradNorm(Iterable, double, double, boolean)} without the non-finite check. */
    public static Tensor clipGradNorm(Iterable<Tensor> parameters, double maxNorm, double normType) {
        return clipGradNorm(parameters, maxNorm, normType, false);
    }

    /**
     * Clips the gradients of {@code parameters} by their total norm, as PyTorch's
     * {@code clip_grad_norm_}: the norm is taken over all gradients together, as if they were
     * concatenated into one vector, {@code total = ‖(‖g_1‖_p, ..., ‖g_n‖_p)‖_p} (for
     * {@code p = ∞}: {@code max |g|}); each gradient is multiplied by
     * {@code min(1, maxNorm / (total + 1e-6))} in place.
     *
     * @param parameters        tensors whose {@code grad()} is clipped (those without one are skipped)
     * @param maxNorm           the largest total norm allowed
     * @param normType          p of the p-norm: positive, or {@code Double.POSITIVE_INFINITY} for the max norm
     * @param errorIfNonfinite  throw when the total norm is NaN or infinite (this reads it back from the device)
     * @return the total norm of the gradients before clipping, a 0-d float32 tensor on the first
     *         gradient's device (0 on the CPU when no parameter has a gradient)
     * @throws IllegalArgumentException on a normType that is not positive, or a negative or NaN maxNorm
     * @throws IllegalStateException    when {@code errorIfNonfinite} and the total norm is not finite
     */
    public static Tensor clipGradNorm(Iterable<Tensor> parameters, double maxNorm, double normType,
                                      boolean errorIfNonfinite) {
        if (!(normType > 0)) {
            throw new IllegalArgumentException("clipGradNorm: normType must be positive (or"
                    + " Double.POSITIVE_INFINITY), got " + normType);
        }
        if (!(maxNorm >= 0)) {
            throw new IllegalArgumentException("clipGradNorm: maxNorm must be non-negative, got " + maxNorm);
        }
        List<Tensor> grads = grads(parameters, "clipGradNorm");
        try (Autograd.Mode m = Autograd.noGrad()) {
            if (grads.isEmpty()) {
                return Tensor.scalar(0f);
            }
            Device device = grads.get(0).device();
            Tensor total;
            try (TensorScope s = Tensors.scope()) {
                List<Tensor> norms = new ArrayList<>();
                for (Tensor g : grads) {
                    norms.add(norm(g, normType).to(device));
                }
                total = s.keep(norms.size() == 1 && normType == Double.POSITIVE_INFINITY ? norms.get(0)
                        : norm(Tensor.stack(norms), normType));   // as PyTorch 1.13 computes it
                if (errorIfNonfinite && !Float.isFinite(total.item())) {
                    throw new IllegalStateException("clipGradNorm: The total norm of order " + normType
                            + " for gradients from parameters is non-finite (" + total.item() + "), so it cannot"
                            + " be clipped. To disable this error and scale the gradients by the non-finite norm"
                            + " anyway, set errorIfNonfinite=false");
                }
                Tensor coef = Tensor.full(device, (float) maxNorm).div(total.add(1e-6f))
                        .minimum(Tensor.full(device, 1f));
                for (Tensor g : grads) {
                    g.copyFrom(g.mul(coef.to(g.device())));
                }
            }
            return total;
        }
    }

    /**
     * Clips every gradient element of {@code parameters} into {@code [-clipValue, clipValue]} in
     * place, as PyTorch's {@code clip_grad_value_}.
     *
     * @param parameters tensors whose {@code grad()} is clipped (those without one are skipped)
     * @param clipValue  the largest absolute value allowed
     * @throws IllegalArgumentException on a negative or NaN clipValue
     */
    public static void clipGradValue(Iterable<Tensor> parameters, double clipValue) {
        if (!(clipValue >= 0)) {
            throw new IllegalArgumentException("clipGradValue: clipValue must be non-negative, got " + clipValue);
        }
        List<Tensor> grads = grads(parameters, "clipGradValue");
        try (Autograd.Mode m = Autograd.noGrad(); TensorScope s = Tensors.scope()) {
            for (Tensor g : grads) {
                Tensor lo = Tensor.full(g.device(), (float) -clipValue);
                Tensor hi = Tensor.full(g.device(), (float) clipValue);
                g.copyFrom(g.maximum(lo).minimum(hi));
            }
        }
    }

    /** The gradients of the parameters that have one. */
    private static List<Tensor> grads(Iterable<Tensor> parameters, String op) {
        if (parameters == null) {
            throw new IllegalArgumentException(op + ": parameters must not be null");
        }
        List<Tensor> grads = new ArrayList<>();
        for (Tensor p : parameters) {
            if (p != null && p.grad() != null) {
                grads.add(p.grad());
            }
        }
        return grads;
    }

    /** The p-norm of all elements of {@code g} as a 0-d tensor (max |g| for p = ∞). */
    private static Tensor norm(Tensor g, double p) {
        if (p == Double.POSITIVE_INFINITY) {
            return g.abs().max();
        }
        if (p == 1) {
            return g.abs().sum();
        }
        if (p == 2) {
            return g.mul(g).sum().sqrt();
        }
        return g.abs().pow((float) p).sum().pow((float) (1 / p));
    }
}
