package io.clgrad.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.clgrad.backend.Buffer;
import io.clgrad.backend.ElementType;
import io.clgrad.backend.MatmulSpec;
import io.clgrad.backend.StridedView;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link PackedLinear}'s sums in two halves and its chains of layers: a product gives the same bits
 * on 1, 2, 3 and 4 threads, with inputs dense or half zeros (the panel-range and the halves jobs);
 * {@link PackedLinear#runChain} gives, bit for bit, the layers run one by one ({@link PackedLinear#run})
 * whether or not it pairs two layers into one job, and matches a double-precision reference; the vector
 * kernel's {@code addTo} and {@code combine} equal their plain twins on NaN, infinities and signed zeros;
 * and the CPU backend's chain entry checks its arguments.
 */
class PackedLinearChainTest {
    private static final CpuParallel[] POOLS = {new CpuParallel(1), new CpuParallel(2), new CpuParallel(3), new CpuParallel(4)};
    /** Layer sizes: in, then each layer's out (pairs form where a layer splits in two at the next one's half). */
    private static final int[][] CHAINS = {{784, 512, 512, 10}, {100, 128, 64}, {100, 130, 70, 5}, {33, 64, 64, 64, 17},
        {7, 256, 128}, {40, 32, 16, 3}, {50, 129, 64, 7}};

    @AfterAll
    static void stop() {
        for (CpuParallel p : POOLS) {
            p.shutdown();
        }
    }

    private static PackedLinear path(boolean vector, CpuParallel par) {
        return PackedLinearTest.path(vector, par);
    }

    private static float[] pack(PackedLinear pl, float[] w, int out, int in) {
        float[] packed = new float[(int) pl.packedSize(out, in)];
        pl.pack(w, 0, in, 1, out, in, packed);
        return packed;
    }

    /** x [m, in] uniform in [-1, 1), every other input of a row zero when {@code halfZeros}. */
    private static float[] input(Random r, int m, int in, boolean halfZeros) {
        float[] x = GemmReference.uniform(r, m * in);
        if (halfZeros) {
            for (int e = 0; e < x.length; e += 2) {
                x[e] = 0f;
            }
        }
        return x;
    }

    /** Equal bits (±0 told apart), any NaN equal to any other: a NaN's payload is the hardware's choice. */
    private static void assertSameBits(float[] want, float[] got, String where) {
        for (int e = 0; e < want.length; e++) {
            assertEquals(Float.floatToIntBits(want[e]), Float.floatToIntBits(got[e]), where + " at " + e
                    + ": " + got[e] + " against " + want[e]);
        }
    }

    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {false, true})
    void aProductHasTheSameBitsOnAnyNumberOfThreads(boolean vector) {
        Random r = new Random(51);
        for (int[] shape : new int[][] {{1, 512, 512}, {3, 200, 97}, {2, 64, 784}, {4, 130, 33}, {1, 17, 64}}) {
            int m = shape[0];
            int out = shape[1];
            int in = shape[2];
            float[] w = GemmReference.uniform(r, out * in);
            float[] bias = GemmReference.uniform(r, out);
            for (boolean halfZeros : new boolean[] {false, true}) {
                float[] x = input(r, m, in, halfZeros);
                float[] want = null;
                for (CpuParallel par : POOLS) {
                    PackedLinear pl = path(vector, par);
                    float[] packed = pack(pl, w, out, in);
                    float[] y = new float[m * out];
                    pl.run(MatmulSpec.rowMajor(m, out, in), x, packed, bias, true, y);
                    if (want == null) {
                        want = y;
                        MatmulSpec asGemm = new MatmulSpec(1, m, out, in, 0, 0, in, 1, 0, 0, 1, in);   // B = Wᵀ
                        assertEquals(null, GemmReference.firstMismatch(asGemm, x, w, y, new GemmEpilogue(bias, true)),
                                "one thread against the reference");
                    } else {
                        assertSameBits(want, y, par.threads() + " threads, [" + m + "x" + out + "x" + in + "], zeros " + halfZeros);
                    }
                }
            }
        }
    }

    /** The layers of {@code sizes} (random weights, biases on all but the second, ReLU on all but the last). */
    private record Chain(int[] sizes, float[][] w, float[][] bias, boolean[] relu) {
        static Chain random(Random r, int[] sizes) {
            int layers = sizes.length - 1;
            float[][] w = new float[layers][];
            float[][] bias = new float[layers][];
            boolean[] relu = new boolean[layers];
            for (int l = 0; l < layers; l++) {
                w[l] = GemmReference.uniform(r, sizes[l + 1] * sizes[l]);
                bias[l] = l == 1 ? null : GemmReference.uniform(r, sizes[l + 1]);
                relu[l] = l < layers - 1;
            }
            return new Chain(sizes, w, bias, relu);
        }

        int layers() {
            return w.length;
        }

        int[] outs() {
            return java.util.Arrays.copyOfRange(sizes, 1, sizes.length);
        }

        float[][] packed(PackedLinear pl) {
            float[][] p = new float[layers()][];
            for (int l = 0; l < layers(); l++) {
                p[l] = pack(pl, w[l], sizes[l + 1], sizes[l]);
            }
            return p;
        }

        /** The layers one by one; x read as [m, in] at {@code x[off + i·ld + p·cs]}. */
        float[] oneByOne(PackedLinear pl, float[][] packed, float[] x, int m, int off, int ld, int cs) {
            float[] h = x;
            MatmulSpec spec = new MatmulSpec(1, m, sizes[1], sizes[0], off, 0, ld, cs, 0, 0, 0, 0);
            for (int l = 0; l < layers(); l++) {
                float[] y = new float[m * sizes[l + 1]];
                pl.run(spec, h, packed[l], bias[l], relu[l], y);
                h = y;
                spec = l + 1 < layers() ? MatmulSpec.rowMajor(m, sizes[l + 2], sizes[l + 1]) : null;
            }
            return h;
        }

        float[] chained(PackedLinear pl, float[][] packed, float[] x, int m, int off, int ld, int cs) {
            float[] y = new float[m * sizes[layers()]];
            MatmulSpec spec = new MatmulSpec(1, m, sizes[1], sizes[0], off, 0, ld, cs, 0, 0, 0, 0);
            pl.runChain(spec, x, packed, bias, relu, outs(), y);
            return y;
        }

        /** The whole chain in double, from x [m, in] at {@code x[off + i·ld + p·cs]}. */
        double[] reference(float[] x, int m, int off, int ld, int cs) {
            double[] h = new double[m * sizes[0]];
            for (int i = 0; i < m; i++) {
                for (int p = 0; p < sizes[0]; p++) {
                    h[i * sizes[0] + p] = x[off + i * ld + p * cs];
                }
            }
            for (int l = 0; l < layers(); l++) {
                int in = sizes[l];
                int out = sizes[l + 1];
                double[] y = new double[m * out];
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < out; j++) {
                        double s = bias[l] == null ? 0 : bias[l][j];
                        for (int p = 0; p < in; p++) {
                            s += h[i * in + p] * w[l][j * in + p];
                        }
                        y[i * out + j] = relu[l] ? Math.max(s, 0) : s;
                    }
                }
                h = y;
            }
            return h;
        }
    }

    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {false, true})
    void aChainGivesTheLayersOneByOneBitForBit(boolean vector) {
        Random r = new Random(52);
        List<String> failures = new ArrayList<>();
        int paired = 0;
        for (int[] sizes : CHAINS) {
            Chain c = Chain.random(r, sizes);
            int in = sizes[0];
            for (int m = 1; m <= PackedLinear.MAX_ROWS; m++) {
                // x row-major from offset 1 with padded rows, or transposed ([in, m] stored); dense, or half zeros
                for (int layout = 0; layout < 4; layout++) {
                    boolean transposed = layout >= 2;
                    int off = transposed ? 0 : 1;
                    int ld = transposed ? 1 : in + 3;
                    int cs = transposed ? m : 1;
                    float[] x = input(r, 1 + m * (in + 3), 1, layout % 2 == 1);
                    String what = java.util.Arrays.toString(sizes) + ", " + m + " rows, layout " + layout;
                    double[] ref = c.reference(x, m, off, ld, cs);
                    for (CpuParallel par : POOLS) {
                        PackedLinear pl = path(vector, par);
                        float[][] packed = c.packed(pl);
                        paired += pl.pairs(new MatmulSpec(1, m, sizes[1], in, off, 0, ld, cs, 0, 0, 0, 0), sizes[2]) ? 1 : 0;
                        float[] want = c.oneByOne(pl, packed, x, m, off, ld, cs);
                        // twice: the second call walks every copy's panels the other way
                        for (int call = 0; call < 2; call++) {
                            float[] got = c.chained(pl, packed, x, m, off, ld, cs);
                            String f = firstDifference(want, got, ref);
                            if (f != null) {
                                failures.add(what + ", " + par.threads() + " threads, call " + call + ": " + f);
                            }
                        }
                    }
                }
            }
        }
        GemmReference.assertNone(failures);
        assertTrue(paired >= 48, "first layers paired with the next: " + paired);
    }

    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {false, true})
    void aKeptPairFollowsTheInputWeightsAndBiasesOfEachCall(boolean vector) {
        // the last pair of layers is handed to the helper again while a call's would be the same in every
        // field: a call with another input, weights or bias array, or new values in the same input array,
        // must get its own numbers, not the last call's
        Random r = new Random(53);
        int[] sizes = {784, 512, 512, 10};
        Chain c1 = Chain.random(r, sizes);
        Chain c2 = Chain.random(r, sizes);
        // c1's weights with another bias in the first layer (c3) or in the second (c4); c2's weights with c4's biases (c5)
        Chain c3 = new Chain(sizes, c1.w(), new float[][] {c2.bias()[0], c1.bias()[1], c1.bias()[2]}, c1.relu());
        Chain c4 = new Chain(sizes, c1.w(), new float[][] {c1.bias()[0], GemmReference.uniform(r, 512), c1.bias()[2]},
                c1.relu());
        Chain c5 = new Chain(sizes, c2.w(), c4.bias(), c1.relu());
        Chain c6 = new Chain(sizes, c1.w(), c1.bias(), new boolean[] {false, true, false});   // no ReLU after the first
        PackedLinear pl = path(vector, POOLS[1]);
        float[][] p1 = c1.packed(pl);
        float[][] p2 = c2.packed(pl);
        float[] x1 = input(r, 1, 784, false);
        float[] x2 = input(r, 1, 784, false);
        assertTrue(pl.pairs(MatmulSpec.rowMajor(1, 512, 784), 512), "the first two layers run as one job");
        // each call differs from the one before it in one thing, or in nothing: x, the first layer's bias,
        // the second layer's, the weights (the same biases), the first layer's ReLU, x's values
        Chain[] chain = {c1, c1, c1, c1, c3, c3, c1, c1, c4, c4, c5, c5, c1, c1, c6, c6, c1, c1};
        float[][][] packed = {p1, p1, p1, p1, p1, p1, p1, p1, p1, p1, p2, p2, p1, p1, p1, p1, p1, p1};
        float[][] x = {x1, x1, x2, x2, x2, x2, x2, x2, x2, x2, x2, x2, x1, x1, x1, x1, x1, x1};
        int reusedBefore = pl.reuses();
        for (int call = 0; call < chain.length; call++) {
            if (call == 17) {
                float[] fresh = input(r, 1, 784, false);   // new values in the same array
                System.arraycopy(fresh, 0, x1, 0, fresh.length);
            }
            // the layers one by one (whose own kept layers are checked below), and a double reference
            float[] want = chain[call].oneByOne(pl, packed[call], x[call], 1, 0, 784, 1);
            float[] got = chain[call].chained(pl, packed[call], x[call], 1, 0, 784, 1);
            String f = firstDifference(want, got, chain[call].reference(x[call], 1, 0, 784, 1));
            assertTrue(f == null, "call " + call + ": " + f);
        }
        // the second call of each setting gets the first one's pair (or more: the layers run one by one count too)
        assertTrue(pl.reuses() - reusedBefore >= 9, "kept bodies handed again: " + (pl.reuses() - reusedBefore));
        // emptyCache drops them: the same call again makes a new pair
        pl.emptyCache();
        int reusedAfter = pl.reuses();
        c1.chained(pl, p1, x1, 1, 0, 784, 1);
        assertEquals(reusedAfter, pl.reuses(), "a body handed again after emptyCache");
    }

    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {false, true})
    void aKeptLayerFollowsTheInputWeightsAndBiasesOfEachCall(boolean vector) {
        // a single layer split over the helpers (by ranges of panels with a dense input, by halves of the
        // inputs with one half zeros) is kept and handed again likewise: each call must get its own
        // numbers, checked against a double reference
        Random r = new Random(54);
        int[] sizes = {784, 512};
        Chain c1 = Chain.random(r, sizes);
        Chain c2 = Chain.random(r, sizes);
        Chain c3 = new Chain(sizes, c1.w(), c2.bias(), c1.relu());
        Chain c4 = new Chain(sizes, c1.w(), c1.bias(), new boolean[] {true});
        Chain c5 = new Chain(sizes, c2.w(), c1.bias(), c1.relu());
        PackedLinear pl = path(vector, POOLS[1]);
        float[][] p1 = c1.packed(pl);
        float[][] p2 = c2.packed(pl);
        for (boolean halfZeros : new boolean[] {false, true}) {
            float[] x1 = input(r, 1, 784, halfZeros);
            float[] x2 = input(r, 1, 784, halfZeros);
            // settings, each called four times (each call walks the other way from the last, and a body is
            // kept per direction), then one change: x, the bias, the ReLU, the weights alone, x's values
            Chain[] chains = {c1, c1, c3, c1, c4, c1, c5, c1, c1};
            float[][][] packs = {p1, p1, p1, p1, p1, p1, p2, p1, p1};
            float[][] xs = {x1, x2, x2, x2, x2, x2, x2, x1, x1};
            Chain[] chain = new Chain[4 * chains.length];
            float[][][] packed = new float[chain.length][][];
            float[][] x = new float[chain.length][];
            for (int call = 0; call < chain.length; call++) {
                chain[call] = chains[call / 4];
                packed[call] = packs[call / 4];
                x[call] = xs[call / 4];
            }
            int reusedBefore = pl.reuses();
            for (int call = 0; call < chain.length; call++) {
                if (call == chain.length - 4) {
                    float[] fresh = input(r, 1, 784, halfZeros);   // new values in the same array
                    System.arraycopy(fresh, 0, x[call], 0, fresh.length);
                }
                float[] got = chain[call].oneByOne(pl, packed[call], x[call], 1, 0, 784, 1);
                // got against itself: only the double reference checks here
                String f = firstDifference(got, got, chain[call].reference(x[call], 1, 0, 784, 1));
                assertTrue(f == null, "zeros " + halfZeros + ", call " + call + ": " + f);
            }
            assertTrue(pl.reuses() - reusedBefore >= 2 * chains.length,
                    "kept layers handed again: " + (pl.reuses() - reusedBefore));
        }
        // rows of one array: another offset (x0), then another row count (m) at that offset
        float[] rows = input(r, 3, 784, false);
        int[] m = {1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2};
        int[] off = {0, 0, 0, 0, 784, 784, 784, 784, 784, 784, 784, 784};
        int reusedBefore = pl.reuses();
        for (int call = 0; call < m.length; call++) {
            float[] got = c1.oneByOne(pl, p1, rows, m[call], off[call], 784, 1);
            String f = firstDifference(got, got, c1.reference(rows, m[call], off[call], 784, 1));
            assertTrue(f == null, m[call] + " rows from " + off[call] + ": " + f);
        }
        assertTrue(pl.reuses() - reusedBefore >= 6, "kept layers handed again: " + (pl.reuses() - reusedBefore));
    }

    /**
     * Where {@code got} differs from {@code want} in its bits, or from the double reference by more than
     * 1e-5 of the largest output (float rounding through the layers; each layer's own tolerance is
     * PackedLinearTest's), or null.
     */
    private static String firstDifference(float[] want, float[] got, double[] ref) {
        double scale = 1;
        for (double v : ref) {
            scale = Math.max(scale, Math.abs(v));
        }
        for (int e = 0; e < got.length; e++) {
            if (Float.floatToIntBits(got[e]) != Float.floatToIntBits(want[e])) {
                return "at " + e + ": " + got[e] + ", one by one " + want[e];
            }
            if (Math.abs(got[e] - ref[e]) > 1e-5 * scale) {
                return "at " + e + ": " + got[e] + ", reference " + ref[e];
            }
        }
        return null;
    }

    /**
     * A pair's second layer with an infinite weight where its input is zero: 0·Inf is NaN, so that
     * layer must not skip (its finite flag), in a pair as on its own.
     */
    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {false, true})
    void aPairsSecondLayerWithAnInfiniteWeightDoesNotSkip(boolean vector) {
        Random r = new Random(55);
        Chain c = Chain.random(r, new int[] {100, 128, 64});
        PackedLinear pl = path(vector, POOLS[1]);
        float[] x = input(r, 1, 100, false);
        float[][] packed = c.packed(pl);
        float[] hidden = new float[128];
        pl.run(MatmulSpec.rowMajor(1, 128, 100), x, packed[0], c.bias[0], true, hidden);
        int zero = 0;
        while (hidden[zero] != 0f) {
            zero++;   // the ReLU zeroes about half: there is one
        }
        c.w[1][5 * 128 + zero] = Float.POSITIVE_INFINITY;   // W2[5][zero]
        packed = c.packed(pl);
        assertEquals(0f, packed[1][64 * 128], "the copy is flagged as holding a non-finite weight");
        assertTrue(pl.pairs(MatmulSpec.rowMajor(1, 128, 100), 64), "the two layers pair");
        float[] got = c.chained(pl, packed, x, 1, 0, 100, 1);
        assertTrue(Float.isNaN(got[5]), "0·Inf reaches output 5: " + got[5]);
        assertSameBits(c.oneByOne(pl, packed, x, 1, 0, 100, 1), got, "against the layers one by one");
    }

    /**
     * Chains from two threads at once on one pool and the same packed copies: one takes the spinning
     * team, the other runs its chunks without it (inline or on the pool), and the walking direction
     * both flip is raced; both get the layers' bits on every call.
     */
    @Test
    void chainsFromTwoThreadsAtOnceGiveTheLayersBits() throws Exception {
        Random r = new Random(56);
        Chain c = Chain.random(r, new int[] {784, 512, 512, 10});
        PackedLinear pl = path(CpuMatmul.vectorModulePresent(), POOLS[1]);
        float[][] packed = c.packed(pl);
        float[][] xs = {input(r, 1, 784, false), input(r, 1, 784, true)};
        float[][] want = {c.oneByOne(pl, packed, xs[0], 1, 0, 784, 1), c.oneByOne(pl, packed, xs[1], 1, 0, 784, 1)};
        java.util.concurrent.ExecutorService callers = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            List<java.util.concurrent.Future<String>> results = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                int which = t;
                results.add(callers.submit(() -> {
                    for (int call = 0; call < 400; call++) {
                        float[] got = c.chained(pl, packed, xs[which], 1, 0, 784, 1);
                        for (int e = 0; e < got.length; e++) {
                            if (Float.floatToIntBits(got[e]) != Float.floatToIntBits(want[which][e])) {
                                return "caller " + which + ", call " + call + " at " + e + ": " + got[e] + " against " + want[which][e];
                            }
                        }
                    }
                    return null;
                }));
            }
            for (java.util.concurrent.Future<String> f : results) {
                assertEquals(null, f.get(120, java.util.concurrent.TimeUnit.SECONDS));
            }
        } finally {
            callers.shutdownNow();
        }
    }

    /** Where a chain pairs two layers: on two threads, the first split at the second's half, the second in whole panels. */
    @Test
    void aChainPairsLayersThatSplitInTwoAtTheNextOnesHalf() {
        PackedLinear two = path(false, POOLS[1]);
        PackedLinear four = path(false, POOLS[3]);
        int nb = two.panelWidth();
        assertTrue(two.pairs(MatmulSpec.rowMajor(1, 4 * nb, 100), 4 * nb), "two threads, two panels each");
        assertFalse(four.pairs(MatmulSpec.rowMajor(1, 4 * nb, 100), 4 * nb), "four threads take the layers one by one");
        assertFalse(two.pairs(MatmulSpec.rowMajor(1, 3 * nb, 100), 4 * nb), "an odd number of panels splits off the half");
        assertFalse(two.pairs(MatmulSpec.rowMajor(1, 4 * nb, 100), 4 * nb + 1), "the second layer has tail rows");
        assertFalse(path(false, POOLS[0]).pairs(MatmulSpec.rowMajor(1, 4 * nb, 100), 4 * nb), "one thread");
    }

    @Test
    void theVectorChainEqualsItsPlainTwinBitForBit() {
        assumeTrue(CpuMatmul.vectorModulePresent(), "JVM started without --add-modules jdk.incubator.vector");
        Random r = new Random(53);
        // whole vector panels in every layer but the last, so that no tail row (SmallGemm's dot form) feeds another
        int[][] chains = {{784, 512, 512, 64}, {100, 128, 64}, {33, 256, 64, 128}};
        for (int[] sizes : chains) {
            Chain c = Chain.random(r, sizes);
            float[] x = input(r, 2, sizes[0], true);
            for (CpuParallel par : new CpuParallel[] {POOLS[0], POOLS[1]}) {
                PackedLinear plain = path(false, par);
                PackedLinear vector = path(true, par);
                assertSameBits(c.chained(plain, c.packed(plain), x, 2, 0, sizes[0], 1),
                        c.chained(vector, c.packed(vector), x, 2, 0, sizes[0], 1),
                        java.util.Arrays.toString(sizes) + ", " + par.threads() + " threads");
            }
        }
    }

    @Test
    void addToAndCombineEqualTheirPlainTwinsOnSpecialValues() {
        assumeTrue(CpuMatmul.vectorModulePresent(), "JVM started without --add-modules jdk.incubator.vector");
        PackedLinear.Kernel plain = PackedLinear.Plain.INSTANCE;
        PackedLinear.Kernel vector = new VectorPackedLinear();
        float[] special = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f, 1e-45f, -1e-45f,
            Float.MAX_VALUE, -Float.MAX_VALUE, 1f, -1f, 0.5f, -3.25f};
        int n = 3 * special.length * special.length + 5;   // every pair, past whole vectors
        float[] a = new float[n + 7];
        float[] b = new float[n + 2];
        float[] bias = new float[n];
        for (int j = 0; j < n; j++) {
            a[j + 7] = special[j % special.length];
            b[j + 2] = special[(j / special.length) % special.length];
            bias[j] = special[(j / 3) % special.length];
        }
        for (float[] bs : new float[][] {null, bias}) {
            for (boolean relu : new boolean[] {false, true}) {
                float[] p = new float[n + 1];
                float[] v = new float[n + 1];
                plain.combine(n, a, 7, b, 2, bs, relu, p, 1);
                vector.combine(n, a, 7, b, 2, bs, relu, v, 1);
                assertSameBits(p, v, "combine, bias " + (bs != null) + ", relu " + relu);
                for (int j = 0; j < n; j++) {
                    float want = a[j + 7] + b[j + 2];
                    want = bs == null ? want : want + bs[j];
                    want = relu && want < 0f ? 0f : want;   // torch.relu: -0 and NaN pass
                    assertEquals(Float.floatToIntBits(want), Float.floatToIntBits(p[j + 1]), "plain combine at " + j);
                }
            }
        }
        float[] p = a.clone();
        float[] v = a.clone();
        plain.addTo(n, b, 2, p, 7);
        vector.addTo(n, b, 2, v, 7);
        assertSameBits(p, v, "addTo");
        for (int j = 0; j < n; j++) {
            assertEquals(Float.floatToIntBits(a[j + 7] + b[j + 2]), Float.floatToIntBits(p[j + 7]), "plain addTo at " + j);
        }
    }

    /** The CPU backend's chain entry: the chain's numbers through buffers, and clear errors for what does not fit. */
    @Test
    void theBackendsChainEntryComputesAndChecksItsArguments() {
        try (CpuBackend backend = new CpuBackend(2)) {
            assertTrue(backend.packedLinearChain());
            Random r = new Random(54);
            Chain c = Chain.random(r, new int[] {30, 64, 20});
            Buffer[] packed = new Buffer[2];
            Buffer[] bias = new Buffer[2];
            for (int l = 0; l < 2; l++) {
                int out = c.sizes[l + 1];
                int in = c.sizes[l];
                Buffer w = backend.allocate(ElementType.F32, (long) out * in);
                backend.write(w, 0, c.w[l], 0, out * in);
                packed[l] = backend.allocate(ElementType.F32, backend.packedLinearWeightSize(out, in));
                backend.packLinearWeight(new StridedView(w, 0, new int[] {out, in}, new int[] {in, 1}), packed[l]);
                backend.free(w);
                if (c.bias[l] != null) {
                    bias[l] = backend.allocate(ElementType.F32, out);
                    backend.write(bias[l], 0, c.bias[l], 0, out);
                }
            }
            float[] x = input(r, 2, 30, false);
            Buffer xb = backend.allocate(ElementType.F32, x.length);
            backend.write(xb, 0, x, 0, x.length);
            Buffer y = backend.allocate(ElementType.F32, 40);
            MatmulSpec spec = MatmulSpec.rowMajor(2, 64, 30);
            backend.addmmPackedChain(spec, xb, packed, bias, c.relu, c.outs(), y);
            float[] got = new float[40];
            backend.read(y, 0, got, 0, 40);
            double[] ref = c.reference(x, 2, 0, 30, 1);
            for (int e = 0; e < 40; e++) {
                assertEquals(ref[e], got[e], 1e-4 * (1 + Math.abs(ref[e])), "at " + e);
            }

            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> backend.addmmPackedChain(spec, xb, packed, bias, new boolean[] {true}, c.outs(), y));
            assertTrue(e.getMessage().contains("got 2 sizes, 2 weights, 2 biases, 1 ReLU flags"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> backend.addmmPackedChain(spec, xb, packed, bias, c.relu, new int[] {63, 20}, y));
            assertTrue(e.getMessage().contains("outs[0] = 63 differ from n = 64"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> backend.addmmPackedChain(MatmulSpec.rowMajor(5, 64, 30), xb, packed, bias, c.relu, c.outs(), y));
            assertTrue(e.getMessage().contains("1 to 4 rows"), e.getMessage());
            for (Buffer b : new Buffer[] {packed[0], packed[1], bias[0], xb, y}) {
                backend.free(b);
            }
        }
    }
}
