package io.clgrad.backend;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What every {@link Buffer} implementation holds: its backend, element type and count, and whether
 * it has been freed. A backend's buffer class adds its storage (a Java array, a device block).
 */
public abstract class AbstractBuffer implements Buffer {
    private final Backend owner;
    private final ElementType type;
    private final long count;
    private final AtomicBoolean freed = new AtomicBoolean();

    /**
     * A live buffer.
     *
     * @param owner the backend that allocated it
     * @param type  its element type
     * @param count its number of elements
     */
    protected AbstractBuffer(Backend owner, ElementType type, long count) {
        this.owner = owner;
        this.type = type;
        this.count = count;
    }

    @Override
    public final ElementType type() {
        return type;
    }

    @Override
    public final long count() {
        return count;
    }

    @Override
    public final Backend backend() {
        return owner;
    }

    @Override
    public final boolean isFreed() {
        return freed.get();
    }

    /**
     * Marks the buffer freed. Returns true for the one caller that did so and false, changing
     * nothing, when it was freed already, so exactly one of racing callers (a Cleaner and
     * {@code close()}) goes on to release the storage.
     */
    protected final boolean setFreed() {
        return freed.compareAndSet(false, true);
    }
}
