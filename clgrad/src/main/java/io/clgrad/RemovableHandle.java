package io.clgrad;

/**
 * What {@link Tensor#registerHook} returns, like PyTorch's {@code torch.utils.hooks.RemovableHandle}:
 * {@link #remove()} unregisters the hook, so later backward passes no longer call it.
 *
 * <pre>{@code
 * RemovableHandle h = w.registerHook(g -> g.mul(0.5f));   // halves w's gradient
 * loss.backward();
 * h.remove();                                             // the next backward leaves it as it is
 * }</pre>
 */
public final class RemovableHandle {
    private final Hooks hooks;
    private final Hooks.Entry entry;

    RemovableHandle(Hooks hooks, Hooks.Entry entry) {
        this.hooks = hooks;
        this.entry = entry;
    }

    /** Unregisters the hook; removing it again does nothing. */
    public void remove() {
        hooks.remove(entry);
    }
}
