package io.clgrad.backend.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clgrad.backend.DeviceInfo;
import io.clgrad.backend.DeviceKind;
import io.clgrad.backend.Tuner;
import io.clgrad.backend.TuningFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
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

        file.save(DeviceTuning.MATMUL_KEY, "mvRows=12,mvVn=1,mvWgM=64", "test");
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

    @Test
    void aTuningFileIsPrivateAndAnUntrustedOneIgnored(@TempDir Path dir) throws Exception {
        DeviceInfo cpu = info(DeviceKind.OPENCL_CPU, "AMD");
        String builtIn = DeviceTuning.builtIn(cpu, 16).matmulSpec();
        Path folder = dir.resolve("tuning");
        TuningFile file = TuningFile.at(folder.resolve("test.properties"));
        file.save(DeviceTuning.MATMUL_KEY, "mvRows=12,mvVn=1,mvWgM=64", "test");
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(folder)));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file.path())));
        try (var files = Files.list(folder)) {
            assertEquals(1, files.count(), "no key or temporary file beside the tuning file");
        }
        assertEquals(12, DeviceTuning.lookup(cpu, 16, file).mvRows());

        // its values become kernel build options: a file others may write is not trusted
        Files.setPosixFilePermissions(file.path(), PosixFilePermissions.fromString("rw-rw-rw-"));
        assertEquals(builtIn, DeviceTuning.lookup(cpu, 16, file).matmulSpec());

        // nor a link to a file elsewhere
        Path elsewhere = dir.resolve("planted.properties");
        Files.writeString(elsewhere, "matmul=mvRows=12\n");
        Files.delete(file.path());
        Files.createSymbolicLink(file.path(), elsewhere);
        assertEquals(builtIn, DeviceTuning.lookup(cpu, 16, file).matmulSpec());
        Files.delete(file.path());

        // a folder others may use is made private again before the file is read
        file.save(DeviceTuning.MATMUL_KEY, "mvRows=12,mvVn=1,mvWgM=64", "test");
        Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertEquals(12, DeviceTuning.lookup(cpu, 16, file).mvRows());
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(folder)));
    }

    static List<OpenClBackend> devices() {
        return OpenClErrorsTest.devices();
    }

    /** A quick tuning run measures every candidate, and each one that works passed the reference check. */
    @ParameterizedTest(name = "{0}", allowZeroInvocations = true, autoCloseArguments = false)
    @MethodSource("devices")
    void theTunerChecksAndTimesEveryCandidate(OpenClBackend backend) throws Exception {
        List<Tuner.Candidate> seen = new ArrayList<>();
        MatmulTuner tuner = assertInstanceOf(MatmulTuner.class, backend.tuner().orElseThrow(),
                "an OpenCL backend offers its matmul tuner through the SPI");
        Tuner.Result r = tuner.tune(96, true, false, seen::add);
        assertFalse(r.saved());
        assertEquals(tuner.candidates(true).size(), seen.size());
        assertTrue(seen.size() >= 4, "too few candidates: " + seen);
        for (Tuner.Candidate c : seen) {
            assertTrue(c.error() == null ? c.gflops() > 0 : Double.isNaN(c.gflops()), c.toString());
            assertNull(c.error(), "a built-in candidate failed: " + c);
        }
        assertTrue(r.best().gflops() >= r.current().gflops(), "best " + r.best() + " vs current " + r.current());
        // the winning configuration round-trips through the override syntax
        DeviceTuning best = DeviceTuning.override(backend.clDevice().tuning(), r.best().config());
        assertEquals(r.best().config(), best.matmulSpec());
    }

    /**
     * Every kernel variant on every OpenCL device, whatever its table picks (CI's PoCL would otherwise
     * never run the GPU kernel): plain, transposed, fused bias+ReLU, split-K and narrow products
     * against a double-precision reference.
     */
    @ParameterizedTest(name = "{0}", allowZeroInvocations = true, autoCloseArguments = false)
    @MethodSource("devices")
    void everyKernelVariantIsCorrectOnThisDevice(OpenClBackend backend) {
        DeviceTuning row = backend.clDevice().tuning();
        String[] variants = {"mmKernel=tiled,mvMinMflop=-1", "mmKernel=tiled,mmWgM=4,mmWgN=4,mmWptM=2,mmWptN=2,mmTileK=8,mvMinMflop=-1",
            "mmKernel=direct,mvMinMflop=-1", "mmKernel=direct,mvMinMflop=0,mvRows=3,mvVw=4,mvVn=1,mvWgM=4"};
        int[][] shapes = {{37, 67, 29}, {1, 1, 1}, {10, 2, 4096}, {1, 10, 1031}, {300, 3, 17}, {64, 40, 0}};
        java.util.Random r = new java.util.Random(11);
        for (String v : variants) {
            MatmulOps ops = backend.matmulOps(DeviceTuning.override(row, v));
            for (int[] d : shapes) {
                for (int layout = 0; layout < 3; layout++) {
                    int m = d[0];
                    int n = d[1];
                    int k = d[2];
                    boolean ta = layout == 1;
                    boolean tb = layout == 2;
                    boolean bias = (m + layout) % 2 == 0;
                    boolean relu = layout != 0;
                    float[] a = new float[Math.max(1, m * k)];
                    float[] b = new float[Math.max(1, k * n)];
                    float[] bv = new float[n];
                    for (int i = 0; i < a.length; i++) {
                        a[i] = r.nextFloat() * 2 - 1;
                    }
                    for (int i = 0; i < b.length; i++) {
                        b[i] = r.nextFloat() * 2 - 1;
                    }
                    for (int i = 0; i < n; i++) {
                        bv[i] = r.nextFloat() * 2 - 1;
                    }
                    // A is [m, k] (stored [k, m] when ta), B is [k, n] (stored [n, k] when tb)
                    io.clgrad.backend.MatmulSpec spec = new io.clgrad.backend.MatmulSpec(1, m, n, k, 0, 0,
                            ta ? 1 : k, ta ? m : 1, 0, 0, tb ? 1 : n, tb ? k : 1);
                    float[] got = MatmulTuner.product(backend, ops, spec, a, b, bias ? bv : null, relu, m * n);
                    for (int i = 0; i < m; i++) {
                        for (int j = 0; j < n; j++) {
                            double want = bias ? bv[j] : 0;
                            for (int p = 0; p < k; p++) {
                                want += (double) a[ta ? p * m + i : i * k + p] * b[tb ? j * k + p : p * n + j];
                            }
                            if (relu && want < 0) {
                                want = 0;
                            }
                            double err = Math.abs(got[i * n + j] - want);
                            assertTrue(err <= 1e-5 * Math.sqrt(k + 1) * 8 + 1e-5 * Math.abs(want),
                                    v + ": " + m + "x" + n + "x" + k + " layout " + layout + (bias ? " +bias" : "")
                                            + (relu ? " relu" : "") + " at [" + i + ", " + j + "]: " + got[i * n + j]
                                            + " vs " + want);
                        }
                    }
                }
            }
        }
    }
}
