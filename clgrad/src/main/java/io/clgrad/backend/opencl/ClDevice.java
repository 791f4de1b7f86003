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
    /** CL_FP_CORRECTLY_ROUNDED_DIVIDE_SQRT bit of CL_DEVICE_SINGLE_FP_CONFIG. */
    private static final long CORRECTLY_ROUNDED_DIVIDE_SQRT = 1L << 7;

    private final Object lock = new Object();
    private final cl_platform_id platform;
    private final cl_device_id device;
    private final DeviceInfo info;
    private final String label;
    private final String platformVersion;
    private final long maxAllocBytes;
    private final boolean hostUnifiedMemory;
    private final boolean correctlyRoundedDivSqrt;
    private final TuningFile tuningFile;
    private final int simdFloats;
    private final DeviceTuning tuning;
    private cl_context context;
    private cl_command_queue queue;
    private volatile boolean closed;

    /** Creates the context and queue; on failure releases what it made and throws. */
    ClDevice(String id, cl_platform_id platform, cl_device_id device) {
        this.platform = platform;
        this.device = device;
        this.info = ClInfo.describe(id, platform, device);
        this.label = id + " (" + info.name() + ")";
        this.platformVersion = ClInfo.platformString(platform, CL_PLATFORM_VERSION);
        this.maxAllocBytes = ClInfo.deviceLong(device, CL_DEVICE_MAX_MEM_ALLOC_SIZE);
        this.hostUnifiedMemory = hostUnified(device);
        this.correctlyRoundedDivSqrt =
                (ClInfo.deviceLong(device, CL_DEVICE_SINGLE_FP_CONFIG) & CORRECTLY_ROUNDED_DIVIDE_SQRT) != 0;
        this.tuningFile = TuningFile.forDevice(info.platform(), platformVersion, info.name(), info.vendor(),
                info.version(), info.driverVersion());
        this.simdFloats = Math.max(1, ClInfo.deviceInt(device, CL_DEVICE_PREFERRED_VECTOR_WIDTH_FLOAT));
        this.tuning = DeviceTuning.lookup(info, simdFloats, tuningFile);
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
        boolean cl20 = ClInfo.versionNumber(platformVersion) >= 20 && ClInfo.versionNumber(info.version()) >= 20;
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

    String platformVersion() {
        return platformVersion;
    }

    cl_platform_id platform() {
        return platform;
    }

    cl_device_id device() {
        return device;
    }

    /** CL_DEVICE_MAX_MEM_ALLOC_SIZE. */
    long maxAllocBytes() {
        return maxAllocBytes;
    }

    /**
     * CL_DEVICE_HOST_UNIFIED_MEMORY: the device's memory is the host's (CPU devices such as PoCL's,
     * integrated GPUs). Deprecated in OpenCL 2.0 but still answered; false when the query fails.
     */
    boolean hostUnifiedMemory() {
        return hostUnifiedMemory;
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

    private static boolean hostUnified(cl_device_id device) {
        try {
            return ClInfo.deviceInt(device, CL_DEVICE_HOST_UNIFIED_MEMORY) != 0;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Whether the device can build with -cl-fp32-correctly-rounded-divide-sqrt. */
    boolean correctlyRoundedDivSqrt() {
        return correctlyRoundedDivSqrt;
    }

    DeviceTuning tuning() {
        return tuning;
    }

    /** CL_DEVICE_PREFERRED_VECTOR_WIDTH_FLOAT: on CPU devices, the float lanes of a SIMD register. */
    int simdFloats() {
        return simdFloats;
    }

    /** Where {@code clgrad tune} keeps this device's results. */
    TuningFile tuningFile() {
        return tuningFile;
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
}
