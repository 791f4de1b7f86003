package io.clgrad.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.clgrad.backend.ConvSpec;
import io.clgrad.backend.PoolSpec;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The CPU backend's fast convolution and pooling paths against their plain twins, bit for bit, on
 * one and two threads: {@link CpuConv#im2col} (tap rows across output columns, unchecked inside the
 * input) against {@link CpuConv#im2colPlain}, {@link CpuConv#col2im} (per image, stride 1 as a
 * per-pixel gather) against {@link CpuConv#col2imPlain}, and {@link CpuPool#maxBackward} (disjoint
 * windows written directly) against {@link CpuPool#maxBackwardGather}, with -0 gradients, and
 * {@link CpuPool#maxForward} (the Vector API's {@link VectorPool} where it applies) against
 * {@link CpuPool#maxForwardPlain} with ties, NaN, ±0 and -inf. The
 * geometries cover padding on each side, stride 2 and 3, dilation, groups, odd sizes, windows that
 * read only padding, and batches large enough to split across the pool; the conformance tables
 * (ConvCases, PoolCases) check the same paths against the double reference on theirs.
 */
class CpuConvPoolPathsTest {

    /** Runs {@code check} with a one-thread and a two-thread pool, then stops both. */
    private static void onOneAndTwoThreads(java.util.function.Consumer<CpuParallel> check) {
        for (int threads = 1; threads <= 2; threads++) {
            CpuParallel par = new CpuParallel(threads);
            try {
                check.accept(par);
            } finally {
                par.shutdown();
            }
        }
    }

    /**
     * The CNN's two layers (one at a smaller batch), and geometries beside those of the conformance
     * tables (which check the same paths against the double reference): stride 3 with padding on one
     * side of each axis, stride 2 with a wide kernel and dilation, a kernel wider than the image.
     */
    static List<ConvSpec> convSpecs() {
        int[][] geometries = {   // batch, channels, groups, H, W, kh, kw, sh, sw, top, bottom, left, right, dh, dw
            {128, 1, 1, 28, 28, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1},
            {16, 32, 1, 14, 14, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1},
            {4, 3, 1, 9, 11, 3, 3, 1, 3, 2, 0, 0, 2, 1, 1},
            {3, 4, 2, 10, 9, 2, 5, 2, 2, 1, 1, 2, 2, 2, 1},
            {2, 2, 1, 3, 2, 3, 5, 1, 1, 1, 1, 2, 2, 1, 1},
            {6, 3, 3, 7, 8, 3, 3, 1, 1, 0, 0, 0, 0, 1, 1},
            {2, 5, 1, 12, 13, 4, 4, 1, 1, 3, 3, 3, 3, 1, 1}};
        return java.util.Arrays.stream(geometries).map(a -> new ConvSpec(a[0], a[1], a[2], a[3], a[4], a[5], a[6],
                a[7], a[8], a[9], a[10], a[11], a[12], a[13], a[14])).toList();
    }

    static List<PoolSpec> poolSpecs() {
        return List.of(
                PoolSpec.max(4096, 28, 28, 2, 2, 2, 2, 0, 0, 1, 1, false),
                PoolSpec.max(300, 14, 14, 2, 2, 2, 2, 0, 0, 1, 1, false),
                PoolSpec.max(5, 12, 17, 3, 2, 3, 2, 0, 0, 1, 1, false),
                PoolSpec.max(4, 13, 12, 3, 3, 2, 2, 0, 0, 2, 2, false),
                PoolSpec.max(6, 7, 9, 2, 2, 2, 2, 0, 0, 1, 1, false),
                PoolSpec.max(9, 40, 38, 2, 2, 2, 2, 0, 0, 1, 1, false),   // rows of 19 outputs: a vector and a part
                PoolSpec.max(33, 6, 3, 2, 2, 2, 2, 0, 0, 1, 1, false),    // rows of one output
                PoolSpec.max(3, 7, 9, 2, 2, 2, 2, 0, 0, 1, 1, true),    // ceil mode: the last windows overhang
                PoolSpec.max(2, 5, 5, 2, 2, 2, 2, 1, 1, 1, 1, true),
                PoolSpec.max(4, 9, 10, 2, 2, 3, 3, 0, 0, 1, 1, false),
                PoolSpec.max(7, 5, 5, 5, 5, 5, 5, 0, 0, 1, 1, false),
                PoolSpec.max(3, 9, 11, 2, 2, 4, 4, 1, 1, 2, 3, true),
                PoolSpec.max(5, 11, 13, 3, 3, 2, 2, 1, 1, 1, 1, false),
                PoolSpec.max(3, 8, 7, 3, 3, 2, 2, 0, 0, 1, 1, true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("convSpecs")
    void im2colAndCol2imMatchTheirPlainTwins(ConvSpec s) {
        Random r = new Random(s.toString().hashCode());
        float[] x = random(r, s.inputSize());
        float[] cols = random(r, s.colsSize());
        onOneAndTwoThreads(par -> {
            CpuConv conv = new CpuConv(par);
            float[] fast = filled(s.colsSize());
            float[] plain = filled(s.colsSize());
            conv.im2col(s, x, fast);
            conv.im2colPlain(s, x, plain);
            assertBits("im2col " + s, plain, fast);
            float[] dxFast = filled(s.inputSize());
            float[] dxPlain = filled(s.inputSize());
            conv.col2im(s, cols, dxFast);
            conv.col2imPlain(s, cols, dxPlain);
            assertBits("col2im " + s, dxPlain, dxFast);
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("poolSpecs")
    void maxPoolBackwardMatchesTheGather(PoolSpec s) {
        Random r = new Random(s.toString().hashCode());
        float[] x = new float[s.inputCount()];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextInt(4);   // ties: the first index wins
        }
        float[] g = random(r, s.outputCount());
        for (int i = 0; i < g.length; i += 5) {
            g[i] = -0f;   // the gather's sum turns -0 into +0; the direct path must too
        }
        onOneAndTwoThreads(par -> {
            CpuPool pool = new CpuPool(par);
            float[] out = new float[s.outputCount()];
            int[] idx = new int[s.outputCount()];
            pool.maxForward(s, x, out, idx);
            float[] fast = filled(s.inputCount());
            float[] plain = filled(s.inputCount());
            pool.maxBackward(s, g, idx, fast);
            pool.maxBackwardGather(s, g, idx, plain);
            assertBits("max_pool2d backward " + s + (CpuPool.disjoint(s) ? " (disjoint)" : ""), plain, fast);
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("poolSpecs")
    void maxPoolForwardMatchesThePlainLoops(PoolSpec s) {
        Random r = new Random(s.toString().hashCode() + 1);
        float[] x = new float[s.inputCount()];
        for (int i = 0; i < x.length; i++) {
            int k = r.nextInt(12);   // ties, NaN, ±0 and -inf among small integers
            x[i] = k == 0 ? Float.NaN : k == 1 ? -0f : k == 2 ? Float.NEGATIVE_INFINITY : k - 6;
        }
        onOneAndTwoThreads(par -> {
            CpuPool pool = new CpuPool(par);
            float[] out = filled(s.outputCount());
            float[] plain = filled(s.outputCount());
            int[] idx = new int[s.outputCount()];
            int[] plainIdx = new int[s.outputCount()];
            java.util.Arrays.fill(idx, -1);
            pool.maxForward(s, x, out, idx);
            pool.maxForwardPlain(s, x, plain, plainIdx);
            assertBits("max_pool2d " + s, plain, out);
            org.junit.jupiter.api.Assertions.assertArrayEquals(plainIdx, idx, "max_pool2d indices " + s);
        });
    }

    private static float[] random(Random r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = r.nextFloat() * 2 - 1;
        }
        return a;
    }

    /** An output array full of NaN, so an element a path forgets to write shows. */
    private static float[] filled(int n) {
        float[] a = new float[n];
        java.util.Arrays.fill(a, Float.NaN);
        return a;
    }

    private static void assertBits(String what, float[] want, float[] got) {
        for (int i = 0; i < want.length; i++) {
            if (Float.floatToRawIntBits(want[i]) != Float.floatToRawIntBits(got[i])) {
                assertEquals(want[i], got[i], what + ": element " + i + " differs from the plain twin");
                assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(got[i]),
                        what + ": element " + i + " has other bits than the plain twin (" + want[i] + " vs " + got[i] + ")");
            }
        }
    }
}
