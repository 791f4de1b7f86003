package io.clgrad.backend.opencl;

import java.util.HashMap;
import java.util.Map;

/**
 * OpenCL error codes and their names, and the one place that turns a non-zero status into an
 * {@link OpenClException}. Every JOCL call in this package runs with JOCL's own exceptions disabled
 * and passes its status through {@link #check}, so no raw {@code CLException} ever escapes.
 */
final class ClErrors {
    /** Status returned by the ICD loader when no platform is installed (cl_khr_icd). */
    static final int CL_PLATFORM_NOT_FOUND_KHR = -1001;
    static final int CL_DEVICE_NOT_FOUND = -1;
    static final int CL_MEM_OBJECT_ALLOCATION_FAILURE = -4;
    static final int CL_OUT_OF_RESOURCES = -5;
    static final int CL_OUT_OF_HOST_MEMORY = -6;
    static final int CL_BUILD_PROGRAM_FAILURE = -11;
    static final int CL_INVALID_BUFFER_SIZE = -61;

    private static final Map<Integer, String> NAMES = new HashMap<>();

    static {
        String[] core = {
            "CL_SUCCESS", "CL_DEVICE_NOT_FOUND", "CL_DEVICE_NOT_AVAILABLE", "CL_COMPILER_NOT_AVAILABLE",
            "CL_MEM_OBJECT_ALLOCATION_FAILURE", "CL_OUT_OF_RESOURCES", "CL_OUT_OF_HOST_MEMORY",
            "CL_PROFILING_INFO_NOT_AVAILABLE", "CL_MEM_COPY_OVERLAP", "CL_IMAGE_FORMAT_MISMATCH",
            "CL_IMAGE_FORMAT_NOT_SUPPORTED", "CL_BUILD_PROGRAM_FAILURE", "CL_MAP_FAILURE",
            "CL_MISALIGNED_SUB_BUFFER_OFFSET", "CL_EXEC_STATUS_ERROR_FOR_EVENTS_IN_WAIT_LIST",
            "CL_COMPILE_PROGRAM_FAILURE", "CL_LINKER_NOT_AVAILABLE", "CL_LINK_PROGRAM_FAILURE",
            "CL_DEVICE_PARTITION_FAILED", "CL_KERNEL_ARG_INFO_NOT_AVAILABLE",
        };
        for (int i = 0; i < core.length; i++) {
            NAMES.put(-i, core[i]);
        }
        String[] invalid = {
            "CL_INVALID_VALUE", "CL_INVALID_DEVICE_TYPE", "CL_INVALID_PLATFORM", "CL_INVALID_DEVICE",
            "CL_INVALID_CONTEXT", "CL_INVALID_QUEUE_PROPERTIES", "CL_INVALID_COMMAND_QUEUE",
            "CL_INVALID_HOST_PTR", "CL_INVALID_MEM_OBJECT", "CL_INVALID_IMAGE_FORMAT_DESCRIPTOR",
            "CL_INVALID_IMAGE_SIZE", "CL_INVALID_SAMPLER", "CL_INVALID_BINARY", "CL_INVALID_BUILD_OPTIONS",
            "CL_INVALID_PROGRAM", "CL_INVALID_PROGRAM_EXECUTABLE", "CL_INVALID_KERNEL_NAME",
            "CL_INVALID_KERNEL_DEFINITION", "CL_INVALID_KERNEL", "CL_INVALID_ARG_INDEX",
            "CL_INVALID_ARG_VALUE", "CL_INVALID_ARG_SIZE", "CL_INVALID_KERNEL_ARGS",
            "CL_INVALID_WORK_DIMENSION", "CL_INVALID_WORK_GROUP_SIZE", "CL_INVALID_WORK_ITEM_SIZE",
            "CL_INVALID_GLOBAL_OFFSET", "CL_INVALID_EVENT_WAIT_LIST", "CL_INVALID_EVENT",
            "CL_INVALID_OPERATION", "CL_INVALID_GL_OBJECT", "CL_INVALID_BUFFER_SIZE", "CL_INVALID_MIP_LEVEL",
            "CL_INVALID_GLOBAL_WORK_SIZE", "CL_INVALID_PROPERTY", "CL_INVALID_IMAGE_DESCRIPTOR",
            "CL_INVALID_COMPILER_OPTIONS", "CL_INVALID_LINKER_OPTIONS", "CL_INVALID_DEVICE_PARTITION_COUNT",
            "CL_INVALID_PIPE_SIZE", "CL_INVALID_DEVICE_QUEUE", "CL_INVALID_SPEC_ID",
            "CL_MAX_SIZE_RESTRICTION_EXCEEDED",
        };
        for (int i = 0; i < invalid.length; i++) {
            NAMES.put(-30 - i, invalid[i]);
        }
        String[] khr = {
            "CL_INVALID_GL_SHAREGROUP_REFERENCE_KHR", "CL_PLATFORM_NOT_FOUND_KHR",
            "CL_INVALID_D3D10_DEVICE_KHR", "CL_INVALID_D3D10_RESOURCE_KHR",
            "CL_D3D10_RESOURCE_ALREADY_ACQUIRED_KHR", "CL_D3D10_RESOURCE_NOT_ACQUIRED_KHR",
            "CL_INVALID_D3D11_DEVICE_KHR", "CL_INVALID_D3D11_RESOURCE_KHR",
            "CL_D3D11_RESOURCE_ALREADY_ACQUIRED_KHR", "CL_D3D11_RESOURCE_NOT_ACQUIRED_KHR",
            "CL_INVALID_DX9_MEDIA_ADAPTER_KHR", "CL_INVALID_DX9_MEDIA_SURFACE_KHR",
            "CL_DX9_MEDIA_SURFACE_ALREADY_ACQUIRED_KHR", "CL_DX9_MEDIA_SURFACE_NOT_ACQUIRED_KHR",
        };
        for (int i = 0; i < khr.length; i++) {
            NAMES.put(-1000 - i, khr[i]);
        }
        NAMES.put(-1057, "CL_DEVICE_PARTITION_FAILED_EXT");
        NAMES.put(-1058, "CL_INVALID_PARTITION_COUNT_EXT");
        NAMES.put(-1059, "CL_INVALID_PARTITION_NAME_EXT");
        NAMES.put(-1092, "CL_EGL_RESOURCE_NOT_ACQUIRED_KHR");
        NAMES.put(-1093, "CL_INVALID_EGL_OBJECT_KHR");
        NAMES.put(-1094, "CL_INVALID_ACCELERATOR_INTEL");
        NAMES.put(-1095, "CL_INVALID_ACCELERATOR_TYPE_INTEL");
        NAMES.put(-1096, "CL_INVALID_ACCELERATOR_DESCRIPTOR_INTEL");
        NAMES.put(-1097, "CL_ACCELERATOR_TYPE_NOT_SUPPORTED_INTEL");
        NAMES.put(-1098, "CL_INVALID_VA_API_MEDIA_ADAPTER_INTEL");
        NAMES.put(-1099, "CL_INVALID_VA_API_MEDIA_SURFACE_INTEL");
        NAMES.put(-1100, "CL_VA_API_MEDIA_SURFACE_ALREADY_ACQUIRED_INTEL");
        NAMES.put(-1101, "CL_VA_API_MEDIA_SURFACE_NOT_ACQUIRED_INTEL");
        NAMES.put(-1138, "CL_INVALID_COMMAND_BUFFER_KHR");
        NAMES.put(-1139, "CL_INVALID_SYNC_POINT_WAIT_LIST_KHR");
        NAMES.put(-1140, "CL_INCOMPATIBLE_COMMAND_QUEUE_KHR");
        NAMES.put(-1141, "CL_INVALID_MUTABLE_COMMAND_KHR");
        // Not in any header: what NVIDIA's driver reports after a kernel touched memory it must not.
        NAMES.put(-9999, "NVIDIA_ILLEGAL_MEMORY_ACCESS");
    }

