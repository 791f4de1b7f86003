package io.clgrad.backend;

/**
 * A snapshot of a backend's allocator counters.
 *
 * @param bytesInUse      bytes in buffers handed out and not yet freed
 * @param bytesCached     bytes held in the allocator's free lists for reuse
 * @param peakBytesInUse  high-water mark of {@code bytesInUse}
 * @param buffersInUse    number of buffers handed out and not yet freed
 * @param allocations     how many times {@link Backend#allocate} was called
 * @param deviceAllocations how many of those needed a fresh device allocation (cache misses)
 */
public record MemoryStats(long bytesInUse, long bytesCached, long peakBytesInUse, long buffersInUse,
                          long allocations, long deviceAllocations) {
}
