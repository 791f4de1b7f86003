package io.clgrad.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * {@link SpinTeam#tryRunColumns}: helpers' chunks reach the output through their buffers, a helper
 * that does not finish is overtaken by the caller and its late writes never reach the output, and
 * failures reach the caller.
 */
class SpinTeamColumnsTest {
    private static final int ROWS = 3;
    private static final int WIDTH = 37;

    /** Chunk c of {@code chunks} writes value(i, j) into its columns: an uneven split, the last chunk widest. */
    private static CpuParallel.ColumnsBody filling(int chunks, Runnable beforeEachChunk) {
        return new CpuParallel.ColumnsBody() {
            @Override
            public void run(int c, float[] dst) {
                beforeEachChunk.run();
                for (int i = 0; i < ROWS; i++) {
                    for (int j = columnStart(c); j < columnStart(c + 1); j++) {
                        dst[i * WIDTH + j] = value(i, j);
                    }
                }
            }

            @Override
            public int columnStart(int c) {
                return c == chunks ? WIDTH : c * (WIDTH / chunks);
            }
        };
    }

    private static float value(int i, int j) {
        return 1000f * i + j + 0.5f;
    }

    private static float[] expected() {
        float[] e = new float[ROWS * WIDTH];
        for (int i = 0; i < ROWS; i++) {
            for (int j = 0; j < WIDTH; j++) {
                e[i * WIDTH + j] = value(i, j);
            }
        }
        return e;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static boolean onHelper() {
        return Thread.currentThread().getName().startsWith("clgrad-cpu-spin-");
    }

    @Test
    void everyColumnIsWrittenOnceWhicheverThreadRanItsChunk() {
        SpinTeam team = new SpinTeam(3);
        try {
            AtomicInteger helperChunks = new AtomicInteger();
            for (int job = 0; job < 2000; job++) {
                int chunks = 2 + job % (team.width() - 1);
                float[] out = new float[ROWS * WIDTH];
                java.util.Arrays.fill(out, Float.NaN);
                boolean ran = team.tryRunColumns(chunks, ROWS, WIDTH, out, filling(chunks, () -> {
                    if (onHelper()) {
                        helperChunks.incrementAndGet();
                    }
                }));
                assertTrue(ran, "job " + job + " ran on the team");
                assertArrayEquals(expected(), out, "job " + job + " of " + chunks + " chunks");
            }
            assertTrue(helperChunks.get() > 0, "some chunks ran on helpers, through their buffers");
        } finally {
            team.stop();
        }
    }

    @Test
    void aHelperThatDoesNotFinishIsOvertakenAndItsLateWritesNeverReachTheOutput() throws InterruptedException {
        SpinTeam team = new SpinTeam(1);
        CountDownLatch helperStuck = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch helperDone = new CountDownLatch(1);
        try {
            float[] out = new float[ROWS * WIDTH];
            AtomicBoolean stall = new AtomicBoolean(true);
            // the helper's first chunk waits (a descheduled helper) until released, then writes garbage
            CpuParallel.ColumnsBody body = new CpuParallel.ColumnsBody() {
                @Override
                public void run(int c, float[] dst) {
                    if (onHelper() && stall.getAndSet(false)) {
                        helperStuck.countDown();
                        try {
                            release.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        java.util.Arrays.fill(dst, -1f);
                        helperDone.countDown();
                        return;
                    }
                    for (int i = 0; i < ROWS; i++) {
                        for (int j = columnStart(c); j < columnStart(c + 1); j++) {
                            dst[i * WIDTH + j] = value(i, j);
                        }
                    }
                }

                @Override
                public int columnStart(int c) {
                    return c == 2 ? WIDTH : c * (WIDTH / 2);
                }
            };
            // jobs until the helper takes a chunk (it usually does at once: it spins for new jobs)
            for (int job = 0; job < 10_000 && stall.get(); job++) {
                assertTrue(team.tryRunColumns(2, ROWS, WIDTH, out, body));
                assertArrayEquals(expected(), out, "job " + job);
            }
            assertFalse(stall.get(), "a helper took a chunk");
            assertTrue(helperStuck.await(10, TimeUnit.SECONDS));
            // the job the helper stalled in returned with every column right, computed by the caller
            assertArrayEquals(expected(), out);
            float[] next = new float[ROWS * WIDTH];
            assertTrue(team.tryRunColumns(2, ROWS, WIDTH, next, filling(2, () -> { })));
            assertArrayEquals(expected(), next, "the next job runs while the helper is still stuck");
            release.countDown();
            assertTrue(helperDone.await(10, TimeUnit.SECONDS));
            Thread.sleep(20);   // the helper's late writes, had they gone to the output, have landed
            assertArrayEquals(expected(), out, "the stuck helper wrote its own buffer, not the output");
            assertArrayEquals(expected(), next);
        } finally {
            release.countDown();
            team.stop();
        }
    }

    @Test
    void aHelpersFailureReachesTheCallerAndTheTeamKeepsWorking() {
        SpinTeam team = new SpinTeam(1, 5_000_000_000L, SpinTeam.IDLE_EXIT_NANOS);
        try {
            IllegalStateException boom = new IllegalStateException("helper chunk failed");
            float[] out = new float[ROWS * WIDTH];
            AtomicBoolean failed = new AtomicBoolean();
            // until the helper takes a chunk and throws (a job whose chunks both ran on the caller returns);
            // the caller's chunk takes 20 ms, so it waits that long before it would compute the helper's chunk itself
            for (int job = 0; job < 100 && !failed.get(); job++) {
                try {
                    team.tryRunColumns(2, ROWS, WIDTH, out, filling(2, () -> {
                        if (onHelper()) {
                            throw boom;
                        }
                        sleep(20);
                    }));
                } catch (IllegalStateException e) {
                    assertSame(boom, e);
                    failed.set(true);
                }
            }
            assertTrue(failed.get(), "the helper's exception reached the caller");
            float[] next = new float[ROWS * WIDTH];
            assertTrue(team.tryRunColumns(2, ROWS, WIDTH, next, filling(2, () -> { })));
            assertArrayEquals(expected(), next);
        } finally {
            team.stop();
        }
    }

    @Test
    void theCallersFailureIsThrownAndReleasesTheTeam() {
        SpinTeam team = new SpinTeam(1);
        try {
            IllegalArgumentException boom = new IllegalArgumentException("caller chunk failed");
            float[] out = new float[ROWS * WIDTH];
            assertSame(boom, assertThrows(IllegalArgumentException.class, () -> team.tryRunColumns(2, ROWS, WIDTH, out,
                    filling(2, () -> {
                        if (!onHelper()) {
                            throw boom;
                        }
                    }))));
            float[] next = new float[ROWS * WIDTH];
            assertTrue(team.tryRunColumns(2, ROWS, WIDTH, next, filling(2, () -> { })), "the team is free again");
            assertArrayEquals(expected(), next);
        } finally {
            team.stop();
        }
    }

    @Test
    void aChunkPublishedByAHelperThatThenExitsIdleStillReachesTheOutput() {
        // found by review: the helper publishes, parks past its idle exit (1 ms here) and drops its buffer
        // while the caller is still in its own 50 ms chunk; the caller then computes that chunk again
        SpinTeam team = new SpinTeam(1, 1_000, 1_000_000L);
        try {
            AtomicBoolean helperRan = new AtomicBoolean();
            for (int job = 0; job < 20 && !helperRan.get(); job++) {
                float[] out = new float[ROWS * WIDTH];
                assertTrue(team.tryRunColumns(2, ROWS, WIDTH, out, filling(2, () -> {
                    if (onHelper()) {
                        helperRan.set(true);
                    } else {
                        sleep(50);
                    }
                })));
                assertArrayEquals(expected(), out, "job " + job);
            }
            assertTrue(helperRan.get(), "the helper took a chunk");
        } finally {
            team.stop();
        }
    }

    @Test
    void oneChunkOrAStoppedTeamRunsNothingAndSaysSo() {
        SpinTeam team = new SpinTeam(1);
        float[] out = new float[ROWS * WIDTH];
        AtomicInteger runs = new AtomicInteger();
        assertFalse(team.tryRunColumns(1, ROWS, WIDTH, out, filling(1, runs::incrementAndGet)));
        team.stop();
        assertFalse(team.tryRunColumns(2, ROWS, WIDTH, out, filling(2, runs::incrementAndGet)));
        assertEquals(0, runs.get());
        assertThrows(IllegalArgumentException.class, () -> team.tryRunColumns(3, ROWS, WIDTH, out, filling(3, () -> { })));
    }

    @Test
    void lateHelpersOfEarlierJobsNeverReachALaterJobsOutput() throws InterruptedException {
        // each job writes its own number: a helper that stalls (a descheduled thread) is overtaken and
        // finishes its chunk of an old job while later ones run, posted by two callers in turn; every
        // output holds its own job's numbers only
        SpinTeam team = new SpinTeam(2);
        AtomicReference<Throwable> failed = new AtomicReference<>();
        try {
            Runnable caller = () -> {
                java.util.SplittableRandom random = new java.util.SplittableRandom(Thread.currentThread().getId());
                for (int job = 0; job < 3000 && failed.get() == null; job++) {
                    int chunks = 2 + job % 2;
                    float tag = job + (Thread.currentThread().getName().equals("second-caller") ? 0.5f : 0f);
                    int stall = random.nextInt(8);
                    float[] out = new float[ROWS * WIDTH];
                    boolean ran = team.tryRunColumns(chunks, ROWS, WIDTH, out, new CpuParallel.ColumnsBody() {
                        @Override
                        public void run(int c, float[] dst) {
                            if (c == stall && onHelper()) {
                                java.util.concurrent.locks.LockSupport.parkNanos(50_000);
                            }
                            for (int i = 0; i < ROWS; i++) {
                                for (int j = columnStart(c); j < columnStart(c + 1); j++) {
                                    dst[i * WIDTH + j] = tag;
                                }
                            }
                        }

                        @Override
                        public int columnStart(int c) {
                            return c == chunks ? WIDTH : c * (WIDTH / chunks);
                        }
                    });
                    if (!ran) {
                        continue;   // the other caller held the team
                    }
                    for (int k = 0; k < out.length; k++) {
                        if (out[k] != tag) {
                            failed.compareAndSet(null, new AssertionError("job " + tag + " element " + k + " holds " + out[k]));
                        }
                    }
                }
            };
            SpinTeamTest.onTwoCallers(caller);
            assertEquals(null, failed.get());
        } finally {
            team.stop();
        }
    }
}
