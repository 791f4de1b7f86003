package io.clgrad;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * The gradient hooks of one tensor ({@link Tensor#registerHook}), kept on the tensor for a leaf and
 * on its grad function for the result of a recorded op (so a graph never holds its outputs). They
 * run in registration order on the tensor's total gradient, each seeing the previous one's result.
 */
final class Hooks {
    /** One registered hook; an object of its own so that removing it removes exactly this one. */
    static final class Entry {
        final Function<Tensor, Tensor> hook;

        Entry(Function<Tensor, Tensor> hook) {
            this.hook = hook;
        }
    }

    private final List<Entry> entries = new ArrayList<>();

    synchronized RemovableHandle add(Function<Tensor, Tensor> hook) {
        Entry e = new Entry(hook);
        entries.add(e);
        return new RemovableHandle(() -> remove(e));
    }

    synchronized void remove(Entry e) {
        entries.remove(e);
    }

    synchronized boolean isEmpty() {
        return entries.isEmpty();
    }

    private synchronized List<Entry> snapshot() {
        return new ArrayList<>(entries);
    }

    /**
     * Runs the hooks on {@code grad} of {@code owner} (named in errors); returns the final gradient.
     * Every tensor a hook saw or returned is added to {@code seen}: the user may hold it, so the
     * engine must neither close it nor hand it on as its own.
     */
    Tensor apply(String owner, Tensor grad, java.util.Set<Tensor> seen) {
        Tensor g = grad;
        for (Entry e : snapshot()) {
            seen.add(g);
            Tensor r = e.hook.apply(g);
            if (r == null || r == g) {
                continue;
            }
            check(owner, g, r);
            seen.add(r);
            g = r;
        }
        return g;
    }

    private static void check(String owner, Tensor g, Tensor r) {
        String where = "registerHook: a hook on " + owner + " returned an invalid gradient: ";
        if (r.isClosed()) {
            throw new IllegalStateException(where + "it is closed");
        }
        if (!Arrays.equals(r.shapeRef(), g.shapeRef())) {
            throw new IllegalStateException(where + "shape " + Shape.str(r.shapeRef()) + ", but the gradient has shape "
                    + Shape.str(g.shapeRef()) + " (a hook may not change the size of the gradient)");
        }
        if (r.dtype() != g.dtype()) {
            throw new IllegalStateException(where + "dtype " + r.dtype() + ", but the gradient is " + g.dtype());
        }
        if (!r.device().equals(g.device())) {
            throw new IllegalStateException(where + "on " + r.device() + ", but the gradient is on " + g.device());
        }
    }
}
