package io.clgrad;

/**
 * What {@link Tensor#registerHook} and {@link Tensor#registerPostAccumulateGradHook} return, like PyTorch's {@code torch.utils.hooks.RemovableHandle}:
 * {@link #remove()} unregisters the hook, so later backward passes no longer call it.
 *
 * <pre>{@code
 * RemovableHandle h = w.registerHook(g -> g.mul(0.5f));   // halves w's gradient
 * loss.backward();
 * h.remove();                                             // the next backward leaves it as it is
 * }</pre>
 */
public final class RemovableHandle {
    private final Runnable remover;

    RemovableHandle(Runnable remover) {
        this.remover = remover;
    }

    /** Unregisters the hook; removing it again does nothing. */
    public void remove() {
        remover.run();
    }
}
