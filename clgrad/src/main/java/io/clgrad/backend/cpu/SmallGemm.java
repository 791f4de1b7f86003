package io.clgrad.backend.cpu;

import io.clgrad.backend.MatmulSpec;

/**
 * The small-m path of the CPU matmul: {@code C = A · B} for a single product ({@code batch = 1}) of at
 * most {@value #MAX_M} rows, the matrix-vector products of batch-1 inference. It neither packs B
 * nor wakes worker threads it does not need: each output is computed straight from B in the layout
 * the caller holds it in, and the work is split over two or more threads only from
 * {@link #PARALLEL_FLOPS} flops, on helpers that stay awake between products
 * ({@link CpuParallel#forEachSpinning}), below which even that hand-off costs more than it saves.
 *
 * <p>Two forms, chosen by B's layout (the other axis of B may have any stride):
 * <ul>
 *   <li><b>dot</b> ({@code bRowStride == 1}, B's columns contiguous along k: a Linear's
 *   {@code x · Wᵀ} with W stored [out, in]): {@code C[i][j] = Σ_p A[i][p] · B[p][j]}, each output one
 *   contiguous dot product of a row of A with a row of W;</li>
 *   <li><b>axpy</b> ({@code bColStride == 1}, B row-major): {@code C[i][:] = Σ_p A[i][p] · B[p][:]},
 *   contiguous rows of B scaled and summed into a row of C.</li>
 * </ul>
 * A whose k axis is not unit-stride is first gathered into a per-thread [m, k] scratch (at most
 * {@value #MAX_M}·k floats). The columns of C are split into contiguous ranges, one per thread; the
 * {@link GemmEpilogue} (bias, ReLU) is applied to each range as soon as it is done.
 *
 * <p>The inner loops are a {@link Kernel}: {@link Plain} here (plain Java loops, the twin and the
 * fallback without {@code jdk.incubator.vector}) or {@link VectorSmallGemm} (Vector API, loaded by
 * reflection as {@link VectorGemm} is). Accumulation is in float; the order of additions differs
 * between the two kernels and from the packed GEMM, so the last bits may too.
 *
 * <pre>{@code
 * SmallGemm small = new SmallGemm(par, true);
 * if (SmallGemm.fits(spec)) small.run(spec, a, b, c, GemmEpilogue.NONE);
 * }</pre>
 */
