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
}
