package io.clgrad.backend.cpu;

import io.clgrad.backend.Backend;
import io.clgrad.backend.Buffer;
import io.clgrad.backend.ElementType;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A buffer of the Java CPU backend: a plain {@code float[]} (F32) or {@code int[]} (I32) of at most
 * {@link Integer#MAX_VALUE} elements. Freeing drops the array so the garbage collector can reclaim
 * it; any later use throws {@link IllegalStateException}.
 */
public final class CpuBuffer implements Buffer {
    private final CpuBackend owner;
    private final ElementType type;
    private final int count;
    private final AtomicBoolean freed = new AtomicBoolean();
    // Not final: free() clears them so a buffer kept alive by a stale reference holds no memory.
    private float[] floats;
    private int[] ints;

    /** Allocates the storage; throws {@link OutOfMemoryError} when the heap cannot hold it. */
    CpuBuffer(CpuBackend owner, ElementType type, int count) {
        this(owner, type, count, type == ElementType.F32 ? new float[count] : new int[count]);
    }

    /** A buffer over recycled storage: a {@code float[]} (F32) or {@code int[]} (I32) of exactly {@code count}. */
    CpuBuffer(CpuBackend owner, ElementType type, int count, Object storage) {
        this.owner = owner;
        this.type = type;
        this.count = count;
        if (type == ElementType.F32) {
            floats = (float[]) storage;
        } else {
            ints = (int[]) storage;
        }
    }

    /** The element type. */
    @Override
    public ElementType type() {
        return type;
    }

    /** Number of elements. */
    @Override
    public long count() {
        return count;
    }

    /** The backend that allocated this buffer. */
    @Override
    public Backend backend() {
        return owner;
    }

    /** Whether the buffer has been freed. */
    @Override
    public boolean isFreed() {
        return freed.get();
    }

    /** Number of elements as an int (always fits). */
    int length() {
        return count;
    }

    /** The float storage; throws if the buffer was freed or holds ints. */
    float[] floats() {
        float[] f = floats;
        if (f == null) {
            checkLive();
            throw new IllegalArgumentException("expected an F32 buffer, got " + this);
        }
        return f;
    }

    /** The int storage; throws if the buffer was freed or holds floats. */
    int[] ints() {
        int[] i = ints;
        if (i == null) {
            checkLive();
            throw new IllegalArgumentException("expected an I32 buffer, got " + this);
        }
        return i;
    }

    /** Throws {@link IllegalStateException} if the buffer was freed. */
    void checkLive() {
        if (freed.get()) {
            throw new IllegalStateException("buffer already freed: " + this);
        }
    }

    /**
     * Marks the buffer freed and drops its storage. Returns false (changing nothing) when it was
     * already freed, so that exactly one caller wins even when a Cleaner races with close().
     */
    boolean markFreed() {
        return release() != null;
    }

    /**
     * Marks the buffer freed and hands over its storage (for the memory pool), or returns null,
     * changing nothing, when it was already freed. The buffer keeps no reference to the storage,
     * so a stale reference to it can never reach memory that is in use again.
     */
    Object release() {
        if (!freed.compareAndSet(false, true)) {
            return null;
        }
        Object storage = floats != null ? floats : ints;
        floats = null;
        ints = null;
        return storage;
    }

    /** E.g. {@code CpuBuffer[F32 x 1024]}, with " (freed)" once freed. */
    @Override
    public String toString() {
        return "CpuBuffer[" + type + " x " + count + "]" + (freed.get() ? " (freed)" : "");
    }
}
