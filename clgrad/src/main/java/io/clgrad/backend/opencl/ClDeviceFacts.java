package io.clgrad.backend.opencl;

import static org.jocl.CL.*;

import io.clgrad.backend.DeviceInfo;
import io.clgrad.backend.TuningFile;
import java.util.List;
import org.jocl.cl_device_id;
import org.jocl.cl_platform_id;

/**
 * What this backend knows of an OpenCL device beyond its portable {@link DeviceInfo}, settled once
 * when the device opens ({@link #query}).
 *
 * @param platformVersion         CL_PLATFORM_VERSION, e.g. "OpenCL 3.0 PoCL 5.0"
 * @param maxAllocBytes           CL_DEVICE_MAX_MEM_ALLOC_SIZE
 * @param hostUnifiedMemory       CL_DEVICE_HOST_UNIFIED_MEMORY: the device's memory is the host's (CPU
 *                                devices such as PoCL's, integrated GPUs); deprecated in OpenCL 2.0 but still
 *                                answered; false when the query fails
 * @param correctlyRoundedDivSqrt whether the device can build with -cl-fp32-correctly-rounded-divide-sqrt
 * @param simdFloats              CL_DEVICE_PREFERRED_VECTOR_WIDTH_FLOAT (at least 1): on CPU devices, the
 *                                float lanes of a SIMD register
 * @param tuningFile              where {@code clgrad tune} keeps this device's results
 */
record ClDeviceFacts(String platformVersion, long maxAllocBytes, boolean hostUnifiedMemory,
                     boolean correctlyRoundedDivSqrt, int simdFloats, TuningFile tuningFile) {

    /** CL_FP_CORRECTLY_ROUNDED_DIVIDE_SQRT bit of CL_DEVICE_SINGLE_FP_CONFIG. */
    private static final long CORRECTLY_ROUNDED_DIVIDE_SQRT = 1L << 7;

    /** Reads the facts of {@code device}, whose {@link DeviceInfo} is {@code info}. */
    static ClDeviceFacts query(DeviceInfo info, cl_platform_id platform, cl_device_id device) {
        String platformVersion = ClInfo.platformString(platform, CL_PLATFORM_VERSION);
        return new ClDeviceFacts(platformVersion,
                ClInfo.deviceLong(device, CL_DEVICE_MAX_MEM_ALLOC_SIZE),
                hostUnified(device),
                (ClInfo.deviceLong(device, CL_DEVICE_SINGLE_FP_CONFIG) & CORRECTLY_ROUNDED_DIVIDE_SQRT) != 0,
                Math.max(1, ClInfo.deviceInt(device, CL_DEVICE_PREFERRED_VECTOR_WIDTH_FLOAT)),
                TuningFile.forDevice(info.name(), List.of(info.platform(), platformVersion, info.name(), info.vendor(),
                        info.version(), info.driverVersion())));
    }

    private static boolean hostUnified(cl_device_id device) {
        try {
            return ClInfo.deviceInt(device, CL_DEVICE_HOST_UNIFIED_MEMORY) != 0;
        } catch (RuntimeException e) {
            return false;
        }
    }
}
