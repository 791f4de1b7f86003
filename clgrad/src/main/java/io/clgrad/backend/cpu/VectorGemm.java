package io.clgrad.backend.cpu;

import io.clgrad.backend.MatmulSpec;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReference;
import jdk.incubator.vector.FloatVector;

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
 * of columns of C), run on {@link CpuParallel}; when B is packed once for all tasks (below), rows are
 * split first, since each extra block of columns would pack the same rows of A again while an extra
 * block of rows only reads the shared packed B once more. Within a task, for each panel of at most nc columns
 * and each step of kc along k, B's [kc, nc] tile is packed into column panels of NR (the register
 * tile's vectors of columns), each panel [kc][NR] contiguous and zero-padded at the right edge (when
 * B is the same for the whole batch, is read by several tasks and fits in {@value #SHARED_B_MAX}
 * floats, all of it is packed so once per call, by all threads, into an array kept for the next
 * call, and the tasks share it: a row-major B row by row, each row read whole across its panels,
 * a transposed one panel by panel, each column read along k); for each block of at most mc rows, A's [mc, kc] tile is packed into
 * row panels of MR rows, each [kc][MR] contiguous and zero-padded at the bottom. A micro-kernel of
 * {@link VectorKernels} then keeps an MR×NR tile of C in registers and for each p loads NR/L
 * vectors of B, broadcasts MR values of A and issues MR·NR/L fused multiply-adds. Full tiles are
 * stored (first k step) or added (later steps) straight into C; edge tiles go through a small
 * scratch tile. Packing reads A and B through their strides, so transposes and a batch stride of 0
 * (broadcast) cost nothing extra. Accumulation is in float, like BLAS; the order of additions (and
 * so the last bits) differs from the plain twin. Scratch arrays are per thread and reused.
 *
 * <p><b>Configuration.</b> MR, NR, kc, mc and nc are a {@link CpuGemmConfig}: by default the one
 * {@link CpuGemmTuning} chose for this machine (the largest tile that fits the instruction set's
 * vector registers, blocking from the cache sizes, or what {@code clgrad tune} saved for this CPU
 * model and vector width, or {@code -Dclgrad.cpu.gemm}).
 */
final class VectorGemm implements GemmPath {
    /** Floats per vector. */
    static final int L = VectorKernels.L;
    /** Fewest row panels in a block of {@link #guidedRows}: a block's packing of A stays worth its claim. */
    static final int GUIDED_MIN = 4;
    /** Products below this many flops are split into one task per thread. */
    static final double SMALL_FLOPS = 1 << 29;

    /**
     * Most floats of a B packed once per call and shared by every task (a B that is the same for the
     * whole batch); bigger ones are packed tile by tile inside each task.
     */
    static final int SHARED_B_MAX = 1 << 23;

    /**
     * Rows of a row-major B per unit of work when B is packed once for every task: enough units
     * for the threads to share (12 per k step of 384), each long enough (32 whole rows) that
     * claiming it costs nothing next to copying it.
     */
    static final int SHARED_B_ROWS = 32;

    /** Per-thread scratch: packed A, packed B, an edge tile. */
    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(
            () -> new float[][] {new float[0], new float[0], new float[0]});

    private final CpuParallel par;
    private final CpuGemmConfig config;
    /** The micro-kernel's index in {@link CpuGemmConfig#TILES}. */
    private final int tile;
    /** Rows of the register tile. */
    private final int mr;
    /** Columns of the register tile: {@code nv} vectors. */
    private final int nr;
    /** k steps per packed tile. */
    private final int kc;
    /** Most rows per packed A block, a multiple of {@link #mr}. */
    private final int mc;
    /** Most columns per packed B tile, a multiple of {@link #nr}. */
    private final int nc;
    /** The shared packed-B array, kept between calls (taken while in use, so concurrent calls never share it). */
    private final AtomicReference<float[]> sharedB = new AtomicReference<>();

    /** The path with this machine's configuration in use ({@link CpuGemmTuning#forLanes}). */
    VectorGemm(CpuParallel par) {
        this(par, CpuGemmTuning.forLanes(L).config());
    }

