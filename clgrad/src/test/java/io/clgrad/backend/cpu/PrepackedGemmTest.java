package io.clgrad.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.clgrad.backend.MatmulSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The vector GEMM with B packed once ({@link VectorGemm#prepackB}, {@link VectorGemm#runPrepacked}:
 * a Linear weight kept packed for batched inference) against the same GEMM packing B itself
 * ({@link VectorGemm#run}), bit for bit, and against the double-precision reference: every tile
 * with a small kc, mc and nc (many k steps, row and column blocks, edge tiles), B as a Linear's
 * transposed weight and row-major, offsets, bias and ReLU, one and two threads.
 */
class PrepackedGemmTest {
    private static CpuParallel one;
    private static CpuParallel two;

    @BeforeAll
    static void pools() {
        one = new CpuParallel(1);
        two = new CpuParallel(2);
    }

    @AfterAll
    static void stop() {
        one.shutdown();
        two.shutdown();
    }

    @Test
    void prepackedBGivesTheBitsOfTheGemmThatPacksItself() {
        assumeTrue(CpuMatmul.vectorModulePresent(), "JVM started without --add-modules jdk.incubator.vector");
        Random r = new Random(41);
        List<String> failures = new ArrayList<>();
        int cases = 0;
        for (int[] t : CpuGemmConfig.TILES) {
            CpuGemmConfig config = new CpuGemmConfig(t[0], t[1], 37, 3 * t[0] + 1, 100);
            for (CpuParallel par : new CpuParallel[] {one, two}) {
                VectorGemm g = new VectorGemm(par, config);
                for (int[] mnk : new int[][] {{5, 1, 1}, {9, 17, 38}, {37, 70, 100}, {130, 130, 75}, {64, 300, 37}}) {
                    int m = mnk[0];
                    int n = mnk[1];
                    int k = mnk[2];
                    for (boolean transposed : new boolean[] {true, false}) {
                        int bOff = r.nextInt(3);
                        // a Linear's W [n, k] read as B = Wᵀ (rows along k contiguous), or a row-major B [k, n]
                        MatmulSpec s = transposed
                                ? new MatmulSpec(1, m, n, k, 2, 0, k, 1, bOff, 0, 1, k)
                                : new MatmulSpec(1, m, n, k, 2, 0, k, 1, bOff, 0, n, 1);
                        float[] a = GemmReference.uniform(r, 2 + m * k);
                        float[] b = GemmReference.uniform(r, bOff + k * n);
                        float[] bias = r.nextBoolean() ? GemmReference.uniform(r, n) : null;
                        GemmEpilogue epi = new GemmEpilogue(bias, r.nextBoolean());
                        float[] want = new float[m * n];
                        g.run(s, a, b, want, epi);
                        float[] packed = new float[(int) g.prepackedBSize(k, n)];
                        java.util.Arrays.fill(packed, Float.NaN);   // every float the kernels read must be written
                        g.prepackB(new MatmulSpec(1, 1, n, k, 0, 0, 0, 0, s.bOffset(), 0, s.bRowStride(), s.bColStride()),
                                b, packed);
                        for (int call = 0; call < 2; call++) {   // the copy is only read: twice gives the same
                            float[] got = new float[m * n];
                            java.util.Arrays.fill(got, Float.NaN);
                            g.runPrepacked(s, a, packed, got, epi);
                            String where = config.spec() + ", " + par.threads() + " threads, " + s + " " + epi;
                            for (int i = 0; i < got.length; i++) {
                                if (Float.floatToRawIntBits(got[i]) != Float.floatToRawIntBits(want[i])) {
                                    failures.add(where + " at " + i + ": " + got[i] + " against " + want[i]);
                                    break;
                                }
                            }
                            String bad = GemmReference.firstMismatch(s, a, b, got, epi);
                            if (bad != null) {
                                failures.add(bad);
                            }
                        }
                        cases++;
                    }
                }
            }
        }
        GemmReference.assertNone(failures);
        assertEquals(CpuGemmConfig.TILES.length * 2 * 5 * 2, cases);
    }

    /**
     * Which Linear forwards the CPU backend runs from a GEMM copy: more than four rows, products the
     * vector GEMM takes (not the small-m rows 5-8), copies within the GEMM's shared-packing limit
     * and at most twice W (a 1-output head would be NR times its size).
     */
    @Test
    void gemmCopiesOnlyWhereTheyPay() {
        assumeTrue(CpuMatmul.vectorKernelsUsable(), "JVM without the Vector API GEMM");
        try (CpuBackend be = new CpuBackend(2)) {
            long mlp = be.gemmPackedWeightSize(128, 512, 784);
            org.junit.jupiter.api.Assertions.assertTrue(mlp >= 512L * 784 && mlp <= 2L * 512 * 784, "784->512: " + mlp);
            assertEquals(mlp, be.gemmPackedWeightSize(9, 512, 784), "one copy for every row count");
            assertEquals(0, be.gemmPackedWeightSize(4, 512, 784), "four rows: the batch-1 copies");
            assertEquals(0, be.gemmPackedWeightSize(8, 512, 784), "eight rows: the small-m path");
            assertEquals(0, be.gemmPackedWeightSize(64, 1, 300), "a 1-output head");
            assertEquals(0, be.gemmPackedWeightSize(64, 4096, 4096), "past the shared-packing limit");
        }
    }

    /** CpuMatmul's checks: a packed B too small, an A that its geometry overruns. */
    @Test
    void badOperandsAreRefusedWithTheirSizes() {
        assumeTrue(CpuMatmul.vectorModulePresent(), "JVM started without --add-modules jdk.incubator.vector");
        CpuMatmul mm = new CpuMatmul(two);
        MatmulSpec s = new MatmulSpec(1, 64, 40, 30, 0, 0, 30, 1, 0, 0, 1, 30);
        float[] packed = new float[(int) mm.prepackedSize(30, 40)];
        IllegalArgumentException small = assertThrows(IllegalArgumentException.class,
                () -> mm.runPrepacked(s, new float[64 * 30], new float[packed.length - 1], new float[64 * 40], GemmEpilogue.NONE));
        assertEquals(true, small.getMessage().contains("packed B of " + (packed.length - 1) + " floats"), small.getMessage());
        IllegalArgumentException shortA = assertThrows(IllegalArgumentException.class,
                () -> mm.runPrepacked(s, new float[64 * 30 - 1], packed, new float[64 * 40], GemmEpilogue.NONE));
        assertEquals(true, shortA.getMessage().contains("matmul A"), shortA.getMessage());
        assertThrows(IllegalArgumentException.class, () -> mm.prepack(s, new float[40 * 30 - 1], packed));
    }
}
