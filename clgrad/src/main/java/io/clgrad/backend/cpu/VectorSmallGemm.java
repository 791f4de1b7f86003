package io.clgrad.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API kernel of {@link SmallGemm} (small-m, unpacked matmul); its plain twin is
 * {@link SmallGemm.Plain}. Loaded by reflection only when {@code jdk.incubator.vector} is present.
 *
 * <p><b>Dot form</b> (B's columns contiguous along k, a Linear's weight [out, in]): four columns of
 * C at a time; for each row of A, four vector accumulators run along k (one load of A, four loads of
 * B and four fused multiply-adds per vector step), then each is summed across its lanes and the
 * last {@code k mod L} steps are added in scalar. The four rows of B (4·k floats) stay in L1 while
 * the rows of A reuse them, so B is read from memory once whatever m is. The loaded operand is
 * the second of each {@code fma} so that C2 folds the load into the instruction (see
 * {@code VectorPackedLinear}).
 *
 * <p><b>Axpy form</b> (B row-major): blocks of four vectors of columns; for each row of A, four
 * accumulators collect {@code A[i][p] · B[p][j..]} over p (a broadcast and four multiply-adds per p;
 * k ≥ 1 here, so p = 0 starts them with plain products), then are stored; columns left over go
 * one vector at a time, and the last fewer than a vector through {@link CpuMatmul#rowUpdate} (row
 * by row of B, as the plain twin does).
 */
final class VectorSmallGemm implements SmallGemm.Kernel {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    @Override
    public void dot(int m, int k, float[] a, int aOff, float[] b, int bOff, int ldb, float[] c, int n,
                    int j0, int j1) {
        int kv = k - k % L;
        int j = j0;
        for (; j + 4 <= j1; j += 4) {
            int b0 = bOff + j * ldb;
            int b1 = b0 + ldb;
            int b2 = b1 + ldb;
            int b3 = b2 + ldb;
            for (int i = 0; i < m; i++) {
                int ai = aOff + i * k;
                FloatVector s0 = FloatVector.zero(S);
                FloatVector s1 = s0;
                FloatVector s2 = s0;
                FloatVector s3 = s0;
                for (int p = 0; p < kv; p += L) {
                    FloatVector av = FloatVector.fromArray(S, a, ai + p);
                    s0 = av.fma(FloatVector.fromArray(S, b, b0 + p), s0);
                    s1 = av.fma(FloatVector.fromArray(S, b, b1 + p), s1);
                    s2 = av.fma(FloatVector.fromArray(S, b, b2 + p), s2);
                    s3 = av.fma(FloatVector.fromArray(S, b, b3 + p), s3);
                }
                float r0 = s0.reduceLanes(VectorOperators.ADD);
                float r1 = s1.reduceLanes(VectorOperators.ADD);
                float r2 = s2.reduceLanes(VectorOperators.ADD);
                float r3 = s3.reduceLanes(VectorOperators.ADD);
                for (int p = kv; p < k; p++) {
                    float ap = a[ai + p];
                    r0 += ap * b[b0 + p];
                    r1 += ap * b[b1 + p];
                    r2 += ap * b[b2 + p];
                    r3 += ap * b[b3 + p];
                }
                int ci = i * n + j;
                c[ci] = r0;
                c[ci + 1] = r1;
                c[ci + 2] = r2;
                c[ci + 3] = r3;
            }
        }
        for (; j < j1; j++) {
            int bj = bOff + j * ldb;
            for (int i = 0; i < m; i++) {
                int ai = aOff + i * k;
                FloatVector s0 = FloatVector.zero(S);
                for (int p = 0; p < kv; p += L) {
                    s0 = FloatVector.fromArray(S, a, ai + p).fma(FloatVector.fromArray(S, b, bj + p), s0);
                }
                float r = s0.reduceLanes(VectorOperators.ADD);
                for (int p = kv; p < k; p++) {
                    r += a[ai + p] * b[bj + p];
                }
                c[i * n + j] = r;
            }
        }
    }

    @Override
    public void axpy(int m, int k, float[] a, int aOff, float[] b, int bOff, int ldb, float[] c, int n,
                     int j0, int j1) {
        int j = j0;
        for (; j + 4 * L <= j1; j += 4 * L) {
            for (int i = 0; i < m; i++) {
                int ai = aOff + i * k;
                // p = 0 starts the sums (k >= 1 on this path), p = 1.. add to them
                int bp = bOff + j;
                FloatVector a0 = FloatVector.broadcast(S, a[ai]);
                FloatVector c0 = FloatVector.fromArray(S, b, bp).mul(a0);
                FloatVector c1 = FloatVector.fromArray(S, b, bp + L).mul(a0);
                FloatVector c2 = FloatVector.fromArray(S, b, bp + 2 * L).mul(a0);
                FloatVector c3 = FloatVector.fromArray(S, b, bp + 3 * L).mul(a0);
                bp += ldb;
                for (int p = 1; p < k; p++, bp += ldb) {
                    FloatVector ap = FloatVector.broadcast(S, a[ai + p]);
                    c0 = ap.fma(FloatVector.fromArray(S, b, bp), c0);
                    c1 = ap.fma(FloatVector.fromArray(S, b, bp + L), c1);
                    c2 = ap.fma(FloatVector.fromArray(S, b, bp + 2 * L), c2);
                    c3 = ap.fma(FloatVector.fromArray(S, b, bp + 3 * L), c3);
                }
                int ci = i * n + j;
                c0.intoArray(c, ci);
                c1.intoArray(c, ci + L);
                c2.intoArray(c, ci + 2 * L);
                c3.intoArray(c, ci + 3 * L);
            }
        }
        for (; j + L <= j1; j += L) {
            for (int i = 0; i < m; i++) {
                int ai = aOff + i * k;
                FloatVector c0 = FloatVector.zero(S);
                int bp = bOff + j;
                for (int p = 0; p < k; p++, bp += ldb) {
                    c0 = FloatVector.broadcast(S, a[ai + p]).fma(FloatVector.fromArray(S, b, bp), c0);
                }
                c0.intoArray(c, i * n + j);
            }
        }
        if (j < j1) {
            // the last columns, fewer than a vector: row by row of B, four k steps per pass
            for (int i = 0; i < m; i++) {
                int ci = i * n;
                java.util.Arrays.fill(c, ci + j, ci + j1, 0f);
                CpuMatmul.rowUpdate(a, aOff + i * k, 1, b, bOff + j, ldb, c, ci + j, k, j1 - j);
            }
        }
    }
}
