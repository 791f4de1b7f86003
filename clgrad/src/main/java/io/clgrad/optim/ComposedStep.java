package io.clgrad.optim;

import io.clgrad.Autograd;
import io.clgrad.Tensor;
import io.clgrad.TensorScope;
import io.clgrad.Tensors;

/**
 * Runs an optimizer update composed of ordinary tensor ops ({@link RMSprop}, {@link Adagrad}):
 * outside autograd ({@link Autograd#noGrad()}), with every temporary closed when the update ends
 * (a {@link TensorScope}); the update writes its results in place with {@link Tensor#copyFrom}.
 */
final class ComposedStep {
    private ComposedStep() {
    }

    /** Runs {@code update} once, outside autograd, closing its temporaries afterwards. */
    @SuppressWarnings("try")
    static void run(Runnable update) {
        try (Autograd.Mode m = Autograd.noGrad(); TensorScope scope = Tensors.scope()) {
            update.run();
        }
    }

    /** {@code wd == 0 ? grad : grad + wd·param} (PyTorch's {@code grad.add(param, alpha=wd)}). */
    static Tensor withWeightDecay(Tensor grad, Tensor param, double wd) {
        return wd == 0 ? grad : grad.add(param.mul((float) wd));
    }
}
