package io.clgrad.backend.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clgrad.backend.Backend;
import io.clgrad.backend.BackendRegistry;
import io.clgrad.backend.DeviceOutOfMemoryException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** OpenCL failures surface as {@link OpenClException}s naming the call, the code's name and the kernel. */
class OpenClErrorsTest {

    static List<OpenClBackend> devices() {
        return BackendRegistry.get().backends().stream()
                .filter(b -> b instanceof OpenClBackend).map(b -> (OpenClBackend) b).toList();
    }

    @ParameterizedTest(name = "{0}", allowZeroInvocations = true, autoCloseArguments = false)
    @MethodSource("devices")
    void aFailedBuildNamesTheCallTheCodeAndShowsTheLog(OpenClBackend backend) {
        OpenClException e = assertThrows(OpenClException.class,
                () -> backend.programs().program("elementwise", "-Dfloat=no_such_type_t"));
        assertTrue(e.getMessage().startsWith("clBuildProgram failed: CL_BUILD_PROGRAM_FAILURE (-11)"), e.getMessage());
        assertTrue(e.getMessage().contains("no_such_type_t"), "the build log is missing: " + e.getMessage());
        assertEquals("CL_BUILD_PROGRAM_FAILURE", e.codeName());
        // The device still works afterwards: the good program builds and runs.
        Backend b = backend;
        var buf = b.allocate(io.clgrad.backend.ElementType.F32, 4);
        try {
            b.fill(buf, 4, 2.5);
            float[] out = new float[4];
            b.read(buf, 0, out, 0, 4);
            assertEquals(2.5f, out[3]);
        } finally {
            b.free(buf);
        }
    }

    @Test
    void messageNamesCallCodeKernelAndDevice() {
        OpenClException e = new OpenClException("clEnqueueNDRangeKernel", -5, "matmul_tiled", "opencl:0 (GPU)");
        assertEquals("clEnqueueNDRangeKernel failed: CL_OUT_OF_RESOURCES (-5) in kernel matmul_tiled on opencl:0 (GPU)",
                e.getMessage());
        assertEquals("CL_MEM_OBJECT_ALLOCATION_FAILURE", ClErrors.name(-4));
        assertEquals("CL_INVALID_KERNEL_ARGS", ClErrors.name(-52));
    }

    @Test
    void bothAllocationFailureCodesAreOutOfMemoryButOutOfResourcesIsNot() {
        assertTrue(ClErrors.isAllocationFailure(ClErrors.CL_MEM_OBJECT_ALLOCATION_FAILURE));
        assertTrue(ClErrors.isAllocationFailure(ClErrors.CL_OUT_OF_HOST_MEMORY));
        assertFalse(ClErrors.isAllocationFailure(ClErrors.CL_OUT_OF_RESOURCES));
        assertFalse(ClErrors.isAllocationFailure(0));
    }

    /** A transfer that fails with CL_OUT_OF_HOST_MEMORY is a DeviceOutOfMemoryException, as a launch is (was an OpenClException). */
    @ParameterizedTest(name = "{0}", allowZeroInvocations = true, autoCloseArguments = false)
    @MethodSource("devices")
    void aTransferOutOfHostMemoryIsDeviceOutOfMemory(OpenClBackend backend) {
        ClDevice device = backend.clDevice();
        BufferCopies transfers = new BufferCopies(device, new BufferPool(device, backend));
        for (int rc : new int[] {ClErrors.CL_MEM_OBJECT_ALLOCATION_FAILURE, ClErrors.CL_OUT_OF_HOST_MEMORY}) {
            DeviceOutOfMemoryException e = assertThrows(DeviceOutOfMemoryException.class,
                    () -> transfers.failIfOutOfMemory(rc, "clEnqueueReadBuffer", 4096));
            assertEquals(4096, e.allocation().requestedBytes());
            assertTrue(e.getMessage().contains(ClErrors.name(rc)) || String.valueOf(e.getCause()).contains(ClErrors.name(rc)),
                    e.getMessage());
        }
        transfers.failIfOutOfMemory(ClErrors.CL_OUT_OF_RESOURCES, "clEnqueueReadBuffer", 4096);   // left to ClErrors.check
    }
}
