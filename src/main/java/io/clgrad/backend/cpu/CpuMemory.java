package io.clgrad.backend.cpu;

import io.clgrad.backend.DeviceOutOfMemoryException;
import io.clgrad.backend.ElementType;
import io.clgrad.backend.MemoryStats;

/**
 * Allocation and the memory counters of the CPU backend. There is no pool: the Java heap is the
 * allocator, so nothing is ever cached and every allocation is a "device" allocation.
 *
 * <p>Thread-safe: {@code free} may arrive from any thread (a Cleaner, a finishing scope).
 */
final class CpuMemory {
    private final CpuBackend owner;
    private long bytesInUse;
    private long peakBytesInUse;
    private long buffersInUse;
    private long allocations;

    CpuMemory(CpuBackend owner) {
        this.owner = owner;
    }

    /**
     * Allocates a buffer of {@code count} elements. When the heap is exhausted it asks for a GC,
     * gives Cleaner threads a moment to free unreachable buffers, and retries once before
     * throwing {@link DeviceOutOfMemoryException}.
     */
    CpuBuffer allocate(ElementType type, long count) {
        if (type == null) {
            throw new IllegalArgumentException("element type is null");
        }
        if (count < 0 || count > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("cannot allocate " + count + " elements of " + type
                    + ": the CPU backend holds 0 to " + Integer.MAX_VALUE + " elements per buffer");
        }
        long bytes = count * type.bytes();
        CpuBuffer buffer;
        try {
            buffer = new CpuBuffer(owner, type, (int) count);
        } catch (OutOfMemoryError first) {
            System.gc();
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            try {
                buffer = new CpuBuffer(owner, type, (int) count);
            } catch (OutOfMemoryError second) {
                throw new DeviceOutOfMemoryException(owner.id(), bytes, bytesInUse(), second);
            }
        }
        synchronized (this) {
            bytesInUse += bytes;
            peakBytesInUse = Math.max(peakBytesInUse, bytesInUse);
            buffersInUse++;
            allocations++;
        }
        return buffer;
    }

    /** Frees a buffer of this backend; a second free throws {@link IllegalStateException}. */
    void free(CpuBuffer buffer) {
        if (!buffer.markFreed()) {
            throw new IllegalStateException("buffer already freed: " + buffer);
        }
        synchronized (this) {
            bytesInUse -= buffer.bytes();
            buffersInUse--;
        }
    }

    /** Bytes held by live buffers. */
    synchronized long bytesInUse() {
        return bytesInUse;
    }

    /** A snapshot of the counters (nothing cached; every allocation reaches the heap). */
    synchronized MemoryStats stats() {
        return new MemoryStats(bytesInUse, 0, peakBytesInUse, buffersInUse, allocations, allocations);
    }
}
