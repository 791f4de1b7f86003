package io.clgrad.backend.opencl;

import static org.jocl.CL.*;

import io.clgrad.backend.DeviceOutOfMemoryException;
import org.jocl.Pointer;

/**
 * Moves bytes: host arrays to and from device buffers, and device-to-device copies. Host copies are
 * blocking calls on Java arrays (JOCL pins the array for the call; non-blocking transfers would
 * need direct buffers kept alive until the copy ends). A read therefore waits for every earlier
 * command on the in-order queue; a device-to-device copy is only enqueued.
 */
final class BufferCopies {
    private final ClDevice device;
    private final BufferPool pool;

    BufferCopies(ClDevice device, BufferPool pool) {
        this.device = device;
        this.pool = pool;
    }

    void write(ClBuffer dst, long dstOffset, Pointer src, long n, String what) {
        if (n == 0) {
            return;
        }
        checkRange(dst, dstOffset, n);
        synchronized (device.lock()) {
            int rc = clEnqueueWriteBuffer(device.queue(), dst.mem(), CL_TRUE, dstOffset * 4, n * 4, src, 0, null, null);
            rc = retryIfOutOfMemory(rc, () -> clEnqueueWriteBuffer(device.queue(), dst.mem(), CL_TRUE,
                    dstOffset * 4, n * 4, src, 0, null, null));
            failIfOutOfMemory(rc, "clEnqueueWriteBuffer", n * 4);
            ClErrors.check(rc, "clEnqueueWriteBuffer (" + what + ")", device.label());
        }
    }

    void read(ClBuffer src, long srcOffset, Pointer dst, long n, String what) {
        if (n == 0) {
            return;
        }
        checkRange(src, srcOffset, n);
        synchronized (device.lock()) {
            int rc = clEnqueueReadBuffer(device.queue(), src.mem(), CL_TRUE, srcOffset * 4, n * 4, dst, 0, null, null);
            rc = retryIfOutOfMemory(rc, () -> clEnqueueReadBuffer(device.queue(), src.mem(), CL_TRUE,
                    srcOffset * 4, n * 4, dst, 0, null, null));
            failIfOutOfMemory(rc, "clEnqueueReadBuffer", n * 4);
            ClErrors.check(rc, "clEnqueueReadBuffer (" + what + ")", device.label());
        }
    }

    /** Enqueues {@code dst[0..n) = src[srcOffset..srcOffset+n)} on the device. */
    void copy(ClBuffer src, long srcOffset, ClBuffer dst, long dstOffset, long n) {
        if (n == 0) {
            return;
        }
        checkRange(src, srcOffset, n);
        checkRange(dst, dstOffset, n);
        synchronized (device.lock()) {
            int rc = clEnqueueCopyBuffer(device.queue(), src.mem(), dst.mem(), srcOffset * 4, dstOffset * 4, n * 4,
                    0, null, null);
            rc = retryIfOutOfMemory(rc, () -> clEnqueueCopyBuffer(device.queue(), src.mem(), dst.mem(),
                    srcOffset * 4, dstOffset * 4, n * 4, 0, null, null));
            failIfOutOfMemory(rc, "clEnqueueCopyBuffer", n * 4);
            ClErrors.check(rc, "clEnqueueCopyBuffer", device.label());
        }
    }

    private int retryIfOutOfMemory(int rc, java.util.function.IntSupplier again) {
        if (rc != 0 && ClErrors.isOutOfMemory(rc) && pool.hasCache()) {
            pool.emptyCache(); // the buffer may be allocated lazily, at first use
            return again.getAsInt();
        }
        return rc;
    }

    /** Throws {@link DeviceOutOfMemoryException} when {@code rc} is an allocation failure ({@link ClErrors#isAllocationFailure}). */
    void failIfOutOfMemory(int rc, String call, long bytes) {
        if (ClErrors.isAllocationFailure(rc)) {
            throw new DeviceOutOfMemoryException(device.label(), bytes, pool.bytesInUse(),
                    new OpenClException(call, rc, null, device.label()));
        }
    }

    private static void checkRange(ClBuffer b, long offset, long n) {
        if (offset < 0 || n < 0 || offset + n > b.count()) {
            throw new IndexOutOfBoundsException("elements [" + offset + ", " + (offset + n) + ") outside " + b);
        }
    }
}
