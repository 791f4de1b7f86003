package io.clgrad;

import java.util.ArrayDeque;
import java.util.Arrays;

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
    private static final Tensor[] NONE = new Tensor[0];

    /**
     * The tensors to close, in the order made; a released or kept one leaves a null. Each tensor
     * knows its scope and slot ({@link Tensor#scope}), so releasing one is a store, not a search:
     * an identity set cost a first identity hash per tensor, a walk of its table on close and, empty,
     * most of the 218 ns an empty scope took (a scope per request of a few ops is common).
     */
    private Tensor[] owned = NONE;
    private int count;
    /** Null slots below {@link #count}; the list is compacted when they are most of it. */
    private int holes;
    private final Thread thread = Thread.currentThread();
    private boolean closed;

    TensorScope() {
        STACK.get().push(this);
    }

    private void add(Tensor t) {
        if (count == owned.length) {
            if (holes > count / 2) {
                compact();
            } else {
                owned = Arrays.copyOf(owned, Math.max(8, 2 * count));
            }
        }
        t.scope = this;
        t.scopeSlot = count;
        owned[count++] = t;
    }

    /**
     * Takes {@code t} out of this scope; false if this scope does not hold it. The last slot is given
     * back at once (a tensor released right after it was made, the common case); others become holes
     * until {@link #compact}: a scope around a training loop releases every step's gradients.
     */
    private boolean remove(Tensor t) {
        if (t.scope != this) {
            return false;
        }
        owned[t.scopeSlot] = null;
        t.scope = null;
        if (t.scopeSlot == count - 1) {
            count--;
            while (count > 0 && owned[count - 1] == null) {   // holes that are now at the end
                count--;
                holes--;
            }
        } else {
            holes++;
        }
        return true;
    }

    /** Slots in use, holes included (tests: the list stays bounded). */
    int slotsInUse() {
        return count;
    }

    /** Moves the tensors still held to the front, in order, and renumbers their slots. */
    private void compact() {
        int n = 0;
        for (int i = 0; i < count; i++) {
            Tensor t = owned[i];
            if (t != null) {
                t.scopeSlot = n;
                owned[n++] = t;
            }
        }
        Arrays.fill(owned, n, count, null);
        count = n;
        holes = 0;
    }

    /** Records a newly created tensor in the innermost open scope of this thread, if any. */
    static void register(Tensor t) {
        TensorScope s = STACK.get().peek();
        if (s != null) {
            s.add(t);
        }
    }

    /**
     * Removes a tensor from the open scope of this thread that holds it, if any (gradients,
     * parameters, optimizer state); another thread's scope keeps it.
     */
    static void release(Tensor t) {
        TensorScope s = t.scope;
        if (s != null && s.thread == Thread.currentThread()) {
            s.remove(t);
        }
    }

    /**
     * Keeps a tensor alive past this scope: it is handed to the enclosing scope, or to nobody
     * (then the caller closes it, or the GC reclaims it). Returns the tensor for chaining.
     *
     * @throws IllegalStateException when called on another thread than the one that opened the scope
     */
    public Tensor keep(Tensor t) {
        if (Thread.currentThread() != thread) {
            throw new IllegalStateException("a TensorScope keeps tensors only on the thread that opened it");
        }
        if (remove(t)) {
            ArrayDeque<TensorScope> stack = STACK.get();
            boolean passed = false;
            for (TensorScope outer : stack) {
                if (passed) {
                    outer.add(t);
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
        Tensor[] list = owned;
        int n = count;
        owned = NONE;
        count = 0;
        holes = 0;
        for (int i = 0; i < n; i++) {
            Tensor t = list[i];
            if (t != null && t.scope == this) {
                t.scope = null;
                t.close();
            }
        }
    }
}
