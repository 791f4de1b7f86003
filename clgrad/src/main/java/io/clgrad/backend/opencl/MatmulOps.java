package io.clgrad.backend.opencl;

import io.clgrad.backend.Buffer;
import io.clgrad.backend.ElementType;
import io.clgrad.backend.MatmulSpec;
import io.clgrad.backend.StridedView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Batched matrix product with a register-tiled kernel of {@code kernels-cl/matmul.cl}:
 * {@code matmul_tiled} (local-memory tiles, for GPUs) or {@code matmul_direct} (no local memory,
 * for CPU devices), as the device's {@link DeviceTuning} row says. The
 * kernel's work-group shape is compiled in (reqd_work_group_size), so the first use checks the
 * kernel's CL_KERNEL_WORK_GROUP_SIZE and, if the tuned shape does not fit, rebuilds with a
 * smaller one.
 */
final class MatmulOps extends FamilyOps {
    private static final Logger LOG = LoggerFactory.getLogger(MatmulOps.class);
    /** Split-K: products with at most this many outputs ... */
    private static final long SPLIT_K_MAX_OUTPUTS = 4096;
    /** ... and at least this long a k are split into chunks of about SPLIT_K_CHUNK, at most SPLIT_K_MAX_SPLITS. */
    private static final int SPLIT_K_MIN_K = 1024;
    private static final int SPLIT_K_CHUNK = 256;
    private static final int SPLIT_K_MAX_SPLITS = 64;
    /** matmul_direct products at most this wide use the narrow work-group (one column per work-item). */
    private static final int NARROW_N = 16;
    private static final String NARROW_SPEC = "mmWgM=64,mmWgN=1,mmWptM=4,mmWptN=1";
    /**
     * linearGrad runs as one matmul_direct_grad launch for gradients of at most this many elements
     * (rows × out): there the launches it saves cost more than what it adds — the row sums, serial
     * per row in the work-items of column 0, and the mask's second load per element of A. Measured
     * on PoCL 3.1 (2-core EPYC): a [64, 10] gradient 10 µs fused against 25 µs for the separate
     * ops, [128, 10] even, [64, 32] and [4096, 1] slower fused.
     */
    private static final int FUSED_GRAD_MAX_ELEMENTS = 1024;

    private final CopyOps copies;
    private final BufferPool pool;
    private final ReduceOps reductions;
    private final DeviceTuning tuning;
    /** The resolved kernel of each {@link Variant}, built on first use (guarded by this). */
    private final Config[] configs = new Config[Variant.values().length];

    /** The three kernels a device may use: its table's small-product kernel, that kernel narrow, matmul_vec. */
    private enum Variant { SMALL, NARROW, VEC }

    /**
     * The kernel chosen for this device and the block it computes per work-group; with matmul_direct,
     * also its matmul_direct_grad variants of the same build (else null).
     */
    private record Config(ClKernel kernel, ClKernel[] gradKernels, int wgM, int wgN, int blockM, int blockN) {
    }

    /** The matmul_direct_grad variants, by (1 if masked) + (2 if summing rows); entry 0 unused. */
    private static final String[] GRAD_KERNELS = {null, "matmul_direct_grad_mask", "matmul_direct_grad_sums",
        "matmul_direct_grad_mask_sums"};

    MatmulOps(Kernels kernels, Operands operands, CopyOps copies, BufferPool pool, ReduceOps reductions) {
        this(kernels, operands, copies, pool, reductions, kernels.device().tuning());
    }

    /** Products under a given tuning row (the device's own, or a candidate of {@link MatmulTuner}). */
    MatmulOps(Kernels kernels, Operands operands, CopyOps copies, BufferPool pool, ReduceOps reductions,
              DeviceTuning tuning) {
        super("matmul", kernels, operands);
        this.tuning = tuning;
        this.reductions = reductions;
        this.copies = copies;
        this.pool = pool;
    }

    void matmul(MatmulSpec s, Buffer a, Buffer b, Buffer c) {
        matmul(s, a, b, null, false, c);
    }

