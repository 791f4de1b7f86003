package io.clgrad;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The device names that {@link TestsPerDeviceListener} finds in display names. */
class TestsPerDeviceListenerTest {
    @Test
    void devicesAreFoundInDisplayNames() {
        assertEquals("cpu", TestsPerDeviceListener.deviceOf("cpu"));
        assertEquals("opencl:0", TestsPerDeviceListener.deviceOf("opencl:0"));
        assertEquals("opencl:12", TestsPerDeviceListener.deviceOf("[3] opencl:12, 64x64"));
        assertEquals("cpu", TestsPerDeviceListener.deviceOf("[1] cpu, keepdim=true"));
        assertEquals("no device", TestsPerDeviceListener.deviceOf("cpu-mutant softmax"));
        assertEquals("no device", TestsPerDeviceListener.deviceOf("cpus and opencl:x"));
        assertEquals("no device", TestsPerDeviceListener.deviceOf("sum drops the last element of an all-reduce"));
    }
}
