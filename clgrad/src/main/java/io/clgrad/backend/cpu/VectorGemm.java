package io.clgrad.backend.cpu;

import io.clgrad.backend.MatmulSpec;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReference;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Batched matrix product {@code C[b] = A[b] · B[b]} (see {@link MatmulSpec}) written with the Vector
 * API ({@code jdk.incubator.vector}): packed, cache-blocked, register-tiled, multi-threaded. The
 * plain-loop twin is {@link CpuMatmul}, which stays the fallback and the test oracle; this class is
 * only loaded (by {@link CpuMatmul}, through reflection) when the module is present.
 *
 * <p><b>Enabling it.</b> The Vector API is an incubator module on JDK 17, which the JVM resolves only
 * when asked: a library user adds the JVM flag {@code --add-modules jdk.incubator.vector} (for
 * example {@code java --add-modules jdk.incubator.vector -cp ... Main}, or in Maven surefire's
 * {@code argLine}); the JVM then prints one "WARNING: Using incubator modules" line on stderr.
 * Without the flag the CPU backend silently uses the plain loops; the environment variable
 * {@code CLGRAD_VECTOR=0} forces the plain loops even with it.
 *
 * <p><b>Algorithm</b> (GotoBLAS/BLIS): work is split into tasks of (batch, block of rows of C, block
 * of columns of C), run on {@link CpuParallel}. Within a task, for each panel of at most {@value #NC}
 * columns and each step of {@value #KC} along k, B's [kc, nc] tile is packed into column panels of
 * {@link #NR} (two vector widths) columns, each panel [kc][NR] contiguous and zero-padded at the right
 * edge (when B is the same for the whole batch, is read by several tasks and fits in
 * {@value #SHARED_B_MAX} floats, all of it is packed so once per call, by all threads, into an
 * array kept for the next call, and the tasks share it); for each block of at most {@value #MC}
 * rows, A's [mc, kc] tile is packed into row panels of
 * {@value #MR} rows, each [kc][MR] contiguous and zero-padded at the bottom. The micro-kernel then
 * keeps an {@value #MR}×{@link #NR} tile of C in {@code 2·MR} vector registers and for each p does
 * two vector loads of B, {@value #MR} broadcasts of A and {@code 2·MR} fused multiply-adds. Full tiles
 * are stored (first k step) or added (later steps) straight into C; edge tiles go through a small
 * scratch tile. Packing reads A and B through their strides, so transposes and a batch stride of 0
 * (broadcast) cost nothing extra. Accumulation is in float, like BLAS; the order of additions (and so
 * the last bits) differs from the plain twin. Scratch arrays are per thread and reused.
 */
final class VectorGemm implements GemmPath {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** Floats per vector. */
    static final int L = S.length();
    /** Rows of the register tile. */
    static final int MR = 4;
    /** Columns of the register tile: two vectors. */
    static final int NR = 2 * L;
    /** k steps per packed tile. */
    static final int KC = 256;
    /** Most rows per packed A block (kept in L2). */
    static final int MC = 128;
    /** Products below this many flops are split into one task per thread. */
    static final double SMALL_FLOPS = 1 << 29;
    /** Most columns per packed B tile. */
    static final int NC = 1024;

    /**
     * Most floats of a B packed once per call and shared by every task (a B that is the same for the
     * whole batch); bigger ones are packed tile by tile inside each task.
     */
    static final int SHARED_B_MAX = 1 << 23;

    /** Per-thread scratch: packed A, packed B, an MR×NR edge tile. */
    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(
            () -> new float[][] {new float[0], new float[0], new float[MR * NR]});

    private final CpuParallel par;
    /** The shared packed-B array, kept between calls (taken while in use, so concurrent calls never share it). */
    private final AtomicReference<float[]> sharedB = new AtomicReference<>();

    VectorGemm(CpuParallel par) {
        this.par = par;
    }

    /** Floats per vector of the preferred species (8 for AVX2, 16 for AVX-512). */
    @Override
    public int vectorLength() {
        return L;
    }

    /**
     * Computes C; {@code c} is contiguous [batch, m, n] from element 0. Sizes must be at least 1 and
     * the operands valid for {@code s} (the caller, {@link CpuMatmul#run}, checks both).
     */
    @Override
    public void run(MatmulSpec s, float[] a, float[] b, float[] c, GemmEpilogue epi) {
        int batch = s.batch();
        int m = s.m();
        int n = s.n();
        // Tasks: rows in multiples of MR, columns in multiples of NR, enough tasks for every thread.
        // One task per thread for products of up to a few hundred MFLOP: each fork-join round and
        // each extra pack of a block costs more there than the load balance of more tasks gains.
        long want = (s.flops() < SMALL_FLOPS ? 1L : 3L) * par.threads();
        int rowUnits = ceilDiv(m, MR);
        int colUnits = ceilDiv(n, NR);
        int rowsPer = Math.min(rowUnits, ceilDiv(MC * 4, MR)); // at most 4 A blocks per task
        int colsPer = Math.min(colUnits, NC / NR);
        long tasks = (long) batch * ceilDiv(rowUnits, rowsPer) * ceilDiv(colUnits, colsPer);
        if (batch == 1 && m <= 2 * MC && colUnits >= 2 * par.threads()) {
            // Few rows (a training batch): split the columns only, so each task packs its own
            // part of B once and keeps all of A's rows; no separate pass to pack B for everyone.
            rowsPer = rowUnits;
            colsPer = ceilDiv(colUnits, par.threads());
            tasks = ceilDiv(colUnits, colsPer);
            want = tasks;
        }
        while (tasks < want && (rowsPer > 4 || colsPer > 4)) {
            if (rowsPer >= colsPer * 2 || colsPer <= 4) {
                rowsPer = ceilDiv(rowsPer, 2);
            } else {
                colsPer = ceilDiv(colsPer, 2);
            }
            tasks = (long) batch * ceilDiv(rowUnits, rowsPer) * ceilDiv(colUnits, colsPer);
        }
        int mBlock = rowsPer * MR;
        int nBlock = colsPer * NR;
        int rb = ceilDiv(m, mBlock);
        // A B shared by the batch and read by several row blocks is packed once, by all threads.
        int k = s.k();
        int nPad = colUnits * NR;
        boolean shareB = (batch == 1 || s.bBatchStride() == 0) && (long) batch * rb > 1
                && (long) k * nPad <= SHARED_B_MAX;
        float[] pb = null;
        if (shareB) {
            pb = sharedB.getAndSet(null);
            if (pb == null || pb.length < k * nPad) {
                pb = new float[k * nPad];
            }
            float[] dst = pb;
            int kBlocks = ceilDiv(k, KC);
            par.forEach(kBlocks * colUnits, (long) k * n, (lo, hi) -> {
                for (int u = lo; u < hi; u++) {
                    int pc = (u / colUnits) * KC;
                    int j = (u % colUnits) * NR;
                    int kc = Math.min(KC, k - pc);
                    packB(b, s.bOffset() + pc * s.bRowStride() + j * s.bColStride(), s.bRowStride(), s.bColStride(),
                            kc, Math.min(NR, n - j), dst, pc * nPad + j * kc);
                }
            });
        }
        float[] preB = pb;
        try {
            GemmBlock.forEach(par, s, mBlock, nBlock, c, epi, block -> task(block, a, b, c, preB, nPad));
        } finally {
            if (preB != null) {
                sharedB.set(preB);
            }
        }
    }

    /**
     * C[bat][i0..i1)[j0..j1) = A[bat][i0..i1)[:] · B[bat][:][j0..j1) for the block {@code t}. With
     * {@code preB}, B is read from there, packed for the whole matrix: the tile at k step pc is at
     * {@code pc*nPad}, its panel of columns from j at {@code pc*nPad + j*kc}; j0 is a multiple of NR.
     */
    private static void task(GemmBlock t, float[] a, float[] b, float[] c, float[] preB, int nPad) {
        MatmulSpec s = t.spec();
        int n = s.n();
        int k = s.k();
        float[][] scratch = SCRATCH.get();
        int kcMax = Math.min(KC, k);
        int aNeed = ceilDiv(Math.min(MC, t.rows()), MR) * MR * kcMax;
        int bNeed = ceilDiv(Math.min(NC, t.cols()), NR) * NR * kcMax;
        if (scratch[0].length < aNeed) {
            scratch[0] = new float[Math.max(aNeed, MC * KC)];
        }
        if (preB == null && scratch[1].length < bNeed) {
            scratch[1] = new float[Math.max(bNeed, Math.min(NC, ceilDiv(t.cols(), NR) * NR) * KC)];
        }
        float[] ap = scratch[0];
        float[] bp = preB != null ? preB : scratch[1];
        float[] edge = scratch[2];
        for (int jc = t.j0(); jc < t.j1(); jc += NC) {
            int nc = Math.min(NC, t.j1() - jc);
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                boolean add = pc > 0;
                int bTile = 0;
                if (preB == null) {
                    packB(b, t.bAt(pc, jc), s.bRowStride(), s.bColStride(), kc, nc, bp, 0);
                } else {
                    bTile = pc * nPad + jc * kc;
                }
                for (int ic = t.i0(); ic < t.i1(); ic += MC) {
                    int mc = Math.min(MC, t.i1() - ic);
                    packA(a, t.aAt(ic, pc), s.aRowStride(), s.aColStride(), mc, kc, ap);
                    for (int jr = 0; jr < nc; jr += NR) {
                        int nr = Math.min(NR, nc - jr);
                        int bo = bTile + jr * kc;
                        for (int ir = 0; ir < mc; ir += MR) {
                            int mr = Math.min(MR, mc - ir);
                            int ao = (ir / MR) * kc * MR;
                            int co = t.cAt(ic + ir, jc + jr);
                            if (mr == MR && nr == NR) {
                                kernel(kc, ap, ao, bp, bo, c, co, n, add);
                            } else {
                                kernel(kc, ap, ao, bp, bo, edge, 0, NR, false);
                                for (int r = 0; r < mr; r++) {
                                    int cr = co + r * n;
                                    int er = r * NR;
                                    if (add) {
                                        for (int q = 0; q < nr; q++) {
                                            c[cr + q] += edge[er + q];
                                        }
                                    } else {
                                        System.arraycopy(edge, er, c, cr, nr);
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * The micro-kernel: the MR×NR tile at {@code c[co + r*ldc + j]} is set to (or, with {@code add},
     * increased by) {@code Σ_p ap[ao + p*MR + r] · bp[bo + p*NR + j]} for p in [0, kc).
     */
    private static void kernel(int kc, float[] ap, int ao, float[] bp, int bo, float[] c, int co, int ldc, boolean add) {
        FloatVector c00 = FloatVector.zero(S);
        FloatVector c01 = c00;
        FloatVector c10 = c00;
        FloatVector c11 = c00;
        FloatVector c20 = c00;
        FloatVector c21 = c00;
        FloatVector c30 = c00;
        FloatVector c31 = c00;
        int pa = ao;
        int pb = bo;
        int end = ao + kc * MR;
        for (; pa < end; pa += MR, pb += NR) {
            FloatVector b0 = FloatVector.fromArray(S, bp, pb);
            FloatVector b1 = FloatVector.fromArray(S, bp, pb + L);
            FloatVector a0 = FloatVector.broadcast(S, ap[pa]);
            c00 = b0.fma(a0, c00);
            c01 = b1.fma(a0, c01);
            FloatVector a1 = FloatVector.broadcast(S, ap[pa + 1]);
            c10 = b0.fma(a1, c10);
            c11 = b1.fma(a1, c11);
            FloatVector a2 = FloatVector.broadcast(S, ap[pa + 2]);
            c20 = b0.fma(a2, c20);
            c21 = b1.fma(a2, c21);
            FloatVector a3 = FloatVector.broadcast(S, ap[pa + 3]);
            c30 = b0.fma(a3, c30);
            c31 = b1.fma(a3, c31);
        }
        int r1 = co + ldc;
        int r2 = r1 + ldc;
        int r3 = r2 + ldc;
        if (add) {
            c00 = c00.add(FloatVector.fromArray(S, c, co));
            c01 = c01.add(FloatVector.fromArray(S, c, co + L));
            c10 = c10.add(FloatVector.fromArray(S, c, r1));
            c11 = c11.add(FloatVector.fromArray(S, c, r1 + L));
            c20 = c20.add(FloatVector.fromArray(S, c, r2));
            c21 = c21.add(FloatVector.fromArray(S, c, r2 + L));
            c30 = c30.add(FloatVector.fromArray(S, c, r3));
            c31 = c31.add(FloatVector.fromArray(S, c, r3 + L));
        }
        c00.intoArray(c, co);
        c01.intoArray(c, co + L);
        c10.intoArray(c, r1);
        c11.intoArray(c, r1 + L);
        c20.intoArray(c, r2);
        c21.intoArray(c, r2 + L);
        c30.intoArray(c, r3);
        c31.intoArray(c, r3 + L);
    }

    /**
     * Packs the kc×nc tile of B at {@code src[base + p*rs + j*cs]} into column panels of NR:
     * {@code dst[d0 + (j/NR)*kc*NR + p*NR + j%NR]}, zero-padding the last panel.
     */
    private static void packB(float[] src, int base, int rs, int cs, int kc, int nc, float[] dst, int d0) {
        for (int jr = 0; jr < nc; jr += NR) {
            int nr = Math.min(NR, nc - jr);
            int d = d0 + jr * kc;
            int sb = base + jr * cs;
            if (cs == 1) {
                for (int p = 0; p < kc; p++) {
                    System.arraycopy(src, sb + p * rs, dst, d + p * NR, nr);
                }
            } else {
                TileCopy.copy(src, sb, rs, cs, kc, nr, dst, d, NR, 1);
            }
            if (nr < NR) {
                for (int p = 0; p < kc; p++) {
                    Arrays.fill(dst, d + p * NR + nr, d + (p + 1) * NR, 0f);
                }
            }
        }
    }

    /**
     * Packs the mc×kc tile of A at {@code src[base + i*rs + p*cs]} into row panels of MR:
     * {@code dst[(i/MR)*kc*MR + p*MR + i%MR]}, zero-padding the last panel.
     */
    private static void packA(float[] src, int base, int rs, int cs, int mc, int kc, float[] dst) {
        for (int ir = 0; ir < mc; ir += MR) {
            int mr = Math.min(MR, mc - ir);
            int d = (ir / MR) * kc * MR;
            int sb = base + ir * rs;
            if (mr == MR && cs == 1) {
                int s0 = sb;
                int s1 = s0 + rs;
                int s2 = s1 + rs;
                int s3 = s2 + rs;
                for (int p = 0; p < kc; p++) {
                    int dp = d + p * MR;
                    dst[dp] = src[s0 + p];
                    dst[dp + 1] = src[s1 + p];
                    dst[dp + 2] = src[s2 + p];
                    dst[dp + 3] = src[s3 + p];
                }
            } else {
                TileCopy.copy(src, sb, rs, cs, mr, kc, dst, d, 1, MR);
            }
            if (mr < MR) {
                for (int p = 0; p < kc; p++) {
                    for (int r = mr; r < MR; r++) {
                        dst[d + p * MR + r] = 0f;
                    }
                }
            }
        }
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }
}
