package io.clgrad.backend.cpu;

import io.clgrad.backend.AbstractBuffer;
import io.clgrad.backend.ElementType;

/**
 * A buffer of the Java CPU backend: a plain {@code float[]} (F32) or {@code int[]} (I32) of at most
 * {@link Integer#MAX_VALUE} elements. Freeing drops the array so the garbage collector can reclaim
 * it; any later use throws {@link IllegalStateException}.
 */
public final class CpuBuffer extends AbstractBuffer {
    // Not final: release() clears them so a buffer kept alive by a stale reference holds no memory.
    private float[] floats;
    private int[] ints;

    /** Allocates the storage; throws {@link OutOfMemoryError} when the heap cannot hold it. */
    CpuBuffer(CpuBackend owner, ElementType type, int count) {
        this(owner, type, count, type == ElementType.F32 ? new float[count] : new int[count]);
    }

    /** A buffer over recycled storage: a {@code float[]} (F32) or {@code int[]} (I32) of exactly {@code count}. */
    CpuBuffer(CpuBackend owner, ElementType type, int count, Object storage) {
        super(owner, type, count);
        if (type == ElementType.F32) {
            floats = (float[]) storage;
        } else {
            ints = (int[]) storage;
        }
    }

    /** Number of elements as an int (always fits). */
    int length() {
        return (int) count();
    }

    /** The float storage; throws if the buffer was freed or holds ints. */
    float[] floats() {
        return live(floats, ElementType.F32);
    }

    /** The int storage; throws if the buffer was freed or holds floats. */
    int[] ints() {
        return live(ints, ElementType.I32);
    }

    /** The storage of type {@code wanted}, or a throw: it is null when the buffer was freed or holds the other type. */
    private <T> T live(T storage, ElementType wanted) {
        if (storage == null) {
            checkLive();
            throw new IllegalArgumentException("expected an " + wanted + " buffer, got " + this);
        }
        return storage;
    }

    /** Throws {@link IllegalStateException} if the buffer was freed. */
    void checkLive() {
        if (isFreed()) {
            throw new IllegalStateException("buffer already freed: " + this);
        }
    }

    /**
     * Marks the buffer freed and hands over its storage (for the memory pool), or returns null,
     * changing nothing, when it was already freed. The buffer keeps no reference to the storage,
     * so a stale reference to it can never reach memory that is in use again.
     */
    Object release() {
        if (!setFreed()) {
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
        return "CpuBuffer[" + type() + " x " + count() + "]" + (isFreed() ? " (freed)" : "");
    }
}
