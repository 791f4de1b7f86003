package io.clgrad.backend;

/** Thrown when a device allocation fails even after the allocator has freed its cache. */
public class DeviceOutOfMemoryException extends RuntimeException {
    private final Allocation allocation;

    /**
     * @param device         the device, as its label names it
     * @param requestedBytes bytes the failed allocation asked for
     * @param bytesInUse     bytes clgrad had allocated on the device when it failed
     * @param cause          the underlying error, or null
     */
    public DeviceOutOfMemoryException(String device, long requestedBytes, long bytesInUse, Throwable cause) {
        super(String.format("%s: out of device memory allocating %,d bytes (%,d bytes in use by clgrad)",
                device, requestedBytes, bytesInUse), cause);
        this.allocation = new Allocation(device, requestedBytes, bytesInUse);
    }

    /** The allocation that failed: the device, the bytes asked for and the bytes in use. */
    public Allocation allocation() {
        return allocation;
    }

    /**
     * A failed allocation.
     *
     * @param device         the device, as its label names it
     * @param requestedBytes bytes the failed allocation asked for
     * @param bytesInUse     bytes clgrad had allocated on the device when it failed
     */
    public record Allocation(String device, long requestedBytes, long bytesInUse) implements java.io.Serializable {
    }
}