    /**
     * C = act(A·B + bias) in one launch (bias n floats or null, act ReLU or the identity); a
     * transposed B on the large-product path costs one more launch (its copy).
     */
    void matmul(MatmulSpec s, Buffer a, Buffer b, Buffer bias, boolean relu, Buffer c) {
        if (s.batch() < 0 || s.m() < 0 || s.n() < 0 || s.k() < 0) {
            throw new IllegalArgumentException("negative size in " + s);
        }
        int outCount = Operands.product(s.batch(), s.m(), s.n());
        ClBuffer cb = operands.of(c, "matmul output", ElementType.F32, outCount);
        if (outCount == 0) {
            return;
        }
        ClBuffer biasBuf = bias == null ? null : operands.of(bias, "matmul bias", ElementType.F32, s.n());
        int epi = flags(biasBuf != null, relu);   // kernels-cl/matmul.cl's MM_EPI_BIAS, MM_EPI_RELU
        if (s.k() == 0 && epi == 0) {
            copies.fill(cb, outCount, 0.0);
            return;
        }
        if (s.k() == 0) {
            // act(0 + bias): the kernels' k loop runs zero times and reads neither operand
            MatmulSpec none = new MatmulSpec(s.batch(), s.m(), s.n(), 0, 0, 0, 0, 0, 0, 0, 0, 0);
            launchSmall(config(Variant.SMALL), none, cb, cb, cb, 0, biasBuf, epi);
            return;
        }
        ClBuffer ab = operands.of(a, "matmul lhs", ElementType.F32, 0);
        ClBuffer bb = operands.of(b, "matmul rhs", ElementType.F32, 0);
        s.checkOperands(ab.count(), bb.count());
        checkIntIndexable("A", s.m(), s.aRowStride(), s.k(), s.aColStride());
        checkIntIndexable("B", s.k(), s.bRowStride(), s.n(), s.bColStride());
        switch (path(s, epi == 0)) {
            case SPLIT_K -> matmulSplitK(s, ab, bb, cb);
            case VEC -> matmulVec(s, ab, bb, cb, biasBuf, epi);
            case SMALL -> launchSmall(smallConfig(s.n()), s, ab, bb, cb, 0, biasBuf, epi);
        }
    }

    /** The three ways a product of k >= 1 runs. */
    private enum Path { SPLIT_K, VEC, SMALL }

    /** The path of a product: split k for few outputs over a long k (plain products only), matmul_vec for large ones. */
    private Path path(MatmulSpec s, boolean plain) {
        if (plain && s.batch() == 1 && (long) s.m() * s.n() <= SPLIT_K_MAX_OUTPUTS && s.k() >= SPLIT_K_MIN_K) {
            return Path.SPLIT_K;
        }
        DeviceTuning t = tuning;
        double mflop = 2.0 * s.batch() * s.m() * s.n() * s.k() / 1e6;
        if (t.mvMinMflop() >= 0 && mflop >= t.mvMinMflop() && s.n() >= t.mvVw() * t.mvVn()) {
            return Path.VEC;
        }
        return Path.SMALL;
    }

    /**
     * {@link io.clgrad.backend.Backend#linearGrad} in one launch of a matmul_direct_grad variant, when the
     * product would run on matmul_direct anyway (CPU devices, products that neither split k nor
     * take matmul_vec) and the gradient is small ({@value #FUSED_GRAD_MAX_ELEMENTS} elements at
     * most: launch-bound): ReLU's mask applied to A as it is loaded, the bias gradient from A's
     * row sums in the same launch.
     *
     * @return false, having done nothing, when the product takes another path, the gradient is
     *         larger, or there is neither a mask nor a bias gradient (the caller then composes the
     *         separate ops)
     */
    boolean linearGrad(MatmulSpec s, Buffer g, Buffer reluOut, Buffer x, Buffer gw, Buffer gb) {
        s.checkLinearGrad();
        int variant = (reluOut != null ? 1 : 0) + (gb != null ? 2 : 0);
        boolean fused = variant != 0 && s.k() > 0 && s.m() > 0 && s.n() > 0
                && (long) s.k() * s.m() <= FUSED_GRAD_MAX_ELEMENTS && path(s, true) == Path.SMALL;
        Config cfg = fused ? smallConfig(s.n()) : null;
        if (cfg == null || cfg.gradKernels == null) {
            return false;
        }
        int gCount = s.k() * s.m();
        ClBuffer gbuf = operands.of(g, "linearGrad g", ElementType.F32, gCount);
        Object mask = reluOut == null ? Kernels.NULL_BUFFER
                : operands.of(reluOut, "linearGrad ReLU output", ElementType.F32, gCount);
        Object sums = gb == null ? Kernels.NULL_BUFFER : operands.of(gb, "linearGrad bias gradient", ElementType.F32, s.m());
        ClBuffer cb = operands.of(gw, "linearGrad weight gradient", ElementType.F32, (long) s.m() * s.n());
        ClBuffer bb = operands.of(x, "linearGrad x", ElementType.F32, 0);
        s.checkOperands(gCount, bb.count());
        checkIntIndexable("B", s.k(), s.bRowStride(), s.n(), s.bColStride());
        long groupsN = (s.n() + cfg.blockN - 1) / cfg.blockN;
        long groupsM = (s.m() + cfg.blockM - 1) / cfg.blockM;
        kernels.launch(cfg.gradKernels[variant],
                new long[] {groupsN * cfg.wgN, groupsM * cfg.wgM, 1},
                new long[] {cfg.wgN, cfg.wgM, 1},
                gbuf, 0, 0, 1, s.m(),
                bb, s.bOffset(), 0, s.bRowStride(), s.bColStride(),
                cb, 0, s.m(), s.n(), s.k(), mask, sums);
        return true;
    }

