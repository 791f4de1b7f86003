package io.clgrad.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.clgrad.ChildJvm;
import io.clgrad.backend.MatmulSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Both CPU matmul paths — the plain loops and the Vector API {@link VectorGemm} — forced explicitly
 * and checked against a double-precision reference on odd shapes, transposed operands, offsets and
 * batch-stride-0 broadcasts, on one and two threads. The vector path needs the JVM flag
 * {@code --add-modules jdk.incubator.vector} (surefire's argLine sets it); without the module its
 * tests are skipped, but a module that is present and fails to load is a failure.
 */
class CpuMatmulPathsTest {
    private static final int[] DIMS = {1, 7, 33, 129, 257};
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

    private static CpuMatmul path(boolean vector, CpuParallel par) {
        if (vector) {
            assumeTrue(CpuMatmul.vectorModulePresent(), "JVM started without --add-modules jdk.incubator.vector");
        }
        return new CpuMatmul(par, vector);
    }

    @Test
    void vectorPathLoadsWhenTheModuleIsPresent() {
        assumeTrue(CpuMatmul.vectorModulePresent(), "JVM started without --add-modules jdk.incubator.vector");
        CpuMatmul forced = new CpuMatmul(two, true);
        assertTrue(forced.usesVector());
        String env = System.getenv("CLGRAD_VECTOR");
        boolean disabled = env != null && env.trim().equals("0");
        assertEquals(!disabled, new CpuMatmul(two).usesVector(), "default choice with CLGRAD_VECTOR=" + env);
    }

    @Test
    void plainPathIsForcedAndUsedWithoutTheModule() {
        assertTrue(!new CpuMatmul(two, false).usesVector());
        if (!CpuMatmul.vectorModulePresent()) {
            assertTrue(!new CpuMatmul(two).usesVector());
            assertThrows(IllegalStateException.class, () -> new CpuMatmul(two, true));
        }
    }

    /** A JVM started without the module (a plain {@code java -jar}) falls back to the plain loops. */
    @Test
    void childJvmWithoutTheModuleUsesPlainLoops() throws Exception {
        ChildJvm.Result r = ChildJvm.run(ChildJvm.builder(NoModuleMain.class), Duration.ofSeconds(60));
        assertEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().contains("plain-ok"), r.output());
    }

    /** Run by {@link #childJvmWithoutTheModuleUsesPlainLoops} in a JVM without the vector module. */
    static final class NoModuleMain {
        public static void main(String[] args) {
            if (CpuMatmul.vectorModulePresent()) {
                throw new AssertionError("module unexpectedly present");
            }
            CpuParallel par = new CpuParallel(2);
            CpuMatmul mm = new CpuMatmul(par);
            if (mm.usesVector()) {
                throw new AssertionError("vector path chosen without the module");
            }
            try {
                new CpuMatmul(par, true);
                throw new AssertionError("forcing the vector path without the module did not throw");
            } catch (IllegalStateException expected) {
                // the message says the module is not enabled
            }
            int n = 64;
            float[] a = new float[n * n];
            float[] b = new float[n * n];
            java.util.Arrays.fill(a, 1f);
            java.util.Arrays.fill(b, 2f);
            float[] c = new float[n * n];
            mm.run(MatmulSpec.rowMajor(n, n, n), a, b, c);
            for (float v : c) {
                if (v != 2f * n) {
                    throw new AssertionError("wrong product " + v);
                }
            }
            par.shutdown();
            System.out.println("plain-ok");
        }
    }

    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {false, true})
    void oddShapesWithTransposes(boolean vector) {
        Random r = new Random(17);
        List<String> failures = new ArrayList<>();
        for (CpuParallel par : new CpuParallel[] {one, two}) {
            CpuMatmul mm = path(vector, par);
            for (int m : DIMS) {
                for (int n : DIMS) {
                    for (int k : DIMS) {
                        for (int t = 0; t < 4; t++) {
                            if (par == one && (m + n + k) % 3 != 0) {
                                continue; // one thread: a third of the shapes is enough
                            }
                            check(mm, r, 1, m, n, k, (t & 1) != 0, (t & 2) != 0, 0, 0, true, true, failures);
                        }
                    }
                }
            }
        }
        assertTrue(failures.isEmpty(), failures.size() + " failures, first: " + failures.stream().limit(5).toList());
    }

    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {false, true})
    void batchedWithBroadcastAndOffsets(boolean vector) {
        Random r = new Random(23);
        List<String> failures = new ArrayList<>();
        int[][] shapes = {{7, 33, 129}, {33, 1, 7}, {1, 129, 33}, {129, 257, 33}, {257, 7, 129}, {33, 33, 257}};
        CpuMatmul mm = path(vector, two);
        for (int[] d : shapes) {
            for (int t = 0; t < 4; t++) {
                boolean ta = (t & 1) != 0;
                boolean tb = (t & 2) != 0;
                check(mm, r, 3, d[0], d[1], d[2], ta, tb, 3, 5, true, false, failures);
                check(mm, r, 3, d[0], d[1], d[2], ta, tb, 0, 2, false, true, failures);
                check(mm, r, 2, d[0], d[1], d[2], ta, tb, 1, 0, true, true, failures);
            }
        }
        assertTrue(failures.isEmpty(), failures.size() + " failures, first: " + failures.stream().limit(5).toList());
    }

    /** Shapes that cross every blocking boundary of the vector path (KC, MC, NC, the task split). */
    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {false, true})
    void largeShapesCrossEveryBlock(boolean vector) {
        Random r = new Random(29);
        List<String> failures = new ArrayList<>();
        CpuMatmul mm = path(vector, two);
        check(mm, r, 1, 261, 1090, 530, false, false, 0, 0, true, true, failures);
        check(mm, r, 1, 517, 97, 300, true, true, 0, 0, true, true, failures);
        check(mm, r, 2, 131, 1057, 513, false, true, 0, 0, false, true, failures);
        // k over the built-in kc (1024 where L2 is 1 MiB) with several row blocks and the shared packed B:
        // two k steps with a short last one, and three
        check(mm, r, 1, 261, 190, 1030, false, false, 0, 0, true, true, failures);
        check(mm, r, 1, 133, 75, 2100, true, true, 0, 0, true, true, failures);
        assertTrue(failures.isEmpty(), failures.size() + " failures, first: " + failures.stream().limit(5).toList());
    }

    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {false, true})
    void zeroKClearsCAndOutputIsOverwritten(boolean vector) {
        CpuMatmul mm = path(vector, two);
        float[] c = new float[6];
        java.util.Arrays.fill(c, 9f);
        mm.run(MatmulSpec.rowMajor(2, 3, 0), new float[1], new float[1], c);
        assertArrayEquals(new float[6], c);
        // Garbage in C must not leak into the result.
        int m = 40;
        int n = 50;
        int k = 60;
        float[] a = new float[m * k];
        float[] b = new float[k * n];
        java.util.Arrays.fill(a, 1f);
        java.util.Arrays.fill(b, 0.5f);
        float[] out = new float[m * n];
        java.util.Arrays.fill(out, Float.NaN);
        mm.run(MatmulSpec.rowMajor(m, n, k), a, b, out);
        for (float v : out) {
            assertEquals(30f, v);
        }
    }

    @Test
    void badOperandThrowsOnEitherPath() {
        for (boolean vector : new boolean[] {false, true}) {
            if (vector && !CpuMatmul.vectorModulePresent()) {
                continue;
            }
            CpuMatmul mm = new CpuMatmul(two, vector);
            assertThrows(IllegalArgumentException.class,
                    () -> mm.run(MatmulSpec.rowMajor(64, 64, 64), new float[64 * 63], new float[64 * 64], new float[64 * 64]));
        }
    }

    private static void check(CpuMatmul mm, Random r, int batch, int m, int n, int k, boolean transA, boolean transB,
                              int aOffset, int bOffset, boolean aBatched, boolean bBatched, List<String> failures) {
        MatmulSpec s = MatmulSpec.packed(batch, m, n, k, transA, transB, aOffset, bOffset, aBatched, bBatched);
        float[] a = GemmReference.uniform(r, s.aLength());
        float[] b = GemmReference.uniform(r, s.bLength());
        float[] c = new float[batch * m * n];
        java.util.Arrays.fill(c, Float.NaN);
        mm.run(s, a, b, c);
        String bad = GemmReference.firstMismatch(s, a, b, c, GemmEpilogue.NONE);
        if (bad != null) {
            failures.add(bad);
        }
    }
}
