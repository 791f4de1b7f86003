package io.clgrad.backend.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clgrad.backend.DeviceKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Which OpenCL devices get host-heap buffers ({@code CL_MEM_ALLOC_HOST_PTR} and the address-space guard). */
class ClDeviceTest {
    @Test
    void onlyCpuDevicesAllocateFromTheHostHeap() {
        assertTrue(ClDevice.allocatesFromHostHeap(DeviceKind.OPENCL_CPU));
        // an integrated GPU reports CL_DEVICE_HOST_UNIFIED_MEMORY too, but keeps plain CL_MEM_READ_WRITE
        assertFalse(ClDevice.allocatesFromHostHeap(DeviceKind.OPENCL_GPU));
        assertFalse(ClDevice.allocatesFromHostHeap(DeviceKind.OPENCL_ACCELERATOR));
    }

    @ParameterizedTest(name = "{0}", allowZeroInvocations = true, autoCloseArguments = false)
    @MethodSource("io.clgrad.backend.opencl.OpenClErrorsTest#devices")
    void aDeviceAnswersByItsKind(OpenClBackend backend) {
        ClDevice d = backend.clDevice();
        assertEquals(d.info().kind() == DeviceKind.OPENCL_CPU, d.allocatesFromHostHeap(), d.label());
    }
}