    /** The path with an explicit configuration (the tuner's candidates, tests). */
    VectorGemm(CpuParallel par, CpuGemmConfig config) {
        this.par = par;
        this.config = config;
        this.tile = config.tile();
        this.mr = config.mr();
        this.nr = config.nr(L);
        this.kc = config.kc();
        this.mc = ceilDiv(config.mc(), mr) * mr;
        this.nc = ceilDiv(config.nc(), nr) * nr;
    }

    /** The configuration this path runs with. */
    @Override
    public CpuGemmConfig config() {
        return config;
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
        run(s, a, b, null, c, epi);
    }

    /** {@code k·nPad}: B packed whole for {@link #runPrepacked}, its columns padded to whole panels. */
    @Override
    public long prepackedBSize(int k, int n) {
        return (long) k * ceilDiv(n, nr) * nr;
    }

    /**
     * Packs all of a single product's B ({@code s.batch() == 1}; only k, n and B's geometry are read)
     * into {@code dst} of {@link #prepackedBSize} floats, as the shared pass of {@link #run} packs it.
     */
    @Override
    public void prepackB(MatmulSpec s, float[] b, float[] dst) {
        packShared(s, b, dst, ceilDiv(s.n(), nr) * nr);
    }

    /**
     * {@link #run} of a single product with B already packed by {@link #prepackB} (a Linear weight
     * kept packed for inference): the same sums and bits, without packing B (the tasks are those of
     * a B packed once for all of them).
     */
    @Override
    public void runPrepacked(MatmulSpec s, float[] a, float[] packedB, float[] c, GemmEpilogue epi) {
        run(s, a, null, packedB, c, epi);
    }

    /** {@link #run}, with B from {@code given} (packed whole) when it is not null. */
    private void run(MatmulSpec s, float[] a, float[] b, float[] given, float[] c, GemmEpilogue epi) {
        int batch = s.batch();
        int m = s.m();
        int n = s.n();
        // Tasks: rows in multiples of mr, columns in multiples of nr, enough tasks for every thread.
        // One task per thread for products of up to a few hundred MFLOP: each fork-join round and
        // each extra pack of a block costs more there than the load balance of more tasks gains.
        long want = (s.flops() < SMALL_FLOPS ? 1L : 3L) * par.threads();
        int rowUnits = ceilDiv(m, mr);
        int colUnits = ceilDiv(n, nr);
        int rowsPer = Math.min(rowUnits, ceilDiv(Math.max(mc, 128) * 4, mr)); // at most 4 A blocks per task
        int colsPer = Math.min(colUnits, nc / nr);
        long tasks = (long) batch * ceilDiv(rowUnits, rowsPer) * ceilDiv(colUnits, colsPer);
        int k = s.k();
        int nPad = colUnits * nr;
        // A B packed once for all tasks costs nothing more per extra block of rows, while every
        // extra block of columns packs the same rows of A again: split rows first then.
        boolean bShareable = given != null
                || (batch == 1 || s.bBatchStride() == 0) && (long) k * nPad <= SHARED_B_MAX;
        if (batch == 1 && m <= 256 && colUnits >= 2 * par.threads()) {
            // Few rows (a training batch): split the columns only, so each task packs its own
            // part of B once and keeps all of A's rows; no separate pass to pack B for everyone.
            rowsPer = rowUnits;
            colsPer = ceilDiv(colUnits, par.threads());
            tasks = ceilDiv(colUnits, colsPer);
            want = tasks;
        }
        while (tasks < want && (rowsPer > 4 || colsPer > 4)) {
            if ((bShareable && rowsPer > 4) || rowsPer >= colsPer * 2 || colsPer <= 4) {
                rowsPer = ceilDiv(rowsPer, 2);
            } else {
                colsPer = ceilDiv(colsPer, 2);
            }
            tasks = (long) batch * ceilDiv(rowUnits, rowsPer) * ceilDiv(colUnits, colsPer);
        }
        int mBlock = rowsPer * mr;
        int nBlock = colsPer * nr;
        int rb = ceilDiv(m, mBlock);
        // A B shared by the batch and read by several row blocks is packed once, by all threads.
        boolean shareB = given == null && bShareable && (long) batch * rb > 1;
        float[] pb = given;
        if (shareB) {
            pb = sharedB.getAndSet(null);
            if (pb == null || pb.length < k * nPad) {
                pb = new float[k * nPad];
            }
            packShared(s, b, pb, nPad);
        }
        float[] preB = pb;
        try {
            if (batch == 1 && preB != null && nBlock >= n) {
                // whole rows per task over a shared B: blocks that shrink towards the end, so that
                // the threads finish together (equal blocks left one idle for up to a block's time)
                int[] starts = new int[rowUnits + 1];
                int count = guidedRows(rowUnits, par.threads(), m, starts);
                GemmBlock.forEachRows(par, s, starts, count, c, epi, block -> task(block, a, b, c, preB, nPad));
            } else {
                GemmBlock.forEach(par, s, mBlock, nBlock, c, epi, block -> task(block, a, b, c, preB, nPad));
            }
        } finally {
            if (shareB) {
                sharedB.set(preB);
            }
        }
    }

