package io.clgrad.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The CPU backend's thread count from the system property {@code clgrad.threads} (issue 9, item 18). */
class CpuThreadsConfigTest {
    private final String saved = System.getProperty(CpuParallel.THREADS_PROPERTY);

    @AfterEach
    void restore() {
        if (saved == null) {
            System.clearProperty(CpuParallel.THREADS_PROPERTY);
        } else {
            System.setProperty(CpuParallel.THREADS_PROPERTY, saved);
        }
    }

    @Test
    void propertySetsTheThreadCount() {
        System.setProperty(CpuParallel.THREADS_PROPERTY, "3");
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
        System.setProperty(CpuParallel.THREADS_PROPERTY, "4096");
        assertEquals(CpuBackend.MAX_THREADS, CpuParallel.configuredThreads());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new CpuBackend(32768));
        assertEquals("CPU backend thread count must be 1 to 4096, got 32768", e.getMessage());
    }

    @Test
    void badPropertyFallsBackToTheDefault() {
        String env = System.getenv("CLGRAD_CPU_THREADS");
        System.clearProperty(CpuParallel.THREADS_PROPERTY);
        int fallback = CpuParallel.configuredThreads();
        for (String bad : new String[] {"0", "-2", "many", " ", "4097", "32768", "40000", "99999999999"}) {
            System.setProperty(CpuParallel.THREADS_PROPERTY, bad);
            assertEquals(fallback, CpuParallel.configuredThreads(), "-Dclgrad.threads=" + bad + " (env " + env + ")");
        }
    }
}
