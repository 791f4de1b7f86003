package io.clgrad.backend.opencl;

import io.clgrad.backend.DeviceOutOfMemoryException;

/**
 * A device whose memory is the host's (e.g. PoCL's CPU device) cannot get memory because the host
 * cannot back it: the address-space limit ({@code ulimit -v}) is nearly used up, or the driver
 * reported {@code CL_OUT_OF_HOST_MEMORY}. The message says which, and how much was left.
 */
public class HostMemoryExhaustedException extends DeviceOutOfMemoryException {
    private static final long serialVersionUID = 1L;

    private final String detail;

    HostMemoryExhaustedException(String device, String action, long requestedBytes, long bytesInUse,
                                 String reason, Throwable cause) {
        super(device, requestedBytes, bytesInUse, cause);
        this.detail = String.format("%s: out of host memory %s (%,d bytes in use by clgrad): %s",
                device, action, bytesInUse, reason);
    }

    /** For an allocation refused because the address-space limit leaves too little. */
    static HostMemoryExhaustedException addressSpace(String device, String action, long requestedBytes,
                                                     long bytesInUse) {
        long limit = HostAddressSpace.limit();
        long left = HostAddressSpace.left();
        return new HostMemoryExhaustedException(device, action, requestedBytes, bytesInUse, String.format(
                "the address-space limit (ulimit -v) is %,d bytes and %,d are left; clgrad keeps %,d free for "
                + "the OpenCL driver, which aborts the process when its own allocations fail",
                limit, left, HostAddressSpace.RESERVE), null);
    }

    @Override
    public String getMessage() {
        return detail;
    }
}
