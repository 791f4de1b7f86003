package io.clgrad.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.clgrad.backend.Buffer;
import io.clgrad.backend.ConvSpec;
import io.clgrad.backend.ElementType;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * {@link DirectConv}, the stride-1 convolution without a patch matrix: forward, input gradient and
 * weight gradient against a double-precision reference written from the definition (bounds tests,
 * no padded copies), over the Fashion-MNIST CNN's two layers, output channels and taps that leave
 * partial tiles, 1×1, 5×5, non-square and even kernels, dilation, padding different on each side
 * and none, odd plane sizes, one image and batches of several weight-gradient chunks; the Vector
 * API kernel's wide and narrow tiles agree bit for bit with their plain twins, on one thread and on
 * two; the geometries it refuses (an output gradient too large to pad among them), the scratch it
 * does not keep, and the CPU backend's entries (refusal, and the patch-matrix route for an input or
 * a weight holding an infinity).
 */
class DirectConvTest {
    private static final CpuParallel[] POOLS = {new CpuParallel(1), new CpuParallel(2)};

    @AfterAll
    static void stop() {
        for (CpuParallel p : POOLS) {
            p.shutdown();
        }
    }

    /** A geometry and its output channels. */
    private record Case(ConvSpec s, int cout) {
        @Override
        public String toString() {
            return s + " cout=" + cout;
        }
    }

    private static List<Case> cases() {
        List<Case> c = new ArrayList<>();
        c.add(new Case(ConvSpec.symmetric(2, 1, 1, 28, 28, 3, 3, 1, 1, 1, 1, 1, 1), 32));   // CNN layer 1
        c.add(new Case(ConvSpec.symmetric(3, 32, 1, 14, 14, 3, 3, 1, 1, 1, 1, 1, 1), 64));  // CNN layer 2
        c.add(new Case(ConvSpec.symmetric(1, 3, 1, 13, 11, 3, 3, 1, 1, 1, 1, 1, 1), 5));    // partial tiles
        c.add(new Case(ConvSpec.symmetric(17, 2, 1, 9, 10, 3, 3, 1, 1, 1, 1, 1, 1), 13));   // several chunks
        c.add(new Case(ConvSpec.symmetric(2, 5, 1, 12, 12, 1, 1, 1, 1, 0, 0, 1, 1), 9));    // 1x1
        c.add(new Case(ConvSpec.symmetric(2, 2, 1, 16, 15, 5, 5, 1, 1, 2, 2, 1, 1), 6));    // 5x5 same
        c.add(new Case(ConvSpec.symmetric(2, 3, 1, 20, 18, 3, 3, 1, 1, 0, 0, 1, 1), 7));    // valid
        c.add(new Case(ConvSpec.symmetric(1, 2, 1, 17, 19, 3, 5, 1, 1, 1, 2, 1, 1), 4));    // 3x5
        c.add(new Case(ConvSpec.symmetric(2, 2, 1, 18, 16, 3, 3, 1, 1, 2, 2, 2, 2), 3));    // dilation 2
        c.add(new Case(new ConvSpec(2, 3, 1, 15, 16, 2, 2, 1, 1, 0, 1, 1, 0, 1, 1), 8));    // even kernel, "same"
        c.add(new Case(new ConvSpec(1, 2, 1, 14, 21, 3, 3, 1, 1, 2, 0, 0, 1, 1, 1), 10));   // uneven padding
        c.add(new Case(ConvSpec.symmetric(2, 4, 1, 40, 36, 3, 3, 1, 1, 1, 1, 1, 1), 8));    // larger planes
        // several images, each split into groups of channel tiles: a thread pads each image it
        // works on once and must pad again when its next group is of another image
        c.add(new Case(ConvSpec.symmetric(3, 3, 1, 9, 11, 3, 3, 1, 1, 1, 1, 1, 1), 20));
        // one image per weight-gradient chunk ((2 + 1100) channels of 240 positions: over half of CHUNK_FLOATS):
        // 18 chunks, more than DirectConv.MAX_PARTIALS
        c.add(new Case(ConvSpec.symmetric(18, 2, 1, 14, 14, 3, 3, 1, 1, 1, 1, 1, 1), 1100));
        return c;
    }

