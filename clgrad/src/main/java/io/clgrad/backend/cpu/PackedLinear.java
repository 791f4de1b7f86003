package io.clgrad.backend.cpu;

import io.clgrad.backend.MatmulSpec;

/**
 * The few-row forward of a Linear layer from a packed copy of its weight: {@code y = x·Wᵀ (+ b)
 * (then ReLU)} for at most {@value #MAX_ROWS} rows of x, the matrix-vector products of inference one
 * request at a time. Such a product reads every weight once per call and does two flops per weight,
 * so it runs at the speed memory delivers W; read from its stored [out, in] layout, four to eight
 * rows of W at a time are four to eight short streams that the prefetchers keep restarting, and the
 * dot products end in a reduction across the vector's lanes per output. Packed once into panels of
 * {@code NB} outputs, {@code packed[(j / NB)·in·NB + p·NB + j % NB] = W[j][p]} (the last panel
 * zero-padded), each panel is one contiguous stream that the kernel reads front to back, keeping NB
 * sums in registers: a multiply-add per weight and no reduction. On the 2-core AMD EPYC (Zen 4,
 * AVX-512) of docs/benchmarks.md the Fashion-MNIST MLP's three products took 31 µs on one thread this
 * way against 41 µs for the dot form over [out, in] (a plain sum over the same 2.7 MB takes 31-33).
 *
 * <p>The io.clgrad layer keeps the packed copy beside the weight and packs again when the weight's
 * version changes ({@code Backend#packLinearWeight}); this class only packs and multiplies. Panels are
 * split over the threads as {@link SmallGemm}'s columns are (the spinning helpers, from
 * {@link SmallGemm#PARALLEL_FLOPS}). The inner loop is a {@link Kernel}: {@link Plain} (plain Java, the
 * twin and the fallback) or {@code VectorPackedLinear} (Vector API, loaded by reflection). Both add
 * the products of each output in the order p = 0, 1, ... with a fused multiply-add, so they agree bit
 * for bit.
 *
 * <pre>{@code
 * PackedLinear pl = new PackedLinear(par, true);
 * float[] packed = new float[pl.packedSize(out, in)];
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
    /** Flops from which the panels are split over the threads. */
    private final double parallelFlops;

    /**
     * @param par    the pool the panels are split over
     * @param vector whether to load the Vector API kernel (the caller checked the module is present)
     */
    PackedLinear(CpuParallel par, boolean vector) {
        this(par, vector, SmallGemm.PARALLEL_FLOPS);
    }

    /** As {@link #PackedLinear(CpuParallel, boolean)} with another thread threshold (tests). */
    PackedLinear(CpuParallel par, boolean vector, double parallelFlops) {
        this.par = par;
        this.kernel = vector ? VectorKernelLoader.load(VECTOR_CLASS, Kernel.class, Plain.INSTANCE, "CPU packed linear")
                : Plain.INSTANCE;
        this.parallelFlops = parallelFlops;
    }

    /** Whether the Vector API kernel is in use. */
    boolean usesVector() {
        return kernel != Plain.INSTANCE;
    }

    /** Floats of the packed copy of a [out, in] weight: whole panels of NB outputs. */
    long packedSize(int out, int in) {
        int nb = kernel.panel();
        return (long) ceilDiv(out, nb) * nb * in;
    }

    /**
     * Packs W [out, in], {@code W[j][p] = w[off + j·rowStride + p·colStride]}, into {@code dst}
     * ({@link #packedSize} floats): panel by panel, reading each row of W once, forward.
     */
    void pack(float[] w, int off, int rowStride, int colStride, int out, int in, float[] dst) {
        int nb = kernel.panel();
        for (int j = 0; j < out; j++) {
            int d = (j / nb) * in * nb + j % nb;
            int s = off + j * rowStride;
            for (int p = 0; p < in; p++, d += nb, s += colStride) {
                dst[d] = w[s];
            }
        }
        for (int j = out; j < ceilDiv(out, nb) * nb; j++) {   // the last panel's padding
            for (int p = 0, d = (j / nb) * in * nb + j % nb; p < in; p++, d += nb) {
                dst[d] = 0f;
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
        int nb = kernel.panel();
        int panels = ceilDiv(out, nb);
        GemmEpilogue epi = new GemmEpilogue(bias, relu);
        int threads = spec.flops() >= parallelFlops ? Math.min(par.threads(), panels) : 1;
        par.forEachSpinning(threads, (lo, hi) -> {
            float[] row = spec.aColStride() != 1 ? new float[in] : null;
            float[] tail = panels * nb != out ? new float[nb] : null;
            for (int t = lo; t < hi; t++) {
                int p0 = (int) ((long) panels * t / threads);
                int p1 = (int) ((long) panels * (t + 1) / threads);
                for (int i = 0; i < m; i++) {
                    float[] xi = x;
                    int xo = spec.aOffset() + i * spec.aRowStride();
                    if (spec.aColStride() != 1) {
                        for (int p = 0; p < in; p++) {
                            row[p] = x[xo + p * spec.aColStride()];
                        }
                        xi = row;
                        xo = 0;
                    }
                    for (int q = p0; q < p1; q++) {
                        int j = q * nb;
                        if (j + nb <= out) {
                            kernel.panel(in, xi, xo, packed, q * in * nb, y, i * out + j);
                        } else {
                            kernel.panel(in, xi, xo, packed, q * in * nb, tail, 0);
                            System.arraycopy(tail, 0, y, i * out + j, out - j);
                        }
                    }
                }
                epi.apply(y, 0, out, 0, m, Math.min(out, p0 * nb), Math.min(out, p1 * nb));
            }
        });
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
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
