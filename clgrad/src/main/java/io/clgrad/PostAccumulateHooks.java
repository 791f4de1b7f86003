package io.clgrad;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The post-accumulate-grad hooks of one leaf ({@link Tensor#registerPostAccumulateGradHook}): each
 * backward pass calls them, in registration order, once the leaf's last contribution of the pass
 * has been added into its {@code grad()}. A count of the hooks registered anywhere lets a backward
 * pass skip the bookkeeping entirely when there are none.
 */
final class PostAccumulateHooks {
    /** Hooks registered and not removed, over every tensor of the JVM. */
    private static final AtomicInteger LIVE = new AtomicInteger();

    /** One registered hook; an object of its own so that removing it removes exactly this one. */
    private static final class Entry {
        final Consumer<Tensor> hook;

        Entry(Consumer<Tensor> hook) {
            this.hook = hook;
        }
    }

    private final List<Entry> entries = new ArrayList<>();

    /** Whether any tensor of the JVM has such a hook now (a backward pass does nothing extra when not). */
    static boolean anyRegistered() {
        return LIVE.get() > 0;
    }

    synchronized RemovableHandle add(Consumer<Tensor> hook) {
        Entry e = new Entry(hook);
        entries.add(e);
        LIVE.incrementAndGet();
        return new RemovableHandle(() -> remove(e));
    }

    private synchronized void remove(Entry e) {
        if (entries.remove(e)) {
            LIVE.decrementAndGet();
        }
    }

    synchronized boolean isEmpty() {
        return entries.isEmpty();
    }

    /** Calls every hook on {@code leaf}, in registration order (on a snapshot: a hook may remove itself). */
    void run(Tensor leaf) {
        List<Entry> snapshot;
        synchronized (this) {
            snapshot = new ArrayList<>(entries);
        }
        for (Entry e : snapshot) {
            e.hook.accept(leaf);
        }
    }
}
