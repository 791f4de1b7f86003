package io.clgrad.data;

import io.clgrad.Tensor;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A daemon thread that builds the batches of one epoch in order and hands them over through a
 * bounded queue, so at most {@code depth} batches wait ahead of the consumer.
 *
 * <p>The thread holds no reference to the iterator that owns it: when that iterator becomes
 * garbage, a {@link java.lang.ref.Cleaner} calls {@link #stop()}. The thread is never interrupted
 * (an interrupt would close NIO channels a dataset may be reading); it polls a stop flag between
 * batches and while the queue is full (every 50 ms).
 */
final class Prefetcher implements Runnable {
    private static final AtomicLong THREADS = new AtomicLong();
    private static final long POLL_MS = 50;

    /** A failure of the thread, queued in place of the batch it was building. */
    private record Failure(int batch, Throwable error) {
    }

    private final BatchSource source;
    private final BlockingQueue<Object> queue;
    private final Thread thread;
    private volatile boolean stopped;

    Prefetcher(BatchSource source, int depth) {
        this.source = source;
        this.queue = new ArrayBlockingQueue<>(depth);
        this.thread = new Thread(this, "clgrad-data-prefetch-" + THREADS.incrementAndGet());
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    Thread thread() {
        return thread;
    }

    @Override
    public void run() {
        int count = source.count();
        for (int b = 0; b < count && !stopped; b++) {
            Object item;
            try {
                item = source.batch(b);
            } catch (Throwable t) {
                item = new Failure(b, t);
            }
            if (!offer(item) || item instanceof Failure) {
                break;
            }
        }
        if (stopped) {
            drain();
        }
    }

    /** Waits for room in the queue; false when stopped first (the item is then closed). */
    private boolean offer(Object item) {
        try {
            while (!stopped) {
                if (queue.offer(item, POLL_MS, TimeUnit.MILLISECONDS)) {
                    return true;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeItem(item);
        return false;
    }

    /**
     * The next batch, waiting for the thread as needed.
     *
     * @throws IllegalStateException when the thread failed building it (the cause is the thread's exception)
     */
    Tensor[] take() {
        Object item;
        try {
            while ((item = queue.poll(POLL_MS, TimeUnit.MILLISECONDS)) == null) {
                if (stopped || (!thread.isAlive() && queue.isEmpty())) {
                    throw new IllegalStateException("DataLoader: the prefetch thread was stopped before the batch was built");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("DataLoader: interrupted while waiting for the prefetch thread", e);
        }
        if (item instanceof Failure f) {
            stop();
            throw new IllegalStateException("DataLoader: the prefetch thread failed building batch " + f.batch
                    + ": " + f.error, f.error);
        }
        return (Tensor[]) item;
    }

    /** Stops the thread (it exits within one poll period or after the batch in progress) and frees queued batches. */
    void stop() {
        stopped = true;
        drain();
    }

    private void drain() {
        Object item;
        while ((item = queue.poll()) != null) {
            closeItem(item);
        }
    }

    private static void closeItem(Object item) {
        if (item instanceof Tensor[] batch) {
            for (Tensor t : batch) {
                if (t != null) {
                    t.close();
                }
            }
        }
    }
}
