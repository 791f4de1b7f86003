package io.clgrad.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clgrad.backend.TuningFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CPU GEMM's configuration: the {@code tile=RxV,kc=..,mc=..,nc=..} syntax and its errors, the
 * built-in choice per instruction set (register budget, cache blocking), the tuning candidates, and
 * how a saved tuning file, a bad one and {@code -Dclgrad.cpu.gemm} combine ({@link CpuGemmTuning}).
 */
class CpuGemmTuningTest {
    /** An AVX-512 machine like the one of docs/benchmarks.md: 16 floats, 32 zmm, 48 KiB L1, 1 MiB L2, 32 MiB L3. */
    private static final CpuFacts AVX512 = new CpuFacts("Test CPU", "amd64", 16, 32, 48 << 10, 1 << 20, 32 << 20);
    /** The same JVM with -XX:UseAVX=2: 8 floats, 16 ymm. */
    private static final CpuFacts AVX2 = new CpuFacts("Test CPU", "amd64", 8, 16, 32 << 10, 512 << 10, 16 << 20);
    /** NEON: 4 floats, 32 registers. */
    private static final CpuFacts NEON = new CpuFacts("Test ARM", "aarch64", 4, 32, 64 << 10, 1 << 20, 8 << 20);

    @Test
    void theSyntaxRoundTripsAndOverridesField() {
        CpuGemmConfig c = CpuGemmConfig.parse("tile=6x2,kc=256", CpuGemmConfig.FIRST);
        assertEquals(new CpuGemmConfig(6, 2, 256, 128, 1024), c);
        assertEquals("tile=6x2,kc=256,mc=128,nc=1024", c.spec());
        assertEquals(c, CpuGemmConfig.parse(c.spec(), CpuGemmConfig.FIRST));
        assertEquals(CpuGemmConfig.FIRST, CpuGemmConfig.parse(" ", CpuGemmConfig.FIRST));
        assertEquals(new CpuGemmConfig(4, 2, 256, 96, 2048), CpuGemmConfig.parse(" mc = 96 , nc=2048", CpuGemmConfig.FIRST));
    }

