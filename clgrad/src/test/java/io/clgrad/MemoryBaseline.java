package io.clgrad;

/**
 * The starting point of a memory-flatness test: a device's bytes in use once the tensors that
 * earlier tests (in the same JVM) dropped without closing are reclaimed, so that none of them is
 * freed during the measured loop.
 */
public final class MemoryBaseline {
    private MemoryBaseline() {
    }

    /**
     * Reclaims dropped tensors until a pass frees nothing more, in two passes at least (on a busy
     * machine the JVM may hand over one collection's dropped tensors only after
     * {@link Device#reclaimDropped} stopped waiting for them), and returns the bytes then in use.
     */
    public static long settle(Device d) {
        for (int pass = 0; pass < 20; pass++) {
            long last = d.memoryStats().bytesInUse();
            d.reclaimDropped();
            if (pass > 0 && d.memoryStats().bytesInUse() == last) {
                break;
            }
        }
        return d.memoryStats().bytesInUse();
    }

    /**
     * Runs {@code step} once (so gradients and caches exist), settles, runs it {@code steps} more
     * times and asserts that the bytes and buffers in use on {@code d} came back to where they were.
     *
     * @param d     the device
     * @param what  named in the failure message
     * @param steps how many measured runs
     * @param step  one forward and backward (closing what it makes)
     */
    public static void assertFlat(Device d, String what, int steps, Runnable step) {
        step.run();
        long before = settle(d);
        long buffersBefore = d.memoryStats().buffersInUse();
        for (int i = 0; i < steps; i++) {
            step.run();
        }
        settle(d);
        org.junit.jupiter.api.Assertions.assertEquals(before, d.memoryStats().bytesInUse(),
                "bytes in use changed over " + steps + " steps of " + what + " on " + d);
        org.junit.jupiter.api.Assertions.assertEquals(buffersBefore, d.memoryStats().buffersInUse(),
                "buffers in use changed over " + steps + " steps of " + what + " on " + d);
    }
}
