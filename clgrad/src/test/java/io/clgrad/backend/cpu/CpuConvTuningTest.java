package io.clgrad.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clgrad.backend.conformance.ConvTunerRuns;
import io.clgrad.backend.TuningFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The CPU conv tuning ({@link CpuConvConfig}, {@link CpuConvTuning}): every candidate the tuner
 * tries, and the extremes (one chunk per thread, 64), run the im2col and col2im conformance tables
 * against the double reference on one, two and three threads ({@link ConvTunerRuns#check}, what
 * the tuner itself runs before timing) and, with each direct tile, the direct convolution against
 * its plain twin on a backend of that configuration; the syntax and its errors; and a saved, a bad
 * and an overridden tuning file.
 */
class CpuConvTuningTest {

    static List<CpuConvConfig> configs() {
        List<CpuConvConfig> out = new ArrayList<>(CpuConvConfig.candidates(false));
        out.add(new CpuConvConfig(64, 64));
        out.add(new CpuConvConfig(3, 5));
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    void everyCandidateMatchesTheConvConformanceTables(CpuConvConfig config) {
        for (int threads = 1; threads <= 3; threads++) {
            try (CpuBackend be = new CpuBackend(threads, null, config)) {
                assertNull(ConvTunerRuns.check(be), config.spec() + " on " + threads + " threads");
                assertNull(be.checkDirectConv(), config.spec() + " on " + threads + " threads");
            }
        }
    }

    @Test
    void theDirectTileReachesTheBackendsDirectConvolution() {
        org.junit.jupiter.api.Assumptions.assumeTrue(CpuMatmul.vectorModulePresent(),
                "JVM started without --add-modules jdk.incubator.vector");
        for (int tile : new int[] {4, 8}) {
            DirectConv d = new DirectConv(new CpuParallel(1), true, tile);
            assertEquals(tile, d.kernel().rowTile(), "direct=" + tile);
            assertEquals(tile / 2, d.kernel().gradRowTile(), "direct=" + tile + ": weight-gradient tile");
            assertNull(d.checkAgainstTwin(), "direct=" + tile);
        }
        int auto = new DirectConv(new CpuParallel(1), true, 0).kernel().rowTile();
        assertEquals(new DirectConv(new CpuParallel(1), true).kernel().rowTile(), auto);
        for (int tile : new int[] {0, 4, 8}) {
            try (CpuBackend be = new CpuBackend(1, null, new CpuConvConfig(0, 0, tile))) {
                assertEquals(tile == 0 ? auto : tile, be.directConvTile(), "a backend of direct=" + tile);
            }
        }
    }

    /** The error of parsing {@code spec} over the built-in configuration. */
    private static String rejected(String spec) {
        return assertThrows(IllegalArgumentException.class, () -> CpuConvConfig.parse(spec, CpuConvConfig.AUTO))
                .getMessage();
    }

    @Test
    void theSyntaxRoundTripsAndSaysWhatIsWrong() {
        for (CpuConvConfig c : configs()) {
            assertEquals(c, CpuConvConfig.parse(c.spec(), CpuConvConfig.AUTO));
        }
        assertEquals("im2col=auto,col2im=auto,direct=auto", CpuConvConfig.AUTO.spec());
        assertEquals(new CpuConvConfig(2, 4), CpuConvConfig.parse("col2im=4", new CpuConvConfig(2, 0)));
        assertEquals(new CpuConvConfig(0, 1), CpuConvConfig.parse(" im2col = AUTO , col2im=1", new CpuConvConfig(2, 0)));
        assertEquals(new CpuConvConfig(2, 0, 4), CpuConvConfig.parse("direct=4", new CpuConvConfig(2, 0)));
        assertEquals(new CpuConvConfig(0, 0, 8), CpuConvConfig.parse("im2col=auto,col2im=auto,direct=8", CpuConvConfig.AUTO));
        assertEquals("CPU conv configuration: unknown key 'wg' (known: im2col, col2im, direct)",
                rejected("wg=4"));
        assertEquals("CPU conv configuration: direct = 6 is not a direct-convolution tile (4 or 8 output channels,"
                + " or auto)", rejected("direct=6"));
        assertEquals("CPU conv configuration: direct is a tile of 4 or 8 output channels or 'auto', not 'wide'",
                rejected("direct=wide"));
        assertEquals("CPU conv configuration: im2col is a chunk count per thread or 'auto', not 'many'",
                rejected("im2col=many"));
        assertEquals("CPU conv configuration: col2im = 65 chunks per thread is outside 1 to 64 (or auto)",
                rejected("col2im=65"));
        assertEquals("CPU conv configuration: expected key=value, got 'im2col' in 'im2col'",
                rejected("im2col"));
        assertTrue(CpuConvConfig.candidates(false).contains(CpuConvConfig.AUTO));
        assertTrue(CpuConvConfig.candidates(true).contains(new CpuConvConfig(0, 0, 4)));
        assertTrue(CpuConvConfig.candidates(true).contains(new CpuConvConfig(0, 0, 8)));
        assertTrue(CpuConvConfig.candidates(true).size() < CpuConvConfig.candidates(false).size());
    }

    @Test
    void aSavedTuningIsUsedBesideTheGemmsAndABadOneIsIgnoredNamingTheFile(@TempDir Path dir) throws Exception {
        TuningFile file = TuningFile.at(dir.resolve("tuning").resolve("cpu.properties"));
        CpuConvTuning none = CpuConvTuning.resolve(file, "");
        assertEquals(CpuConvConfig.AUTO, none.config());
        assertEquals("im2col=auto,col2im=auto,direct=auto (built-in)", none.inUse());

        file.save(CpuGemmTuning.KEY, "tile=8x3", "test");
        file.save(CpuConvTuning.KEY, "im2col=1,col2im=2", "test");
        CpuConvTuning tuned = CpuConvTuning.resolve(file, "");
        assertEquals(new CpuConvConfig(1, 2), tuned.config());
        assertEquals("im2col=1,col2im=2,direct=auto (tuned: " + file.path() + ")", tuned.inUse());
        assertEquals("tile=8x3", file.value(CpuGemmTuning.KEY), "the conv result keeps the GEMM's beside it");

        // the system property overrides key by key, on top of the saved tuning
        CpuConvTuning over = CpuConvTuning.resolve(file, "col2im=auto");
        assertEquals(new CpuConvConfig(1, 0), over.config());
        assertEquals("im2col=1,col2im=auto,direct=auto (-Dclgrad.cpu.conv)", over.inUse());
        assertEquals("-Dclgrad.cpu.conv=im2col=0.5: CPU conv configuration: im2col is a chunk count per thread or "
                        + "'auto', not '0.5'",
                assertThrows(IllegalArgumentException.class, () -> CpuConvTuning.resolve(file, "im2col=0.5"))
                        .getMessage());

        // a saved value that does not parse: the error names the file; the built-in configuration applies
        file.save(CpuConvTuning.KEY, "im2col=-1", "test");
        assertEquals("ignoring the tuning file " + file.path() + ": conv=im2col=-1: CPU conv configuration: im2col = -1 "
                        + "chunks per thread is outside 1 to 64 (or auto)",
                assertThrows(IllegalArgumentException.class,
                        () -> file.parsed(CpuConvTuning.KEY, v -> CpuConvConfig.parse(v, CpuConvConfig.AUTO)))
                        .getMessage());
        assertEquals(CpuConvConfig.AUTO, CpuConvTuning.resolve(file, "").config());
        assertEquals("built-in", CpuConvTuning.resolve(file, "").source());
        assertEquals("tile=8x3", file.value(CpuGemmTuning.KEY));

        // tune --reset deletes the file: both results go
        assertTrue(file.delete());
        assertEquals(CpuConvConfig.AUTO, CpuConvTuning.resolve(file, "").config());
        assertTrue(Files.notExists(file.path()));
    }
}