    @Test
    void badSpecsSayWhatIsWrong() {
        assertEquals("CPU GEMM configuration: unknown key 'mr' (known: tile, kc, mc, nc)",
                assertThrows(IllegalArgumentException.class, () -> CpuGemmConfig.parse("mr=4", CpuGemmConfig.FIRST))
                        .getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CpuGemmConfig.parse("tile=5x5", CpuGemmConfig.FIRST))
                .getMessage().startsWith("CPU GEMM: no micro-kernel for the tile 5x5 (rows x vectors; there are 4x2, 6x2"));
        assertEquals("CPU GEMM configuration: tile is ROWSxVECTORS, e.g. 6x2, not '6'",
                assertThrows(IllegalArgumentException.class, () -> CpuGemmConfig.parse("tile=6", CpuGemmConfig.FIRST))
                        .getMessage());
        assertEquals("CPU GEMM configuration: kc is not an integer: 'big'",
                assertThrows(IllegalArgumentException.class, () -> CpuGemmConfig.parse("kc=big", CpuGemmConfig.FIRST))
                        .getMessage());
        assertEquals("CPU GEMM configuration: kc = 0 is outside 1 to 8192",
                assertThrows(IllegalArgumentException.class, () -> CpuGemmConfig.parse("kc=0", CpuGemmConfig.FIRST))
                        .getMessage());
        assertEquals("CPU GEMM configuration: expected key=value, got 'kc' in 'kc,mc=3'",
                assertThrows(IllegalArgumentException.class, () -> CpuGemmConfig.parse("kc,mc=3", CpuGemmConfig.FIRST))
                        .getMessage());
    }

    @Test
    void theBuiltInTileFitsTheRegistersAndTheBlockingTheCaches() {
        // 32 registers: the most accumulators (24) with the most vectors: 6x4 (24 + 4 + 1 = 29 registers)
        CpuGemmConfig avx512 = CpuGemmConfig.builtIn(AVX512);
        assertEquals(List.of(6, 4), List.of(avx512.mr(), avx512.nv()));
        // kc: a kc x 64 panel of B in a quarter of L2 (1 MiB / 4 / 256 B = 1024, the cap);
        // mc: A's block in half of L2 (1 MiB / 2 / 4 KiB = 128 rows, a multiple of 6: 126)
        assertEquals(1024, avx512.kc());
        assertEquals(126, avx512.mc());
        assertTrue((long) avx512.mc() * avx512.kc() * 4 <= AVX512.l2() / 2);
        assertTrue((long) avx512.kc() * avx512.nr(AVX512.lanes()) * 4 <= AVX512.l2() / 4);
        // 16 registers (AVX2): 6x2 as in the BLIS/OpenBLAS Haswell kernels (12 + 2 + 1 = 15)
        CpuGemmConfig avx2 = CpuGemmConfig.builtIn(AVX2);
        assertEquals(List.of(6, 2), List.of(avx2.mr(), avx2.nv()));
        // 512 KiB of L2: kc = 512 KiB / 4 / 64 B = 2048, capped at 1024; mc = 512 KiB / 2 / 4 KiB = 64 -> 60
        assertEquals(List.of(1024, 60), List.of(avx2.kc(), avx2.mc()));
        assertTrue(avx2.fits(16));
        assertFalse(new CpuGemmConfig(4, 3, 256, 96, 1024).fits(16), "4x3 needs all 16 registers: no spare");
        assertTrue(new CpuGemmConfig(4, 3, 256, 96, 1024).fits(32));
        assertTrue(CpuGemmConfig.builtIn(NEON).fits(32));
        for (CpuFacts f : List.of(AVX512, AVX2, NEON)) {
            List<CpuGemmConfig> all = CpuGemmConfig.candidates(f, false);
            assertTrue(all.contains(CpuGemmConfig.FIRST), "the first version's configuration is a candidate");
            assertTrue(all.contains(CpuGemmConfig.builtIn(f)), "the built-in one is a candidate");
            assertEquals(all.size(), all.stream().distinct().count());
            for (CpuGemmConfig c : all) {
                assertTrue(c == CpuGemmConfig.FIRST || c.fits(f.registers()), c.spec() + " spills on " + f.isa());
            }
            assertTrue(CpuGemmConfig.candidates(f, true).size() < all.size());
        }
        assertEquals(List.of("4x2", "6x2", "8x1"), CpuGemmConfig.candidates(AVX2, true).stream()
                        .map(c -> c.mr() + "x" + c.nv()).distinct().toList(),
                "AVX2: 4x2, 6x2 and 8x1 fit 16 registers with one to spare");
        assertEquals("AVX-512", AVX512.isa());
        assertEquals("AVX2", AVX2.isa());
        assertEquals("NEON", NEON.isa());
        assertEquals(48 << 10, CpuFacts.parseSize("48K"));
        assertEquals(32 << 20, CpuFacts.parseSize("32M"));
        assertEquals(-1, CpuFacts.parseSize("lots"));
    }

    @Test
    void aSavedTuningIsUsedAndABadFileIsIgnoredNamingIt(@TempDir Path dir) throws Exception {
        TuningFile file = TuningFile.at(dir.resolve("tuning").resolve("cpu.properties"));
        CpuGemmConfig builtIn = CpuGemmConfig.builtIn(AVX512);
        CpuGemmTuning none = CpuGemmTuning.resolve(AVX512, file, "");
        assertEquals(builtIn, none.config());
        assertEquals("built-in", none.source());
        assertTrue(none.inUse().startsWith(builtIn.spec() + " (built-in; Test CPU, AVX-512: 16 floats/vector, 32 registers"),
                none.inUse());

        file.save(CpuGemmTuning.KEY, "tile=8x3,kc=256", "test");
        CpuGemmTuning tuned = CpuGemmTuning.resolve(AVX512, file, "");
        assertEquals(new CpuGemmConfig(8, 3, 256, builtIn.mc(), builtIn.nc()), tuned.config());
        assertEquals("tuned", tuned.source());
        assertTrue(tuned.inUse().contains("(tuned: " + file.path() + ";"), tuned.inUse());

        // the system property overrides field by field, on top of the saved tuning
        CpuGemmTuning over = CpuGemmTuning.resolve(AVX512, file, "kc=384");
        assertEquals(new CpuGemmConfig(8, 3, 384, builtIn.mc(), builtIn.nc()), over.config());
        assertTrue(over.inUse().contains("(-Dclgrad.cpu.gemm;"), over.inUse());
        IllegalArgumentException badProperty = assertThrows(IllegalArgumentException.class,
                () -> CpuGemmTuning.resolve(AVX512, file, "tile=3x3"));
        assertTrue(badProperty.getMessage().startsWith("-Dclgrad.cpu.gemm=tile=3x3: CPU GEMM: no micro-kernel"),
                badProperty.getMessage());

        // a file that does not parse: the error names the file; the built-in configuration applies
        Files.writeString(file.path(), "gemm=tile=6x4,kc=lots\n");
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> CpuGemmTuning.saved(file, builtIn));
        assertEquals("ignoring the tuning file " + file.path() + ": gemm=tile=6x4,kc=lots: CPU GEMM configuration: kc "
                + "is not an integer: 'lots'", bad.getMessage());
        assertEquals(builtIn, CpuGemmTuning.resolve(AVX512, file, "").config());
        assertEquals("built-in", CpuGemmTuning.resolve(AVX512, file, "").source());

        // saving keeps the file's other keys (another kernel family's tuning)
        Files.writeString(file.path(), "conv=x\n");
        file.save(CpuGemmTuning.KEY, "tile=8x3", "test");
        assertEquals("x", file.value("conv"));
        assertEquals("tile=8x3", file.value(CpuGemmTuning.KEY));
        assertTrue(file.delete());
        assertNull(CpuGemmTuning.saved(file, builtIn));
    }

    @Test
    void eachCpuModelAndVectorWidthHasItsOwnFile() {
        Path a = CpuGemmTuning.fileFor(AVX512).path();
        Path b = CpuGemmTuning.fileFor(AVX2).path();
        if (a == null) {
            return; // the cache is disabled in this environment
        }
        assertFalse(a.equals(b), "AVX-512 and AVX2 (-XX:UseAVX=2) runs keep separate results");
        assertEquals("tuning", a.getParent().getFileName().toString());
        assertTrue(a.getFileName().toString().startsWith("cpu-test-cpu-512bit-"), a.toString());
        assertEquals(a, CpuGemmTuning.fileFor(AVX512).path());
    }
}
