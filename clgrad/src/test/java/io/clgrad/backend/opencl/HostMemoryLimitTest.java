package io.clgrad.backend.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.clgrad.ChildJvm;
import io.clgrad.Device;
import io.clgrad.TestDevices;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Issue 9 item 3: an OpenCL allocation the host cannot back gives a DeviceOutOfMemoryException,
 * never a JVM abort (PoCL used to fail {@code Assertion 'p->mem_ptr != NULL'}, exit 134), and the
 * device keeps working. Each case runs {@link HostMemoryLimitMain} in a child JVM under
 * {@code ulimit -v}. With {@code CLGRAD_REQUIRE_OPENCL=1} a missing OpenCL device fails the test.
 */
class HostMemoryLimitTest {
    /** The child's ulimit -v in KiB: a small JVM with PoCL maps about 0.8 GB of it. */
    private static final long LIMIT_KIB = 3_000_000;

    /** clgrad's own guard: allocations stop while 512 MiB are left for the driver. */
    @Test
    void allocationBeyondTheAddressSpaceLimitThrowsAndTheDeviceKeepsWorking() throws Exception {
        String out = runChild(List.of());
        assertTrue(out.contains("out of host memory") && out.contains("ulimit -v"), out);
    }

    /** With clgrad's check off, the driver's own failure (CL_MEM_ALLOC_HOST_PTR makes it report one) is caught. */
    @Test
    void driverOutOfHostMemoryThrowsInsteadOfAborting() throws Exception {
        String out = runChild(List.of("-Dclgrad.opencl.hostReserveBytes=-1"), "prebuilt");
        assertTrue(out.contains("CL_OUT_OF_HOST_MEMORY"), out);
    }

    private static String runChild(List<String> jvmArgs, String... args) throws Exception {
        requireHostUnifiedOpenClDevice();
        List<String> options = new ArrayList<>(List.of("-Xmx64m", "-XX:+UseSerialGC",
                "-XX:ReservedCodeCacheSize=32m", "-XX:CompressedClassSpaceSize=64m", "-XX:MaxMetaspaceSize=128m"));
        options.addAll(jvmArgs);
        List<String> cmd = ChildJvm.command(options, HostMemoryLimitMain.class, args);
        StringBuilder line = new StringBuilder("ulimit -v " + LIMIT_KIB + " && exec");
        for (String c : cmd) {
            line.append(" '").append(c.replace("'", "'\\''")).append('\'');
        }
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", line.toString());
        pb.environment().put("MALLOC_ARENA_MAX", "2");   // glibc reserves 64 MiB of address space per arena
        ChildJvm.Result r = ChildJvm.run(pb, Duration.ofSeconds(120));
        String out = r.output();
        assertEquals(0, r.exitCode(), () -> "child JVM under ulimit -v " + LIMIT_KIB + " exited "
                + r.exitCode() + " (134 = abort):\n" + out);
        assertTrue(out.contains("host-limit-ok"), out);
        return out;
    }

    private static void requireHostUnifiedOpenClDevice() {
        assumeTrue(System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux"),
                "ulimit -v and /proc are Linux features");
        List<Device> devices = TestDevices.opencl();
        if (devices.isEmpty()) {
            if ("1".equals(System.getenv("CLGRAD_REQUIRE_OPENCL"))) {
                fail("CLGRAD_REQUIRE_OPENCL=1 but no OpenCL device initialised");
            }
            Assumptions.abort("no OpenCL device");
        }
        ClDevice d = ((OpenClBackend) Device.opencl(0).backend()).clDevice();
        assumeTrue(d.facts().hostUnifiedMemory(), "opencl:0 has its own memory; ulimit -v does not bound it");
    }
}
