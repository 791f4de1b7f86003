package io.clgrad;

import io.clgrad.backend.Backend;
import io.clgrad.backend.Buffer;
import io.clgrad.backend.DeviceOutOfMemoryException;
import io.clgrad.backend.ElementType;
import java.lang.ref.PhantomReference;
import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-device safety net that returns the buffers of tensors nobody closed. Each {@link Storage} is
 * tracked by a phantom reference; once the storage becomes unreachable its buffer goes back to the
 * backend's pool. Draining happens on the allocating thread (so the pool sees no surprise
 * concurrency), and when the device's bytes in use pass a bound the reclaimer asks for a GC and
 * drains before letting the pool grow — so a loop written as in PyTorch, with no {@code close()}
 * and no scope, still runs in bounded device memory.
 */
final class MemoryReclaimer {
    private static final Logger LOG = LoggerFactory.getLogger(MemoryReclaimer.class);
    private static final long MIN_BOUND = 64L << 20;
    private static final long MAX_INITIAL_BOUND = 512L << 20;

    private final Backend backend;
    private final ReferenceQueue<Storage> queue = new ReferenceQueue<>();
    /**
     * Every tracked reference not yet freed, in an intrusive doubly-linked list (as
     * java.lang.ref.Cleaner keeps its cleanables): it keeps the phantom references reachable, and
     * linking or unlinking one is a few field writes under a lock, cheaper than a concurrent set.
     */
    private final Tracked head = new Tracked();
    private int liveCount;
    private volatile long bound;

    MemoryReclaimer(Backend backend) {
        this.backend = backend;
        long quarter = backend.info().globalMemBytes() / 4;
        this.bound = Math.max(MIN_BOUND, Math.min(MAX_INITIAL_BOUND, quarter));
    }

    /** Allocates a buffer, reclaiming dropped tensors first when memory use is past the bound. */
    Buffer allocate(ElementType type, long count) {
        drain();
        long bytes = count * type.bytes();
        if (backend.memoryStats().bytesInUse() + bytes > bound) {
            collect();
            long inUse = backend.memoryStats().bytesInUse() + bytes;
            if (inUse > bound / 2) {
                // Live data really is this large: grow the bound so we do not GC on every allocation.
                bound = Math.max(bound, 2 * inUse);
                LOG.debug("{}: reclaim bound raised to {} bytes", backend.id(), bound);
            }
        }
        try {
            return backend.allocate(type, count);
        } catch (DeviceOutOfMemoryException e) {
            collect();
            return backend.allocate(type, count);
        }
    }

    /** Starts tracking a storage so that its buffer is freed if the storage is dropped unclosed. */
    Tracked track(Storage storage, Buffer buffer) {
        Tracked t = new Tracked(storage, queue, buffer, this);
        synchronized (head) {
            t.next = head.next;
            t.prev = head;
            head.next.prev = t;
            head.next = t;
            liveCount++;
        }
        return t;
    }

    private void unlink(Tracked t) {
        synchronized (head) {
            if (t.next != null) {
                t.prev.next = t.next;
                t.next.prev = t.prev;
                t.next = null;
                t.prev = null;
                liveCount--;
            }
        }
    }

    /** Frees the buffers of every storage the GC has already found unreachable. */
    void drain() {
        Reference<? extends Storage> r;
        while ((r = queue.poll()) != null) {
            ((Tracked) r).free();
        }
    }

    /** Asks for a GC and frees what it found; waits briefly for the reference handler. */
    void collect() {
        System.gc();
        try {
            Reference<? extends Storage> r = queue.remove(50);
            while (r != null) {
                ((Tracked) r).free();
                r = queue.remove(5);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Number of storages not yet freed (for tests and diagnostics). */
    int liveCount() {
        synchronized (head) {
            return liveCount;
        }
    }

    /** Buffers a {@link StepRecording} replays into (guarded by itself). */
    private final io.clgrad.backend.BufferPins<Buffer> pins = new io.clgrad.backend.BufferPins<>();

    /** Keeps {@code b} from going back to the pool until {@link #unpin}: a recording replays into it. */
    void pin(Buffer b) {
        synchronized (pins) {
            pins.pin(b);
        }
    }

    /** Undoes one {@link #pin}; frees the buffer at its last unpin if its tensors were freed meanwhile. */
    void unpin(Buffer b) {
        boolean free;
        synchronized (pins) {
            free = pins.unpin(b);
        }
        if (free) {
            backend.free(b);
        }
    }

    /** Returns a freed storage's buffer to the backend, or holds it while a recording uses it. */
    private void release(Buffer b) {
        boolean held;
        synchronized (pins) {
            held = pins.hold(b);
        }
        if (!held) {
            backend.free(b);
        }
    }

    /** The phantom reference that owns a storage's buffer. */
    static final class Tracked extends PhantomReference<Storage> {
        private final Buffer buffer;
        private final MemoryReclaimer owner;
        private final AtomicBoolean freed = new AtomicBoolean();
        /** Neighbours in the owner's list (guarded by the owner's head); null once unlinked. */
        private Tracked prev;
        private Tracked next;

        Tracked(Storage referent, ReferenceQueue<Storage> q, Buffer buffer, MemoryReclaimer owner) {
            super(referent, q);
            this.buffer = buffer;
            this.owner = owner;
        }

        /** The list head: tracks nothing. */
        private Tracked() {
            super(null, null);
            this.buffer = null;
            this.owner = null;
            this.prev = this;
            this.next = this;
        }

        /** Returns the buffer to the pool, once. */
        void free() {
            if (freed.compareAndSet(false, true)) {
                owner.unlink(this);
                clear();
                owner.release(buffer);
            }
        }
    }
}
