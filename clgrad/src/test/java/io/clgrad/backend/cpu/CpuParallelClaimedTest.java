package io.clgrad.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * {@link CpuParallel#forEachClaimed}, the split of large products: every unit runs exactly once, on
 * the caller and the spinning helper when the caller is not a pool worker, on the pool when it is
 * (a product inside a pool task) or when another thread's job holds the team, and a failing unit
 * reaches the caller.
 */
class CpuParallelClaimedTest {
    private static final CpuParallel PAR = new CpuParallel(2);
    private static final long BIG = 1L << 30;

    @AfterAll
    static void stop() {
        PAR.shutdown();
    }

    private static Set<String> runAll(int units, AtomicIntegerArray runs) {
        Set<String> threads = ConcurrentHashMap.newKeySet();
        PAR.forEachClaimed(units, BIG, (lo, hi) -> {
            for (int u = lo; u < hi; u++) {
                runs.incrementAndGet(u);
                threads.add(Thread.currentThread().getName());
                busyWork();
            }
        });
        return threads;
    }

    private static void busyWork() {
        long end = System.nanoTime() + 200_000;
        while (System.nanoTime() < end) {
            Thread.onSpinWait();
        }
    }

    @Test
    void everyUnitRunsOnceOnTheCallerAndTheSpinningHelper() {
        Set<String> seen = ConcurrentHashMap.newKeySet();
        for (int units : new int[] {2, 3, 8, 37}) {
            AtomicIntegerArray runs = new AtomicIntegerArray(units);
            seen.addAll(runAll(units, runs));
            for (int u = 0; u < units; u++) {
                assertEquals(1, runs.get(u), "unit " + u + " of " + units);
            }
        }
        assertTrue(seen.contains(Thread.currentThread().getName()), "the caller claims units: " + seen);
        assertTrue(seen.stream().anyMatch(n -> n.startsWith("clgrad-cpu-spin")), "a spinning helper claims units: " + seen);
    }

    @Test
    void insideAPoolTaskTheUnitsGoToThePool() {
        Set<String> seen = ConcurrentHashMap.newKeySet();
        AtomicIntegerArray runs = new AtomicIntegerArray(8);
        PAR.forEachChunked(2, BIG, 1, (lo, hi) -> {   // forEach would take the team: this split is the pool's
            if (lo == 0 && ForkJoinTask.inForkJoinPool()) {
                seen.addAll(runAll(8, runs));
            }
        });
        assertTrue(!seen.isEmpty(), "the outer split ran its first chunk on a pool worker");
        for (int u = 0; u < 8; u++) {
            assertEquals(1, runs.get(u));
        }
        assertTrue(seen.stream().noneMatch(n -> n.startsWith("clgrad-cpu-spin")), "no spinning helper: " + seen);
    }

    /** Runs {@code check} while another thread's job (a large product's units) holds the team of {@code par}. */
    static void whileTheTeamIsHeld(CpuParallel par, Runnable check) throws InterruptedException {
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread other = new Thread(() -> par.forEachClaimed(2, BIG, (lo, hi) -> {
            holding.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        other.start();
        try {
            holding.await();
            check.run();
        } finally {
            release.countDown();
            other.join();
        }
    }

    @Test
    void whileAnotherThreadHoldsTheTeamTheUnitsGoToThePoolNotInline() throws Exception {
        whileTheTeamIsHeld(PAR, () -> {
            AtomicIntegerArray runs = new AtomicIntegerArray(8);
            Set<String> seen = runAll(8, runs);
            for (int u = 0; u < 8; u++) {
                assertEquals(1, runs.get(u));
            }
            assertTrue(seen.stream().anyMatch(n -> !n.equals(Thread.currentThread().getName())),
                    "split over the pool's workers, not run inline on the caller: " + seen);
        });
    }

    /**
     * A small product that finds the team held by another thread's long job: from
     * {@link CpuParallel#POOL_FALLBACK_FLOPS} on the pool's workers, below it on the caller alone.
     */
    @Test
    void aSmallProductFindingTheTeamBusyUsesThePoolWhenItPays() throws Exception {
        whileTheTeamIsHeld(PAR, () -> {
            String me = Thread.currentThread().getName();
            Set<String> big = ConcurrentHashMap.newKeySet();
            AtomicIntegerArray runs = new AtomicIntegerArray(2);
            PAR.forEachSpinning(2, CpuParallel.POOL_FALLBACK_FLOPS, (lo, hi) -> {
                for (int c = lo; c < hi; c++) {
                    runs.incrementAndGet(c);
                    big.add(Thread.currentThread().getName());
                }
            });
            assertEquals(1, runs.get(0));
            assertEquals(1, runs.get(1));
            assertTrue(big.stream().anyMatch(n -> n.startsWith("clgrad-cpu-") && !n.startsWith("clgrad-cpu-spin")),
                    "on the pool's workers: " + big);
            Set<String> small = ConcurrentHashMap.newKeySet();
            PAR.forEachSpinning(2, 1000, (lo, hi) -> small.add(Thread.currentThread().getName()));
            assertEquals(Set.of(me), small, "a small one runs on the caller");
        });
    }

    @Test
    void aFailingUnitReachesTheCaller() {
        IllegalStateException boom = new IllegalStateException("unit 5 failed");
        assertSame(boom, assertThrows(IllegalStateException.class, () -> PAR.forEachClaimed(8, BIG, (lo, hi) -> {
            if (lo == 5) {
                throw boom;
            }
        })));
        AtomicIntegerArray runs = new AtomicIntegerArray(4);
        runAll(4, runs);
        for (int u = 0; u < 4; u++) {
            assertEquals(1, runs.get(u), "the team works after a failure");
        }
    }
}