final class SmallGemm {
    /** Most rows of C (and of A) this path takes. */
    static final int MAX_M = 8;
    /**
     * Flops (2·m·n·k) from which the columns are split over the threads: 2¹⁸ (a 362×362 matrix-vector
     * product). The split runs on {@link CpuParallel#forEachSpinning}, whose helpers stay awake between
     * the products of one forward pass; handing a product to a parked ForkJoinPool worker instead cost
     * more than it saved below 2²² flops (29 µs on one thread against 42 µs on two at n = k = 784).
     * Measured with m = 1, n = k on the 2-core AMD EPYC (Zen 5, AVX-512, loaded by other jobs) of
     * docs/benchmarks.md, one thread against the spinning pair: 2.8-5.8 against 1.8 µs at n = 128 (so
     * close that the split is not worth its risk there), 7.3-7.5 against 4.4 µs at 362, 13.0 against
     * 6.6 µs at 512, 53-57 against 28 µs at 1024; the Fashion-MNIST MLP's batch-1 forward went from
     * 36-38 to 18-23 µs.
     */
    static final double PARALLEL_FLOPS = 1 << 18;
    private static final String VECTOR_CLASS = "io.clgrad.backend.cpu.VectorSmallGemm";
    /** Per-thread [m, k] copy of a strided A. */
    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[][] {new float[0]});

    /**
     * The inner loops of one column range [j0, j1) of C for all m rows; A is contiguous rows of k
     * floats at {@code a[aOff + i*k]}, C is [m, n] at {@code c[i*n + j]}.
     */
    interface Kernel {
        /** Dot form: {@code C[i][j] = Σ_p A[i][p] · b[bOff + j*ldb + p]}. */
        void dot(int m, int k, float[] a, int aOff, float[] b, int bOff, int ldb, float[] c, int n, int j0, int j1);

        /** Axpy form: {@code C[i][j] = Σ_p A[i][p] · b[bOff + p*ldb + j]}. */
        void axpy(int m, int k, float[] a, int aOff, float[] b, int bOff, int ldb, float[] c, int n, int j0, int j1);
    }

    private final CpuParallel par;
    private final Kernel kernel;
    /** Flops from which the columns are split over the threads: {@link #PARALLEL_FLOPS} but in measurements. */
    private final double parallelFlops;

    /**
     * A small-m path with the {@link #PARALLEL_FLOPS} thread threshold.
     *
     * @param par    the pool the columns are split over
     * @param vector whether to use {@link VectorSmallGemm} (the caller has checked that the module is
     *               present); falls back to {@link Plain} with a warning when it fails to load
     */
    SmallGemm(CpuParallel par, boolean vector) {
        this(par, vector, PARALLEL_FLOPS);
    }

    /** As {@link #SmallGemm(CpuParallel, boolean)} with another thread threshold (measurements, tests). */
    SmallGemm(CpuParallel par, boolean vector, double parallelFlops) {
        this.par = par;
        this.kernel = vector ? loadVector() : Plain.INSTANCE;
        this.parallelFlops = parallelFlops;
    }

    /** Whether this instance uses the Vector API kernel. */
    boolean usesVector() {
        return kernel != Plain.INSTANCE;
    }

    private static Kernel loadVector() {
        return VectorKernelLoader.load(VECTOR_CLASS, Kernel.class, Plain.INSTANCE, "CPU small matmul");
    }

    /** The Vector API kernel (or the plain one when it fails to load), or the plain one: for other paths' dot products. */
    static Kernel kernel(boolean vector) {
        return vector ? loadVector() : Plain.INSTANCE;
    }

    /**
     * Whether this path takes {@code s}: one product of 1 to {@value #MAX_M} rows with k ≥ 1 and B
     * unit-stride along k (dot form) or along n (axpy form).
     */
    static boolean fits(MatmulSpec s) {
        return s.batch() == 1 && s.m() >= 1 && s.m() <= MAX_M && s.n() >= 1 && s.k() >= 1
                && (s.bRowStride() == 1 || s.bColStride() == 1);
    }

    /**
     * Computes C then applies {@code epi}; {@code s} {@link #fits}, its operands are checked, and
     * {@code c} is contiguous [m, n] from element 0.
     */
    void run(MatmulSpec s, float[] a, float[] b, float[] c, GemmEpilogue epi) {
        int m = s.m();
        int n = s.n();
        int k = s.k();
        float[] gathered = contiguousA(s, a);
        float[] ac = gathered == null ? a : gathered;
        int aOff = gathered == null ? s.aOffset() : 0;
        boolean dot = s.bRowStride() == 1;
        int ldb = dot ? s.bColStride() : s.bRowStride();
        int threads = s.flops() >= parallelFlops ? Math.min(par.threads(), Math.max(1, n / 64)) : 1;
        float[] av = ac;
        int ao = aOff;
        par.forEachSpinning(threads, s.flops(), m, n, c, new CpuParallel.ColumnsBody() {
            @Override
            public void run(int t, float[] dst) {
                int j0 = columnStart(t);
                int j1 = columnStart(t + 1);
                if (j0 >= j1) {
                    return;
                }
                if (dot) {
                    kernel.dot(m, k, av, ao, b, s.bOffset(), ldb, dst, n, j0, j1);
                } else {
                    kernel.axpy(m, k, av, ao, b, s.bOffset(), ldb, dst, n, j0, j1);
                }
                epi.apply(dst, 0, n, 0, m, j0, j1);
            }

            /** Ranges in multiples of 16 columns (whole vectors of the axpy form, whole groups of the dot form). */
            @Override
            public int columnStart(int t) {
                return t == threads ? n : Math.min(n, (int) ((long) ceilDiv(n, 16) * t / threads) * 16);
            }
        });
    }

    /**
     * A of {@code s} as contiguous rows of k floats in this thread's scratch, or null when it
     * already is (k unit-stride, rows back to back or a single row): the few rows of the small-m
     * paths, gathered once before the kernels run.
     */
    static float[] contiguousA(MatmulSpec s, float[] a) {
        int m = s.m();
        int k = s.k();
        if (s.aColStride() == 1 && (m == 1 || s.aRowStride() == k)) {
            return null;
        }
        float[][] scratch = SCRATCH.get();
        if (scratch[0].length < m * k) {
            scratch[0] = new float[m * k];
        }
        TileCopy.copy(a, s.aOffset(), s.aRowStride(), s.aColStride(), m, k, scratch[0], 0, k, 1);
        return scratch[0];
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    /** The plain-loop kernel: the twin of {@link VectorSmallGemm} and the fallback without the module. */
    static final class Plain implements Kernel {
        static final Plain INSTANCE = new Plain();

        private Plain() {
        }

        @Override
        public void dot(int m, int k, float[] a, int aOff, float[] b, int bOff, int ldb, float[] c, int n,
                        int j0, int j1) {
            for (int j = j0; j < j1; j++) {
                int bj = bOff + j * ldb;
                for (int i = 0; i < m; i++) {
                    int ai = aOff + i * k;
                    // four partial sums: independent chains, as the vector kernel's lanes are
                    float s0 = 0f;
                    float s1 = 0f;
                    float s2 = 0f;
                    float s3 = 0f;
                    int p = 0;
                    for (; p + 4 <= k; p += 4) {
                        s0 += a[ai + p] * b[bj + p];
                        s1 += a[ai + p + 1] * b[bj + p + 1];
                        s2 += a[ai + p + 2] * b[bj + p + 2];
                        s3 += a[ai + p + 3] * b[bj + p + 3];
                    }
                    for (; p < k; p++) {
                        s0 += a[ai + p] * b[bj + p];
                    }
                    c[i * n + j] = (s0 + s1) + (s2 + s3);
                }
            }
        }

        @Override
        public void axpy(int m, int k, float[] a, int aOff, float[] b, int bOff, int ldb, float[] c, int n,
                         int j0, int j1) {
            for (int i = 0; i < m; i++) {
                int ci = i * n;
                java.util.Arrays.fill(c, ci + j0, ci + j1, 0f);
                CpuMatmul.rowUpdate(a, aOff + i * k, 1, b, bOff + j0, ldb, c, ci + j0, k, j1 - j0);
            }
        }
    }
}
