package io.clgrad;

import io.clgrad.backend.Buffer;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The device buffer behind one or more tensors (a tensor and its views share a storage). The
 * buffer is freed when every tensor using it has been closed, or, for tensors nobody closed, when
 * the storage becomes unreachable (see {@link MemoryReclaimer}).
 */
final class Storage {
    private final Device device;
    private final DType dtype;
    private final Buffer buffer;
    private final MemoryReclaimer.Tracked tracked;
    private final AtomicInteger users = new AtomicInteger(1);

    private Storage(Device device, DType dtype, Buffer buffer) {
        this.device = device;
        this.dtype = dtype;
        this.buffer = buffer;
        this.tracked = device.reclaimer().track(this, buffer);
    }

    /** Allocates uninitialised storage for {@code count} elements. */
    static Storage allocate(Device device, DType dtype, long count) {
        if (count > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("tensor of " + count + " elements is too large (limit "
                    + Integer.MAX_VALUE + ")");
        }
        Buffer b = device.reclaimer().allocate(dtype.elementType(), Math.max(1, count));
        return new Storage(device, dtype, b);
    }

    Device device() {
        return device;
    }

    DType dtype() {
        return dtype;
    }

    Buffer buffer() {
        return buffer;
    }

    /** A new tensor (a view) starts using this storage. */
    void retain() {
        if (users.getAndUpdate(n -> n == 0 ? 0 : n + 1) == 0) {
            throw new IllegalStateException("tensor storage was already freed; it cannot be used after close()");
        }
    }

    /** A tensor using this storage was closed; frees the buffer when it was the last one. */
    void release() {
        if (users.decrementAndGet() == 0) {
            tracked.free();
        }
    }
}
