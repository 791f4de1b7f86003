package io.clgrad.backend.opencl;

import org.jocl.cl_kernel;

/**
 * One created kernel with the limits the driver reports for it on its device.
 *
 * @param name                  the kernel function name
 * @param family                the program (kernels-cl file) it comes from
 * @param handle                the cl_kernel
 * @param maxWorkGroupSize      CL_KERNEL_WORK_GROUP_SIZE
 * @param preferredMultiple     CL_KERNEL_PREFERRED_WORK_GROUP_SIZE_MULTIPLE (1 if unknown)
 * @param lastArgs              the argument values last set on the kernel (guarded by the device
 *                              lock), so a launch skips clSetKernelArg for arguments that did not change
 */
record ClKernel(String name, String family, cl_kernel handle, long maxWorkGroupSize, long preferredMultiple,
                Object[] lastArgs) {

    /** Arguments past this index are always set (the size of {@link #lastArgs}). */
    static final int MAX_ARGS = 64;

    ClKernel(String name, String family, cl_kernel handle, long maxWorkGroupSize, long preferredMultiple) {
        this(name, family, handle, maxWorkGroupSize, preferredMultiple, new Object[MAX_ARGS]);
    }

    /**
     * Whether argument {@code index} already holds {@code value}: the same cl_mem (a pooled block
     * handed out again keeps its cl_mem object), or an equal number or int vector. Null never
     * matches, so it always reaches clSetKernelArg's checks.
     */
    boolean argIsSet(int index, Object value) {
        if (index >= MAX_ARGS || value == null) {
            return false;
        }
        Object key = value instanceof ClBuffer b ? b.mem() : value;
        Object last = lastArgs[index];
        return key == last
                || (key instanceof int[] v && last instanceof int[] l ? java.util.Arrays.equals(v, l)
                    : !(key instanceof org.jocl.cl_mem) && key.equals(last));
    }

    /** Records {@code value} as argument {@code index} once clSetKernelArg has accepted it. */
    void recordArg(int index, Object value) {
        if (index < MAX_ARGS && value != null) {
            Object key = value instanceof ClBuffer b ? b.mem() : value;
            lastArgs[index] = key instanceof int[] v ? v.clone() : key;
        }
    }

    /** Forgets the recorded arguments (after a failed clSetKernelArg). */
    void forgetArgs() {
        java.util.Arrays.fill(lastArgs, null);
    }

    /**
     * The 1-D work-group size to use: the wanted size, capped by this kernel's limit and rounded
     * down to its preferred multiple; at least 1.
     */
    long localSize(long wanted) {
        long local = Math.min(wanted, maxWorkGroupSize);
        if (local >= preferredMultiple && preferredMultiple > 1) {
            local = local / preferredMultiple * preferredMultiple;
        }
        return Math.max(1, local);
    }

    /** The largest power of two that is at most {@code wanted} and this kernel's limit. */
    long powerOfTwoLocalSize(long wanted) {
        long cap = Math.max(1, Math.min(wanted, maxWorkGroupSize));
        return Long.highestOneBit(cap);
    }
}
