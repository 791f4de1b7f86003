package io.clgrad.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.clgrad.backend.MatmulSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link SmallGemm}, the unpacked small-m matmul path, with each of its kernels ({@link SmallGemm.Plain}
 * and the Vector API {@link VectorSmallGemm}) forced, against a double-precision reference: m = 1..8,
 * odd n and k around the vector length and the 16-column thread ranges, both forms (B transposed:
 * dot; B row-major: axpy), A transposed or strided, offsets, the fused bias and ReLU, on one thread
 * and on two threads that split the columns of every product (whatever {@link SmallGemm#PARALLEL_FLOPS}
 * says), so the column ranges' edges are checked on small shapes too.
 */
class SmallGemmTest {
    private static final int[][] NK = {{1, 1}, {3, 5}, {4, 16}, {5, 17}, {17, 3}, {33, 31}, {63, 129}, {300, 257},
        {517, 784}};
    /** One thread, and two. */
    private static final CpuParallel[] POOLS = {new CpuParallel(1), new CpuParallel(2)};

    @AfterAll
    static void stop() {
        for (CpuParallel p : POOLS) {
            p.shutdown();
        }
    }

    private static SmallGemm path(boolean vector, CpuParallel par) {
        if (vector) {
            assumeTrue(CpuMatmul.vectorModulePresent(), "JVM started without --add-modules jdk.incubator.vector");
        }
        // two threads split every product, one runs each inline: both sides of PARALLEL_FLOPS
        SmallGemm g = new SmallGemm(par, vector, par.threads() > 1 ? 0 : Double.MAX_VALUE);
        assertEquals(vector, g.usesVector(), "kernel loaded");
        return g;
    }

    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {false, true})
    void everyRowCountAndLayoutMatchesTheDoubleReference(boolean vector) {
        Random r = new Random(12);
        List<String> failures = new ArrayList<>();
        for (CpuParallel par : POOLS) {
            SmallGemm g = path(vector, par);
            for (int m = 1; m <= SmallGemm.MAX_M; m++) {
                for (int[] d : NK) {
                    for (int t = 0; t < 4; t++) {
                        boolean ta = (t & 1) != 0;
                        boolean tb = (t & 2) != 0;
                        MatmulSpec s = MatmulSpec.packed(1, m, d[0], d[1], ta, tb, t, 3 * t, true, true);
                        GemmEpilogue epi = switch ((m + t) % 3) {
                            case 0 -> GemmEpilogue.NONE;
                            case 1 -> new GemmEpilogue(GemmReference.uniform(r, d[0]), false);
                            default -> new GemmEpilogue(GemmReference.uniform(r, d[0]), true);
                        };
                        check(g, r, s, epi, failures);
                    }
                }
            }
        }
        GemmReference.assertNone(failures);
    }

    /** A whose rows are not back to back (a slice of a wider matrix) is gathered before the kernel. */
    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {false, true})
    void stridedRowsOfA(boolean vector) {
        Random r = new Random(13);
        List<String> failures = new ArrayList<>();
        SmallGemm g = path(vector, POOLS[1]);
        for (int m : new int[] {2, 5, 8}) {
            int k = 300;
            int n = 129;
            // A [m, k] inside rows of k + 7 floats; B = W^T with W [n, k] (a Linear's weight)
            MatmulSpec s = new MatmulSpec(1, m, n, k, 4, 0, k + 7, 1, 0, 0, 1, k);
            check(g, r, s, new GemmEpilogue(GemmReference.uniform(r, n), true), failures);
        }
        GemmReference.assertNone(failures);
    }

    @Test
    void fitsOnlySingleProductsOfFewRowsWithAUnitStrideB() {
        assertTrue(SmallGemm.fits(MatmulSpec.packed(1, 1, 512, 784, false, true, 0, 0, true, true)));
        assertTrue(SmallGemm.fits(MatmulSpec.packed(1, 8, 33, 7, true, false, 0, 0, true, true)));
        assertFalse(SmallGemm.fits(MatmulSpec.packed(1, 9, 33, 7, false, false, 0, 0, true, true)), "m = 9");
        assertFalse(SmallGemm.fits(MatmulSpec.packed(2, 1, 33, 7, false, false, 0, 0, true, true)), "batch 2");
        assertFalse(SmallGemm.fits(MatmulSpec.rowMajor(1, 5, 0)), "k = 0");
        assertFalse(SmallGemm.fits(new MatmulSpec(1, 1, 5, 7, 0, 0, 7, 1, 0, 0, 10, 2)), "B strided both ways");
    }

    private static void check(SmallGemm g, Random r, MatmulSpec s, GemmEpilogue epi, List<String> failures) {
        assertTrue(SmallGemm.fits(s), s.toString());
        GemmReference.checkRandom(g::run, r, s, epi, failures);
    }
}