    /**
     * Packs all of B (the same for the whole batch) into {@code dst}, by all threads: the tile of k
     * step pc at {@code pc*nPad}, its panel of columns from j at {@code pc*nPad + j*kcc}.
     */
    private void packShared(MatmulSpec s, float[] b, float[] dst, int nPad) {
        int k = s.k();
        int n = s.n();
        int colUnits = nPad / nr;
        int kBlocks = ceilDiv(k, kc);
        int rs = s.bRowStride();
        int cs = s.bColStride();
        if (cs == 1) {
            // units of SHARED_B_ROWS whole rows of a k step: each reads its rows of B front to back
            int chunks = ceilDiv(Math.min(kc, k), SHARED_B_ROWS);
            par.forEachClaimed(kBlocks * chunks, (long) k * n, (lo, hi) -> {
                for (int u = lo; u < hi; u++) {
                    int pc = (u / chunks) * kc;
                    int kcc = Math.min(kc, k - pc);
                    int p0 = (u % chunks) * SHARED_B_ROWS;
                    if (p0 < kcc) {
                        packB(b, s.bOffset() + (pc + p0) * rs, rs, cs, Math.min(SHARED_B_ROWS, kcc - p0), n, dst,
                                pc * nPad + p0 * nr, kcc * nr);
                    }
                }
            });
        } else {
            // units of one panel of a k step: a transposed B (Linear's weight) is read in runs
            // along k, as long as the k step
            par.forEachClaimed(kBlocks * colUnits, (long) k * n, (lo, hi) -> {
                for (int u = lo; u < hi; u++) {
                    int pc = (u / colUnits) * kc;
                    int j = (u % colUnits) * nr;
                    int kcc = Math.min(kc, k - pc);
                    packB(b, s.bOffset() + pc * rs + j * cs, rs, cs, kcc, Math.min(nr, n - j), dst,
                            pc * nPad + j * kcc, kcc * nr);
                }
            });
        }
    }

