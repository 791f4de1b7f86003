package io.clgrad.backend.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clgrad.Device;
import io.clgrad.Tensor;
import io.clgrad.backend.TargetOutOfBoundsException;
import io.clgrad.nn.CrossEntropyLoss;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * With two threads on one OpenCL device, an out-of-range class target is raised in the thread whose
 * loss found it, at that thread's next read; reads and {@code synchronize()} in the other thread
 * neither raise nor swallow it (docs/design-notes.md, "Threads").
 */
class TargetErrorsThreadTest {
    private static final long WAIT_S = 60;

    /** A loss over a bad target, enqueued only (no read yet). */
    private static Tensor badLoss(Device d) {
        return new CrossEntropyLoss().forward(Tensor.zeros(d, 2, 3), Tensor.of(d, new int[] {0, 3}, 2));
    }

    /** A read of a good result; it must not raise. */
    private static void goodRead(Device d) {
        try (Tensor ones = Tensor.ones(d, 8); Tensor s = ones.sum()) {
            assertEquals(8f, s.item());
        }
    }

    private static void await(CountDownLatch latch) throws InterruptedException {
        assertTrue(latch.await(WAIT_S, TimeUnit.SECONDS), "the other thread did not get there");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#opencl")
    void theErrorReachesTheLaunchingThreadNotAnotherReader(Device d) throws Exception {
        CountDownLatch launched = new CountDownLatch(1);
        CountDownLatch otherRead = new CountDownLatch(1);
        AtomicReference<Throwable> inB = new AtomicReference<>();
        AtomicReference<Throwable> inA = new AtomicReference<>();
        Thread b = new Thread(() -> {
            try {
                await(launched);
                goodRead(d);          // a read after A's launch: A's record must not come back here
                d.synchronize();      // nor here
                goodRead(d);
            } catch (Throwable t) {
                inB.set(t);
            } finally {
                otherRead.countDown();
            }
        }, "reader-B");
        Thread a = new Thread(() -> {
            try {
                Tensor loss = badLoss(d);
                launched.countDown();
                await(otherRead);
                TargetOutOfBoundsException e = assertThrows(TargetOutOfBoundsException.class, loss::item,
                        "thread A's own read after its bad target");
                assertEquals(3, e.detail().value());
                assertEquals(1, e.detail().position());
                goodRead(d);          // raised once
            } catch (Throwable t) {
                inA.set(t);
            }
        }, "trainer-A");
        b.start();
        a.start();
        a.join(TimeUnit.SECONDS.toMillis(WAIT_S));
        b.join(TimeUnit.SECONDS.toMillis(WAIT_S));
        assertFalse(a.isAlive() || b.isAlive(), "threads hung");
        assertNull(inB.get(), () -> "the other thread's read raised (or failed): " + inB.get());
        assertNull(inA.get(), () -> "the launching thread: " + inA.get());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#opencl")
    void concurrentReadersNeverSeeAnotherThreadsBadTarget(Device d) throws Exception {
        int rounds = 20;
        CyclicBarrier step = new CyclicBarrier(2);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread a = new Thread(() -> {
            try {
                for (int i = 0; i < rounds; i++) {
                    Tensor loss = badLoss(d);
                    step.await(WAIT_S, TimeUnit.SECONDS);
                    assertThrows(TargetOutOfBoundsException.class, loss::item, "round " + i);
                }
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
                step.reset();
            }
        }, "trainer-A");
        Thread b = new Thread(() -> {
            try {
                for (int i = 0; i < rounds; i++) {
                    step.await(WAIT_S, TimeUnit.SECONDS);
                    goodRead(d);
                    d.synchronize();
                }
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
                step.reset();
            }
        }, "reader-B");
        a.start();
        b.start();
        a.join(TimeUnit.SECONDS.toMillis(WAIT_S));
        b.join(TimeUnit.SECONDS.toMillis(WAIT_S));
        assertFalse(a.isAlive() || b.isAlive(), "threads hung");
        assertNull(failure.get(), () -> "a thread failed: " + failure.get());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#opencl")
    void anEndedThreadsRecordIsReusedAndItsUnreadErrorStaysWithIt(Device d) throws Exception {
        TargetErrors errors = ((OpenClBackend) d.backend()).targetErrors();
        goodRead(d);
        for (int i = 0; i < 5; i++) {
            // a thread that ends right after its bad loss, without reading: its error is logged, not raised here
            Thread t = new Thread(() -> badLoss(d), "short-lived-" + i);
            t.start();
            t.join(TimeUnit.SECONDS.toMillis(WAIT_S));
            assertFalse(t.isAlive());
        }
        int held;
        synchronized (((OpenClBackend) d.backend()).clDevice().lock()) {
            held = errors.recordCount();
        }
        goodRead(d);
        d.synchronize();
        // one record per thread that is alive or was last to end, not one per thread ever started
        assertTrue(held <= 4, "record buffers held after 5 short-lived threads: " + held);
    }
}
