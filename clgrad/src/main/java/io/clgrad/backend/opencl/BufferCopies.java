package io.clgrad.backend.opencl;

import static org.jocl.CL.*;

import io.clgrad.backend.DeviceOutOfMemoryException;
import org.jocl.CL;
import org.jocl.Pointer;
import org.jocl.cl_command_queue;
import org.jocl.cl_event;
import org.jocl.cl_mem;

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
        hostCopy("clEnqueueWriteBuffer", CL::clEnqueueWriteBuffer, dst, dstOffset, src, n, what);
    }

    void read(ClBuffer src, long srcOffset, Pointer dst, long n, String what) {
        hostCopy("clEnqueueReadBuffer", CL::clEnqueueReadBuffer, src, srcOffset, dst, n, what);
    }

    /** clEnqueueWriteBuffer or clEnqueueReadBuffer: the same arguments, opposite directions. */
    private interface HostTransfer {
        int enqueue(cl_command_queue queue, cl_mem mem, boolean blocking, long offset, long size, Pointer host,
                    int waits, cl_event[] waitList, cl_event event);
    }

    /** A blocking copy of n floats or ints between {@code host} and {@code buf} from element {@code offset}. */
    private void hostCopy(String call, HostTransfer transfer, ClBuffer buf, long offset, Pointer host, long n,
                          String what) {
        if (n == 0) {
            return;
        }
        checkRange(buf, offset, n);
        if (device.capturing() != null) {
            throw new IllegalStateException(call + " (" + what + ") inside a recorded step: a replay cannot repeat a "
                    + "host transfer made inside an op");
        }
        enqueue(call, " (" + what + ")", n * 4,
                () -> transfer.enqueue(device.queue(), buf.mem(), CL_TRUE, offset * 4, n * 4, host, 0, null, null));
    }

    /** Enqueues {@code dst[0..n) = src[srcOffset..srcOffset+n)} on the device. */
    void copy(ClBuffer src, long srcOffset, ClBuffer dst, long dstOffset, long n) {
        if (n == 0) {
            return;
        }
        checkRange(src, srcOffset, n);
        checkRange(dst, dstOffset, n);
        enqueue("clEnqueueCopyBuffer", "", n * 4, () -> clEnqueueCopyBuffer(device.queue(), src.mem(), dst.mem(),
                srcOffset * 4, dstOffset * 4, n * 4, 0, null, null));
        LaunchList capture = device.capturing();
        if (capture != null) {
            capture.addCopy(src, srcOffset * 4, dst, dstOffset * 4, n * 4);
        }
    }

    /**
     * Runs {@code command} (an enqueue of {@code bytes} bytes) under the device lock; when the device
     * is out of memory and the pool holds cached blocks, frees them and runs it once more (OpenCL may
     * allocate a buffer lazily, at first use). A failure then throws, naming {@code call} and {@code what}.
     */
    private void enqueue(String call, String what, long bytes, java.util.function.IntSupplier command) {
        synchronized (device.lock()) {
            int rc = command.getAsInt();
            if (rc != 0 && ClErrors.isOutOfMemory(rc) && pool.hasCache()) {
                pool.emptyCache();
                rc = command.getAsInt();
            }
            failIfOutOfMemory(rc, call, bytes);
            ClErrors.check(rc, call + what, device.label());
        }
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
