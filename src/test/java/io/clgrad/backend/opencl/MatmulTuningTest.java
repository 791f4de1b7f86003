package io.clgrad.backend.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clgrad.backend.DeviceInfo;
import io.clgrad.backend.DeviceKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The tuning table's overrides, the files {@code clgrad tune} writes, and the tuner on each OpenCL device. */
class MatmulTuningTest {

    private static DeviceInfo info(DeviceKind kind, String vendor) {
        return new DeviceInfo("opencl:9", "Test device", vendor, kind, "Test platform", "OpenCL 3.0", "1.0",
                4, 1000, 1L << 30, 65536, 1024, false, false);
    }

    @Test
    void cpuDevicesGetAVectorBlockThatFitsTheirRegisters() {
        DeviceTuning avx512 = DeviceTuning.builtIn(info(DeviceKind.OPENCL_CPU, "AMD"), 16);
        DeviceTuning avx2 = DeviceTuning.builtIn(info(DeviceKind.OPENCL_CPU, "Intel"), 8);
        assertEquals(16, avx512.mvVw());
        assertEquals(8, avx2.mvVw());
        assertTrue(avx2.mvRows() * avx2.mvVn() <= 14, "AVX2 has 16 vector registers");
        assertEquals(-1, DeviceTuning.builtIn(info(DeviceKind.OPENCL_GPU, "NVIDIA Corporation"), 1).mvMinMflop());
    }

    @Test
    void overridesNameBadKeysAndValues() {
        DeviceTuning t = DeviceTuning.builtIn(info(DeviceKind.OPENCL_CPU, "AMD"), 16);
        DeviceTuning o = DeviceTuning.override(t, "mvRows=4, mvVw=8");
        assertEquals(4, o.mvRows());
        assertEquals(8, o.mvVw());
        assertEquals(t.mmWgM(), o.mmWgM());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> DeviceTuning.override(t, "mvRowz=4"))
                .getMessage().contains("unknown key mvRowz"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> DeviceTuning.override(t, "mvVw=5"))
                .getMessage().contains("mvVw is 4, 8 or 16"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> DeviceTuning.override(t, "mmWgM=x"))
                .getMessage().contains("mmWgM is not an integer"));
        // the spec a tuning file stores reproduces the row's matmul fields
        DeviceTuning back = DeviceTuning.override(DeviceTuning.builtIn(info(DeviceKind.OPENCL_GPU, "AMD"), 1),
                o.matmulSpec());
        assertEquals(o.matmulSpec(), back.matmulSpec());
    }

    @Test
    void aSavedResultIsAppliedAndABadOneIgnored(@TempDir Path dir) throws Exception {
        DeviceInfo cpu = info(DeviceKind.OPENCL_CPU, "AMD");
        TuningFile file = TuningFile.at(dir.resolve("tuning").resolve("test.properties"));
        assertEquals(DeviceTuning.builtIn(cpu, 16).matmulSpec(), DeviceTuning.lookup(cpu, 16, file).matmulSpec());

        file.saveMatmul("mvRows=12,mvVn=1,mvWgM=64", "test");
        DeviceTuning tuned = DeviceTuning.lookup(cpu, 16, file);
        assertEquals(12, tuned.mvRows());
        assertEquals(1, tuned.mvVn());
        assertEquals(64, tuned.mvWgM());
        assertTrue(tuned.name().endsWith("+tuned"), tuned.name());
        try (var files = Files.list(file.path().getParent())) {
            assertEquals(1, files.count(), "the atomic save leaves no temporary file");
        }

        Files.writeString(file.path(), "matmul=mvRows=banana\n");
        assertEquals(DeviceTuning.builtIn(cpu, 16).matmulSpec(), DeviceTuning.lookup(cpu, 16, file).matmulSpec());
        assertTrue(file.delete());
        assertFalse(file.delete());
    }

    static List<OpenClBackend> devices() {
        return OpenClErrorsTest.devices();
    }

    /** A quick tuning run measures every candidate, and each one that works passed the reference check. */
    @ParameterizedTest(name = "{0}", allowZeroInvocations = true, autoCloseArguments = false)
    @MethodSource("devices")
    void theTunerChecksAndTimesEveryCandidate(OpenClBackend backend) throws Exception {
        List<MatmulTuner.Candidate> seen = new ArrayList<>();
        MatmulTuner tuner = new MatmulTuner(backend);
        MatmulTuner.Result r = tuner.tune(96, true, false, seen::add);
        assertFalse(r.saved());
        assertEquals(tuner.candidates(true).size(), seen.size());
        assertTrue(seen.size() >= 4, "too few candidates: " + seen);
        for (MatmulTuner.Candidate c : seen) {
            assertTrue(c.error() == null ? c.gflops() > 0 : Double.isNaN(c.gflops()), c.toString());
            assertNull(c.error(), "a built-in candidate failed: " + c);
        }
        assertTrue(r.best().gflops() >= r.current().gflops(), "best " + r.best() + " vs current " + r.current());
        // the winning configuration round-trips through the override syntax
        DeviceTuning best = DeviceTuning.override(backend.clDevice().tuning(), r.best().spec());
        assertEquals(r.best().spec(), best.matmulSpec());
    }
}
