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
 */
record ClKernel(String name, String family, cl_kernel handle, long maxWorkGroupSize, long preferredMultiple) {

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
