package io.clgrad.backend.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clgrad.backend.conformance.ConvTunerRuns;
import io.clgrad.backend.Tuner;
import io.clgrad.backend.TuningFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The OpenCL conv tuning ({@link ClConvConfig}: conv.cl's work-group sizes and channels per im2col
 * work-item): every candidate the
 * tuner tries, and odd sizes, run the im2col and col2im conformance tables against the double
 * reference on every OpenCL device ({@link ConvTunerRuns#check}, what the tuner runs before timing);
 * a quick dry run of the tuner measures every candidate and sets the configuration in use back; the
 * syntax, and a saved, a bad and an overridden tuning file.
 */
class ClConvTuningTest {

    static List<OpenClBackend> devices() {
        return OpenClErrorsTest.devices();
    }

    @ParameterizedTest(name = "{0}", allowZeroInvocations = true, autoCloseArguments = false)
    @MethodSource("devices")
    void everyCandidateMatchesTheConvConformanceTables(OpenClBackend backend) {
        ConvOps ops = backend.convOps();
        ClConvConfig inUse = ops.config();
        List<ClConvConfig> configs = new ArrayList<>(ClConvConfig.candidates(false,
                backend.info().maxWorkGroupSize()));
        configs.add(new ClConvConfig(1, 1, 3));
        configs.add(new ClConvConfig(3, 7, 64));
        configs.add(new ClConvConfig(4096, 4096, 5));   // capped by the kernel's limit at launch
        try {
            for (ClConvConfig c : configs) {
                ops.configure(c);
                assertNull(ConvTunerRuns.check(backend), c.spec());
            }
        } finally {
            ops.configure(inUse);
        }
    }

    @ParameterizedTest(name = "{0}", allowZeroInvocations = true, autoCloseArguments = false)
    @MethodSource("devices")
    void aQuickDryRunMeasuresEveryCandidateAndChangesNothing(OpenClBackend backend) throws Exception {
        Tuner tuner = assertInstanceOf(MatmulTuner.class, backend.tuner().orElseThrow());
        ClConvConfig inUse = backend.convOps().config();
        List<Tuner.Candidate> seen = new ArrayList<>();
        Tuner.Result r = tuner.tuneConv(true, false, seen::add).orElseThrow();
        assertEquals(ClConvConfig.candidates(true, backend.info().maxWorkGroupSize()).size(), seen.size());
        for (Tuner.Candidate c : seen) {
            assertNull(c.error(), c.toString());
            assertTrue(c.gflops() > 0, c.toString());
        }
        assertEquals(inUse.spec(), r.current().config());
        assertTrue(!r.saved());
        assertEquals(inUse, backend.convOps().config(), "the tuner sets the configuration in use back");
        assertTrue(tuner.convInUse().startsWith(inUse.spec() + " ("), tuner.convInUse());
    }

    /** What parsing {@code spec} over the built-in configuration throws. */
    private static IllegalArgumentException thrown(String spec) {
        try {
            ClConvConfig.parse(spec, ClConvConfig.AUTO);
        } catch (IllegalArgumentException e) {
            return e;
        }
        throw new AssertionError(spec + " parsed");
    }

    @Test
    void theSyntaxAndASavedABadAndAnOverriddenFile(@TempDir Path dir) throws Exception {
        assertEquals("im2colWg=auto,col2imWg=auto,im2colCpi=1", ClConvConfig.AUTO.spec());
        assertEquals(new ClConvConfig(64, 0, 1), ClConvConfig.parse("im2colWg=64", ClConvConfig.AUTO));
        assertEquals(new ClConvConfig(0, 32, 8), ClConvConfig.parse(" im2colWg=auto , col2imWg = 32,im2colCpi=8",
                new ClConvConfig(64, 0, 1)));
        assertEquals("OpenCL conv configuration: im2colCpi = 0 channels per work-item is outside 1 to 64",
                thrown("im2colCpi=0").getMessage());
        assertEquals("OpenCL conv configuration: im2colCpi is a channel count, not 'auto'",
                thrown("im2colCpi=auto").getMessage());
        assertEquals("OpenCL conv configuration: expected im2colWg=N, col2imWg=N (N a work-group size or auto) or "
                + "im2colCpi=N, got 'wg=4'", thrown("wg=4").getMessage());
        assertEquals("OpenCL conv configuration: col2imWg = 5000 is outside 1 to 4096 (or auto)",
                thrown("col2imWg=5000").getMessage());
        assertTrue(ClConvConfig.candidates(false, 256).stream().allMatch(c -> c.im2colWg() <= 256
                && c.col2imWg() <= 256));

        TuningFile file = TuningFile.at(dir.resolve("tuning").resolve("dev.properties"));
        assertEquals("im2colWg=auto,col2imWg=auto,im2colCpi=1 (built-in)", ClConvConfig.resolve(file, "").inUse());
        file.save(DeviceTuning.MATMUL_KEY, "mvRows=12", "test");
        file.save(ClConvConfig.KEY, "im2colWg=128", "test");
        ClConvConfig.Resolved tuned = ClConvConfig.resolve(file, "");
        assertEquals(new ClConvConfig(128, 0, 1), tuned.config());
        assertEquals("im2colWg=128,col2imWg=auto,im2colCpi=1 (tuned: " + file.path() + ")", tuned.inUse());
        assertEquals("mvRows=12", file.value(DeviceTuning.MATMUL_KEY), "the matmul row stays beside it");
        ClConvConfig.Resolved over = ClConvConfig.resolve(file, "col2imWg=16");
        assertEquals(new ClConvConfig(128, 16, 1), over.config());
        assertEquals("im2colWg=128,col2imWg=16,im2colCpi=1 (-Dclgrad.opencl.conv)", over.inUse());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ClConvConfig.resolve(file, "col2imWg=x"))
                .getMessage().startsWith("-Dclgrad.opencl.conv=col2imWg=x: OpenCL conv configuration: col2imWg is a "
                        + "work-group size or 'auto', not 'x'"));

        file.save(ClConvConfig.KEY, "im2colWg=-3", "test");
        assertEquals("ignoring the tuning file " + file.path() + ": conv=im2colWg=-3: OpenCL conv configuration: "
                + "im2colWg = -3 is outside 1 to 4096 (or auto)", assertThrows(IllegalArgumentException.class,
                () -> file.parsed(ClConvConfig.KEY, v -> ClConvConfig.parse(v, ClConvConfig.AUTO))).getMessage());
        assertEquals(ClConvConfig.AUTO, ClConvConfig.resolve(file, "").config(), "a bad file: the built-in sizes");
        assertTrue(file.delete());
        assertEquals("built-in", ClConvConfig.resolve(file, "").source());

        // a CPU device (PoCL) starts with 8 channels per im2col work-item, a GPU with 1; a saved or
        // overriding value applies over either
        assertEquals(new ClConvConfig(0, 0, 8), ClConvConfig.builtIn(io.clgrad.backend.DeviceKind.OPENCL_CPU));
        assertEquals(ClConvConfig.AUTO, ClConvConfig.builtIn(io.clgrad.backend.DeviceKind.OPENCL_GPU));
        assertEquals(new ClConvConfig(0, 0, 8), ClConvConfig.resolve(file, "",
                ClConvConfig.builtIn(io.clgrad.backend.DeviceKind.OPENCL_CPU)).config());
        assertEquals(new ClConvConfig(0, 0, 1), ClConvConfig.resolve(file, "im2colCpi=1",
                ClConvConfig.builtIn(io.clgrad.backend.DeviceKind.OPENCL_CPU)).config());
    }
}
