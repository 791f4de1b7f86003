package io.clgrad.data;

import io.clgrad.Tensor;
import java.lang.ref.Cleaner;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * One pass over a {@link DataLoader}'s batches (one epoch), as returned by
 * {@link DataLoader#iterator()}. Each batch is a new {@code Tensor[]} (one tensor per field) on
 * the loader's device; the caller owns it and may close it.
 *
 * <p>With prefetch, a daemon thread builds batches ahead. It stops when the last batch has been
 * built, when {@link #close()} is called, or, for an iterator dropped before its end, when the
 * garbage collector finds the iterator unreachable (a {@link Cleaner} stops the thread then).
 * Closing early with try-with-resources frees the thread and the batches it queued at once:
 *
 * <pre>{@code
 * try (BatchIterator it = loader.iterator()) {
 *     Tensor[] first = it.next();
 * }
 * }</pre>
 */
public final class BatchIterator implements Iterator<Tensor[]>, AutoCloseable {
    private static final Cleaner CLEANER = Cleaner.create();

    private final BatchSource source;
    private final int count;
    private final Prefetcher prefetcher;
    private final Cleaner.Cleanable cleanable;
    private int next;
    private boolean closed;

    BatchIterator(BatchSource source, int prefetch) {
        this.source = source;
        this.count = source.count();
        if (prefetch > 0 && count > 0) {
            this.prefetcher = new Prefetcher(source, prefetch);
            Prefetcher p = prefetcher;
            this.cleanable = CLEANER.register(this, p::stop);
            prefetcher.start();
        } else {
            this.prefetcher = null;
            this.cleanable = null;
        }
    }

    /**
     * Whether another batch follows.
     *
     * @return false after the last batch or after {@link #close()}
     */
    @Override
    public boolean hasNext() {
        return !closed && next < count;
    }

    /**
     * The next batch.
     *
     * @return one tensor per field, each {@code [B, *]} on the loader's device
     * @throws NoSuchElementException when there is none
     * @throws IllegalStateException  with prefetch, when the thread failed building the batch (the
     *                                cause is the thread's exception); without prefetch, the
     *                                dataset's or collate function's exception propagates as is
     */
    @Override
    public Tensor[] next() {
        if (!hasNext()) {
            throw new NoSuchElementException("DataLoader: no batch after " + next + " of " + count
                    + (closed ? " (iterator closed)" : ""));
        }
        int b = next++;
        Tensor[] batch;
        try {
            batch = prefetcher != null ? prefetcher.take() : source.batch(b);
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        }
        if (next == count) {
            close();
        }
        return batch;
    }

    /**
     * The number of batches this iterator returns in all.
     *
     * @return the epoch's batch count
     */
    public int count() {
        return count;
    }

    /**
     * Stops the prefetch thread, if any, and frees the batches it had queued. Idempotent;
     * {@link #hasNext()} is false afterwards.
     */
    @Override
    public void close() {
        closed = true;
        if (cleanable != null) {
            cleanable.clean();
        }
    }

    /** The prefetch thread, or null without prefetch (for tests). */
    Thread prefetchThread() {
        return prefetcher == null ? null : prefetcher.thread();
    }
}