    /**
     * C[bat][i0..i1)[j0..j1) = A[bat][i0..i1)[:] · B[bat][:][j0..j1) for the block {@code t}. With
     * {@code preB}, B is read from there, packed for the whole matrix: the tile at k step pc is at
     * {@code pc*nPad}, its panel of columns from j at {@code pc*nPad + j*kcc} (kcc the k step's length);
     * j0 is a multiple of nr.
     */
    private void task(GemmBlock t, float[] a, float[] b, float[] c, float[] preB, int nPad) {
        MatmulSpec s = t.spec();
        int n = s.n();
        int k = s.k();
        float[][] scratch = SCRATCH.get();
        int kcMax = Math.min(kc, k);
        int aNeed = ceilDiv(Math.min(mc, t.rows()), mr) * mr * kcMax;
        int bNeed = ceilDiv(Math.min(nc, t.cols()), nr) * nr * kcMax;
        if (scratch[0].length < aNeed) {
            scratch[0] = new float[Math.max(aNeed, Math.min(mc, 256) * kcMax)];
        }
        if (preB == null && scratch[1].length < bNeed) {
            scratch[1] = new float[Math.max(bNeed, Math.min(nc, ceilDiv(t.cols(), nr) * nr) * kcMax)];
        }
        if (scratch[2].length < mr * nr) {
            scratch[2] = new float[mr * nr];
        }
        float[] ap = scratch[0];
        float[] bp = preB != null ? preB : scratch[1];
        float[] edge = scratch[2];
        for (int jc = t.j0(); jc < t.j1(); jc += nc) {
            int ncc = Math.min(nc, t.j1() - jc);
            for (int pc = 0; pc < k; pc += kc) {
                int kcc = Math.min(kc, k - pc);
                boolean add = pc > 0;
                int bTile = 0;
                if (preB == null) {
                    packB(b, t.bAt(pc, jc), s.bRowStride(), s.bColStride(), kcc, ncc, bp, 0, kcc * nr);
                } else {
                    bTile = pc * nPad + jc * kcc;
                }
                for (int ic = t.i0(); ic < t.i1(); ic += mc) {
                    int mcc = Math.min(mc, t.i1() - ic);
                    packA(a, t.aAt(ic, pc), s.aRowStride(), s.aColStride(), mcc, kcc, ap);
                    for (int jr = 0; jr < ncc; jr += nr) {
                        int nrr = Math.min(nr, ncc - jr);
                        int bo = bTile + jr * kcc;
                        for (int ir = 0; ir < mcc; ir += mr) {
                            int mrr = Math.min(mr, mcc - ir);
                            int ao = ir * kcc;
                            int co = t.cAt(ic + ir, jc + jr);
                            if (mrr == mr && nrr == nr) {
                                VectorKernels.run(tile, kcc, ap, ao, bp, bo, c, co, n, add);
                            } else {
                                VectorKernels.run(tile, kcc, ap, ao, bp, bo, edge, 0, nr, false);
                                for (int r = 0; r < mrr; r++) {
                                    int cr = co + r * n;
                                    int er = r * nr;
                                    if (add) {
                                        for (int q = 0; q < nrr; q++) {
                                            c[cr + q] += edge[er + q];
                                        }
                                    } else {
                                        System.arraycopy(edge, er, c, cr, nrr);
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
     * Packs {@code rows} rows (along k) of B's tile at {@code src[base + p*rs + j*cs]}, j in [0, ncc),
     * into column panels of NR (the tile's columns) {@code panelStride} floats apart: {@code
     * dst[d0 + (j/NR)*panelStride + p*NR + j%NR]}, zero-padding the last panel. A whole tile is
     * {@code rows = kc} with {@code panelStride = kc*NR}; the shared pass packs a few rows at a time.
     */
    private void packB(float[] src, int base, int rs, int cs, int rows, int ncc, float[] dst, int d0, int panelStride) {
        int w = nr;
        if (cs == 1) {
            packRowMajor(src, base, rs, rows, ncc, dst, d0, panelStride);
            return;
        }
        for (int jr = 0; jr < ncc; jr += w) {
            int cols = Math.min(w, ncc - jr);
            int d = d0 + (jr / w) * panelStride;
            int sb = base + jr * cs;
            if (rs == 1) {
                interleaveRuns(src, sb, cs, rows, cols, dst, d, w);   // the columns are the runs
            } else {
                TileCopy.copy(src, sb, rs, cs, rows, cols, dst, d, w, 1);
            }
            if (cols < w) {
                for (int p = 0; p < rows; p++) {
                    Arrays.fill(dst, d + p * w + cols, d + (p + 1) * w, 0f);
                }
            }
        }
    }

    /**
     * {@link #packB} for a B with contiguous rows: row by row, each row read front to back across
     * all the panels (row p of every panel in turn), a vector at a time. Reading B's rows whole keeps
     * the hardware prefetcher on one stream; walking panel by panel instead touched one 64-byte piece
     * of each row, a new page for every row of a wide B, and packed 2-3x slower from memory.
     */
    private void packRowMajor(float[] src, int base, int rs, int rows, int ncc, float[] dst, int d0, int panelStride) {
        int w = nr;
        int full = ncc - ncc % w;
        for (int p = 0; p < rows; p++) {
            int sp = base + p * rs;
            int o = d0 + p * w;
            for (int j = 0; j < full; j += w, o += panelStride) {
                for (int v = 0; v < w; v += L) {
                    FloatVector.fromArray(VectorKernels.S, src, sp + j + v).intoArray(dst, o + v);
                }
            }
            if (full < ncc) {
                System.arraycopy(src, sp + full, dst, o, ncc - full);
                Arrays.fill(dst, o + ncc - full, o + w, 0f);
            }
        }
    }

    /**
     * Interleaves {@code count} runs of {@code len} floats, {@code stride} apart from {@code src[s0]},
     * into rows of {@code width}: {@code dst[d + p*width + q] = src[s0 + q*stride + p]} for q in [0,
     * count), p in [0, len). A transposed B's column panel (its columns are the runs, width NR) and a
     * row-major A's row panel (its rows, width MR) are both this. Eight runs at a time, then six (the
     * default MR), then one by one: each step reads its runs forward side by side and writes adjacent
     * floats of a row, which from memory packs about 1.4x faster than one run after another (the
     * generic {@link TileCopy} writes one float per row at a time).
     */
    private static void interleaveRuns(float[] src, int s0, int stride, int len, int count, float[] dst, int d,
                                       int width) {
        int q = 0;
        for (; q + 8 <= count; q += 8) {
            int r0 = s0 + q * stride;
            int r1 = r0 + stride;
            int r2 = r1 + stride;
            int r3 = r2 + stride;
            int r4 = r3 + stride;
            int r5 = r4 + stride;
            int r6 = r5 + stride;
            int r7 = r6 + stride;
            for (int p = 0, o = d + q; p < len; p++, o += width) {
                dst[o] = src[r0 + p];
                dst[o + 1] = src[r1 + p];
                dst[o + 2] = src[r2 + p];
                dst[o + 3] = src[r3 + p];
                dst[o + 4] = src[r4 + p];
                dst[o + 5] = src[r5 + p];
                dst[o + 6] = src[r6 + p];
                dst[o + 7] = src[r7 + p];
            }
        }
        if (q + 6 <= count) {
            int r0 = s0 + q * stride;
            int r1 = r0 + stride;
            int r2 = r1 + stride;
            int r3 = r2 + stride;
            int r4 = r3 + stride;
            int r5 = r4 + stride;
            for (int p = 0, o = d + q; p < len; p++, o += width) {
                dst[o] = src[r0 + p];
                dst[o + 1] = src[r1 + p];
                dst[o + 2] = src[r2 + p];
                dst[o + 3] = src[r3 + p];
                dst[o + 4] = src[r4 + p];
                dst[o + 5] = src[r5 + p];
            }
            q += 6;
        }
        for (; q < count; q++) {
            int rq = s0 + q * stride;
            for (int p = 0, o = d + q; p < len; p++, o += width) {
                dst[o] = src[rq + p];
            }
        }
    }

    /**
     * Packs the mc×kc tile of A at {@code src[base + i*rs + p*cs]} into row panels of MR (the
     * tile's rows): {@code dst[(i/MR)*kc*MR + p*MR + i%MR]}, zero-padding the last panel.
     */
    private void packA(float[] src, int base, int rs, int cs, int mcc, int kcc, float[] dst) {
        int h = mr;
        for (int ir = 0; ir < mcc; ir += h) {
            int rows = Math.min(h, mcc - ir);
            int d = ir * kcc;
            int sb = base + ir * rs;
            if (cs == 1) {
                interleaveRuns(src, sb, rs, kcc, rows, dst, d, h);   // the rows are the runs
            } else {
                TileCopy.copy(src, sb, rs, cs, rows, kcc, dst, d, 1, h);
            }
            if (rows < h) {
                for (int p = 0; p < kcc; p++) {
                    for (int r = rows; r < h; r++) {
                        dst[d + p * h + r] = 0f;
                    }
                }
            }
        }
    }

    /**
     * Splits {@code units} row panels into blocks for {@code threads} threads, each a share of what
     * is left ({@code ceil(left / (2·threads))} panels, at least {@value #GUIDED_MIN} when that many
     * are left), as OpenMP's guided schedule does; writes the blocks' first rows (panel times mr)
     * to {@code starts} and the matrix's end, {@code m}, at {@code starts[count]}.
     *
     * @return count, the number of blocks
     */
    private int guidedRows(int units, int threads, int m, int[] starts) {
        int count = 0;
        for (int u = 0; u < units; count++) {
            starts[count] = u * mr;
            u += Math.min(units - u, Math.max(GUIDED_MIN, ceilDiv(units - u, 2 * threads)));
        }
        starts[count] = m;
        return count;
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }
}
