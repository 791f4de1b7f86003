package io.clgrad.backend.cpu;

import io.clgrad.backend.MatmulSpec;

/**
 * Skinny single products, computed straight from the operands without packing: the shapes of a small
 * network trained on a large batch (SimpleNet at batch 4096), where the packed, register-tiled
 * {@link VectorGemm} spends its time packing and filling tiles that are mostly padding.
 *
 * <ul>
 *   <li><b>Row streaming</b> ({@link #fitsRows}): C is [m, n] with n and k at most {@value #MAX_NK} and
 *       m at least {@value #MIN_ROWS} (a Linear's forward {@code x·Wᵀ} with few features, the input
 *       gradient {@code gz·W}). B (k·n floats) is copied once into a small p-major array; each row of C
 *       is {@code C[i][j] = act(Σ_p A[i][p]·B[p][j] + bias[j])}, summed in ascending p from 0 in float,
 *       the epilogue fused into the same pass. Rows are split across the pool; a row's result does
 *       not depend on the split.</li>
 *   <li><b>Split k</b> ({@link #fitsSplitK}): C has at most {@value #MAX_MN} elements and k is at least
 *       {@value #MIN_K} (a weight gradient {@code gzᵀ·x} summed over the batch). k is cut into fixed
 *       chunks of {@value #K_CHUNK} steps, whatever the thread count; each chunk's partial C (ascending
 *       p from 0) is computed by one task, and the partials are added in chunk order, so the result is
 *       the same bits on any number of threads (deterministic).</li>
 * </ul>
 *
 * <p>The inner loops are a {@link Kernel}: {@link Plain} (scalar loops) or {@code VectorSkinnyGemm}
 * (Vector API, loaded by reflection when {@code jdk.incubator.vector} is present), each the other's
 * twin; {@link CpuMatmul} sends matching products here before its other paths, and its plain loops
 * ({@code new CpuMatmul(par, false)}) are the reference the tests compare both with. {@code CLGRAD_SKINNY_GEMM=0}
 * (or the system property {@code clgrad.skinnyGemm=0}, read on every call for in-process A/B
 * measurements) turns this path off.
 *
 * <p>Example: {@code if (SkinnyGemm.fits(s)) skinny.run(s, a, b, c, GemmEpilogue.NONE);} with s a
 * [4096, 2]·[2, 10] product.
 */
final class SkinnyGemm {
    /** Most columns of C and most k steps for row streaming. */
    static final int MAX_NK = 16;
    /** Fewest rows of C for row streaming (fewer rows go to the small-m path or the plain loops). */
    static final int MIN_ROWS = 32;
    /** Most elements of C for split k. */
    static final int MAX_MN = 64;
    /** Fewest k steps for split k. */
    static final int MIN_K = 256;
    /** k steps per split-k chunk; fixed so that the summation order does not depend on the threads. */
    static final int K_CHUNK = 1024;
    /**
     * Multiply-adds from which rows or k chunks are split over the threads: below it, waking the pool
     * costs more than the product (SimpleNet's products, 40-82 thousand, take 7-14 µs on one thread).
     */
    static final long PARALLEL_MACS = 1L << 20;
    /** The switch read by {@link #enabled()}. */
    static final String PROPERTY = "clgrad.skinnyGemm";
    private static final String ENV = System.getenv("CLGRAD_SKINNY_GEMM");
    private static final String VECTOR_CLASS = "io.clgrad.backend.cpu.VectorSkinnyGemm";

    /** The inner loops of the two forms. */
    interface Kernel {
        /**
         * Rows [i0, i1) of C ([m, n] at {@code c[i*n + j]}): {@code act(Σ_p A[i][p]·bp[p*n + j] + bias[j])},
         * bp being B packed p-major with {@link #packPad()} floats of slack after its k·n.
         */
        void rows(MatmulSpec s, float[] a, float[] bp, float[] c, GemmEpilogue epi, int i0, int i1);

        /** Adds {@code Σ_{p in [p0, p1)} A[i][p]·B[p][j]} to {@code part[o + i·n + j]} (a zeroed slice). */
        void partial(MatmulSpec s, float[] a, float[] b, float[] part, int o, int p0, int p1);

        /** Floats of slack the kernel may read (and ignore) past the packed B. */
        int packPad();

        /**
         * Whether this kernel runs {@code s} (which {@link #fits}) at its speed rather than through a
         * fallback: the Vector API kernel takes only the shapes that fit its vectors, so that on a
         * narrower machine (8 floats with AVX2) the others stay on the packed path.
         */
        boolean takes(MatmulSpec s);
    }

    private final CpuParallel par;
    private final Kernel kernel;

    /**
     * A skinny-product path running on {@code par}'s threads.
     *
     * @param par    the pool that rows or k chunks are split across
     * @param vector whether to use the Vector API kernel (the caller has checked that the module is
     *               present); falls back to {@link Plain} with a warning when it fails to load
     */
    SkinnyGemm(CpuParallel par, boolean vector) {
        this.par = par;
        this.kernel = vector ? loadVector() : Plain.INSTANCE;
    }

    /** Whether this instance uses the Vector API kernel. */
    boolean usesVector() {
        return kernel != Plain.INSTANCE;
    }

    private static Kernel loadVector() {
        return VectorKernelLoader.load(VECTOR_CLASS, Kernel.class, Plain.INSTANCE, "CPU skinny matmul");
    }