    /**
     * Split-K for few outputs over a long k (the weight gradients of a large batch, e.g. [10, 4096]
     * x [4096, 2]): one launch computes the partial products of k-chunks as a batch (chunk c reads A
     * and B from chunk c's offset), a second the last, shorter chunk if any, and a sum over the
     * chunks writes C — instead of a few work-items walking all of k alone.
     */
    private void matmulSplitK(MatmulSpec s, ClBuffer ab, ClBuffer bb, ClBuffer cb) {
        int m = s.m();
        int n = s.n();
        int k = s.k();
        int splits = Math.min(SPLIT_K_MAX_SPLITS, Math.max(2, k / SPLIT_K_CHUNK));
        int chunk = (k + splits - 1) / splits;
        int full = k / chunk;
        int rest = k - full * chunk;
        int parts = full + (rest > 0 ? 1 : 0);
        ClBuffer partial = pool.allocate(ElementType.F32, (long) parts * m * n);
        try {
            Config cfg = smallConfig(n);
            launchSmall(cfg, new MatmulSpec(full, m, n, chunk, s.aOffset(), chunk * s.aColStride(), s.aRowStride(),
                    s.aColStride(), s.bOffset(), chunk * s.bRowStride(), s.bRowStride(), s.bColStride()),
                    ab, bb, partial, 0, null, 0);
            if (rest > 0) {
                launchSmall(cfg, new MatmulSpec(1, m, n, rest, s.aOffset() + full * chunk * s.aColStride(), 0,
                        s.aRowStride(), s.aColStride(), s.bOffset() + full * chunk * s.bRowStride(), 0, s.bRowStride(),
                        s.bColStride()), ab, bb, partial, full * m * n, null, 0);
            }
            reductions.reduce(io.clgrad.backend.ReduceOp.SUM, partial, cb, 1, parts, m * n);
        } finally {
            pool.free(partial); // later users of the block are ordered after these launches on the queue
        }
    }

    /** One launch of matmul_tiled or matmul_direct, writing C from element {@code cOff}. */
    private void launchSmall(Config cfg, MatmulSpec s, ClBuffer ab, ClBuffer bb, ClBuffer cb, int cOff,
                             ClBuffer biasBuf, int epi) {
        long groupsN = (s.n() + cfg.blockN - 1) / cfg.blockN;
        long groupsM = (s.m() + cfg.blockM - 1) / cfg.blockM;
        kernels.launch(cfg.kernel,
                new long[] {groupsN * cfg.wgN, groupsM * cfg.wgM, s.batch()},
                new long[] {cfg.wgN, cfg.wgM, 1},
                ab, s.aOffset(), s.aBatchStride(), s.aRowStride(), s.aColStride(),
                bb, s.bOffset(), s.bBatchStride(), s.bRowStride(), s.bColStride(),
                cb, cOff, s.m(), s.n(), s.k(), biasBuf != null ? biasBuf : cb, epi);
    }

