package io.clgrad;

import java.util.ArrayDeque;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * Closes, when it closes, every tensor created on this thread while it was open, except those
 * {@linkplain #keep(Tensor) kept}. Scopes nest; a kept tensor moves to the enclosing scope, if any.
 *
 * <pre>{@code
 * Tensor result;
 * try (TensorScope s = Tensors.scope()) {
 *     Tensor h = x.matmul(w).relu();   // closed when the scope closes
 *     result = s.keep(h.sum());         // survives
 * }
 * }</pre>
 */
public final class TensorScope implements AutoCloseable {
    private static final ThreadLocal<ArrayDeque<TensorScope>> STACK = ThreadLocal.withInitial(ArrayDeque::new);

    /**
     * The tensors to close, made on the first one: a scope per request of a few ops is common, and an
     * empty default-sized set (a table of 64 slots, made, walked and cleared) was most of the 230 ns
     * an empty scope took.
     */
    private Set<Tensor> owned;
    private final Thread thread = Thread.currentThread();
    private boolean closed;

    TensorScope() {
        STACK.get().push(this);
    }

    private Set<Tensor> ownedSet() {
        if (owned == null) {
            owned = Collections.newSetFromMap(new IdentityHashMap<>(8));
        }
        return owned;
    }

    /** Records a newly created tensor in the innermost open scope of this thread, if any. */
    static void register(Tensor t) {
        TensorScope s = STACK.get().peek();
        if (s != null) {
            s.ownedSet().add(t);
        }
    }

    /** Removes a tensor from every open scope of this thread (gradients, parameters, optimizer state). */
    static void release(Tensor t) {
        for (TensorScope s : STACK.get()) {
            if (s.owned != null) {
                s.owned.remove(t);
            }
        }
    }

    /**
     * Keeps a tensor alive past this scope: it is handed to the enclosing scope, or to nobody
     * (then the caller closes it, or the GC reclaims it). Returns the tensor for chaining.
     */
    public Tensor keep(Tensor t) {
        if (owned != null && owned.remove(t)) {
            ArrayDeque<TensorScope> stack = STACK.get();
            boolean passed = false;
            for (TensorScope outer : stack) {
                if (passed) {
                    outer.ownedSet().add(t);
                    break;
                }
                passed = outer == this;
            }
        }
        return t;
    }

    /** Closes every tensor created in this scope that was not kept. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        if (Thread.currentThread() != thread) {
            throw new IllegalStateException("a TensorScope must be closed on the thread that opened it");
        }
        closed = true;
        STACK.get().remove(this);
        if (owned != null) {
            for (Tensor t : owned) {
                t.close();
            }
            owned = null;
        }
    }
}
