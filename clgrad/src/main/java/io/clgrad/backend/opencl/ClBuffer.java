package io.clgrad.backend.opencl;

import io.clgrad.backend.Backend;
import io.clgrad.backend.Buffer;
import io.clgrad.backend.ElementType;
import org.jocl.cl_mem;

/**
 * A {@link Buffer} backed by a {@code cl_mem} block from the {@link BufferPool}. The block may be
 * larger than {@code count} elements (size buckets); kernels are always given explicit counts.
 */
final class ClBuffer implements Buffer {
    private final Backend owner;
    private final ElementType type;
    private final long count;
    private final long blockBytes;
    private final cl_mem mem;
    private volatile boolean freed;

    ClBuffer(Backend owner, ElementType type, long count, long blockBytes, cl_mem mem) {
        this.owner = owner;
        this.type = type;
        this.count = count;
        this.blockBytes = blockBytes;
        this.mem = mem;
    }

    @Override
    public ElementType type() {
        return type;
    }

    @Override
    public long count() {
        return count;
    }

    @Override
    public Backend backend() {
        return owner;
    }

    @Override
    public boolean isFreed() {
        return freed;
    }

    /** Size of the underlying device block in bytes (at least {@link #bytes()}). */
    long blockBytes() {
        return blockBytes;
    }

    /** The device memory; throws if this buffer was freed. */
    cl_mem mem() {
        if (freed) {
            throw new IllegalStateException("buffer of " + count + " " + type + " on " + owner.id() + " was already freed");
        }
        return mem;
    }

    /** The memory regardless of state, for the pool. */
    cl_mem rawMem() {
        return mem;
    }

    void markFreed() {
        freed = true;
    }

    @Override
    public String toString() {
        return "ClBuffer[" + owner.id() + ", " + type + " x " + count + (freed ? ", freed]" : "]");
    }
}
