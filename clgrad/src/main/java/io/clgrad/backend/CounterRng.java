package io.clgrad.backend;

/**
 * The counter-based random generator every backend uses, so that a seed gives the same numbers on
 * the CPU backend and on any OpenCL device. Element i of a fill is a pure function of
 * {@code (seed, offset + i)} (SplitMix64's finaliser over a Weyl sequence), so fills parallelise
 * trivially and need no generator state on the device. {@code kernels-cl/random.cl} implements the
 * same three functions; the conformance suite checks they agree.
 */
public final class CounterRng {
    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;
    private static final float TWO_POW_MINUS_24 = 0x1.0p-24f;

    private CounterRng() {
    }

    /** 64 well-mixed bits for a (seed, counter) pair. */
    public static long bits(long seed, long counter) {
        long z = seed + (counter + 1) * GOLDEN_GAMMA;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** A float uniform in [0, 1) with 24 random bits. */
    public static float uniform(long seed, long counter) {
        return (bits(seed, counter) >>> 40) * TWO_POW_MINUS_24;
    }

    /**
     * A standard normal sample by Box-Muller from the uniforms at counters 2c and 2c+1:
     * {@code sqrt(-2 ln u1) * cos(2π u2)} with u1 in (0, 1].
     */
    public static float normal(long seed, long counter) {
        float u1 = ((bits(seed, 2 * counter) >>> 40) + 1) * TWO_POW_MINUS_24;
        float u2 = (bits(seed, 2 * counter + 1) >>> 40) * TWO_POW_MINUS_24;
        return (float) (Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2.0 * Math.PI * u2));
    }

    /** An integer uniform in [0, range) for range ≥ 1 (Lemire's multiply-shift on 32 bits). */
    public static int below(long seed, long counter, int range) {
        long r32 = bits(seed, counter) >>> 32;
        return (int) ((r32 * (range & 0xFFFFFFFFL)) >>> 32);
    }
}
