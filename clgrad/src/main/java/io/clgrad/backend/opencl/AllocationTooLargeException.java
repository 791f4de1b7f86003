package io.clgrad.backend.opencl;

import io.clgrad.backend.DeviceOutOfMemoryException;

/**
 * A single buffer larger than the device's {@code CL_DEVICE_MAX_MEM_ALLOC_SIZE}: no amount of
 * freeing helps, so the message says which limit was hit.
 */
public class AllocationTooLargeException extends DeviceOutOfMemoryException {
    private static final long serialVersionUID = 1L;

    private final String detail;

    AllocationTooLargeException(String device, long requestedBytes, long bytesInUse, long maxAllocBytes) {
        super(device, requestedBytes, bytesInUse, null);
        this.detail = String.format("%s: cannot allocate %,d bytes in one buffer: the device's "
                + "CL_DEVICE_MAX_MEM_ALLOC_SIZE is %,d bytes", device, requestedBytes, maxAllocBytes);
    }

    @Override
    public String getMessage() {
        return detail;
    }
}
