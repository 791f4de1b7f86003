package io.clgrad.backend.cpu;

import io.clgrad.backend.MatmulSpec;

/**
 * The few-row forward of a Linear layer from a packed copy of its weight: {@code y = x·Wᵀ (+ b)
 * (then ReLU)} for at most {@value #MAX_ROWS} rows of x, the matrix-vector products of inference one
 * request at a time. Such a product reads every weight once per call and does two flops per weight,
 * so it runs at the speed memory delivers W; read from its stored [out, in] layout, four to eight
 * rows of W at a time are four to eight short streams that the prefetchers keep restarting, and the
 * dot products end in a reduction across the vector's lanes per output. Packed once into panels of
 * {@code NB} outputs, {@code packed[(j / NB)·in·NB + p·NB + j % NB] = W[j][p]}, each panel is one
 * contiguous stream that the kernel reads front to back, keeping NB sums in registers: a
 * multiply-add per weight and no reduction. The last {@code out mod NB} rows (all of them for a
 * layer of fewer than NB outputs, such as a classifier's head) follow the panels as they are, rows
 * of {@code in} floats, and go through {@link SmallGemm}'s dot form: the copy is exactly as large as
 * W. On the 2-core AMD EPYC (Zen 4, AVX-512) of docs/benchmarks.md the Fashion-MNIST MLP's three
 * products took 31 µs on one thread this way against 41 µs for the dot form over [out, in] (a plain
 * sum over the same 2.7 MB takes 31-33).
 *
 * <p>The io.clgrad layer keeps the packed copy beside the weight and packs again when the weight's
 * version changes ({@code Backend#packLinearWeight}); this class only packs and multiplies. Panels
 * (and the tail) are split over the threads as {@link SmallGemm}'s columns are (the spinning
 * helpers, from {@link SmallGemm#PARALLEL_FLOPS}). The panels' inner loop is a {@link Kernel}:
 * {@link Plain} (plain Java, the twin and the fallback) or {@code VectorPackedLinear} (Vector API,
 * loaded by reflection). Both add the products of each output in the order p = 0, 1, ... with a
 * fused multiply-add, so they agree bit for bit.
 *
 * <pre>{@code
 * PackedLinear pl = new PackedLinear(par, true);
 * float[] packed = new float[(int) pl.packedSize(out, in)];
 * pl.pack(w, 0, in, 1, out, in, packed);          // W [out, in] row-major
 * pl.run(spec, x, packed, bias, true, y);          // y = relu(x·Wᵀ + b)
 * }</pre>
 */
final class PackedLinear {
    /** Most rows of x this path takes; more rows reuse each weight enough for the packed GEMM. */
    static final int MAX_ROWS = 4;
    private static final String VECTOR_CLASS = "io.clgrad.backend.cpu.VectorPackedLinear";

    /** One panel's products for one row of x. */
    interface Kernel {
        /** Outputs per panel (NB). */
        int panel();

        /**
         * {@code y[yOff + q] = Σ_p x[xOff + p] · w[wOff + p·NB + q]} for q in [0, NB), p from 0 to k − 1
         * in order, each step a fused multiply-add; {@code y} has room for NB outputs from yOff.
         */
        void panel(int k, float[] x, int xOff, float[] w, int wOff, float[] y, int yOff);
    }

    private final CpuParallel par;
    private final Kernel kernel;
    /** The last out mod NB rows: SmallGemm's dot form. */
    private final SmallGemm.Kernel tail;
    /** Flops from which the panels are split over the threads. */
    private final double parallelFlops;

    /**
     * @param par    the pool the panels are split over
     * @param vector whether to load the Vector API kernels (the caller checked the module is present)
     */
    PackedLinear(CpuParallel par, boolean vector) {
        this(par, vector, SmallGemm.PARALLEL_FLOPS);
    }

