package io.clgrad.backend;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * CI's guard that the OpenCL path really runs: with {@code CLGRAD_REQUIRE_OPENCL=1} this FAILS
 * (never skips) unless the registry holds at least one backend other than "cpu", and the message
 * carries the registry's problems. Without the variable it only requires the CPU backend.
 */
class OpenClRequiredTest {

    @Test
    void openClBackendPresentWhenRequired() {
        BackendRegistry reg = BackendRegistry.get();
        assertNotNull(reg.byId("cpu"), () -> "the cpu backend is missing; problems: " + reg.problems());
        if (!"1".equals(System.getenv("CLGRAD_REQUIRE_OPENCL"))) {
            return;
        }
        List<Backend> openCl = reg.backends().stream().filter(b -> !b.id().equals("cpu")).toList();
        assertFalse(openCl.isEmpty(), () -> "CLGRAD_REQUIRE_OPENCL=1 but no OpenCL backend initialised; backends: "
                + reg.backends().stream().map(Backend::id).toList() + "; problems: " + reg.problems());
        for (Backend b : openCl) {
            assertTrue(b.info().kind() != DeviceKind.JAVA_CPU, () -> b.id() + " reports kind JAVA_CPU");
            // kernels must build on the device that CI runs on
            assertTrue(b.prepareKernels() >= 0, () -> b.id() + ": prepareKernels returned a negative time");
        }
    }
}
