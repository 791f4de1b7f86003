package io.clgrad.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * {@link CpuParallel#forEach}, the split of elementwise and per-channel ops: every unit runs exactly
 * once, in one contiguous range per thread on the caller and the spinning helper when the caller is
 * not a pool worker; on the pool inside a pool task or while another thread's job holds the team;
 * inline below the grain.
 */
class CpuParallelForEachTest {
    private static final CpuParallel PAR = new CpuParallel(2);
    private static final long BIG = 1L << 30;

    @AfterAll
    static void stop() {
        PAR.shutdown();
    }

    /** Runs forEach over {@code units}, counting each unit and the ranges; returns the threads that ran ranges. */
    private static Set<String> runAll(int units, long work, AtomicIntegerArray runs, Set<String> ranges) {
        Set<String> threads = ConcurrentHashMap.newKeySet();
        PAR.forEach(units, work, (lo, hi) -> {
            ranges.add(lo + ".." + hi);
            threads.add(Thread.currentThread().getName());
            for (int u = lo; u < hi; u++) {
                runs.incrementAndGet(u);
            }
            long end = System.nanoTime() + 2_000_000;   // long enough for a helper's thread to start and claim its range
            while (System.nanoTime() < end) {
                Thread.onSpinWait();
            }
        });
        return threads;
    }

    @Test
    void everyUnitRunsOnceInOneRangePerThreadOnTheCallerAndTheHelper() {
        Set<String> seen = ConcurrentHashMap.newKeySet();
        for (int units : new int[] {2, 3, 8, 37, 1000, 2, 1000}) {
            AtomicIntegerArray runs = new AtomicIntegerArray(units);
            Set<String> ranges = ConcurrentHashMap.newKeySet();
            seen.addAll(runAll(units, BIG, runs, ranges));
            for (int u = 0; u < units; u++) {
                assertEquals(1, runs.get(u), "unit " + u + " of " + units);
            }
            assertEquals(Set.of("0.." + units / 2, units / 2 + ".." + units), ranges, units + " units");
        }
        for (int extra = 0; extra < 50 && seen.stream().noneMatch(n -> n.startsWith("clgrad-cpu-spin")); extra++) {
            seen.addAll(runAll(2, BIG, new AtomicIntegerArray(2), ConcurrentHashMap.newKeySet()));   // a busy machine may start the helper late
        }
        assertTrue(seen.contains(Thread.currentThread().getName()), "the caller runs a range: " + seen);
        assertTrue(seen.stream().anyMatch(n -> n.startsWith("clgrad-cpu-spin")), "a spinning helper runs a range: " + seen);
    }

    @Test
    void belowTheGrainItRunsInlineInOneRange() {
        AtomicIntegerArray runs = new AtomicIntegerArray(100);
        Set<String> ranges = ConcurrentHashMap.newKeySet();
        Set<String> threads = runAll(100, CpuParallel.GRAIN - 1, runs, ranges);
        assertEquals(Set.of(Thread.currentThread().getName()), threads);
        assertEquals(Set.of("0..100"), ranges);
    }

    @Test
    void insideAPoolTaskOrWhileTheTeamIsHeldTheRangesGoToThePool() throws Exception {
        Set<String> seen = ConcurrentHashMap.newKeySet();
        AtomicIntegerArray runs = new AtomicIntegerArray(64);
        PAR.forEachChunked(2, BIG, 1, (lo, hi) -> {
            if (lo == 0 && ForkJoinTask.inForkJoinPool()) {
                seen.addAll(runAll(64, BIG, runs, ConcurrentHashMap.newKeySet()));
            }
        });
        assertTrue(!seen.isEmpty(), "the outer split ran its first chunk on a pool worker");
        for (int u = 0; u < 64; u++) {
            assertEquals(1, runs.get(u));
        }
        assertTrue(seen.stream().noneMatch(n -> n.startsWith("clgrad-cpu-spin")), "no spinning helper: " + seen);

        CpuParallelClaimedTest.whileTheTeamIsHeld(PAR, () -> {
            AtomicIntegerArray held = new AtomicIntegerArray(64);
            Set<String> threads = runAll(64, BIG, held, ConcurrentHashMap.newKeySet());
            for (int u = 0; u < 64; u++) {
                assertEquals(1, held.get(u));
            }
            assertTrue(threads.stream().noneMatch(n -> n.startsWith("clgrad-cpu-spin")), "no spinning helper: " + threads);
            assertTrue(threads.stream().anyMatch(n -> !n.equals(Thread.currentThread().getName())),
                    "split over the pool's workers, not run inline on the caller: " + threads);
        });
    }
}
