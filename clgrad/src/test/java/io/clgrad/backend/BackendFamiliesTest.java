package io.clgrad.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clgrad.ChildJvm;
import io.clgrad.TestDevices;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code CLGRAD_BACKENDS} limits which backend families load: {@code cpu} keeps a CPU-only program
 * from loading the OpenCL driver at all (no JOCL class is loaded), and an unknown family is an error
 * that names the setting. Each case runs in a child JVM, since discovery happens once per process.
 */
class BackendFamiliesTest {
    private static ChildJvm.Result run(String value) throws Exception {
        // the class-load log shows whether the JOCL binding (and so the OpenCL driver) was touched
        ProcessBuilder pb = new ProcessBuilder(ChildJvm.command(List.of("-Xlog:class+load=info"), ListMain.class));
        pb.environment().put(BackendRegistry.FAMILIES_VARIABLE, value);
        pb.environment().remove("CLGRAD_DEVICE");
        return ChildJvm.run(pb, Duration.ofSeconds(60));
    }

    @Test
    void cpuAloneLoadsNoOpenClEvenWhereADriverWorks() throws Exception {
        ChildJvm.Result r = run("cpu");
        assertEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().contains("backends: [cpu]"), r.output());
        assertFalse(r.output().contains("org.jocl."), "a JOCL class was loaded");
        if (!TestDevices.opencl().isEmpty()) {   // this JVM found OpenCL devices: the child left them out
            ChildJvm.Result all = run("cpu,opencl");
            assertEquals(0, all.exitCode(), all.output());
            assertTrue(all.output().contains("backends: [cpu, opencl:0"), all.output());
            assertTrue(all.output().contains("org.jocl."), "the same check sees JOCL when OpenCL loads");
        }
    }

    @Test
    void anUnknownFamilyIsAnErrorNamingTheSetting() throws Exception {
        ChildJvm.Result r = run("cpu,cuda");
        assertEquals(3, r.exitCode(), r.output());
        assertTrue(r.output().contains("CLGRAD_BACKENDS=cpu,cuda: unknown backend family 'cuda' (known: cpu, opencl)"),
                r.output());
    }

    /** Run by the tests above in a child JVM. */
    static final class ListMain {
        public static void main(String[] args) {
            try {
                BackendRegistry r = BackendRegistry.get();
                System.out.println("backends: " + r.backends().stream().map(Backend::id).toList());
                System.exit(0);
            } catch (IllegalArgumentException e) {
                System.out.println(e.getMessage());
                System.exit(3);
            }
        }

    }
}
