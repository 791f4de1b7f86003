package io.clgrad;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clgrad.backend.BackendRegistry;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * When the CPU backend fails to initialise, {@link Device#cpu()} (and {@link Device#best()} when it
 * would pick the CPU) throws an {@link IllegalStateException} naming the reason; it used to hand a
 * null backend on and fail with "NullPointerException: Cannot invoke Backend.id() because backend is
 * null".
 */
class DeviceCpuMissingTest {

    @Test
    void aMissingCpuBackendIsAnIllegalStateNamingTheReason() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Device.requireCpu(null,
                List.of("opencl: no platform", "cpu: backend unavailable: java.lang.IllegalArgumentException: boom")));
        assertEquals("the Java CPU backend failed to initialise: cpu: backend unavailable:"
                + " java.lang.IllegalArgumentException: boom", e.getMessage());
        e = assertThrows(IllegalStateException.class, () -> Device.requireCpu(null, List.of()));
        assertEquals("the Java CPU backend failed to initialise: no CPU backend provider was found on the class path",
                e.getMessage());
    }

    @Test
    void aPresentCpuBackendIsTheCpuDevice() {
        Device cpu = Device.requireCpu(BackendRegistry.get().byId("cpu"), List.of());
        assertTrue(cpu.isCpu());
        assertTrue(cpu == Device.cpu());
    }
}
