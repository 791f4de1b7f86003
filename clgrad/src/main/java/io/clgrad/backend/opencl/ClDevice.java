package io.clgrad.backend.opencl;

import static org.jocl.CL.*;

import io.clgrad.backend.DeviceInfo;
import io.clgrad.backend.DeviceKind;
import org.jocl.cl_command_queue;
import org.jocl.cl_context;
import org.jocl.cl_context_properties;
import org.jocl.cl_device_id;
import org.jocl.cl_platform_id;
import org.jocl.cl_queue_properties;

/**
 * One OpenCL device with its context and in-order command queue. Everything that enqueues work or
 * sets kernel arguments holds {@link #lock()} (OpenCL kernel-argument state is not thread-safe),
 * and after {@link #close()} every use throws {@link IllegalStateException} instead of touching
 * released handles.
 */
final class ClDevice implements AutoCloseable {
    private final Object lock = new Object();
    private final cl_device_id device;
    private final DeviceInfo info;
    private final String label;
    private final ClDeviceFacts facts;
    private final DeviceTuning tuning;
    private cl_context context;
    private cl_command_queue queue;
    private volatile boolean closed;

    /** Creates the context and queue; on failure releases what it made and throws. */
    ClDevice(String id, cl_platform_id platform, cl_device_id device) {
        this.device = device;
        this.info = ClInfo.describe(id, platform, device);
        this.label = id + " (" + info.name() + ")";
        this.facts = ClDeviceFacts.query(info, platform, device);
        this.tuning = DeviceTuning.lookup(info, facts.simdFloats(), facts.tuningFile());
        if (ClInfo.deviceInt(device, CL_DEVICE_AVAILABLE) == 0) {
            throw new IllegalStateException("device reports CL_DEVICE_AVAILABLE = false");
        }
        if (ClInfo.deviceInt(device, CL_DEVICE_COMPILER_AVAILABLE) == 0) {
            throw new IllegalStateException("device has no OpenCL C compiler (CL_DEVICE_COMPILER_AVAILABLE = false)");
        }
        int[] err = new int[1];
        cl_context_properties props = new cl_context_properties();
        props.addProperty(CL_CONTEXT_PLATFORM, platform);
        context = clCreateContext(props, 1, new cl_device_id[] {device}, null, null, err);
        ClErrors.check(err[0], "clCreateContext", label);
        try {
            queue = createQueue(err);
        } catch (RuntimeException | LinkageError e) {
            clReleaseContext(context);
            context = null;
            throw e;
        }
    }

    /** clCreateCommandQueueWithProperties on OpenCL 2.0+, clCreateCommandQueue on 1.x (in-order, no profiling). */
    private cl_command_queue createQueue(int[] err) {
        boolean cl20 = ClInfo.versionNumber(facts.platformVersion()) >= 20 && ClInfo.versionNumber(info.version()) >= 20;
        if (cl20) {
            try {
                cl_command_queue q = clCreateCommandQueueWithProperties(context, device, new cl_queue_properties(), err);
                if (err[0] == 0 && q != null) {
                    return q;
                }
            } catch (UnsupportedOperationException | LinkageError e) {
                // an ICD loader without the 2.0 entry point: fall through to the 1.2 call
            }
        }
        @SuppressWarnings("deprecation")
        cl_command_queue q = clCreateCommandQueue(context, device, 0, err);
        ClErrors.check(err[0], "clCreateCommandQueue", label);
        return q;
    }

    /** Guards kernel arguments, enqueues and release. */
    Object lock() {
        return lock;
    }

    DeviceInfo info() {
        return info;
    }

    /** "opencl:0 (NVIDIA H100)", used in every error message. */
    String label() {
        return label;
    }

    cl_device_id device() {
        return device;
    }

    /**
     * Whether the driver allocates this device's buffers from the host's heap, as PoCL's CPU device
     * does, lazily and aborting the process when {@code malloc} fails: then the pool creates blocks
     * with {@code CL_MEM_ALLOC_HOST_PTR} and guards the address space (see {@link BufferPool}).
     */
    boolean allocatesFromHostHeap() {
        return allocatesFromHostHeap(info.kind());
    }

    /**
     * The decision behind {@link #allocatesFromHostHeap()}: OpenCL CPU devices only. An integrated GPU
     * also reports CL_DEVICE_HOST_UNIFIED_MEMORY, but there {@code CL_MEM_ALLOC_HOST_PTR} may place
     * buffers in slower pinned memory, and its driver's allocations are not PoCL's.
     */
    static boolean allocatesFromHostHeap(DeviceKind kind) {
        return kind == DeviceKind.OPENCL_CPU;
    }

    /** What this backend knows of the device beyond {@link #info()}: platform version, allocation limit, ... */
    ClDeviceFacts facts() {
        return facts;
    }

    DeviceTuning tuning() {
        return tuning;
    }

    /** The context; throws once closed. Call with the lock held. */
    cl_context context() {
        ensureOpen();
        return context;
    }

    /** The queue; throws once closed. Call with the lock held. */
    cl_command_queue queue() {
        ensureOpen();
        return queue;
    }

    boolean isClosed() {
        return closed;
    }

    void ensureOpen() {
        if (closed) {
            throw new IllegalStateException(label + " has been closed");
        }
    }

    /** Waits for the queue to drain. */
    void finish() {
        synchronized (lock) {
            ClErrors.check(clFinish(queue()), "clFinish", label);
        }
    }

    /** Releases the queue and context (buffers, kernels and programs must be released first). */
    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            if (queue != null) {
                clFinish(queue);
                clReleaseCommandQueue(queue);
                queue = null;
            }
            if (context != null) {
                clReleaseContext(context);
                context = null;
            }
        }
    }

    /** The launch list recording this device's launches (from its owner thread only), or null. */
    private volatile LaunchList capture;

    /** The launch list that records a launch made now by the calling thread, or null. */
    LaunchList capturing() {
        LaunchList c = capture;
        return c != null && c.records() ? c : null;
    }

    /**
     * Makes {@code list} the device's recording ({@code null} ends it, when {@code expected} still
     * is the recording). Call with the lock held.
     *
     * @throws IllegalStateException when another recording is active
     */
    void setCapture(LaunchList expected, LaunchList list) {
        if (capture != expected) {
            if (list == null) {
                return;
            }
            throw new IllegalStateException(label + " is already recording the launches of thread "
                    + capture.owner().getName() + "; one recording at a time per device");
        }
        capture = list;
    }
}
