package io.clgrad.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** {@link SpinTeam}: every chunk runs once per job, failures reach the caller, busy and stopped teams run inline, idle helpers park. */
class SpinTeamTest {
    @Test
    void everyChunkOfEveryJobRunsExactlyOnce() {
        SpinTeam team = new SpinTeam(3);
        try {
            for (int job = 0; job < 2000; job++) {
                int chunks = 1 + job % team.width();
                AtomicIntegerArray runs = new AtomicIntegerArray(chunks);
                team.run(chunks, (lo, hi) -> {
                    for (int c = lo; c < hi; c++) {
                        runs.incrementAndGet(c);
                    }
                });
                for (int c = 0; c < chunks; c++) {
                    assertEquals(1, runs.get(c), "job " + job + " chunk " + c + " of " + chunks);
                }
            }
        } finally {
            team.stop();
        }
    }

    @Test
    void aFailingChunkIsRethrownAndTheTeamKeepsWorking() {
        SpinTeam team = new SpinTeam(1);
        try {
            IllegalStateException boom = new IllegalStateException("chunk 1 failed");
            IllegalStateException seen = assertThrows(IllegalStateException.class, () -> team.run(2, (lo, hi) -> {
                if (lo == 1) {
                    throw boom;
                }
            }));
            assertSame(boom, seen);
            AtomicIntegerArray runs = new AtomicIntegerArray(2);
            team.run(2, (lo, hi) -> runs.incrementAndGet(lo));
            assertEquals(1, runs.get(0));
            assertEquals(1, runs.get(1));
        } finally {
            team.stop();
        }
    }

