package io.clgrad.backend.opencl;

import static org.jocl.CL.*;

import io.clgrad.backend.Backend;
import io.clgrad.backend.ElementType;
import io.clgrad.backend.TargetOutOfBoundsException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.IntBuffer;
import java.util.ArrayList;
import java.util.List;
import org.jocl.Pointer;
import org.jocl.cl_mem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The device-side record of out-of-range class targets. Kernels that check targets
 * ({@code check_class_targets}, {@code cross_entropy_fused} in {@code kernels-cl/loss.cl}) write
 * the first bad one they meet into a small int buffer, atomically:
 * {@code {flag, value, index, classes, op, ignoreIndex}}. No launch waits for the device: the record
 * travels back with the next read ({@link #beforeRead} enqueues a non-blocking copy of it just
 * before the caller's blocking read, so the in-order queue delivers both with one wait), and a set
 * flag is raised as {@link TargetOutOfBoundsException} and cleared. Every method runs under the
 * device lock, and a check is armed in the same locked block as its launch, so no read can slip
 * between them.
 */
final class TargetErrors implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TargetErrors.class);
    private static final int INTS = 8;

    private final ClDevice device;
    private final Backend owner;
    /** The op names the kernels' {@code op} codes stand for (index = code). */
    private final List<String> ops = new ArrayList<>();
    /** Where the non-blocking read lands: a direct buffer, alive as long as this object. */
    private final ByteBuffer host = ByteBuffer.allocateDirect(4 * INTS).order(ByteOrder.nativeOrder());
    private ClBuffer record;
    /** A check was launched since the record was last read back. */
    private boolean armed;
    /** A copy of the record is in flight to {@link #host}, behind the caller's read. */
    private boolean inFlight;

    TargetErrors(ClDevice device, Backend owner) {
        this.device = device;
        this.owner = owner;
    }

    /**
     * The record buffer for a checking launch, and the note that a check is pending. Call it and
     * enqueue the launch while holding {@code device.lock()}.
     */
    ClBuffer arm() {
        if (record == null) {
            int[] err = new int[1];
            cl_mem mem = clCreateBuffer(device.context(), CL_MEM_READ_WRITE | CL_MEM_COPY_HOST_PTR, 4L * INTS,
                    Pointer.to(new int[INTS]), err);
            ClErrors.check(err[0], "clCreateBuffer (class-target error record)", device.label());
            record = new ClBuffer(owner, ElementType.I32, INTS, 4L * INTS, mem);
        }
        armed = true;
        return record;
    }

    /** The code a kernel reports {@code op} with. */
    int opCode(String op) {
        int i = ops.indexOf(op);
        if (i < 0) {
            ops.add(op);
            i = ops.size() - 1;
        }
        return i;
    }

    /** Before a blocking read: when a check is pending, enqueues a non-blocking copy of the record. */
    void beforeRead() {
        if (!armed) {
            return;
        }
        int rc = clEnqueueReadBuffer(device.queue(), record.mem(), CL_FALSE, 0, 4L * INTS, Pointer.to(host),
                0, null, null);
        ClErrors.check(rc, "clEnqueueReadBuffer (class-target error record)", device.label());
        armed = false;
        inFlight = true;
    }

    /** After the caller's blocking read returned: the record has arrived; raises a bad target. */
    void afterRead() {
        if (inFlight) {
            inFlight = false;
            raiseIfSet(host.asIntBuffer());
        }
    }

    /** The caller's read failed: the record's copy may not have happened, so check it again next time. */
    void readFailed() {
        if (inFlight) {
            inFlight = false;
            armed = true;
        }
    }

    /** After {@code clFinish}: reads the record (the queue is idle) when a check is pending. */
    void afterFinish() {
        if (!armed) {
            return;
        }
        beforeRead();
        device.finish();
        afterRead();
    }

    private void raiseIfSet(IntBuffer r) {
        if (r.get(0) == 0) {
            return;
        }
        int value = r.get(1);
        int index = r.get(2);
        int classes = r.get(3);
        int op = r.get(4);
        int ignoreIndex = r.get(5);
        int rc = clEnqueueWriteBuffer(device.queue(), record.mem(), CL_TRUE, 0, 4L * INTS, Pointer.to(new int[INTS]),
                0, null, null);
        ClErrors.check(rc, "clEnqueueWriteBuffer (class-target error record)", device.label());
        String name = op >= 0 && op < ops.size() ? ops.get(op) : "loss";
        throw new TargetOutOfBoundsException(name, value, index, classes, ignoreIndex, device.label());
    }

    /** Releases the record; a bad target nobody read back is logged, since close() must not throw. */
    @Override
    public void close() {
        if (record == null) {
            return;
        }
        try {
            afterFinish();
        } catch (TargetOutOfBoundsException e) {
            LOG.warn("{}: {} (reported at close: nothing was read from the device after it)", device.label(),
                    e.getMessage());
        } catch (RuntimeException e) {
            LOG.debug("{}: reading the class-target error record at close failed: {}", device.label(), e.toString());
        }
        clReleaseMemObject(record.rawMem());
        record.markFreed();
        record = null;
    }
}
