package io.clgrad.backend.opencl;

import static org.jocl.CL.*;

import io.clgrad.backend.Backend;
import io.clgrad.backend.ElementType;
import io.clgrad.backend.IndexOutOfRangeException;
import io.clgrad.backend.TargetOutOfBoundsException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.IntBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.jocl.Pointer;
import org.jocl.cl_mem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The device-side records of out-of-range class targets, one per thread that launches checks.
 * Kernels that check targets ({@code check_class_targets}, {@code cross_entropy_fused} in
 * {@code kernels-cl/loss.cl}) write the first bad one they meet into a small int buffer, atomically:
 * {@code {flag, value, index, classes, op, ignoreIndex}}; the index kernels of {@code kernels-cl/index.cl}
 * write a bad index the same way, {@code {flag, value, position, size, op, dim}}, under an op code
 * from {@link #indexOpCode}, and it is raised as {@link IndexOutOfRangeException}. No launch waits for the device: the record
 * travels back with the launching thread's next read ({@link #beforeRead} enqueues a non-blocking
 * copy of it just before the caller's blocking read, so the in-order queue delivers both with one
 * wait), and a set flag is raised as {@link TargetOutOfBoundsException} and cleared.
 *
 * <p>Each thread has its own record, so a bad target is raised in the thread whose launch found it
 * (two threads may train on one device), and a read or {@code synchronize()} in another thread
 * neither raises nor clears it. A thread's record is created at its first checking launch and
 * handed to a new thread once its thread has ended (a bad target that thread never read back is
 * logged then); every record is released at {@link #close()}. Every method runs under the device
 * lock, and a check is armed in the same locked block as its launch, so no read can slip between them.
 */
final class TargetErrors implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TargetErrors.class);
    private static final int INTS = 8;
    /** Marks the op names of {@link #indexOpCode} in {@link #ops}. */
    private static final String INDEX_PREFIX = "index:";

    /** One thread's record buffer, where its copy lands, and its pending state. */
    private static final class Record {
        final ClBuffer buffer;
        /** Where the non-blocking read lands: a direct buffer, alive as long as the record. */
        final ByteBuffer host = ByteBuffer.allocateDirect(4 * INTS).order(ByteOrder.nativeOrder());
        /** A check was launched since the record was last read back. */
        boolean armed;
        /** A copy of the record is in flight to {@link #host}, behind the caller's read. */
        boolean inFlight;

        Record(ClBuffer buffer) {
            this.buffer = buffer;
        }
    }

    private final ClDevice device;
    private final Backend owner;
    /** The op names the kernels' {@code op} codes stand for (index = code). */
    private final List<String> ops = new ArrayList<>();
    /** The record of each thread that launched a check. */
    private final Map<Thread, Record> records = new HashMap<>();
    /** Records whose threads ended, zeroed and ready for another thread. */
    private final ArrayDeque<Record> spare = new ArrayDeque<>();

    TargetErrors(ClDevice device, Backend owner) {
        this.device = device;
        this.owner = owner;
    }

    /**
     * The calling thread's record buffer for a checking launch, and the note that a check is
     * pending. Call it and enqueue the launch while holding {@code device.lock()}.
     */
    ClBuffer arm() {
        Record r = records.get(Thread.currentThread());
        if (r == null) {
            r = newRecord();
            records.put(Thread.currentThread(), r);
        }
        r.armed = true;
        LaunchList capture = device.capturing();
        if (capture != null) {
            // a replay of this launch checks again: it arms the record the recorded launch writes
            Record recorded = r;
            capture.onReplay(() -> recorded.armed = true);
        }
        return r.buffer;
    }

    /** A record for a thread that has none: a dead thread's, else a new buffer. */
    private Record newRecord() {
        reclaimEndedThreads();
        Record r = spare.poll();
        if (r != null) {
            return r;
        }
        int[] err = new int[1];
        cl_mem mem = clCreateBuffer(device.context(), CL_MEM_READ_WRITE | CL_MEM_COPY_HOST_PTR, 4L * INTS,
                Pointer.to(new int[INTS]), err);
        ClErrors.check(err[0], "clCreateBuffer (class-target error record)", device.label());
        return new Record(new ClBuffer(owner, ElementType.I32, INTS, 4L * INTS, mem));
    }

    /** Moves the records of ended threads to {@link #spare}, logging a bad target they never read back. */
    private void reclaimEndedThreads() {
        for (Iterator<Map.Entry<Thread, Record>> it = records.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Thread, Record> e = it.next();
            if (e.getKey().isAlive()) {
                continue;
            }
            it.remove();
            Record r = e.getValue();
            if (drainUnread(r, "its thread " + e.getKey().getName() + " ended without reading from the device")) {
                spare.push(r);
            } else {
                release(r);
            }
        }
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

    /**
     * Before a blocking read: when the calling thread has a check pending, enqueues a non-blocking
     * copy of its record.
     */
    void beforeRead() {
        Record r = records.get(Thread.currentThread());
        if (r == null || !r.armed) {
            return;
        }
        int rc = clEnqueueReadBuffer(device.queue(), r.buffer.mem(), CL_FALSE, 0, 4L * INTS, Pointer.to(r.host),
                0, null, null);
        ClErrors.check(rc, "clEnqueueReadBuffer (class-target error record)", device.label());
        r.armed = false;
        r.inFlight = true;
    }

    /** The code an index kernel reports {@code op} with: its record decodes as an {@link IndexOutOfRangeException}. */
    int indexOpCode(String op) {
        return opCode(INDEX_PREFIX + op);
    }

    /** After the caller's blocking read returned: the record has arrived; raises a bad target. */
    void afterRead() {
        Record r = records.get(Thread.currentThread());
        if (r != null && r.inFlight) {
            r.inFlight = false;
            raiseIfSet(r);
        }
    }

    /** The caller's read failed: the record's copy may not have happened, so check it again next time. */
    void readFailed() {
        Record r = records.get(Thread.currentThread());
        if (r != null && r.inFlight) {
            r.inFlight = false;
            r.armed = true;
        }
    }

    /** After {@code clFinish}: reads the calling thread's record (the queue is idle) when a check is pending. */
    void afterFinish() {
        Record r = records.get(Thread.currentThread());
        if (r == null || !r.armed) {
            return;
        }
        beforeRead();
        device.finish();
        afterRead();
    }

    private void raiseIfSet(Record record) {
        IntBuffer r = record.host.asIntBuffer();
        if (r.get(0) == 0) {
            return;
        }
        IndexOutOfBoundsException e = decode(r);
        clear(record);
        throw e;
    }

    private IndexOutOfBoundsException decode(IntBuffer r) {
        int op = r.get(4);
        String name = op >= 0 && op < ops.size() ? ops.get(op) : "loss";
        if (name.startsWith(INDEX_PREFIX)) {
            return new IndexOutOfRangeException(name.substring(INDEX_PREFIX.length()), r.get(1), r.get(2), r.get(5),
                    r.get(3), device.label());
        }
        return new TargetOutOfBoundsException(name, r.get(1), r.get(2), r.get(3), r.get(5), device.label());
    }

    private void clear(Record record) {
        int rc = clEnqueueWriteBuffer(device.queue(), record.buffer.mem(), CL_TRUE, 0, 4L * INTS,
                Pointer.to(new int[INTS]), 0, null, null);
        ClErrors.check(rc, "clEnqueueWriteBuffer (class-target error record)", device.label());
    }

    /**
     * Reads a record no thread will read any more (blocking) and logs a bad target in it, then
     * zeroes it. Returns whether the record is clean and may be reused.
     */
    private boolean drainUnread(Record r, String why) {
        if (!r.armed && !r.inFlight) {
            return true;
        }
        try {
            int rc = clEnqueueReadBuffer(device.queue(), r.buffer.mem(), CL_TRUE, 0, 4L * INTS, Pointer.to(r.host),
                    0, null, null);
            ClErrors.check(rc, "clEnqueueReadBuffer (class-target error record)", device.label());
            r.armed = false;
            r.inFlight = false;
            IntBuffer ints = r.host.asIntBuffer();
            if (ints.get(0) != 0) {
                LOG.warn("{}: {} (reported late: {})", device.label(), decode(ints).getMessage(), why);
                clear(r);
            }
            return true;
        } catch (RuntimeException e) {
            LOG.debug("{}: reading a class-target error record failed: {}", device.label(), e.toString());
            return false;
        }
    }

    private static void release(Record r) {
        clReleaseMemObject(r.buffer.rawMem());
        r.buffer.markFreed();
    }

    /** The number of record buffers held (for tests). */
    int recordCount() {
        return records.size() + spare.size();
    }

    /** Releases every record; a bad target nobody read back is logged, since close() must not throw. */
    @Override
    public void close() {
        for (Map.Entry<Thread, Record> e : records.entrySet()) {
            drainUnread(e.getValue(), "nothing was read from the device after it in thread " + e.getKey().getName());
            release(e.getValue());
        }
        records.clear();
        for (Record r : spare) {
            release(r);
        }
        spare.clear();
    }
}
