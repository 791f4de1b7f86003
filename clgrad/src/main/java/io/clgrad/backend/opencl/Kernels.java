package io.clgrad.backend.opencl;

import static org.jocl.CL.*;

import io.clgrad.backend.DeviceOutOfMemoryException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_kernel;
import org.jocl.cl_program;

/**
 * Creates each cl_kernel once (all kernels of a program when the program is first needed), sets
 * arguments and enqueues launches on the device's in-order queue. Arguments are given as Java
 * values: {@link ClBuffer} (a __global pointer), {@link Integer} (int), {@link Long} (long),
 * {@link Float} (float), {@code int[]} (an int vector such as int8, passed by value). Setting
 * arguments and enqueueing happen under the device lock, since kernel-argument state is shared.
 * Nothing here waits for the device.
 */
final class Kernels implements AutoCloseable {
    private final ClDevice device;
    private final ProgramCache programs;
    private final BufferPool pool;
    private final Map<String, ClKernel> kernels = new HashMap<>();
    private final List<ClKernel> all = new ArrayList<>();
    private final Set<String> createdPrograms = new HashSet<>();
    /** The program each kernel was created from (for {@link #dedicated}). */
    private final Map<ClKernel, cl_program> programOf = new java.util.IdentityHashMap<>();

    Kernels(ClDevice device, ProgramCache programs, BufferPool pool) {
        this.device = device;
        this.programs = programs;
        this.pool = pool;
    }

    ClDevice device() {
        return device;
    }

    ProgramCache programs() {
        return programs;
    }

    /** A kernel of a family built with the device's default options. */
    ClKernel get(String family, String name) {
        return get(family, programs.defaultOptions(family), name);
    }

    /** A kernel of a family built with the given options. */
    ClKernel get(String family, String options, String name) {
        synchronized (device.lock()) {
            device.ensureOpen();
            String prefix = family + "|" + options + "|";
            ClKernel k = kernels.get(prefix + name);
            if (k == null) {
                if (!createAll(family, options)) {
                    k = kernels.get(prefix + name);
                }
                if (k == null) {
                    throw new IllegalStateException("kernels-cl/" + family + ".cl has no kernel " + name);
                }
            }
            return k;
        }
    }

    /**
     * Builds a family's program and creates all its kernels, unless already done.
     *
     * @return true if they existed before
     */
    boolean createAll(String family, String options) {
        synchronized (device.lock()) {
            String prefix = family + "|" + options + "|";
            if (createdPrograms.contains(prefix)) {
                return true;
            }
            cl_program program = programs.program(family, options);
            int[] num = new int[1];
            ClErrors.check(clCreateKernelsInProgram(program, 0, null, num), "clCreateKernelsInProgram", device.label());
            cl_kernel[] handles = new cl_kernel[num[0]];
            ClErrors.check(clCreateKernelsInProgram(program, handles.length, handles, null),
                    "clCreateKernelsInProgram", device.label());
            for (cl_kernel h : handles) {
                ClKernel k = describe(family, h);
                programOf.put(k, program);
                kernels.put(prefix + k.name(), k);
                all.add(k);
            }
            createdPrograms.add(prefix);
            return false;
        }
    }

    private ClKernel describe(String family, cl_kernel h) {
        String name = ClInfo.string((size, value, sizeRet) -> clGetKernelInfo(h, CL_KERNEL_FUNCTION_NAME, size, value,
                sizeRet), "clGetKernelInfo", device.label());
        long[] v = new long[1];
        ClErrors.check(clGetKernelWorkGroupInfo(h, device.device(), CL_KERNEL_WORK_GROUP_SIZE, Sizeof.size_t,
                Pointer.to(v), null), "clGetKernelWorkGroupInfo", name, device.label());
        long maxWg = v[0];
        long multiple = 1;
        if (clGetKernelWorkGroupInfo(h, device.device(), CL_KERNEL_PREFERRED_WORK_GROUP_SIZE_MULTIPLE,
                Sizeof.size_t, Pointer.to(v), null) == 0 && v[0] > 0) {
            multiple = v[0];
        }
        return new ClKernel(name, family, h, maxWg, multiple);
    }

    /** One work-item per index in [0, n): global size n rounded up to the work-group size. */
    void launch1d(ClKernel k, long n, Object... args) {
        if (n <= 0) {
            return;
        }
        long local = k.localSize(device.tuning().elementwiseWg());
        launch(k, new long[] {roundUp(n, local)}, new long[] {local}, args);
    }

    /**
     * A kernel argument that sets a {@code __global} pointer parameter to NULL (clSetKernelArg with
     * a null value): for buffer parameters a kernel never dereferences in a launch, such as the
     * unused slots of a multi-tensor kernel. PoCL's clEnqueueNDRangeKernel does per-buffer work for
     * every buffer argument (about 0.25 µs each), so a NULL costs nothing where a repeated buffer did.
     */
    static final Object NULL_BUFFER = new Object() {
        @Override
        public String toString() {
            return "NULL buffer";
        }
    };

