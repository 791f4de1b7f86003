package io.clgrad.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.clgrad.backend.MatmulSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link SkinnyGemm}, the unpacked path for skinny products, with each kernel ({@link SkinnyGemm.Plain}
 * and the Vector API {@link VectorSkinnyGemm}) forced, against a double-precision reference: row
 * streaming (n, k ≤ 16; k = 1, n = 1, n around the vector length, the fused bias and ReLU, strided
 * and transposed A and B) and split k (k = 256 up to several chunks and a short last chunk; the
 * kernel's column form, row form and plain fallback), on one thread and on two; and the split-k sum
 * bit-identical on one and two threads.
 */
class SkinnyGemmTest {
    /** Row streaming: {m, n, k}. */
    private static final int[][] ROWS = {{32, 1, 1}, {33, 10, 2}, {4096, 10, 2}, {4099, 1, 10}, {4097, 10, 1},
        {65, 16, 16}, {257, 9, 16}, {100, 8, 3}, {131, 15, 7}, {40, 16, 1}};
    /** Split k: {m, n, k}. */
    private static final int[][] SPLIT = {{10, 2, 4096}, {1, 10, 4099}, {1, 1, 256}, {4, 16, 257}, {16, 4, 1025},
        {8, 8, 2049}, {3, 5, 3000}, {17, 3, 1000}, {2, 2, 1024}};

    /** Runs {@code body} with the path on a one-thread pool, then on a two-thread pool, each shut down after. */
    private static void onOneAndTwoThreads(boolean vector, Consumer<SkinnyGemm> body) {
        assumeTrue(!vector || CpuMatmul.vectorModulePresent(), "JVM started without --add-modules jdk.incubator.vector");
        for (int threads = 1; threads <= 2; threads++) {
            CpuParallel par = new CpuParallel(threads);
            try {
                SkinnyGemm g = new SkinnyGemm(par, vector);
                assertEquals(vector, g.usesVector(), "kernel loaded");
                body.accept(g);
            } finally {
                par.shutdown();
            }
        }
    }

    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {false, true})
    void rowStreamingMatchesTheDoubleReference(boolean vector) {
        Random r = new Random(21);
        List<String> failures = sweep(vector, r, ROWS, true);
        // A [m, k] inside rows of k + 3 floats (a slice of a wider matrix), ReLU only
        onOneAndTwoThreads(vector, g -> check(g, r, new MatmulSpec(1, 300, 10, 2, 1, 0, 5, 1, 0, 0, 1, 2),
                new GemmEpilogue(null, true), failures));
        GemmReference.assertNone(failures);
    }

    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {false, true})
    void splitKMatchesTheDoubleReference(boolean vector) {
        GemmReference.assertNone(sweep(vector, new Random(22), SPLIT, false));
    }

    /**
     * Every {m, n, k} of {@code dims} with A and B transposed or not, on one and two threads, with a
     * bias and ReLU, none, or a bias; the mismatches found.
     */
    private static List<String> sweep(boolean vector, Random r, int[][] dims, boolean rows) {
        List<String> failures = new ArrayList<>();
        onOneAndTwoThreads(vector, g -> {
            for (int[] d : dims) {
                for (int t = 0; t < 4; t++) {
                    MatmulSpec s = MatmulSpec.packed(1, d[0], d[1], d[2], (t & 1) != 0, (t & 2) != 0, t, 2 * t,
                            true, true);
                    assertTrue(rows ? SkinnyGemm.fitsRows(s) : SkinnyGemm.fitsSplitK(s), s.toString());
                    GemmEpilogue epi = switch (t % 3) {
                        case 0 -> new GemmEpilogue(GemmReference.uniform(r, d[1]), true);
                        case 1 -> GemmEpilogue.NONE;
                        default -> new GemmEpilogue(GemmReference.uniform(r, d[1]), false);
                    };
                    check(g, r, s, epi, failures);
                }
            }
        });
        return failures;
    }

    /** Enough multiply-adds to be split over the threads: the chunks' order fixes the result's bits. */
    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {false, true})
    void splitKGivesTheSameBitsOnOneAndTwoThreads(boolean vector) {
        Random r = new Random(23);
        MatmulSpec s = MatmulSpec.packed(1, 8, 8, 20_000, true, false, 0, 0, true, true);
        assertTrue((long) s.m() * s.n() * s.k() >= SkinnyGemm.PARALLEL_MACS, "the product is split");
        float[] a = GemmReference.uniform(r, s.m() * s.k());
        float[] b = GemmReference.uniform(r, s.bLength());
        float[][] out = new float[2][];
        int[] run = {0};
        onOneAndTwoThreads(vector, g -> {
            out[run[0]] = new float[s.m() * s.n()];
            g.run(s, a, b, out[run[0]++], GemmEpilogue.NONE);
        });
        float[] one = out[0];
        float[] two = out[1];
        assertArrayEquals(one, two, "split-k sums differ between one and two threads");
        assertEquals(null, GemmReference.firstMismatch(s, a, b, one, GemmEpilogue.NONE));
    }

    @Test
    void fitsOnlySkinnySingleProducts() {
        assertTrue(SkinnyGemm.fitsRows(MatmulSpec.packed(1, 4096, 10, 2, false, true, 0, 0, true, true)));
        assertFalse(SkinnyGemm.fits(MatmulSpec.packed(1, 31, 10, 2, false, true, 0, 0, true, true)), "m = 31");
        assertFalse(SkinnyGemm.fits(MatmulSpec.packed(1, 4096, 17, 2, false, true, 0, 0, true, true)), "n = 17");
        assertFalse(SkinnyGemm.fits(MatmulSpec.packed(2, 4096, 10, 2, false, true, 0, 0, true, true)), "batch 2");
        assertTrue(SkinnyGemm.fitsSplitK(MatmulSpec.packed(1, 10, 2, 4096, true, false, 0, 0, true, true)));
        assertFalse(SkinnyGemm.fits(MatmulSpec.packed(1, 10, 7, 4096, true, false, 0, 0, true, true)), "m·n = 70");
        assertFalse(SkinnyGemm.fits(MatmulSpec.packed(1, 10, 2, 255, true, false, 0, 0, true, true)), "k = 255");
        assertFalse(SkinnyGemm.fits(MatmulSpec.packed(1, 128, 512, 784, false, true, 0, 0, true, true)), "MLP layer");
    }

    /** The plain kernel takes every fitting shape; the vector kernel only those its vectors hold. */
    @Test
    void theVectorKernelTakesOnlyTheShapesItsVectorsHold() {
        MatmulSpec wide = MatmulSpec.packed(1, 4096, 16, 2, false, true, 0, 0, true, true);
        MatmulSpec column = MatmulSpec.packed(1, 4096, 1, 16, false, true, 0, 0, true, true);
        MatmulSpec tallC = MatmulSpec.packed(1, 16, 4, 4096, true, false, 0, 0, true, true);
        CpuParallel par = new CpuParallel(1);
        try {
            SkinnyGemm plain = new SkinnyGemm(par, false);
            assertTrue(plain.accepts(wide) && plain.accepts(column) && plain.accepts(tallC), "plain takes all");
            assumeTrue(CpuMatmul.vectorModulePresent(), "JVM started without --add-modules jdk.incubator.vector");
            int lanes = jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.length();
            SkinnyGemm vector = new SkinnyGemm(par, true);
            assertEquals(16 <= lanes, vector.accepts(wide), "n = 16 with " + lanes + " lanes");
            assertTrue(vector.accepts(column), "one column is gathered whatever the width");
            assertEquals(16 <= lanes, vector.accepts(tallC), "m = 16 with " + lanes + " lanes");
        } finally {
            par.shutdown();
        }
    }

    private static void check(SkinnyGemm g, Random r, MatmulSpec s, GemmEpilogue epi, List<String> failures) {
        GemmReference.checkRandom(g::run, r, s, epi, failures);
    }
}
