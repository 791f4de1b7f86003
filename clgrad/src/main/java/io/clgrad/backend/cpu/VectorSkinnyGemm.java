package io.clgrad.backend.cpu;

import io.clgrad.backend.MatmulSpec;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API kernel of {@link SkinnyGemm}; its plain twin is {@link SkinnyGemm.Plain}. Loaded by
 * reflection only when {@code jdk.incubator.vector} is present.
 *
 * <p><b>Rows</b> (n at most one vector): a row of C is one vector, {@code Σ_p A[i][p]·B[p][..]} as
 * a product then fused multiply-adds of a broadcast A element with a row of the packed B (in L1),
 * bias added and ReLU applied in the register, then stored: a full-vector store while it stays
 * inside the task's rows (the next row overwrites the lanes past n), through a copy at the end.
 * One column (n = 1) with A's rows contiguous: L rows at a time, gathered down each column of A. Wider n goes to the plain loops.
 *
 * <p><b>Partial sums over k</b>: with A's column contiguous ({@code aRowStride = 1}, m at most one
 * vector) and n at most 4, a load of A's column p and one broadcast of each B[p][j] feed n
 * accumulators that hold C's columns; with B's row contiguous ({@code bColStride = 1}, n at most one
 * vector) and m at most 4, the roles swap and the accumulators hold C's rows. Other shapes go to the
 * plain loops. Every accumulator runs over p in ascending order.
 */
final class VectorSkinnyGemm implements SkinnyGemm.Kernel {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final SkinnyGemm.Plain PLAIN = SkinnyGemm.Plain.INSTANCE;

    @Override
    public int packPad() {
        return L;
    }

    @Override
    public boolean takes(MatmulSpec s) {
        if (SkinnyGemm.fitsRows(s)) {
            return s.n() <= L || s.n() == 1 && s.aColStride() == 1;
        }
        return s.aRowStride() == 1 && s.m() <= L && s.n() <= 4 || s.bColStride() == 1 && s.n() <= L && s.m() <= 4;
    }

    @Override
    public void rows(MatmulSpec s, float[] a, float[] bp, float[] c, GemmEpilogue epi, int i0, int i1) {
        int n = s.n();
        if (n > L) {
            PLAIN.rows(s, a, bp, c, epi, i0, i1);
            return;
        }
        int k = s.k();
        int ars = s.aRowStride();
        int acs = s.aColStride();
        if (n == 1 && acs == 1) {
            dotRows(s, a, bp, c, epi, i0, i1);
            return;
        }
        float[] last = new float[L];   // the bias padded to a vector, then the task's last rows through it
        if (epi.bias() != null) {
            System.arraycopy(epi.bias(), 0, last, 0, n);
        }
        FloatVector bias = epi.bias() == null ? null : FloatVector.fromArray(S, last, 0);
        boolean relu = epi.relu();
        FloatVector b0 = FloatVector.fromArray(S, bp, 0);
        int fullEnd = i1 * n - L; // a full store at ci is inside the task's rows while ci <= fullEnd
        for (int i = i0; i < i1; i++) {
            int ai = s.aOffset() + i * ars;
            FloatVector acc = b0.mul(a[ai]);
            for (int p = 1; p < k; p++) {
                acc = FloatVector.fromArray(S, bp, p * n).fma(FloatVector.broadcast(S, a[ai + p * acs]), acc);
            }
            if (bias != null) {
                acc = acc.add(bias);
            }
            if (relu) {
                acc = VectorElementwise.relu(acc);
            }
            int ci = i * n;
            if (ci <= fullEnd) {
                acc.intoArray(c, ci);
            } else {   // no masked store: one in this branch slows the whole loop (package comment)
                acc.intoArray(last, 0);
                System.arraycopy(last, 0, c, ci, n);
            }
        }
    }