    private static DirectConv vector(CpuParallel par, boolean wide) {
        assumeTrue(CpuMatmul.vectorModulePresent(), "JVM started without --add-modules jdk.incubator.vector");
        return new DirectConv(par, new VectorDirectConv(wide, false));
    }

    /** The tiles as a 16-register machine (AVX2) runs them: 4-channel forward tiles of 2 vectors, gradient taps in two passes. */
    private static DirectConv vectorFewRegisters(CpuParallel par, boolean wide) {
        assumeTrue(CpuMatmul.vectorModulePresent(), "JVM started without --add-modules jdk.incubator.vector");
        return new DirectConv(par, new VectorDirectConv(wide, true));
    }

    /** n floats uniform in [-1, 1) (also {@link PackedConvWeightsTest}'s weights). */
    static float[] uniform(Random r, long n) {
        float[] a = new float[(int) n];
        for (int i = 0; i < a.length; i++) {
            a[i] = r.nextFloat() * 2 - 1;
        }
        return a;
    }

    private static long outSize(Case c) {
        return (long) c.s.batch() * c.cout * c.s.outH() * c.s.outW();
    }

    /** Calls {@code visit(out index, in index of x, weight index, output-gradient index)} for every term of the convolution. */
    private interface Terms {
        void visit(int x, int w, int y);
    }