    /**
     * Whether the path is on: not turned off by {@code clgrad.skinnyGemm=0} or {@code CLGRAD_SKINNY_GEMM=0}
     * (read once, when a {@link CpuMatmul} is made, as {@code CLGRAD_SMALL_GEMM} is).
     */
    static boolean enabled() {
        String v = System.getProperty(PROPERTY, ENV);
        return v == null || !v.trim().equals("0");
    }

    /** Whether {@code s} is a product this path computes (row streaming or split k). */
    static boolean fits(MatmulSpec s) {
        return fitsRows(s) || fitsSplitK(s);
    }

    /**
     * Whether {@link CpuMatmul} should send {@code s} here: it {@link #fits} and this instance's kernel
     * {@link Kernel#takes takes} it.
     */
    boolean accepts(MatmulSpec s) {
        return fits(s) && kernel.takes(s);
    }

    /** A single product with n, k at most {@value #MAX_NK} and m at least {@value #MIN_ROWS}. */
    static boolean fitsRows(MatmulSpec s) {
        return s.batch() == 1 && s.m() >= MIN_ROWS && s.n() >= 1 && s.n() <= MAX_NK && s.k() >= 1
                && s.k() <= MAX_NK;
    }

    /** A single product with m·n at most {@value #MAX_MN} and k at least {@value #MIN_K}. */
    static boolean fitsSplitK(MatmulSpec s) {
        return s.batch() == 1 && s.m() >= 1 && s.n() >= 1 && (long) s.m() * s.n() <= MAX_MN && s.k() >= MIN_K;
    }

    /**
     * Computes {@code C = act(A·B + bias)}; {@code s} {@link #fits} and its operands are checked;
     * {@code c} is contiguous [m, n] from element 0.
     *
     * @param s   the product's sizes and strides
     * @param a   A's storage
     * @param b   B's storage
     * @param c   C, written
     * @param epi the bias and ReLU to fuse
     */
    void run(MatmulSpec s, float[] a, float[] b, float[] c, GemmEpilogue epi) {
        if (fitsRows(s)) {
            float[] bp = packB(s, b, kernel.packPad());
            par.forEach(s.m(), work((long) s.m() * s.n() * s.k()), (i0, i1) -> kernel.rows(s, a, bp, c, epi, i0, i1));
        } else {
            splitK(s, a, b, c, epi);
        }
    }

    /** The work handed to {@link CpuParallel#forEach}: 0 (inline) below {@link #PARALLEL_MACS}. */
    private static long work(long macs) {
        return macs < PARALLEL_MACS ? 0 : macs;
    }

    /** B as a p-major [k, n] array, {@code pad} zeros after it. */
    private static float[] packB(MatmulSpec s, float[] b, int pad) {
        int n = s.n();
        int k = s.k();
        float[] bp = new float[k * n + pad];
        for (int p = 0; p < k; p++) {
            int src = s.bOffset() + p * s.bRowStride();
            for (int j = 0; j < n; j++) {
                bp[p * n + j] = b[src + j * s.bColStride()];
            }
        }
        return bp;
    }

    /** C from per-chunk partial products added in chunk order, then the epilogue. */
    private void splitK(MatmulSpec s, float[] a, float[] b, float[] c, GemmEpilogue epi) {
        int m = s.m();
        int n = s.n();
        int k = s.k();
        int mn = m * n;
        int chunks = (k + K_CHUNK - 1) / K_CHUNK;
        float[] part = new float[chunks * mn];
        par.forEach(chunks, work((long) mn * k), (c0, c1) -> {
            for (int ch = c0; ch < c1; ch++) {
                kernel.partial(s, a, b, part, ch * mn, ch * K_CHUNK, Math.min(k, (ch + 1) * K_CHUNK));
            }
        });
        for (int e = 0; e < mn; e++) {
            float sum = part[e];
            for (int ch = 1; ch < chunks; ch++) {
                sum += part[ch * mn + e];
            }
            c[e] = sum;
        }
        epi.apply(c, 0, n, 0, m, 0, n);
    }

    /** The scalar kernel: the twin of the Vector API one, and the path without the module. */
    static final class Plain implements Kernel {
        static final Plain INSTANCE = new Plain();

        private Plain() {
        }

        @Override
        public int packPad() {
            return 0;
        }

        @Override
        public boolean takes(MatmulSpec s) {
            return true;
        }

        @Override
        public void rows(MatmulSpec s, float[] a, float[] bp, float[] c, GemmEpilogue epi, int i0, int i1) {
            int n = s.n();
            int k = s.k();
            int ars = s.aRowStride();
            int acs = s.aColStride();
            float[] bias = epi.bias();
            boolean relu = epi.relu();
            for (int i = i0; i < i1; i++) {
                int ai = s.aOffset() + i * ars;
                int ci = i * n;
                for (int j = 0; j < n; j++) {
                    float acc = 0f;
                    for (int p = 0; p < k; p++) {
                        acc += a[ai + p * acs] * bp[p * n + j];
                    }
                    if (bias != null) {
                        acc += bias[j];
                    }
                    c[ci + j] = relu ? CpuBinaryKernels.relu(acc) : acc;
                }
            }
        }

        @Override
        public void partial(MatmulSpec s, float[] a, float[] b, float[] part, int o, int p0, int p1) {
            for (int p = p0; p < p1; p++) {
                int ap = s.aOffset() + p * s.aColStride();
                int bpos = s.bOffset() + p * s.bRowStride();
                for (int i = 0; i < s.m(); i++) {
                    float av = a[ap + i * s.aRowStride()];
                    int row = o + i * s.n();
                    for (int j = 0; j < s.n(); j++) {
                        part[row + j] += av * b[bpos + j * s.bColStride()];
                    }
                }
            }
        }
    }
}
