package io.clgrad.backend.opencl;

import static org.jocl.CL.*;

import io.clgrad.backend.Backend;
import io.clgrad.backend.DeviceOutOfMemoryException;
import io.clgrad.backend.ElementType;
import io.clgrad.backend.MemoryStats;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.jocl.cl_mem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The caching allocator of one device, after PyTorch's caching allocator and tinygrad's LRU
 * allocator: freed blocks go to a free list keyed by their size bucket and are handed out again
 * for requests of the same bucket. Buckets: powers of two up to 1 MiB (at least 256 bytes), above
 * that four steps per octave (1, 1.25, 1.5, 1.75 times a power of two), capped at
 * CL_DEVICE_MAX_MEM_ALLOC_SIZE. A device allocation that fails frees the cache and retries once,
 * then throws {@link DeviceOutOfMemoryException}. All state is guarded by the device lock.
 *
 * <p>On OpenCL CPU devices (e.g. PoCL's; {@link ClDevice#allocatesFromHostHeap()}) blocks are created
 * with {@code CL_MEM_ALLOC_HOST_PTR}: the driver then allocates the host memory inside
 * {@code clCreateBuffer} and reports failure there, and under an address-space limit a block must
 * leave {@link HostAddressSpace#RESERVE} free. GPUs, integrated ones included, keep plain
 * {@code CL_MEM_READ_WRITE}. Without it PoCL allocates at first use
 * and, when the host cannot back the buffer (e.g. under {@code ulimit -v}), fails an assertion that
 * aborts the JVM. See docs/design-notes.md.
 */
final class BufferPool implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BufferPool.class);
    private static final long MIN_BLOCK = 256;
    private static final long SMALL_LIMIT = 1L << 20;

    private final ClDevice device;
    private final Backend owner;
    private final TreeMap<Long, ArrayDeque<cl_mem>> freeLists = new TreeMap<>();
    private final Set<ClBuffer> live = Collections.newSetFromMap(new IdentityHashMap<>());
    private long bytesInUse;
    private long bytesCached;
    private long peakBytesInUse;
    private long allocations;
    private long deviceAllocations;

    BufferPool(ClDevice device, Backend owner) {
        this.device = device;
        this.owner = owner;
    }

    /** The block size used for a request of {@code bytes}. */
    static long bucket(long bytes) {
        if (bytes <= MIN_BLOCK) {
            return MIN_BLOCK;
        }
        if (bytes <= SMALL_LIMIT) {
            return Long.highestOneBit(bytes - 1) << 1;
        }
        long step = Long.highestOneBit(bytes) >> 2;
        return (bytes + step - 1) / step * step;
    }

    ClBuffer allocate(ElementType type, long count) {
        if (count < 0) {
            throw new IllegalArgumentException("negative element count " + count);
        }
        long bytes = count * type.bytes();
        synchronized (device.lock()) {
            device.ensureOpen();
            allocations++;
            long max = device.facts().maxAllocBytes();
            if (bytes > max) {
                throw new AllocationTooLargeException(device.label(), bytes, bytesInUse, max);
            }
            long block = Math.min(bucket(bytes), Math.max(max, MIN_BLOCK));
            cl_mem mem = takeCached(block);
            if (mem == null) {
                mem = createBlock(block, bytes);
                deviceAllocations++;
            }
            ClBuffer b = new ClBuffer(owner, type, count, block, mem);
            live.add(b);
            bytesInUse += bytes;
            peakBytesInUse = Math.max(peakBytesInUse, bytesInUse);
            return b;
        }
    }

    private cl_mem takeCached(long block) {
        ArrayDeque<cl_mem> list = freeLists.get(block);
        if (list == null || list.isEmpty()) {
            return null;
        }
        bytesCached -= block;
        return list.pop();
    }

    /** The clCreateBuffer flags of every block on this device. */
    private long blockFlags() {
        return device.allocatesFromHostHeap() ? CL_MEM_READ_WRITE | CL_MEM_ALLOC_HOST_PTR : CL_MEM_READ_WRITE;
    }

    private cl_mem createBlock(long block, long requested) {
        if (device.allocatesFromHostHeap() && !HostAddressSpace.fits(block)) {
            relieveHost();
            if (!HostAddressSpace.fits(block)) {
                throw HostMemoryExhaustedException.addressSpace(device.label(),
                        String.format("allocating %,d bytes", requested), requested, bytesInUse);
            }
        }
        int[] err = new int[1];
        cl_mem mem = clCreateBuffer(device.context(), blockFlags(), block, null, err);
        if (err[0] == 0) {
            return mem;
        }
        if (!ClErrors.isOutOfMemory(err[0]) && err[0] != ClErrors.CL_INVALID_BUFFER_SIZE) {
            throw new OpenClException("clCreateBuffer", err[0], null, device.label());
        }
        LOG.debug("{}: clCreateBuffer({} bytes) failed with {}; freeing {} cached bytes and retrying",
                device.label(), block, ClErrors.describe(err[0]), bytesCached);
        releaseCache();
        mem = clCreateBuffer(device.context(), blockFlags(), block, null, err);
        if (err[0] == 0) {
            return mem;
        }
        OpenClException cause = new OpenClException("clCreateBuffer", err[0], null, device.label());
        if (err[0] == ClErrors.CL_OUT_OF_HOST_MEMORY) {
            throw new HostMemoryExhaustedException(device.label(), String.format("allocating %,d bytes", requested),
                    requested, bytesInUse, "the driver reported CL_OUT_OF_HOST_MEMORY", cause);
        }
        throw new DeviceOutOfMemoryException(device.label(), requested, bytesInUse, cause);
    }

    /**
     * Frees the cache and waits for the queue, so that the driver has really returned the cached
     * blocks' host memory (a release takes effect once no queued command uses the block).
     */
    void relieveHost() {
        synchronized (device.lock()) {
            releaseCache();
            clFinish(device.queue());
        }
    }

    /** Returns a buffer's block to its free list. Freeing twice is an error. */
    void free(ClBuffer b) {
        synchronized (device.lock()) {
            if (device.isClosed()) {
                return; // close() released every block already
            }
            if (b.isFreed()) {
                throw new IllegalStateException("buffer freed twice: " + b);
            }
            b.markFreed();
            if (live.contains(b) && pins.hold(b)) {
                return; // a launch list still uses the block: it returns at the last unpin
            }
            returnBlock(b);
        }
    }

    private void returnBlock(ClBuffer b) {
        if (!live.remove(b)) {
            return;
        }
        bytesInUse -= b.bytes();
        freeLists.computeIfAbsent(b.blockBytes(), k -> new ArrayDeque<>()).push(b.rawMem());
        bytesCached += b.blockBytes();
    }

    /** Buffers a {@link LaunchList} uses, and those freed meanwhile. Guarded by the device lock. */
    private final io.clgrad.backend.BufferPins<ClBuffer> pins = new io.clgrad.backend.BufferPins<>();

    /** Keeps {@code b}'s block out of the free lists until {@link #unpin}: a launch list replays into it. */
    void pin(ClBuffer b) {
        synchronized (device.lock()) {
            pins.pin(b);
        }
    }

    /** Undoes one {@link #pin}; a buffer freed while pinned goes back to the free lists at its last unpin. */
    void unpin(ClBuffer b) {
        synchronized (device.lock()) {
            if (pins.unpin(b) && !device.isClosed()) {
                returnBlock(b);
            }
        }
    }

    /** Releases every cached block (buffers in use are untouched). */
    void emptyCache() {
        synchronized (device.lock()) {
            releaseCache();
        }
    }

    /** Whether there is cached memory that {@link #emptyCache()} would release. */
    boolean hasCache() {
        synchronized (device.lock()) {
            return bytesCached > 0;
        }
    }

    long bytesInUse() {
        synchronized (device.lock()) {
            return bytesInUse;
        }
    }

    private void releaseCache() {
        for (ArrayDeque<cl_mem> list : freeLists.values()) {
            for (cl_mem m : list) {
                clReleaseMemObject(m);
            }
        }
        freeLists.clear();
        bytesCached = 0;
    }

    MemoryStats stats() {
        synchronized (device.lock()) {
            return new MemoryStats(bytesInUse, bytesCached, peakBytesInUse, live.size(), allocations, deviceAllocations);
        }
    }

    /** Releases every block, cached and live; live buffers become freed. */
    @Override
    public void close() {
        synchronized (device.lock()) {
            releaseCache();
            for (ClBuffer b : live) {
                b.markFreed();
                clReleaseMemObject(b.rawMem());
            }
            live.clear();
            bytesInUse = 0;
        }
    }

    /** Snapshot of the free lists, block size to count (for tests and logs). */
    Map<Long, Integer> cachedBlocks() {
        synchronized (device.lock()) {
            Map<Long, Integer> m = new TreeMap<>();
            freeLists.forEach((k, v) -> m.put(k, v.size()));
            return m;
        }
    }
}