    /**
     * One column of C (n = 1, A's rows contiguous, k at most one vector): L rows at a time, C's vector
     * {@code Σ_p gather(A[i..i+L)[p]) · B[p]} in ascending p (gathers with stride aRowStride), then the
     * epilogue; the last rows (fewer than L) one at a time in scalar.
     */
    private static void dotRows(MatmulSpec s, float[] a, float[] bp, float[] c, GemmEpilogue epi, int i0, int i1) {
        int k = s.k();
        int ars = s.aRowStride();
        int[] index = new int[L];
        for (int l = 0; l < L; l++) {
            index[l] = l * ars;
        }
        float bias = epi.bias() == null ? 0f : epi.bias()[0];
        boolean hasBias = epi.bias() != null;
        boolean relu = epi.relu();
        FloatVector biasV = FloatVector.broadcast(S, bias);
        int i = i0;
        for (; i + L <= i1; i += L) {
            int ai = s.aOffset() + i * ars;
            FloatVector acc = FloatVector.fromArray(S, a, ai, index, 0).mul(bp[0]);
            for (int p = 1; p < k; p++) {
                acc = FloatVector.fromArray(S, a, ai + p, index, 0).fma(FloatVector.broadcast(S, bp[p]), acc);
            }
            if (hasBias) {
                acc = acc.add(biasV);
            }
            if (relu) {
                acc = VectorElementwise.relu(acc);
            }
            acc.intoArray(c, i);
        }
        for (; i < i1; i++) {
            int ai = s.aOffset() + i * ars;
            float acc = a[ai] * bp[0];
            for (int p = 1; p < k; p++) {
                acc = Math.fma(a[ai + p], bp[p], acc);
            }
            if (hasBias) {
                acc += bias;
            }
            c[i] = relu ? CpuBinaryKernels.relu(acc) : acc;
        }
    }

    @Override
    public void partial(MatmulSpec s, float[] a, float[] b, float[] part, int o, int p0, int p1) {
        int m = s.m();
        int n = s.n();
        if (s.aRowStride() == 1 && m <= L && n <= 4) {
            accumulate(a, s.aOffset(), s.aColStride(), m, b, s.bOffset(), s.bRowStride(), s.bColStride(), n,
                    part, o, n, 1, p0, p1);
        } else if (s.bColStride() == 1 && n <= L && m <= 4) {
            accumulate(b, s.bOffset(), s.bRowStride(), n, a, s.aOffset(), s.aColStride(), s.aRowStride(), m,
                    part, o, 1, n, p0, p1);
        } else {
            PLAIN.partial(s, a, b, part, o, p0, p1);
        }
    }

    /**
     * {@code acc_q[r] = Σ_p v[vo + p·vStep + r] · w[wo + p·wStep + q·wq]} for r below {@code len} (one
     * vector) and q below {@code count} (at most 4), added to {@code part[o + r·rStride + q·qStride]}.
     * Full-vector loads (lanes from len on are never read out); the steps whose loads would run past
     * {@code v} are summed first, from a zero-padded copy of its end, and added to {@code part} too.
     */
    private static void accumulate(float[] v, int vo, int vStep, int len, float[] w, int wo, int wStep, int wq,
                                   int count, float[] part, int o, int rStride, int qStride, int p0, int p1) {
        FloatVector acc0 = FloatVector.zero(S);
        FloatVector acc1 = acc0;
        FloatVector acc2 = acc0;
        FloatVector acc3 = acc0;
        int pFull = p1;
        while (pFull > p0 && vo + (pFull - 1) * vStep + L > v.length) {
            pFull--;
        }
        if (pFull < p1) { // the last steps' loads would run past v: from a zero-padded copy of its end
            int start = vo + pFull * vStep;
            float[] tail = Arrays.copyOfRange(v, start, v.length + L);
            accumulate(tail, vo - start, vStep, len, w, wo, wStep, wq, count, part, o, rStride, qStride, pFull, p1);
        }
        // no branch in the loop (a per-count branch profile made C2's loop 4-5x slower): every step
        // runs four multiply-adds, the accumulators past count repeating column 0 unused
        int w1 = count > 1 ? wq : 0;
        int w2 = count > 2 ? 2 * wq : 0;
        int w3 = count > 3 ? 3 * wq : 0;
        for (int p = p0; p < pFull; p++) {
            FloatVector x = FloatVector.fromArray(S, v, vo + p * vStep);
            int wp = wo + p * wStep;
            acc0 = x.fma(FloatVector.broadcast(S, w[wp]), acc0);
            acc1 = x.fma(FloatVector.broadcast(S, w[wp + w1]), acc1);
            acc2 = x.fma(FloatVector.broadcast(S, w[wp + w2]), acc2);
            acc3 = x.fma(FloatVector.broadcast(S, w[wp + w3]), acc3);
        }
        float[] lanes = new float[L];
        addOut(acc0, lanes, len, part, o, rStride);
        if (count > 1) {
            addOut(acc1, lanes, len, part, o + qStride, rStride);
        }
        if (count > 2) {
            addOut(acc2, lanes, len, part, o + 2 * qStride, rStride);
        }
        if (count > 3) {
            addOut(acc3, lanes, len, part, o + 3 * qStride, rStride);
        }
    }

    /** Adds lanes [0, len) of {@code acc} to {@code part[o + r·rStride]}. */
    private static void addOut(FloatVector acc, float[] lanes, int len, float[] part, int o, int rStride) {
        acc.intoArray(lanes, 0);
        for (int r = 0; r < len; r++) {
            part[o + r * rStride] += lanes[r];
        }
    }
}