    /** Kernels enqueued so far (written under the device lock). */
    private volatile long launches;

    /** How many kernels this device has enqueued (a diagnostic for the benchmark and tests). */
    long launches() {
        return launches;
    }

    /** Sets the arguments and enqueues {@code k} over {@code global} with work-groups of {@code local}. */
    void launch(ClKernel k, long[] global, long[] local, Object... args) {
        synchronized (device.lock()) {
            device.ensureOpen();
            launches++;
            for (int i = 0; i < args.length; i++) {
                // arguments that did not change since this kernel's last launch are not set again
                if (!k.argIsSet(i, args[i])) {
                    setArg(k, i, args[i]);
                    k.recordArg(i, args[i]);
                }
            }
            int rc = clEnqueueNDRangeKernel(device.queue(), k.handle(), global.length, null, global, local, 0, null, null);
            if (rc != 0 && ClErrors.isOutOfMemory(rc) && pool.hasCache()) {
                // OpenCL may allocate lazily, at first use: free the cache and retry once
                pool.emptyCache();
                rc = clEnqueueNDRangeKernel(device.queue(), k.handle(), global.length, null, global, local, 0, null, null);
            }
            if (ClErrors.isAllocationFailure(rc)) {
                throw new DeviceOutOfMemoryException(device.label(), argumentBytes(args), pool.bytesInUse(),
                        new OpenClException("clEnqueueNDRangeKernel", rc, k.name(), device.label()));
            }
            ClErrors.check(rc, "clEnqueueNDRangeKernel", k.name(), device.label());
            LaunchList capture = device.capturing();
            if (capture != null) {
                capture.addKernel(k, global, local, args);
            }
        }
    }

    /**
     * A new cl_kernel of {@code k}'s function with {@code args} set once, for one entry of a
     * {@link LaunchList} (the shared kernel's arguments change with every launch). Call with the
     * device lock held; the caller releases it.
     */
    cl_kernel dedicated(ClKernel k, Object[] args) {
        cl_program program = programOf.get(k);
        if (program == null) {
            throw new IllegalStateException("kernel " + k.name() + " was not created by this device's kernel table");
        }
        int[] err = new int[1];
        cl_kernel h = clCreateKernel(program, k.name(), err);
        ClErrors.check(err[0], "clCreateKernel", k.name(), device.label());
        try {
            for (int i = 0; i < args.length; i++) {
                ClErrors.check(setArg(h, k.name(), i, args[i]), "clSetKernelArg(" + i + ")", k.name(), device.label());
            }
        } catch (RuntimeException e) {
            clReleaseKernel(h);
            throw e;
        }
        return h;
    }

    /** Counts {@code n} launches enqueued by a {@link LaunchList} replay (under the device lock). */
    void countReplayed(int n) {
        launches += n;
    }

    private void setArg(ClKernel k, int index, Object arg) {
        int rc = setArg(k.handle(), k.name(), index, arg);
        if (rc != 0) {
            k.forgetArgs();
        }
        ClErrors.check(rc, "clSetKernelArg(" + index + ")", k.name(), device.label());
    }

    private static int setArg(cl_kernel handle, String name, int index, Object arg) {
        int rc;
        if (arg instanceof ClBuffer) {
            rc = clSetKernelArg(handle, index, Sizeof.cl_mem, Pointer.to(((ClBuffer) arg).mem()));
        } else if (arg == NULL_BUFFER) {
            rc = clSetKernelArg(handle, index, Sizeof.cl_mem, null);
        } else if (arg instanceof Integer) {
            rc = clSetKernelArg(handle, index, Sizeof.cl_int, Pointer.to(new int[] {(Integer) arg}));
        } else if (arg instanceof Float) {
            rc = clSetKernelArg(handle, index, Sizeof.cl_float, Pointer.to(new float[] {(Float) arg}));
        } else if (arg instanceof Long) {
            rc = clSetKernelArg(handle, index, Sizeof.cl_long, Pointer.to(new long[] {(Long) arg}));
        } else if (arg instanceof int[]) {
            int[] v = (int[]) arg;
            rc = clSetKernelArg(handle, index, (long) Sizeof.cl_int * v.length, Pointer.to(v));
        } else {
            throw new IllegalArgumentException("unsupported kernel argument " + index + " of " + name + ": " + arg);
        }
        return rc;
    }

    private static long argumentBytes(Object[] args) {
        long sum = 0;
        for (Object a : args) {
            if (a instanceof ClBuffer) {
                sum += ((ClBuffer) a).bytes();
            }
        }
        return sum;
    }

    static long roundUp(long n, long multiple) {
        return (n + multiple - 1) / multiple * multiple;
    }

    /** Every kernel created so far. */
    int count() {
        synchronized (device.lock()) {
            return all.size();
        }
    }

    /** Releases every kernel. */
    @Override
    public void close() {
        synchronized (device.lock()) {
            for (ClKernel k : all) {
                clReleaseKernel(k.handle());
            }
            all.clear();
            kernels.clear();
            programOf.clear();
            createdPrograms.clear();
        }
    }
}
