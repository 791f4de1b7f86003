package io.clgrad.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@link CoreRoundTrip}: a finite round trip between two threads, and its bench line. */
class CoreRoundTripTest {
    @Test
    void twoThreadsPassTheLineInAFiniteTimeAboveAnyClockResolution() {
        double ns = CoreRoundTrip.measure();
        if (Runtime.getRuntime().availableProcessors() < 2) {
            assertTrue(Double.isNaN(ns), "one processor: no measurement, got " + ns);
            return;
        }
        // a hand-off needs the line to leave one core's cache and reach the other's: more than a
        // nanosecond; under 100 µs unless the other thread was not running, which gives NaN
        assertTrue(ns > 1 && ns < 100_000 || Double.isNaN(ns), "round trip " + ns + " ns");
    }

    @Test
    void theLineSaysWhatWasMeasuredOrWhyNot() {
        assertEquals("core round trip: 67 ns (two threads passing a cache line back and forth; on a virtual machine "
                + "it shows where the host placed the cores)", CoreRoundTrip.line(67.2));
        assertEquals("core round trip: n/a (one processor, or the other thread did not run)",
                CoreRoundTrip.line(Double.NaN));
    }
}
