package io.clgrad.backend.opencl;

import static org.jocl.CL.*;

import io.clgrad.backend.LaunchRecording;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import org.jocl.cl_command_queue;
import org.jocl.cl_kernel;
import org.jocl.cl_mem;

/**
 * The OpenCL {@link LaunchRecording}: while recording, every kernel launch and device-to-device
 * copy the owner thread enqueues on the device ({@link Kernels#launch}, {@link BufferCopies#copy})
 * is also appended here. A kernel launch gets its own cl_kernel ({@link Kernels#dedicated}) with
 * its arguments set once, at recording time, so {@link #replay()} is one clEnqueueNDRangeKernel
 * (or clEnqueueCopyBuffer) per entry under one hold of the device lock: no argument setting, no
 * lookups, no allocation. Every buffer an entry uses is pinned in the {@link BufferPool} until
 * {@link #close()}, so its block is neither reused nor released while the list may replay.
 * {@code cl_khr_command_buffer} would let the driver keep the list too, but JOCL 2.0.6 has no
 * binding for it.
 */
final class LaunchList implements LaunchRecording {
    private final ClDevice device;
    private final Kernels kernels;
    private final BufferPool pool;
    private final Thread owner = Thread.currentThread();
    private final List<Entry> entries = new ArrayList<>();
    private final Set<ClBuffer> pinned = Collections.newSetFromMap(new IdentityHashMap<>());
    /** Host bookkeeping each replay repeats under the device lock (arming a target-error record). */
    private final List<Runnable> replayHooks = new ArrayList<>();
    private int kernelEntries;
    private volatile boolean stopped;
    private boolean closed;

    /** One replayable command. */
    private interface Entry {
        /** Enqueues it; returns the OpenCL status. */
        int enqueue(cl_command_queue queue);

        /** What it is, for errors. */
        String name();

        /** Releases what it owns. */
        default void release() {
        }
    }

    private record KernelEntry(cl_kernel handle, String name, long[] global, long[] local) implements Entry {
        @Override
        public int enqueue(cl_command_queue queue) {
            return clEnqueueNDRangeKernel(queue, handle, global.length, null, global, local, 0, null, null);
        }

        @Override
        public void release() {
            clReleaseKernel(handle);
        }
    }

    private record CopyEntry(cl_mem src, long srcOffset, cl_mem dst, long dstOffset, long bytes) implements Entry {
        @Override
        public int enqueue(cl_command_queue queue) {
            return clEnqueueCopyBuffer(queue, src, dst, srcOffset, dstOffset, bytes, 0, null, null);
        }

        @Override
        public String name() {
            return "clEnqueueCopyBuffer";
        }
    }

    /** Starts recording the calling thread's launches on {@code device}. */
    LaunchList(ClDevice device, Kernels kernels, BufferPool pool) {
        this.device = device;
        this.kernels = kernels;
        this.pool = pool;
        synchronized (device.lock()) {
            device.ensureOpen();
            device.setCapture(null, this);
        }
    }

    /** The thread whose launches are recorded. */
    Thread owner() {
        return owner;
    }

    /** Whether a launch made now is recorded: still recording, and on the owner thread. */
    boolean records() {
        return !stopped && Thread.currentThread() == owner;
    }

    /** Appends a kernel launch just enqueued (called by {@link Kernels#launch} under the device lock). */
    void addKernel(ClKernel k, long[] global, long[] local, Object[] args) {
        cl_kernel h = kernels.dedicated(k, args);
        entries.add(new KernelEntry(h, k.name(), global.clone(), local == null ? null : local.clone()));
        kernelEntries++;
        for (Object a : args) {
            if (a instanceof ClBuffer b) {
                pin(b);
            }
        }
    }

    /** Appends a device-to-device copy just enqueued (offsets and size in bytes). */
    void addCopy(ClBuffer src, long srcOffset, ClBuffer dst, long dstOffset, long bytes) {
        synchronized (device.lock()) {
            entries.add(new CopyEntry(src.mem(), srcOffset, dst.mem(), dstOffset, bytes));
            pin(src);
            pin(dst);
        }
    }

    /** Adds host bookkeeping that each replay repeats under the device lock (see {@link TargetErrors#arm}). */
    void onReplay(Runnable hook) {
        replayHooks.add(hook);
    }

    private void pin(ClBuffer b) {
        if (pinned.add(b)) {
            pool.pin(b);
        }
    }

    @Override
    public void stop() {
        synchronized (device.lock()) {
            stopped = true;
            device.setCapture(this, null);
        }
    }

    @Override
    public void replay() {
        synchronized (device.lock()) {
            if (closed || !stopped) {
                throw new IllegalStateException(closed ? "launch list was closed" : "launch list is still recording");
            }
            cl_command_queue queue = device.queue();
            for (Runnable hook : replayHooks) {
                hook.run();
            }
            for (Entry e : entries) {
                int rc = e.enqueue(queue);
                if (rc != 0) {
                    ClErrors.check(rc, "replay of " + e.name(), device.label());
                }
            }
            kernels.countReplayed(kernelEntries);
        }
    }

    @Override
    public int launches() {
        return entries.size();
    }

    @Override
    public void close() {
        synchronized (device.lock()) {
            if (closed) {
                return;
            }
            stop();
            closed = true;
            if (!device.isClosed()) {
                for (Entry e : entries) {
                    e.release();
                }
            }
            entries.clear();
            for (ClBuffer b : pinned) {
                pool.unpin(b);
            }
            pinned.clear();
        }
    }
}
