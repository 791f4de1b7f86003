package io.clgrad.backend;

/** Thrown when a device allocation fails even after the allocator has freed its cache. */
public class DeviceOutOfMemoryException extends RuntimeException {
    private final long requestedBytes;
    private final long bytesInUse;

    public DeviceOutOfMemoryException(String device, long requestedBytes, long bytesInUse, Throwable cause) {
        super(String.format("%s: out of device memory allocating %,d bytes (%,d bytes in use by clgrad)",
                device, requestedBytes, bytesInUse), cause);
        this.requestedBytes = requestedBytes;
        this.bytesInUse = bytesInUse;
    }

    /** Bytes the failed allocation asked for. */
    public long requestedBytes() {
        return requestedBytes;
    }

    /** Bytes clgrad had allocated on the device when it failed. */
    public long bytesInUse() {
        return bytesInUse;
    }
}