    private static void forEachTerm(Case c, Terms t) {
        ConvSpec s = c.s;
        for (int n = 0; n < s.batch(); n++) {
            for (int o = 0; o < c.cout; o++) {
                for (int oh = 0; oh < s.outH(); oh++) {
                    for (int ow = 0; ow < s.outW(); ow++) {
                        int y = ((n * c.cout + o) * s.outH() + oh) * s.outW() + ow;
                        for (int ci = 0; ci < s.channels(); ci++) {
                            for (int i = 0; i < s.kernelH(); i++) {
                                int h = oh - s.padTop() + i * s.dilationH();
                                for (int j = 0; j < s.kernelW(); j++) {
                                    int w = ow - s.padLeft() + j * s.dilationW();
                                    if (h >= 0 && h < s.height() && w >= 0 && w < s.width()) {
                                        t.visit(((n * s.channels() + ci) * s.height() + h) * s.width() + w,
                                                ((o * s.channels() + ci) * s.kernelH() + i) * s.kernelW() + j, y);
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /** Each output's reference sum in double and the sum of its terms' magnitudes. */
    private record Ref(double[] value, double[] abs) {
        Ref(int n) {
            this(new double[n], new double[n]);
        }

        void add(int at, double term) {
            value[at] += term;
            abs[at] += Math.abs(term);
        }

        /** Within 2e-5 of the terms' magnitude (a float sum of a few hundred terms), elementwise. */
        void check(String what, float[] got) {
            assertEquals(value.length, got.length, what + ": length");
            for (int i = 0; i < got.length; i++) {
                double tol = 2e-5 * abs[i] + 1e-30;
                if (!(Math.abs(got[i] - value[i]) <= tol)) {
                    throw new AssertionError(what + "[" + i + "]: " + got[i] + ", expected " + value[i] + " ± " + tol);
                }
            }
        }
    }

    @Test
    void forwardInputAndWeightGradientsMatchTheReferenceAndTheTwins() {
        Random rnd = new Random(5);
        for (Case c : cases()) {
            ConvSpec s = c.s;
            float[] x = uniform(rnd, s.inputSize());
            float[] w = uniform(rnd, (long) c.cout * s.patchSize());
            float[] bias = uniform(rnd, c.cout);
            float[] gy = uniform(rnd, outSize(c));
            Ref y = new Ref((int) outSize(c));
            Ref dx = new Ref((int) s.inputSize());
            Ref dw = new Ref(w.length);
            forEachTerm(c, (xi, wi, yi) -> {
                y.add(yi, (double) x[xi] * w[wi]);
                dx.add(xi, (double) gy[yi] * w[wi]);
                dw.add(wi, (double) gy[yi] * x[xi]);
            });
            for (int i = 0; i < y.value.length; i++) {
                y.add(i, bias[i / (s.outH() * s.outW()) % c.cout]);
            }
            for (int variant = 0; variant < 4; variant++) {   // wide, narrow; each with 32- and 16-register tiles
                boolean wide = variant % 2 == 0;
                boolean few = variant >= 2;
                float[][] first = null;
                for (CpuParallel par : POOLS) {
                    DirectConv fast = few ? vectorFewRegisters(par, wide) : vector(par, wide);
                    DirectConv twin = new DirectConv(par, DirectConv.Plain.twinOf(fast.kernel()));
                    assertTrue(fast.takes(s, c.cout), c + " taken");
                    String what = c + (wide ? " wide" : " narrow") + (few ? ", 16-register tiles" : "") + ", "
                            + par.threads() + " threads";
                    float[][] got = run(fast, c, x, w, bias, gy);
                    float[][] plain = run(twin, c, x, w, bias, gy);
                    for (int k = 0; k < 3; k++) {
                        assertArrayEquals(plain[k], got[k], what + ": vector and plain twin, output " + k);
                    }
                    y.check(what + " y", got[0]);
                    dx.check(what + " dx", got[1]);
                    dw.check(what + " dW", got[2]);
                    if (first != null) {
                        for (int k = 0; k < 3; k++) {
                            assertArrayEquals(first[k], got[k], what + ": same bits on one and two threads, output " + k);
                        }
                    }
                    first = got;
                }
            }
        }
    }

    /**
     * A plane's store writes the plane's values and nothing at or past its limit, for rows shorter and
     * longer than a vector and planes smaller than one (a first version let the plane's next-to-last
     * row run past the plane when rows were under half a vector, over outputs another thread had
     * written); from any point below the limit the floats may be overwritten, as the caller writes
     * them later.
     */
    @Test
    void storePlaneStaysBelowItsLimit() {
        DirectConv.Kernel k = vector(POOLS[0], true).kernel();
        Random rnd = new Random(8);
        for (int outW = 1; outW <= 2 * k.lanes() + 3; outW++) {
            for (int outH = 1; outH <= 4; outH++) {
                int wp = outW + 2;
                float[] tile = uniform(rnd, 3 + outH * wp + 40);
                int d = 5;
                int plane = outH * outW;
                for (int extra : new int[] {0, 3, k.lanes()}) {
                    int limit = d + plane + extra;
                    float[] dst = filled(limit + 2 * k.lanes());
                    k.storePlane(tile, 3, tile.length, wp, outH, outW, 0.5f, dst, d, limit);
                    for (int oh = 0; oh < outH; oh++) {
                        for (int ow = 0; ow < outW; ow++) {
                            assertEquals(tile[3 + oh * wp + ow] + 0.5f, dst[d + oh * outW + ow],
                                    "outW " + outW + " outH " + outH + ": (" + oh + ", " + ow + ")");
                        }
                    }
                    for (int i = limit; i < dst.length; i++) {
                        assertTrue(Float.isNaN(dst[i]), "outW " + outW + " outH " + outH + " limit +" + extra
                                + ": wrote " + dst[i] + " at " + (i - limit) + " past the limit");
                    }
                    for (int i = 0; i < d; i++) {
                        assertTrue(Float.isNaN(dst[i]), "wrote before the plane at " + i);
                    }
                }
            }
        }
    }

    private static float[][] run(DirectConv dc, Case c, float[] x, float[] w, float[] bias, float[] gy) {
        float[] y = filled(outSize(c));
        float[] dx = filled(c.s.inputSize());
        float[] dw = filled(w.length);
        dc.forward(c.s, c.cout, x, w, bias, y);
        dc.inputGrad(c.s, c.cout, gy, w, dx);
        dc.weightGrad(c.s, c.cout, gy, x, dw);
        return new float[][] {y, dx, dw};
    }

    /** NaN everywhere, so an element left unwritten fails the comparison. */
    private static float[] filled(long n) {
        float[] a = new float[(int) n];
        java.util.Arrays.fill(a, Float.NaN);
        return a;
    }

    @Test
    void refusesWhatItCannotComputeOrWouldComputeSlowly() {
        DirectConv dc = new DirectConv(POOLS[0], new DirectConv.Plain(16, 8, 4));
        assertFalse(dc.takes(ConvSpec.symmetric(2, 3, 1, 14, 14, 3, 3, 2, 2, 1, 1, 1, 1), 4), "stride 2");
        assertFalse(dc.takes(ConvSpec.symmetric(2, 4, 2, 14, 14, 3, 3, 1, 1, 1, 1, 1, 1), 4), "groups 2");
        assertFalse(dc.takes(ConvSpec.symmetric(2, 3, 1, 14, 14, 3, 3, 1, 1, 3, 3, 1, 1), 4), "padding past (k-1)d");
        assertFalse(dc.takes(ConvSpec.symmetric(2, 64, 1, 2, 2, 3, 3, 1, 1, 1, 1, 1, 1), 64),
                "2x2 planes: 4 outputs of 16 computed positions");
        assertTrue(dc.takes(ConvSpec.symmetric(2, 64, 1, 7, 7, 3, 3, 1, 1, 1, 1, 1, 1), 64),
                "7x7 planes: 49 outputs of 64 computed positions");
        assertTrue(dc.takes(ConvSpec.symmetric(2, 64, 1, 14, 14, 3, 3, 1, 1, 1, 1, 1, 1), 64), "14x14 planes");
        // the input gradient pads the output gradient: 30,000 channels of 64x1032 floats per image pass an int
        ConvSpec wide = ConvSpec.symmetric(1, 1, 1, 64, 1000, 33, 1, 1, 1, 0, 0, 1, 1);
        assertTrue(dc.takes(wide, 8));
        assertFalse(dc.takes(wide, 30_000), "the output gradient's padded copy overflows an int");
    }

    @Test
    void doesNotKeepAHugeLayersScratch() throws Exception {
        ConvSpec s = ConvSpec.symmetric(1, 8, 1, 400, 400, 3, 3, 1, 1, 1, 1, 1, 1);   // 1.3 M floats padded
        DirectConv dc = vector(POOLS[0], true);
        float[] x = new float[(int) s.inputSize()];
        float[] w = new float[8 * s.patchSize()];
        float[] y = new float[(int) (8L * s.outH() * s.outW())];
        dc.forward(s, 8, x, w, null, y);
        java.lang.reflect.Field f = DirectConv.class.getDeclaredField("SCRATCH");
        f.setAccessible(true);
        @SuppressWarnings("unchecked")
        float[][] kept = ((ThreadLocal<float[][]>) f.get(null)).get();   // this thread ran the one-thread pool's work
        for (float[] a : kept) {
            assertTrue(a.length <= DirectConv.KEPT_SCRATCH, "kept " + a.length + " floats");
        }
    }

    @Test
    void backendTakesThePatchPathForAnInputGradientWithAnInfiniteWeight() {
        CpuBackend be = new CpuBackend(1);
        try {
            Case c = new Case(ConvSpec.symmetric(1, 2, 1, 12, 64, 3, 3, 1, 1, 0, 0, 1, 1), 3);
            Random rnd = new Random(1);
            float[] w = uniform(rnd, (long) c.cout * c.s.patchSize());
            w[8] = Float.POSITIVE_INFINITY;   // W[0][0][2][2]
            float[] gy = uniform(rnd, outSize(c));
            Ref dx = new Ref((int) c.s.inputSize());
            forEachTerm(c, (xi, wi, yi) -> dx.add(xi, (double) gy[yi] * w[wi]));
            float[] got = onBackend(be, gy, w, dx.value.length, (g, ws, out) -> be.conv2dInputGrad(c.s, c.cout, g, ws, out));
            checkWithNonFinite("dx", dx, got);
        } finally {
            be.close();
        }
    }

    /** A backend op of two inputs and one output. */
    private interface BackendOp {
        void run(Buffer a, Buffer b, Buffer out);
    }

    /** Runs {@code op} on device copies of {@code a} and {@code b}; its output of {@code n} floats read back. */
    private static float[] onBackend(CpuBackend be, float[] a, float[] b, int n, BackendOp op) {
        Buffer ab = be.allocate(ElementType.F32, a.length);
        Buffer bb = be.allocate(ElementType.F32, b.length);
        Buffer out = be.allocate(ElementType.F32, n);
        be.write(ab, 0, a, 0, a.length);
        be.write(bb, 0, b, 0, b.length);
        op.run(ab, bb, out);
        float[] got = new float[n];
        be.read(out, 0, got, 0, n);
        return got;
    }

    /** Finite reference entries within tolerance; the others of the same kind (NaN, or an infinity of the same sign). */
    private static void checkWithNonFinite(String what, Ref ref, float[] got) {
        int finite = 0;
        for (int i = 0; i < got.length; i++) {
            if (Double.isFinite(ref.value[i])) {
                finite++;
                assertTrue(Math.abs(got[i] - ref.value[i]) <= 2e-5 * ref.abs[i] + 1e-30,
                        what + "[" + i + "] = " + got[i] + ", expected " + ref.value[i] + " (no term meets the infinity)");
            } else {
                assertEquals(Double.isNaN(ref.value[i]), Float.isNaN(got[i]), what + "[" + i + "] = " + got[i]);
                assertEquals(ref.value[i] > 0, got[i] > 0, what + "[" + i + "] = " + got[i]);
            }
        }
        assertTrue(finite > 0 && finite < got.length, "some elements meet the infinity, some not: " + finite);
    }

    @Test
    void backendRefusesOtherGeometriesAndTakesThePatchPathForANonFiniteInput() {
        CpuBackend be = new CpuBackend(2);
        try {
            ConvSpec strided = ConvSpec.symmetric(1, 1, 1, 8, 8, 3, 3, 2, 2, 1, 1, 1, 1);
            assertFalse(be.directConv(strided, 4));
            Buffer any = be.allocate(ElementType.F32, 64);
            UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                    () -> be.conv2d(strided, 4, any, any, null, any));
            assertTrue(e.getMessage().contains("conv2d") && e.getMessage().contains("s2,2"), e.getMessage());

            Case c = new Case(ConvSpec.symmetric(2, 2, 1, 12, 12, 3, 3, 1, 1, 1, 1, 1, 1), 3);
            assertTrue(be.directConv(c.s, c.cout));
            Random rnd = new Random(9);
            float[] x = uniform(rnd, c.s.inputSize());
            x[5 * 12 + 0] = Float.POSITIVE_INFINITY;   // image 0, channel 0, row 5, column 0
            float[] gy = uniform(rnd, outSize(c));
            Ref dw = new Ref(c.cout * c.s.patchSize());
            forEachTerm(c, (xi, wi, yi) -> dw.add(wi, (double) gy[yi] * x[xi]));
            float[] got = onBackend(be, gy, x, dw.value.length, (g, xs, out) -> be.conv2dWeightGrad(c.s, c.cout, g, xs, out));
            checkWithNonFinite("dW", dw, got);
        } finally {
            be.close();
        }
    }
}
