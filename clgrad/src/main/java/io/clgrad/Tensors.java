package io.clgrad;

/**
 * Entry points for tensor memory management.
 *
 * <p>Device memory is freed deterministically by {@link Tensor#close()} or by a scope; a tensor
 * that is never closed is reclaimed after the garbage collector finds it unreachable.
 */
public final class Tensors {
    private Tensors() {
    }

    /**
     * Opens a scope on this thread: every tensor created until it closes is closed with it, except
     * those passed to {@link TensorScope#keep(Tensor)}. Use with try-with-resources.
     */
    public static TensorScope scope() {
        return new TensorScope();
    }

    /**
     * Takes a tensor out of every scope open on this thread, so that no scope closes it (for
     * parameters, optimizer state and other long-lived tensors). Returns the tensor.
     */
    public static Tensor keep(Tensor t) {
        TensorScope.release(t);
        return t;
    }
}