    /**
     * The large-product path: matmul_vec, which reads B along n, so a B that is not contiguous
     * along n (Linear's forward multiplies by W^T) is first copied into a contiguous temporary
     * (k*n copies against m*n*k multiply-adds).
     */
    private void matmulVec(MatmulSpec s, ClBuffer ab, ClBuffer bb, ClBuffer cb, ClBuffer biasBuf, int epi) {
        Config cfg = config(Variant.VEC);
        ClBuffer tmp = null;
        int bOff = s.bOffset();
        int bBs = s.bBatchStride();
        int bRs = s.bRowStride();
        try {
            if (s.bColStride() != 1) {
                int copiesOfB = s.bBatchStride() == 0 ? 1 : s.batch();
                tmp = pool.allocate(ElementType.F32, (long) copiesOfB * s.k() * s.n());
                copies.copy(new StridedView(bb, s.bOffset(), new int[] {copiesOfB, s.k(), s.n()},
                        new int[] {s.bBatchStride(), s.bRowStride(), s.bColStride()}), tmp);
                bb = tmp;
                bOff = 0;
                bBs = s.bBatchStride() == 0 ? 0 : s.k() * s.n();
                bRs = s.n();
            }
            long itemsN = (s.n() + cfg.blockN - 1) / cfg.blockN;
            long itemsM = (s.m() + cfg.blockM - 1) / cfg.blockM;
            kernels.launch(cfg.kernel,
                    new long[] {roundUp(itemsN, cfg.wgN), roundUp(itemsM, cfg.wgM), s.batch()},
                    new long[] {cfg.wgN, cfg.wgM, 1},
                    ab, s.aOffset(), s.aBatchStride(), s.aRowStride(), s.aColStride(),
                    bb, bOff, bBs, bRs, 1,
                    cb, 0, s.m(), s.n(), s.k(), biasBuf != null ? biasBuf : cb, epi);
        } finally {
            if (tmp != null) {
                pool.free(tmp); // later users of the block are ordered after this launch on the queue
            }
        }
    }

    private static long roundUp(long x, long multiple) {
        return (x + multiple - 1) / multiple * multiple;
    }

    /** The kernels index one matrix with an int: its elements must lie within {@code Integer.MAX_VALUE} of each other. */
    private static void checkIntIndexable(String name, int rows, int rowStride, int cols, int colStride) {
        long matrixSpan = Math.abs((long) (rows - 1) * rowStride) + Math.abs((long) (cols - 1) * colStride);
        if (matrixSpan > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("matmul " + name + ": one [" + rows + ", " + cols + "] matrix with strides ("
                    + rowStride + ", " + colStride + ") spans " + matrixSpan + " elements, more than an int indexes");
        }
    }

    /** Builds the kernels and settles their work-group shapes now rather than at the first product. */
    @Override
    void prepare() {
        config(Variant.SMALL);
        smallConfig(1);
        if (tuning.mvMinMflop() >= 0) {
            config(Variant.VEC);
        }
    }

    /**
     * The kernel for a product n columns wide: on CPU devices (matmul_direct) a product at most
     * {@value #NARROW_N} wide (a matrix-vector product, a layer with one output) takes a
     * work-group of 64 x 1 work-items with 4 rows x 1 column each, so no work-item computes
     * clamped copies of columns that do not exist.
     */
    private Config smallConfig(int n) {
        boolean narrow = n <= NARROW_N && "direct".equals(tuning.mmKernel());
        return config(narrow ? Variant.NARROW : Variant.SMALL);
    }

    private synchronized Config config(Variant v) {
        Config cfg = configs[v.ordinal()];
        if (cfg == null) {
            cfg = resolve(v);
            configs[v.ordinal()] = cfg;
        }
        return cfg;
    }

    /** Builds a variant's kernel; a work-group the kernel cannot run is halved along its longer side. */
    private Config resolve(Variant v) {
        boolean vec = v == Variant.VEC;
        DeviceTuning t = v == Variant.NARROW ? DeviceTuning.override(tuning, NARROW_SPEC) : tuning;
        while (true) {
            int wgM = vec ? t.mvWgM() : t.mmWgM();
            int wgN = vec ? t.mvWgN() : t.mmWgN();
            String name = vec ? "matmul_vec" : t.matmulKernel();
            String options = kernels.programs().options(family(), t);
            ClKernel k = kernels.get(family(), options, name);
            if (k.maxWorkGroupSize() >= (long) wgM * wgN || wgM * wgN == 1) {
                ClKernel[] grad = null;
                if ("matmul_direct".equals(name)) {
                    grad = new ClKernel[GRAD_KERNELS.length];
                    for (int g = 1; g < grad.length; g++) {
                        grad[g] = kernels.get(family(), options, GRAD_KERNELS[g]);
                    }
                }
                return vec ? new Config(k, null, wgM, wgN, t.mvRows(), t.mvVw() * t.mvVn())
                        : new Config(k, grad, wgM, wgN, wgM * t.mmWptM(), wgN * t.mmWptN());
            }
            int halfM = wgM >= wgN ? Math.max(1, wgM / 2) : wgM;
            int halfN = wgM >= wgN ? wgN : Math.max(1, wgN / 2);
            LOG.info("{}: {} allows work-groups of {} work-items, not {}x{}; rebuilding as {}x{}",
                    kernels.device().label(), k.name(), k.maxWorkGroupSize(), wgM, wgN, halfM, halfN);
            t = vec ? t.withVecWorkGroup(halfM, halfN) : t.withMatmulWorkGroup(halfM, halfN);
        }
    }
}
