package io.clgrad.backend;

/**
 * What a device is, as reported by its driver. Fields that do not apply (e.g. the OpenCL version of
 * the Java CPU backend) are empty strings or 0.
 *
 * @param id               stable id used by {@code CLGRAD_DEVICE} and {@code Device.toString()}: "cpu", "opencl:0"
 * @param name             device name
 * @param vendor           vendor name
 * @param kind             processor kind
 * @param platform         OpenCL platform name ("" for the Java backend)
 * @param version          OpenCL device version string, or the Java runtime version
 * @param driverVersion    driver version string
 * @param computeUnits     compute units (threads for the Java backend)
 * @param clockMhz         maximum clock frequency in MHz (0 when unknown)
 * @param globalMemBytes   global memory size
 * @param localMemBytes    local memory size per work-group
 * @param maxWorkGroupSize largest work-group size
 * @param fp16             whether half precision is supported
 * @param fp64             whether double precision is supported
 */
public record DeviceInfo(String id, String name, String vendor, DeviceKind kind, String platform,
                         String version, String driverVersion, int computeUnits, int clockMhz,
                         long globalMemBytes, long localMemBytes, long maxWorkGroupSize,
                         boolean fp16, boolean fp64) {
}