    @Test
    void aSecondCallerWhileAJobRunsRunsItsOwnJobInline() throws InterruptedException {
        SpinTeam team = new SpinTeam(1);
        try {
            CountDownLatch inFirstJob = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            Thread first = new Thread(() -> team.run(2, (lo, hi) -> {
                inFirstJob.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
            first.start();
            inFirstJob.await();
            Set<Thread> ranOn = ConcurrentHashMap.newKeySet();
            team.run(2, (lo, hi) -> ranOn.add(Thread.currentThread()));
            assertEquals(Set.of(Thread.currentThread()), ranOn, "the busy team's second caller ran both chunks itself");
            release.countDown();
            first.join();
        } finally {
            team.stop();
        }
    }

    @Test
    void aStoppedTeamRunsOnTheCaller() {
        SpinTeam team = new SpinTeam(2);
        team.run(3, (lo, hi) -> { });
        team.stop();
        Set<Thread> ranOn = ConcurrentHashMap.newKeySet();
        team.run(3, (lo, hi) -> ranOn.add(Thread.currentThread()));
        assertEquals(Set.of(Thread.currentThread()), ranOn);
    }

    @Test
    void idleHelpersPark() throws InterruptedException {
        SpinTeam team = new SpinTeam(2);
        try {
            AtomicReference<String> name = new AtomicReference<>();
            team.run(3, (lo, hi) -> {
                if (Thread.currentThread().getName().startsWith("clgrad-cpu-spin-")) {
                    name.set(Thread.currentThread().getName());
                }
            });
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (!team.helpersParked() && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            assertTrue(team.helpersParked(), "helpers still spinning 5 s after their last job");
            AtomicIntegerArray runs = new AtomicIntegerArray(3);
            team.run(3, (lo, hi) -> runs.incrementAndGet(lo));
            for (int c = 0; c < 3; c++) {
                assertEquals(1, runs.get(c), "a parked team is woken for the next job: chunk " + c);
            }
        } finally {
            team.stop();
        }
    }

    @Test
    void restParksSpinningHelpersBeforeTheirWindowEnds() throws InterruptedException {
        SpinTeam team = new SpinTeam(1, 60_000_000_000L, SpinTeam.IDLE_EXIT_NANOS); // a minute's spin window
        try {
            team.run(2, (lo, hi) -> { });
            Thread.sleep(200);
            assertTrue(!team.helpersParked(), "within its window the helper spins");
            team.rest();
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (!team.helpersParked() && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            assertTrue(team.helpersParked(), "rest() parked the helper");
        } finally {
            team.stop();
        }
    }

    /** A helper parked past the idle exit ends its thread; the next job starts a new one, which takes chunks. */
    @Test
    void idleHelpersEndTheirThreadsAndTheNextJobRestartsThem() throws InterruptedException {
        SpinTeam team = new SpinTeam(2, 1_000, 50_000_000L); // 1 µs spin window, 50 ms idle exit
        try {
            team.run(3, (lo, hi) -> { });
            assertEquals(2, team.liveHelpers());
            long end = System.nanoTime() + 10_000_000_000L;
            while (team.liveHelpers() > 0 && System.nanoTime() < end) {
                Thread.sleep(20);
            }
            assertEquals(0, team.liveHelpers(), "idle helpers ended");
            for (int job = 0; job < 200; job++) {
                AtomicIntegerArray runs = new AtomicIntegerArray(3);
                Set<String> threads = ConcurrentHashMap.newKeySet();
                team.run(3, (lo, hi) -> {
                    for (int c = lo; c < hi; c++) {
                        runs.incrementAndGet(c);
                        threads.add(Thread.currentThread().getName());
                        long spin = System.nanoTime() + 200_000;
                        while (System.nanoTime() < spin) {
                            Thread.onSpinWait();
                        }
                    }
                });
                for (int c = 0; c < 3; c++) {
                    assertEquals(1, runs.get(c), "job " + job + " chunk " + c);
                }
                if (threads.stream().anyMatch(n -> n.startsWith("clgrad-cpu-spin"))) {
                    assertTrue(team.liveHelpers() >= 1);
                    return;   // a restarted helper took a chunk
                }
            }
            org.junit.jupiter.api.Assertions.fail("no restarted helper took a chunk in 200 jobs");
        } finally {
            team.stop();
        }
    }

    @Test
    void twoCallersAndLateHelpersStillRunEveryChunkOnce() throws InterruptedException {
        // helpers that stall at random (a descheduled thread) and two callers taking the team in turn:
        // the caller takes over every chunk a helper has not begun, no chunk runs twice or never, and
        // none starts after its job returned (checked again once every job is done: a late helper)
        SpinTeam team = new SpinTeam(2);
        AtomicReference<Throwable> failed = new AtomicReference<>();
        java.util.Queue<AtomicIntegerArray> allRuns = new java.util.concurrent.ConcurrentLinkedQueue<>();
        try {
            Runnable caller = () -> {
                java.util.SplittableRandom random = new java.util.SplittableRandom(Thread.currentThread().getId());
                for (int job = 0; job < 3000 && failed.get() == null; job++) {
                    int chunks = 2 + job % 2;
                    AtomicIntegerArray runs = new AtomicIntegerArray(chunks);
                    java.util.concurrent.atomic.AtomicBoolean returned = new java.util.concurrent.atomic.AtomicBoolean();
                    int stall = random.nextInt(8);
                    int id = job;
                    team.run(chunks, (lo, hi) -> {
                        if (returned.get()) {
                            failed.compareAndSet(null, new AssertionError("job " + id + " chunk " + lo + " began after its job returned"));
                        }
                        if (lo == stall) {
                            java.util.concurrent.locks.LockSupport.parkNanos(20_000);
                        }
                        for (int c = lo; c < hi; c++) {
                            runs.incrementAndGet(c);
                        }
                    });
                    returned.set(true);
                    allRuns.add(runs);
                    for (int c = 0; c < chunks; c++) {
                        if (runs.get(c) != 1) {
                            failed.compareAndSet(null, new AssertionError("job " + job + " chunk " + c + " ran " + runs.get(c) + " times"));
                        }
                    }
                }
            };
            onTwoCallers(caller);
            Thread.sleep(20);   // a late helper's run, had there been one, has landed
            for (AtomicIntegerArray runs : allRuns) {
                for (int c = 0; c < runs.length(); c++) {
                    assertEquals(1, runs.get(c), "every chunk ran once, none late");
                }
            }
            assertEquals(null, failed.get());
        } finally {
            team.stop();
        }
    }

    @Test
    void theCallerRunsChunkZeroAndEachHelperItsOwn() {
        // fixed chunks: what a thread writes in one op is what it reads in the next op split the same
        // way (a batch-1 convolution's channels, then the pooling's planes: design-notes.md)
        SpinTeam team = new SpinTeam(2);
        try {
            Thread caller = Thread.currentThread();
            for (int job = 0; job < 1000; job++) {
                Thread[] ranBy = new Thread[3];
                team.run(3, (lo, hi) -> {
                    for (int c = lo; c < hi; c++) {
                        ranBy[c] = Thread.currentThread();
                    }
                });
                assertSame(caller, ranBy[0], "job " + job + ": chunk 0 on the caller");
                for (int c = 1; c < 3; c++) {
                    assertTrue(ranBy[c] == caller || ranBy[c].getName().equals("clgrad-cpu-spin-" + c),
                            "job " + job + ": chunk " + c + " on helper " + c + " or taken over by the caller, not on " + ranBy[c].getName());
                }
            }
        } finally {
            team.stop();
        }
    }

    @Test
    void longWaitsYieldTheCoreAndTheHelperStillTakesTheNextJob() throws InterruptedException {
        // a wait that never yields holds its core while the thread it waits for may be queued behind it
        Map<String, AtomicInteger> yields = new ConcurrentHashMap<>();
        Runnable countingYield = () -> {
            yields.computeIfAbsent(Thread.currentThread().getName(), k -> new AtomicInteger()).incrementAndGet();
            Thread.yield();
        };
        SpinTeam team = new SpinTeam(1, 60_000_000_000L, SpinTeam.IDLE_EXIT_NANOS, countingYield); // a minute's spin window
        try {
            String caller = Thread.currentThread().getName();
            // the caller waits for a plain job's chunk that its helper runs until the caller has yielded
            // ten times (a deadline, not a count in a fixed time: a yield on a busy core can last a time slice)
            runOnTheHelper(team, () -> awaitYields(yields, caller));
            assertTrue(count(yields, caller) >= 10, "the caller yielded " + count(yields, caller) + " times");
            // the helper, spinning for its next job, yields too
            awaitYields(yields, "clgrad-cpu-spin-1");
            assertTrue(count(yields, "clgrad-cpu-spin-1") >= 10, "the helper yielded");
            // and, spinning still (its window is a minute), takes the next job
            assertFalse(team.helpersParked(), "the helper parked");
            String[] ranBy = new String[1];
            runOnTheHelper(team, () -> ranBy[0] = Thread.currentThread().getName());
            assertEquals("clgrad-cpu-spin-1", ranBy[0]);
        } finally {
            team.stop();
        }
    }

    /** Waits (10 s at most) until {@code thread} has yielded ten times. */
    private static void awaitYields(Map<String, AtomicInteger> yields, String thread) {
        long end = System.nanoTime() + 10_000_000_000L;
        while (count(yields, thread) < 10 && System.nanoTime() < end) {
            sleep(1);
        }
    }

    /** A two-chunk plain job whose chunk 1 runs {@code work} on the helper: chunk 0 holds the caller until chunk 1 has begun. */
    private static void runOnTheHelper(SpinTeam team, Runnable work) {
        CountDownLatch begun = new CountDownLatch(1);
        team.run(2, (lo, hi) -> {
            if (lo == 0) {
                try {
                    assertTrue(begun.await(10, TimeUnit.SECONDS), "the helper began chunk 1");
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            } else {
                begun.countDown();
                work.run();
            }
        });
    }

    private static int count(Map<String, AtomicInteger> yields, String thread) {
        AtomicInteger n = yields.get(thread);
        return n == null ? 0 : n.get();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs {@code jobs} on this thread and, at the same time, on a thread named "second-caller"; returns when both are done. */
    static void onTwoCallers(Runnable jobs) throws InterruptedException {
        Thread other = new Thread(jobs, "second-caller");
        other.start();
        jobs.run();
        other.join();
    }
}
