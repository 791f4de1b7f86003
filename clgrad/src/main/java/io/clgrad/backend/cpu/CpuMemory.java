package io.clgrad.backend.cpu;

import io.clgrad.backend.DeviceOutOfMemoryException;
import io.clgrad.backend.ElementType;
import io.clgrad.backend.MemoryStats;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Allocation, a pool of freed arrays and the memory counters of the CPU backend. A training loop
 * allocates the same sizes every step; handing a freed array of exactly the same length and type
 * back out saves the JVM's zeroing of a new one and the garbage collection of the old (as the
 * OpenCL backend's pool saves device allocations). The pool holds at most {@link #cacheLimit}
 * bytes ({@code emptyCache()} clears it); arrays come out uninitialised, like every new buffer.
 * With {@code -Dclgrad.cpu.poisonReused=true} (set by the test suite) a recycled array is first
 * filled with NaN (ints: {@code Integer.MIN_VALUE}), so code that relies on fresh zeros fails.
 *
 * <p>Thread-safe: {@code free} may arrive from any thread (a Cleaner, a finishing scope).
 */
final class CpuMemory {
    private static final boolean POISON = Boolean.getBoolean("clgrad.cpu.poisonReused");
    /** Slots of recent (key, list) pairs: a power of two, indexed by the top bits of a key's hash. */
    private static final int RECENT = 16;
    private static final int RECENT_SHIFT = Integer.SIZE - Integer.numberOfTrailingZeros(RECENT);

    private final CpuBackend owner;
    private final Map<Long, ArrayDeque<Object>> pool = new HashMap<>();
    /**
     * The lists of recently used keys, by a hash of the key: most allocations ask for one of the few
     * sizes of the current loop (a batch-1 forward: its three outputs), found here without boxing the
     * key and hashing it through the map. Guarded by this object, as the pool is.
     */
    private final long[] recentKeys = new long[RECENT];
    private final ArrayDeque<?>[] recentLists = new ArrayDeque<?>[RECENT];
    private final long cacheLimit = Math.min(512L << 20, Runtime.getRuntime().maxMemory() / 8);
    private long bytesCached;
    private long reused;
    private long bytesInUse;
    private long peakBytesInUse;
    private long buffersInUse;
    private long allocations;

    CpuMemory(CpuBackend owner) {
        this.owner = owner;
    }

    /**
     * Allocates a buffer of {@code count} elements, recycling a pooled array of that type and
     * length when there is one. When the heap is exhausted it drops the pool, asks for a GC, gives
     * Cleaner threads a moment to free unreachable buffers, and retries once before throwing
     * {@link DeviceOutOfMemoryException}.
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
        CpuBuffer buffer = reuse(type, (int) count, bytes);
        if (buffer != null) {
            return buffer;
        }
        try {
            buffer = new CpuBuffer(owner, type, (int) count);
        } catch (OutOfMemoryError first) {
            emptyCache();   // the pooled arrays are the first thing to give back
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

    /** A recycled buffer of exactly this type and length, or null when the pool has none. */
    private CpuBuffer reuse(ElementType type, int count, long bytes) {
        Object storage;
        synchronized (this) {
            ArrayDeque<Object> list = list(key(type, count), false);
            storage = list == null ? null : list.poll();
            if (storage == null) {
                return null;
            }
            bytesCached -= bytes;
            reused++;
            bytesInUse += bytes;
            peakBytesInUse = Math.max(peakBytesInUse, bytesInUse);
            buffersInUse++;
            allocations++;
        }
        if (POISON) {
            if (storage instanceof float[] f) {
                Arrays.fill(f, Float.NaN);
            } else {
                Arrays.fill((int[]) storage, Integer.MIN_VALUE);
            }
        }
        return new CpuBuffer(owner, type, count, storage);
    }

    /** The pool's list for {@code key} (made when {@code create}, else null when there is none); under the lock. */
    @SuppressWarnings("unchecked")
    private ArrayDeque<Object> list(long key, boolean create) {
        int slot = (int) (key ^ key >>> 32) * 0x9E3779B9 >>> RECENT_SHIFT;
        ArrayDeque<Object> list = (ArrayDeque<Object>) recentLists[slot];
        if (list != null && recentKeys[slot] == key) {
            return list;
        }
        list = create ? pool.computeIfAbsent(key, k -> new ArrayDeque<>()) : pool.get(key);
        if (list != null) {
            recentKeys[slot] = key;
            recentLists[slot] = list;
        }
        return list;
    }

    private static long key(ElementType type, int count) {
        return ((long) type.ordinal() << 32) | count;
    }

    /** Frees a buffer of this backend; a second free throws {@link IllegalStateException}. */
    void free(CpuBuffer buffer) {
        Object storage = buffer.release();
        if (storage == null) {
            throw new IllegalStateException("buffer already freed: " + buffer);
        }
        long bytes = buffer.bytes();
        synchronized (this) {
            bytesInUse -= bytes;
            buffersInUse--;
            if (bytesCached + bytes <= cacheLimit) {
                list(key(buffer.type(), buffer.length()), true).push(storage);
                bytesCached += bytes;
            }
        }
    }

    /** Drops every pooled array (they become garbage). */
    synchronized void emptyCache() {
        pool.clear();
        java.util.Arrays.fill(recentLists, null);
        bytesCached = 0;
    }

    /** Bytes held by live buffers. */
    synchronized long bytesInUse() {
        return bytesInUse;
    }

    /** A snapshot of the counters; device allocations are the ones that reached the heap (not recycled). */
    synchronized MemoryStats stats() {
        return new MemoryStats(bytesInUse, bytesCached, peakBytesInUse, buffersInUse, allocations, allocations - reused);
    }
}
