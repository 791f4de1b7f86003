package io.clgrad;

import io.clgrad.backend.CounterRng;

/**
 * The global random generator behind {@link Tensor#rand}, {@link Tensor#randn} and
 * {@link Tensor#randint}. Each call draws a fresh stream seed from (seed, call number) and fills
 * on the target device with the counter-based generator, so the same seed gives the same numbers
 * on every device.
 */
final class RandomState {
    /** PyTorch's default seed, so an unseeded program is still reproducible. */
    static final long DEFAULT_SEED = 67280421310721L;

    private static long seed = DEFAULT_SEED;
    private static long calls;

    private RandomState() {
    }

    static synchronized void manualSeed(long s) {
        seed = s;
        calls = 0;
    }

    /** The generator's position: {seed, calls made since seeding}. */
    static synchronized long[] state() {
        return new long[] {seed, calls};
    }

    /** Restores a position from {@link #state()}. */
    static synchronized void setState(long s, long c) {
        seed = s;
        calls = c;
    }

    /** Draws the next stream seed (a replayed step draws it again for each recorded fill, as eager calls do). */
    static synchronized long nextStream() {
        return CounterRng.bits(seed, calls++);
    }

    static Tensor rand(Device device, int[] shape) {
        Tensor t = Tensor.empty(device, DType.FLOAT32, Shape.checked("rand", shape));
        t.backend().randomUniform(t.buffer("rand"), t.numel(), nextStream(), 0, 0f, 1f);
        return t;
    }

    static Tensor randn(Device device, int[] shape) {
        Tensor t = Tensor.empty(device, DType.FLOAT32, Shape.checked("randn", shape));
        t.backend().randomNormal(t.buffer("randn"), t.numel(), nextStream(), 0, 0f, 1f);
        return t;
    }

    static Tensor randint(Device device, int low, int high, int[] shape) {
        if (high <= low) {
            throw new IllegalArgumentException("randint: high (" + high + ") must be greater than low (" + low + ")");
        }
        Tensor t = Tensor.empty(device, DType.INT32, Shape.checked("randint", shape));
        t.backend().randomInt(t.buffer("randint"), t.numel(), nextStream(), 0, low, high);
        return t;
    }

    /** Fills an existing float32 tensor with U[low, high) (used by nn.init). */
    static void uniform(Tensor t, float low, float high) {
        Checks.float32("uniform_", t);
        requireDense("uniform_", t);
        t.backend().randomUniform(t.buffer("uniform_"), t.numel(), nextStream(), 0, low, high);
        t.bumpVersion();
    }

    /** Fills an existing float32 tensor with N(mean, std²). */
    static void normal(Tensor t, float mean, float std) {
        Checks.float32("normal_", t);
        requireDense("normal_", t);
        t.backend().randomNormal(t.buffer("normal_"), t.numel(), nextStream(), 0, mean, std);
        t.bumpVersion();
    }

    private static void requireDense(String op, Tensor t) {
        if (!t.isDense()) {
            throw new IllegalArgumentException(op + ": needs a contiguous tensor, got a view with strides "
                    + Shape.str(t.stridesRef()));
        }
    }
}
