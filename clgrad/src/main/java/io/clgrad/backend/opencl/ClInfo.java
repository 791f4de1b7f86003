package io.clgrad.backend.opencl;

import static org.jocl.CL.*;

import io.clgrad.backend.DeviceInfo;
import io.clgrad.backend.DeviceKind;
import java.nio.charset.StandardCharsets;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_device_id;
import org.jocl.cl_platform_id;

/** Typed wrappers over {@code clGetPlatformInfo}/{@code clGetDeviceInfo}, and the {@link DeviceInfo} they fill. */
final class ClInfo {
    /** CL_DEVICE_DOUBLE_FP_CONFIG (OpenCL 1.2; 0x1032). */
    private static final int CL_DEVICE_DOUBLE_FP_CONFIG_ = 0x1032;

    private ClInfo() {
    }

    /** One parameter of a {@code clGet*Info} call: writes up to {@code size} bytes to {@code value}, or its size to {@code sizeRet}. */
    interface InfoQuery {
        int get(long size, Pointer value, long[] sizeRet);
    }

    static String platformString(cl_platform_id platform, int param) {
        return string((size, value, sizeRet) -> clGetPlatformInfo(platform, param, size, value, sizeRet),
                "clGetPlatformInfo", null);
    }

    static String deviceString(cl_device_id device, int param) {
        return string((size, value, sizeRet) -> clGetDeviceInfo(device, param, size, value, sizeRet),
                "clGetDeviceInfo", null);
    }

    /**
     * A string parameter: asks for its size, then for its bytes; trimmed, up to its NUL.
     *
     * @param query the parameter
     * @param call  the OpenCL call, for an error
     * @param label the device, for an error (or null)
     */
    static String string(InfoQuery query, String call, String label) {
        long[] size = new long[1];
        ClErrors.check(query.get(0, null, size), call, label);
        byte[] bytes = new byte[(int) size[0]];
        if (bytes.length > 0) {
            ClErrors.check(query.get(bytes.length, Pointer.to(bytes), null), call, label);
        }
        return cString(bytes);
    }

    /** A cl_uint / cl_bool value. */
    static int deviceInt(cl_device_id device, int param) {
        int[] v = new int[1];
        ClErrors.check(clGetDeviceInfo(device, param, Sizeof.cl_uint, Pointer.to(v), null), "clGetDeviceInfo", null);
        return v[0];
    }

    /** A cl_ulong / cl_bitfield value. */
    static long deviceLong(cl_device_id device, int param) {
        long[] v = new long[1];
        ClErrors.check(clGetDeviceInfo(device, param, Sizeof.cl_ulong, Pointer.to(v), null), "clGetDeviceInfo", null);
        return v[0];
    }

    /** A size_t value (read as 64 bits; JOCL supports only 64-bit hosts here). */
    static long deviceSize(cl_device_id device, int param) {
        long[] v = new long[1];
        ClErrors.check(clGetDeviceInfo(device, param, Sizeof.size_t, Pointer.to(v), null), "clGetDeviceInfo", null);
        return v[0];
    }

    /** "OpenCL 1.2 CUDA" -> 12, "OpenCL 3.0 PoCL ..." -> 30; 10 when unparsable. */
    static int versionNumber(String version) {
        String[] parts = version.trim().split("\\s+");
        if (parts.length >= 2) {
            String[] mm = parts[1].split("\\.");
            try {
                return Integer.parseInt(mm[0]) * 10 + (mm.length > 1 ? Integer.parseInt(mm[1].replaceAll("\\D.*", "")) : 0);
            } catch (NumberFormatException e) {
                return 10;
            }
        }
        return 10;
    }

    static boolean hasExtension(String extensions, String name) {
        for (String e : extensions.split("\\s+")) {
            if (e.equals(name)) {
                return true;
            }
        }
        return false;
    }

    static DeviceKind kind(long type) {
        if ((type & CL_DEVICE_TYPE_GPU) != 0) {
            return DeviceKind.OPENCL_GPU;
        }
        if ((type & CL_DEVICE_TYPE_CPU) != 0) {
            return DeviceKind.OPENCL_CPU;
        }
        return DeviceKind.OPENCL_ACCELERATOR;
    }

    /** Reads everything {@link DeviceInfo} holds for one device. */
    static DeviceInfo describe(String id, cl_platform_id platform, cl_device_id device) {
        String extensions = deviceString(device, CL_DEVICE_EXTENSIONS);
        long doubleConfig;
        try {
            doubleConfig = deviceLong(device, CL_DEVICE_DOUBLE_FP_CONFIG_);
        } catch (OpenClException e) {
            doubleConfig = 0; // OpenCL 1.1 devices without fp64 reject the query
        }
        boolean fp64 = doubleConfig != 0 || hasExtension(extensions, "cl_khr_fp64");
        boolean fp16 = hasExtension(extensions, "cl_khr_fp16");
        return new DeviceInfo(id,
                deviceString(device, CL_DEVICE_NAME),
                deviceString(device, CL_DEVICE_VENDOR),
                kind(deviceLong(device, CL_DEVICE_TYPE)),
                platformString(platform, CL_PLATFORM_NAME),
                deviceString(device, CL_DEVICE_VERSION),
                deviceString(device, CL_DRIVER_VERSION),
                deviceInt(device, CL_DEVICE_MAX_COMPUTE_UNITS),
                deviceInt(device, CL_DEVICE_MAX_CLOCK_FREQUENCY),
                deviceLong(device, CL_DEVICE_GLOBAL_MEM_SIZE),
                deviceLong(device, CL_DEVICE_LOCAL_MEM_SIZE),
                deviceSize(device, CL_DEVICE_MAX_WORK_GROUP_SIZE),
                fp16, fp64);
    }

    private static String cString(byte[] bytes) {
        int len = 0;
        while (len < bytes.length && bytes[len] != 0) {
            len++;
        }
        return new String(bytes, 0, len, StandardCharsets.UTF_8).trim();
    }
}
