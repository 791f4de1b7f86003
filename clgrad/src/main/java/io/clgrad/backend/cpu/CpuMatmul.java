package io.clgrad.backend.cpu;

import io.clgrad.backend.MatmulSpec;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Batched matrix product {@code C[b] = A[b] · B[b]} (see {@link MatmulSpec}), cache-blocked.
 *
 * <p>Work is split into tasks of (batch, block of at most {@value #MC} rows of C, block of
 * columns). Within a task, C's rows are zeroed and then, per tile of {@value #NC} columns and
 * {@value #KC} steps of k, every row of C is updated in i-k-j order: for each a[i][p], add
 * a[i][p]·B[p][j..] to the contiguous row C[i][j..]. B's tile is packed into a contiguous array
 * when its columns are not unit-stride (a transposed B), and A's block when its k axis is not
 * unit-stride (a transposed A), so the inner loop is always a plain contiguous loop that the JIT
 * vectorises; four k steps are fused per pass to cut loads and stores of C. Accumulation is in
 * float, like BLAS.
 *
 * <p>Products of at least {@value #VECTOR_MIN_FLOPS} flops go to {@link VectorGemm}, the packed,
 * register-tiled twin written with the Vector API, when the JVM runs with
 * {@code --add-modules jdk.incubator.vector} and {@code CLGRAD_VECTOR} is not {@code 0}. That class
 * is loaded by reflection only when the module is present (Lucene's approach), so this class runs
 * on any JVM; these plain loops stay the fallback and the test oracle.
 *
 * <p>Single products of at most {@value SmallGemm#MAX_M} rows whose B is unit-stride along k or n (the
 * matrix-vector products of batch-1 inference, a Linear's {@code x · Wᵀ}) go to {@link SmallGemm}
 * instead, which reads B in place (no packing) and wakes worker threads only for large enough
 * products; {@code CLGRAD_SMALL_GEMM=0} turns that path off (for A/B measurements).
 *
 * <p>Skinny single products (n and k tiny with many rows, or a tiny C summed over a long k: SimpleNet
 * at batch 4096) go first to {@link SkinnyGemm}, which streams rows or splits k without packing;
 * {@code CLGRAD_SKINNY_GEMM=0} turns it off.
 */
final class CpuMatmul {
    /** Smallest product (2·batch·m·n·k flops) sent to the vector path: 32³ multiply-adds. */
    static final long VECTOR_MIN_FLOPS = 2L * 32 * 32 * 32;
    private static final String VECTOR_MODULE = "jdk.incubator.vector";
    private static final String VECTOR_CLASS = "io.clgrad.backend.cpu.VectorGemm";
    private static final Logger LOG = LoggerFactory.getLogger(CpuMatmul.class);
    private static final AtomicBoolean LOGGED = new AtomicBoolean();

    /** k steps per tile (B tile rows). */
    static final int KC = 256;
    /** Columns per tile; KC×NC floats (256 KiB) stay in L2 while a block of rows reuses them. */
    static final int NC = 256;
    /** Most rows of C per task. */
    static final int MC = 64;

    private static final ThreadLocal<float[][]> SCRATCH =
            ThreadLocal.withInitial(() -> new float[][] {new float[0], new float[0]});

    private final CpuParallel par;
    /** The vector path, or null for plain loops only. */
    private final GemmPath vector;
    /** Products below this many flops use the plain loops even when {@link #vector} is set. */
    private final long vectorMinFlops;
    /** The small-m path (matrix-vector products), or null when disabled by {@code CLGRAD_SMALL_GEMM=0}. */
    private final SmallGemm small;
    /** The skinny-product path (row streaming, split k), or null in the instances forced onto one path. */
    private final SkinnyGemm skinny;

    /** The default choice: the vector path when available and not disabled by {@code CLGRAD_VECTOR=0}. */
    CpuMatmul(CpuParallel par) {
        this.par = par;
        String env = System.getenv("CLGRAD_VECTOR");
        boolean disabled = env != null && env.trim().equals("0");
        this.vector = disabled ? null : loadVector(par, null);
        this.vectorMinFlops = VECTOR_MIN_FLOPS;
        String smallEnv = System.getenv("CLGRAD_SMALL_GEMM");
        this.small = smallEnv != null && smallEnv.trim().equals("0") ? null : new SmallGemm(par, vector != null);
        this.skinny = SkinnyGemm.enabled() ? new SkinnyGemm(par, vector != null) : null;
        if (LOGGED.compareAndSet(false, true)) {
            if (vector != null) {
                LOG.debug("CPU matmul: Vector API path ({} floats per vector, {}) for products of {}+ flops",
                        vector.vectorLength(), vector.config().spec(), VECTOR_MIN_FLOPS);
            } else {
                LOG.info("CPU matmul: plain loops ({})", disabled ? "CLGRAD_VECTOR=0"
                        : "add the JVM flag --add-modules " + VECTOR_MODULE + " for the Vector API path");
            }
        }
    }

    /**
     * A matmul forced onto one path for every size (tests): {@code useVector} true always uses the
     * vector path and throws {@link IllegalStateException} when it cannot be loaded; false always
     * uses the plain loops.
     */
    CpuMatmul(CpuParallel par, boolean useVector) {
        this(par, useVector, null);
    }

    /**
     * The vector path with an explicit tile and blocking for every size (the tuner's candidates,
     * tests): the small-m path ({@link SmallGemm}) is off too, so that every product, a one-row one
     * included, runs the tile's micro-kernel and its edges; throws {@link IllegalStateException}
     * when the vector path cannot be loaded.
     */
    CpuMatmul(CpuParallel par, CpuGemmConfig config) {
        this(par, true, config);
    }

    private CpuMatmul(CpuParallel par, boolean useVector, CpuGemmConfig config) {
        this.par = par;
        this.vector = useVector ? loadVector(par, config) : null;
        this.vectorMinFlops = 0;
        this.small = config == null ? new SmallGemm(par, vector != null) : null;
        this.skinny = null;
        if (useVector && vector == null) {
            throw new IllegalStateException("the Vector API path is not available (module " + VECTOR_MODULE
                    + (vectorModulePresent() ? " present but its class failed to load)" : " not enabled)"));
        }
    }

    /** Whether this instance can use the vector path. */
    boolean usesVector() {
        return vector != null;
    }

    /** The vector path, or null when this instance uses the plain loops only. */
    GemmPath vectorPath() {
        return vector;
    }

    /**
     * Whether this package's Vector API loops run as SIMD: the module is present and its preferred
     * float vector has at least 4 lanes (with fewer the plain loops, which C2 vectorises itself where
     * it can, are faster; as for {@link #loadVector}).
     */
    static boolean vectorKernelsUsable() {
        return VectorUse.USABLE;
    }

    /** Holder of {@link #vectorKernelsUsable}: computed once, loading the Vector API only when present. */
    private static final class VectorUse {
        static final boolean USABLE = vectorModulePresent() && VectorElementwise.lanes() >= 4;
    }

    /** Whether the JVM was started with {@code --add-modules jdk.incubator.vector}. */
    static boolean vectorModulePresent() {
        return ModuleLayer.boot().findModule(VECTOR_MODULE).isPresent();
    }

    /**
     * The vector path (with {@code config}, or this machine's configuration when null) when the
     * module is present and its class loads and runs, else null.
     */
    private static GemmPath loadVector(CpuParallel par, CpuGemmConfig config) {
        if (!vectorModulePresent()) {
            return null;
        }
        try {
            Class<?> cls = Class.forName(VECTOR_CLASS);
            GemmPath path = config == null
                    ? (GemmPath) cls.getDeclaredConstructor(CpuParallel.class).newInstance(par)
                    : (GemmPath) cls.getDeclaredConstructor(CpuParallel.class, CpuGemmConfig.class).newInstance(par,
                    config);
            if (path.vectorLength() < 4) { // no SIMD worth the name: the plain loops are faster
                return null;
            }
            return path;
        } catch (LinkageError | ReflectiveOperationException | RuntimeException e) {
            LOG.warn("CPU matmul: the Vector API path failed to load; using plain loops", e);
            return null;
        }
    }

    /** Computes C; {@code c} is contiguous [batch, m, n] from element 0. */
    void run(MatmulSpec s, float[] a, float[] b, float[] c) {
        run(s, a, b, c, GemmEpilogue.NONE);
    }

    /**
     * Whether {@link #run} would hand {@code s} to the vector path, so that a B packed whole
     * ({@link #prepack}) serves it through {@link #runPrepacked}: a single product that neither the
     * skinny nor the small-m path takes.
     */
    boolean prepackable(MatmulSpec s) {
        return vector != null && s.batch() == 1 && s.m() >= 1 && s.n() >= 1 && s.k() >= 1
                && s.flops() >= vectorMinFlops && !(skinny != null && skinny.accepts(s))
                && !(small != null && SmallGemm.fits(s));
    }

    /** Floats of a [k, n] B packed whole for {@link #runPrepacked}; 0 without the vector path. */
    long prepackedSize(int k, int n) {
        return vector == null || k < 1 || n < 1 ? 0 : vector.prepackedBSize(k, n);
    }

    /** Packs B of the single product {@code s} (k, n and B's geometry) into {@code dst} of {@link #prepackedSize} floats. */
    void prepack(MatmulSpec s, float[] b, float[] dst) {
        long size = prepackedSize(s.k(), s.n());
        if (size == 0 || s.batch() != 1 || dst.length < size) {
            throw new IllegalArgumentException("prepack: " + s + " into " + dst.length + " floats (" + size + " needed)");
        }
        s.checkB(b.length);
        vector.prepackB(s, b, dst);
    }

    /**
     * The vector path's product with B from {@link #prepack}, without packing B: for a
     * {@link #prepackable} product, {@link #run}'s sums bit for bit (another single product, for
     * example one whose A strides would send it to the skinny path, gets the vector path's sums).
     */
    void runPrepacked(MatmulSpec s, float[] a, float[] packedB, float[] c, GemmEpilogue epi) {
        if (vector == null || s.batch() != 1 || s.m() < 1 || s.n() < 1 || s.k() < 1) {
            throw new IllegalArgumentException("runPrepacked: needs the vector path and one product of sizes >= 1, got " + s);
        }
        long size = prepackedSize(s.k(), s.n());
        if (packedB.length < size || (long) s.m() * s.n() > c.length) {
            throw new IllegalArgumentException("runPrepacked: packed B of " + packedB.length + " floats (" + size
                    + " needed) or C of " + c.length + " for " + s);
        }
        if (epi.bias() != null && epi.bias().length < s.n()) {
            throw new IllegalArgumentException("bias of " + epi.bias().length + " elements for " + s.n() + " columns");
        }
        s.checkA(a.length);
        vector.runPrepacked(s, a, packedB, c, epi);
    }

    /**
     * Computes C, then {@code C[i][j] = act(C[i][j] + bias[j])} as {@code epi} says (a fused
     * Linear); {@code c} is contiguous [batch, m, n] from element 0, the bias has n elements.
     */
    void run(MatmulSpec s, float[] a, float[] b, float[] c, GemmEpilogue epi) {
        int batch = s.batch();
        int m = s.m();
        int n = s.n();
        int k = s.k();
        if (batch < 0 || m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException("negative size in " + s);
        }
        if (batch == 0 || m == 0 || n == 0) {
            return;
        }
        long cSize = (long) batch * m * n;
        if (cSize > c.length) {
            throw new IllegalArgumentException("C of " + c.length + " elements cannot hold ["
                    + batch + ", " + m + ", " + n + "]");
        }
        if (epi.bias() != null && epi.bias().length < n) {
            throw new IllegalArgumentException("bias of " + epi.bias().length + " elements for " + n + " columns");
        }
        if (k == 0) {
            Arrays.fill(c, 0, (int) cSize, 0f);
            for (int bat = 0; bat < batch; bat++) {
                epi.apply(c, bat * m * n, n, 0, m, 0, n);
            }
            return;
        }
        s.checkOperands(a.length, b.length);
        if (skinny != null && skinny.accepts(s)) {
            skinny.run(s, a, b, c, epi);
            return;
        }
        if (small != null && SmallGemm.fits(s)) {
            small.run(s, a, b, c, epi);
            return;
        }
        if (vector != null && s.flops() >= vectorMinFlops) {
            vector.run(s, a, b, c, epi);
            return;
        }

        // Task geometry: enough tasks for every thread, splitting rows first, then columns.
        long want = 2L * par.threads();
        int mb = Math.min(m, MC);
        int rowBlocks = ceilDiv(m, mb);
        int nb = n;
        if ((long) batch * rowBlocks < want) {
            int perMatrix = (int) Math.min(m, ceilDiv(want, batch));
            mb = Math.min(MC, Math.max(Math.min(m, 8), ceilDiv(m, perMatrix)));
            rowBlocks = ceilDiv(m, mb);
            long tasks = (long) batch * rowBlocks;
            if (tasks < want && n >= 128) {
                int colBlocks = (int) Math.min(ceilDiv(want, tasks), n / 64);
                nb = ceilDiv(ceilDiv(n, colBlocks), 16) * 16;
            }
        }
        GemmBlock.forEach(par, s, mb, nb, c, epi, block -> block(block, a, b, c));
    }

    /** C[bat][i0..i1)[j0..j1) = A[bat][i0..i1)[:] · B[bat][:][j0..j1) for the block {@code t}. */
    private static void block(GemmBlock t, float[] a, float[] b, float[] c) {
        MatmulSpec s = t.spec();
        int k = s.k();
        int i0 = t.i0();
        int i1 = t.i1();
        for (int i = i0; i < i1; i++) {
            Arrays.fill(c, t.cAt(i, t.j0()), t.cAt(i, t.j1()), 0f);
        }
        boolean packA = s.aColStride() != 1;
        boolean packB = s.bColStride() != 1;
        float[][] scratch = SCRATCH.get();
        if (packB && scratch[0].length < KC * NC) {
            scratch[0] = new float[KC * NC];
        }
        if (packA && scratch[1].length < MC * KC) {
            scratch[1] = new float[MC * KC];
        }
        float[] bTile = scratch[0];
        float[] aTile = scratch[1];
        for (int jc = t.j0(); jc < t.j1(); jc += NC) {
            int nc = Math.min(NC, t.j1() - jc);
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                float[] bt = b;
                int bo = t.bAt(pc, jc);
                int bStep = s.bRowStride();
                if (packB) {
                    pack(b, bo, s.bRowStride(), s.bColStride(), kc, nc, bTile);
                    bt = bTile;
                    bo = 0;
                    bStep = nc;
                }
                float[] at = a;
                int ao = t.aAt(i0, pc);
                int aRowStep = s.aRowStride();
                int aStep = s.aColStride();
                if (packA) {
                    pack(a, ao, s.aRowStride(), s.aColStride(), t.rows(), kc, aTile);
                    at = aTile;
                    ao = 0;
                    aRowStep = kc;
                    aStep = 1;
                }
                for (int i = i0; i < i1; i++) {
                    rowUpdate(at, ao + (i - i0) * aRowStep, aStep, bt, bo, bStep, c, t.cAt(i, jc), kc, nc);
                }
            }
        }
    }

    /**
     * The inner kernel: {@code c[co+j] += Σ_p a[ao+p*as] · bt[bo+p*bs+j]} for p in [0, kc),
     * j in [0, nc), four p at a time so each pass over the C row does four multiply-adds.
     */
    static void rowUpdate(float[] a, int ao, int as, float[] bt, int bo, int bs,
                                  float[] c, int co, int kc, int nc) {
        int p = 0;
        for (; p + 4 <= kc; p += 4) {
            float a0 = a[ao + p * as];
            float a1 = a[ao + (p + 1) * as];
            float a2 = a[ao + (p + 2) * as];
            float a3 = a[ao + (p + 3) * as];
            int b0 = bo + p * bs;
            int b1 = b0 + bs;
            int b2 = b1 + bs;
            int b3 = b2 + bs;
            for (int j = 0; j < nc; j++) {
                c[co + j] += a0 * bt[b0 + j] + a1 * bt[b1 + j] + a2 * bt[b2 + j] + a3 * bt[b3 + j];
            }
        }
        for (; p < kc; p++) {
            float a0 = a[ao + p * as];
            int b0 = bo + p * bs;
            for (int j = 0; j < nc; j++) {
                c[co + j] += a0 * bt[b0 + j];
            }
        }
    }

    /** Copies the rows×cols strided tile at {@code src[base + r*rs + q*cs]} into {@code dst[r*cols + q]}. */
    private static void pack(float[] src, int base, int rs, int cs, int rows, int cols, float[] dst) {
        TileCopy.copy(src, base, rs, cs, rows, cols, dst, 0, cols, 1);
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }
}
