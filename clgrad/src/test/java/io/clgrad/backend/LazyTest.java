package io.clgrad.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class LazyTest {
    @Test
    void makesTheValueOnceForManyThreads() throws InterruptedException {
        AtomicInteger made = new AtomicInteger();
        Lazy<Object> lazy = new Lazy<>(() -> {
            made.incrementAndGet();
            return new Object();
        });
        CountDownLatch start = new CountDownLatch(1);
        List<Object> seen = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            Thread t = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                seen.add(lazy.get());
            });
            t.start();
            threads.add(t);
        }
        start.countDown();
        for (Thread t : threads) {
            t.join();
        }
        assertEquals(1, made.get());
        assertEquals(8, seen.size());
        for (Object o : seen) {
            assertSame(seen.get(0), o);
        }
    }

    @Test
    void aFailedAttemptIsRetriedWithTheSameError() {
        AtomicInteger calls = new AtomicInteger();
        Lazy<String> lazy = new Lazy<>(() -> {
            if (calls.incrementAndGet() < 3) {
                throw new IllegalStateException("no device (attempt " + calls.get() + ")");
            }
            return "ready";
        });
        assertEquals("no device (attempt 1)", assertThrows(IllegalStateException.class, lazy::get).getMessage());
        assertEquals("no device (attempt 2)", assertThrows(IllegalStateException.class, lazy::get).getMessage());
        assertEquals("ready", lazy.get());
        assertEquals("ready", lazy.get());
        assertEquals(3, calls.get());
    }

    @Test
    void aNullValueIsRefused() {
        Lazy<String> lazy = new Lazy<>(() -> null);
        assertThrows(NullPointerException.class, lazy::get);
    }
}
