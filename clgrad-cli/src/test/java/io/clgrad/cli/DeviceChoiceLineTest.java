package io.clgrad.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.clgrad.ChildJvm;
import io.clgrad.Device;
import io.clgrad.TestDevices;
import io.clgrad.backend.DeviceKind;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Issue 9 item 11: {@code clgrad train} without {@code --device} says in one line why it chose its
 * device, and when the only OpenCL devices are CPU devices the reason names them.
 */
class DeviceChoiceLineTest {

    @Test
    void trainSaysWhyItChoseTheDevice() {
        TrainCommandTest.Run r = TrainCommandTest.run("train", "--samples", "64", "--epochs", "1");
        assertEquals(0, r.code(), r.err());
        String best = Device.best().id();
        assertTrue(r.out().contains("device: " + best + " (" + Device.best().info().name() + ")\n  why: "
                + Device.bestReason() + "\n"), r.out());
    }

    /**
     * Runs where the only OpenCL devices are CPU devices (PoCL); skipped, not passed, elsewhere, and
     * a failure without any OpenCL device under {@code CLGRAD_REQUIRE_OPENCL=1}.
     */
    @Test
    void theReasonNamesTheOpenClCpuDevicesPassedOver() {
        boolean anyOpenCl = !TestDevices.opencl().isEmpty();
        if ("1".equals(System.getenv("CLGRAD_REQUIRE_OPENCL"))) {
            assertTrue(anyOpenCl, "CLGRAD_REQUIRE_OPENCL=1 but no OpenCL device initialised");
        }
        assumeTrue(anyOpenCl, "no OpenCL device: the reason is about missing OpenCL (covered elsewhere)");
        assumeTrue(TestDevices.opencl().stream().allMatch(d -> d.info().kind() == DeviceKind.OPENCL_CPU),
                "an OpenCL GPU is present: the reason is about it");
        String env = System.getenv("CLGRAD_DEVICE");
        assumeTrue((env == null || env.isBlank()) && System.getProperty("clgrad.device") == null,
                "CLGRAD_DEVICE or -Dclgrad.device chooses the device");
        String why = Device.bestReason();
        assertEquals("cpu", Device.best().id());
        assertTrue(why.contains("opencl:0 (" + Device.opencl(0).info().name() + ")")
                && why.contains("so the Java backend is used"), why);
    }

    /** A bad CLGRAD_DEVICE is named as the culprit (a child JVM, since the environment is read once). */
    @Test
    void aBadClgradDeviceNamesTheVariable() throws Exception {
        for (String value : new String[] {"garbage", "opencl:7"}) {
            ProcessBuilder pb = ChildJvm.builder(BestMain.class);
            pb.environment().put("CLGRAD_DEVICE", value);
            ChildJvm.Result r = ChildJvm.run(pb, Duration.ofSeconds(60));
            assertEquals(0, r.exitCode(), r.output());
            assertTrue(r.output().contains("IllegalArgumentException: CLGRAD_DEVICE=" + value + ": "), r.output());
        }
    }

    /** Run by {@link #aBadClgradDeviceNamesTheVariable}: prints what Device.best() throws. */
    static final class BestMain {
        public static void main(String[] args) {
            try {
                System.out.println("best: " + Device.best());
            } catch (IllegalArgumentException e) {
                System.out.println(e);
            }
            System.exit(0);
        }
    }
}