    private ClErrors() {
    }

    /** The symbolic name of a status code, e.g. {@code CL_OUT_OF_RESOURCES}. */
    static String name(int code) {
        String n = NAMES.get(code);
        return n != null ? n : "CL_UNKNOWN_ERROR";
    }

    /** "CL_OUT_OF_RESOURCES (-5)". */
    static String describe(int code) {
        return name(code) + " (" + code + ")";
    }

    /** Whether a status means the device (or, for host-unified memory, the host) ran out of memory for a buffer. */
    static boolean isOutOfMemory(int code) {
        return code == CL_MEM_OBJECT_ALLOCATION_FAILURE || code == CL_OUT_OF_RESOURCES || code == CL_OUT_OF_HOST_MEMORY;
    }

    /**
     * Whether a status means a call could not get the memory it needed, so that it is reported as a
     * {@code DeviceOutOfMemoryException}: {@code CL_MEM_OBJECT_ALLOCATION_FAILURE} or
     * {@code CL_OUT_OF_HOST_MEMORY}. {@code CL_OUT_OF_RESOURCES} is not one: on GPUs it also means a
     * launch or transfer the device refuses for other reasons, and stays an {@link OpenClException}.
     */
    static boolean isAllocationFailure(int code) {
        return code == CL_MEM_OBJECT_ALLOCATION_FAILURE || code == CL_OUT_OF_HOST_MEMORY;
    }

    /** Throws when {@code code} is not CL_SUCCESS. {@code where} names the device, or null. */
    static void check(int code, String call, String where) {
        if (code != 0) {
            throw new OpenClException(call, code, null, where);
        }
    }

    /** Like {@link #check(int, String, String)} for a call made on behalf of a kernel. */
    static void check(int code, String call, String kernel, String where) {
        if (code != 0) {
            throw new OpenClException(call, code, kernel, where);
        }
    }
}
