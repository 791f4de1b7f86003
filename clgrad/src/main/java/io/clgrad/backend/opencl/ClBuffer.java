package io.clgrad.backend.opencl;

import io.clgrad.backend.AbstractBuffer;
import io.clgrad.backend.Backend;
import io.clgrad.backend.ElementType;
import org.jocl.cl_mem;

/**
 * A {@link io.clgrad.backend.Buffer} backed by a {@code cl_mem} block from the {@link BufferPool}.
 * The block may be larger than {@code count} elements (size buckets); kernels are always given
 * explicit counts.
 */
final class ClBuffer extends AbstractBuffer {
    private final long blockBytes;
    private final cl_mem mem;

    ClBuffer(Backend owner, ElementType type, long count, long blockBytes, cl_mem mem) {
        super(owner, type, count);
        this.blockBytes = blockBytes;
        this.mem = mem;
    }

    /** Size of the underlying device block in bytes (at least {@link #bytes()}). */
    long blockBytes() {
        return blockBytes;
    }

    /** The device memory; throws if this buffer was freed. */
    cl_mem mem() {
        if (isFreed()) {
            throw new IllegalStateException("buffer of " + count() + " " + type() + " on " + backend().id()
                    + " was already freed");
        }
        return mem;
    }

    /** The memory regardless of state, for the pool. */
    cl_mem rawMem() {
        return mem;
    }

    void markFreed() {
        setFreed();
    }

    @Override
    public String toString() {
        return "ClBuffer[" + backend().id() + ", " + type() + " x " + count() + (isFreed() ? ", freed]" : "]");
    }
}
