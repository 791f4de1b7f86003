package io.clgrad.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.clgrad.backend.CpuThreadSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The CPU backend's thread count from the system property {@code clgrad.threads} (issue 9, item 18). */
class CpuThreadsConfigTest {
    private final String saved = System.getProperty(CpuThreadSettings.PROPERTY);

    @AfterEach
    void restore() {
        if (saved == null) {
            System.clearProperty(CpuThreadSettings.PROPERTY);
        } else {
            System.setProperty(CpuThreadSettings.PROPERTY, saved);
        }
    }

    @Test
    void propertySetsTheThreadCount() {
        System.setProperty(CpuThreadSettings.PROPERTY, "3");
        assertEquals(3, CpuParallel.configuredThreads());
        CpuBackend b = new CpuBackend();
        try {
            assertEquals(3, b.info().computeUnits());
            assertEquals("Java CPU backend (3 threads)", b.info().name());
        } finally {
            b.close();
        }
    }

    @Test
    void theLimitIsAcceptedAndAboveItTheConstructorSaysWhy() {
        System.setProperty(CpuThreadSettings.PROPERTY, "4096");
        assertEquals(CpuThreadSettings.MAX_THREADS, CpuParallel.configuredThreads());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new CpuBackend(32768));
        assertEquals("CPU backend thread count must be 1 to 4096, got 32768", e.getMessage());
    }

    @Test
    void badPropertyFallsBackToTheDefault() {
        String env = System.getenv("CLGRAD_CPU_THREADS");
        System.clearProperty(CpuThreadSettings.PROPERTY);
        int fallback = CpuParallel.configuredThreads();
        for (String bad : new String[] {"0", "-2", "many", " ", "4097", "32768", "40000", "99999999999"}) {
            System.setProperty(CpuThreadSettings.PROPERTY, bad);
            assertEquals(fallback, CpuParallel.configuredThreads(), "-Dclgrad.threads=" + bad + " (env " + env + ")");
        }
    }
}