    /** As {@link #PackedLinear(CpuParallel, boolean)} with another thread threshold (tests). */
    PackedLinear(CpuParallel par, boolean vector, double parallelFlops) {
        this.par = par;
        this.kernel = vector ? VectorKernelLoader.load(VECTOR_CLASS, Kernel.class, Plain.INSTANCE, "CPU packed linear")
                : Plain.INSTANCE;
        this.tail = SmallGemm.kernel(vector);
        this.parallelFlops = parallelFlops;
    }

    /** Whether the Vector API kernel is in use. */
    boolean usesVector() {
        return kernel != Plain.INSTANCE;
    }

    /** Outputs per panel. */
    int panelWidth() {
        return kernel.panel();
    }

    /** Floats of the packed copy of a [out, in] weight: as many as W's. */
    long packedSize(int out, int in) {
        return (long) out * in;
    }

    /**
     * Packs W [out, in], {@code W[j][p] = w[off + j·rowStride + p·colStride]}, into {@code dst}
     * ({@link #packedSize} floats): the whole panels, then the last {@code out mod NB} rows as rows.
     */
    void pack(float[] w, int off, int rowStride, int colStride, int out, int in, float[] dst) {
        int nb = kernel.panel();
        int full = out / nb * nb;
        for (int j = 0; j < out; j++) {
            int d = j < full ? (j / nb) * in * nb + j % nb : j * in;
            int step = j < full ? nb : 1;
            int s = off + j * rowStride;
            for (int p = 0; p < in; p++, d += step, s += colStride) {
                dst[d] = w[s];
            }
        }
    }

    /**
     * {@code y[i][j] = act(Σ_p X[i][p] · W[j][p] + bias[j])} for the {@code spec.m()} rows of x (A of
     * {@code spec}, read through its strides; {@code spec.n()} = out, {@code spec.k()} = in), W from
     * its packed copy; y is contiguous [m, out].
     */
    void run(MatmulSpec spec, float[] x, float[] packed, float[] bias, boolean relu, float[] y) {
        int m = spec.m();
        int out = spec.n();
        int in = spec.k();
        float[] gathered = SmallGemm.contiguousA(spec, x);
        float[] xc = gathered == null ? x : gathered;
        int xo = gathered == null ? spec.aOffset() : 0;
        int nb = kernel.panel();
        int panels = out / nb;
        int units = panels + (panels * nb < out ? 1 : 0);   // the tail rows are the last unit
        GemmEpilogue epi = new GemmEpilogue(bias, relu);
        int threads = spec.flops() >= parallelFlops ? Math.min(par.threads(), units) : 1;
        float[] xs = xc;
        int x0 = xo;
        par.forEachSpinning(threads, spec.flops(), (lo, hi) -> {
            for (int t = lo; t < hi; t++) {
                int u0 = (int) ((long) units * t / threads);
                int u1 = (int) ((long) units * (t + 1) / threads);
                for (int u = u0; u < Math.min(u1, panels); u++) {
                    for (int i = 0; i < m; i++) {
                        kernel.panel(in, xs, x0 + i * in, packed, u * in * nb, y, i * out + u * nb);
                    }
                }
                if (u1 > panels) {
                    tail.dot(m, in, xs, x0, packed, 0, in, y, out, panels * nb, out);
                }
                epi.apply(y, 0, out, 0, m, u0 * nb, Math.min(out, u1 * nb));
            }
        });
    }

    /** The plain-loop kernel: the twin of {@code VectorPackedLinear} and the fallback without the module. */
    static final class Plain implements Kernel {
        static final Plain INSTANCE = new Plain();
        /** Panel width of the plain kernel (any width gives the same sums). */
        static final int PANEL = 16;

        @Override
        public int panel() {
            return PANEL;
        }

        @Override
        public void panel(int k, float[] x, int xOff, float[] w, int wOff, float[] y, int yOff) {
            float[] acc = new float[PANEL];
            for (int p = 0, o = wOff; p < k; p++, o += PANEL) {
                float xp = x[xOff + p];
                for (int q = 0; q < PANEL; q++) {
                    acc[q] = Math.fma(xp, w[o + q], acc[q]);
                }
            }
            System.arraycopy(acc, 0, y, yOff, PANEL);
        }
    }
}
