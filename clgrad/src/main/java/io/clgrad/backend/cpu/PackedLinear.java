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
 * of {@code in} floats, and go through {@link SmallGemm}'s dot form; then a float that is 1 when
 * every weight is finite (below) and, {@value #DIRECTION_GAP} floats further (a cache line of its
 * own: every call writes it), the way the next call walks the panels (below): the copy is W and
 * {@value #DIRECTION_GAP} + 1 floats. On the 2-core AMD EPYC (Zen 4, AVX-512) of docs/benchmarks.md
 * the Fashion-MNIST MLP's three products took 31 µs on one thread this way against 41 µs for the
 * dot form over [out, in] (a plain sum over the same 2.7 MB takes 31-33).
 *
 * <p>A thread takes its panels two at a time ({@link Kernel#panelPair}: two streams and eight
 * accumulators in one loop, each output's sum unchanged): while the weights come from L3 rather
 * than L2, one panel's single stream kept the core waiting more (on the Zen 4 machine, one thread,
 * 1.6 MB of weights: 19.9 µs one panel at a time, 17.5 two at a time, 17.0 for a plain sum over
 * the same floats; the MLP's batch-1 forward 0.6-1.2 µs faster, alternating both in one process).
 *
 * <p>Each call walks its panels the other way from the last call on the same copy (the float at the
 * copy's end, flipped by every call; concurrent callers may both flip it, which only costs speed):
 * a thread's share of a layer (0.8 MB of the MLP's first) and the next layer's share overflow its
 * 1 MiB L2, and the panels read last are the ones still there, so starting the next call with them
 * trades L3 reads for L2 hits (0.4-0.7 µs off the batch-1 MLP forward, one-process A/B, Zen 4).
 *
 * <p>A row of x with many zeros (the input of every layer after a ReLU, about half of it) skips
 * them: the kernel steps only over the inputs p with x[p] ≠ 0, listed once per call, and reads
 * only their weights ({@link Kernel#panelRows}). Adding fma(0, w, s) = s + (±0) leaves a nonzero s
 * unchanged when w is finite; only a zero sum's sign can differ (a product that underflows to −0,
 * then a skipped +0), so both kernels store every zero sum as +0 (s + 0f), and the result is bit
 * for bit the dense loop's. A weight that is Inf or NaN would turn 0·w into NaN, so the weights are
 * followed by a flag written while packing, and a copy with a non-finite weight never skips. Rows with
 * fewer than one zero in {@value #SKIP_BELOW_DENSITY_INVERSE} inputs take the dense loop, whose
 * single stream the prefetchers follow best. On the Zen 4 machine of docs/benchmarks.md the MLP's
 * second layer (half its inputs zero) took 5.5 against 7.2 µs.
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
    /** A row skips its zero inputs when at least one in this many is zero. */
    static final int SKIP_BELOW_DENSITY_INVERSE = 8;
    /** The float after the weights when every weight is finite (zero inputs may be skipped). */
    private static final float ALL_FINITE = 1f;
    /**
     * Floats from the finite flag to the direction flag: 64 bytes, so that the line every call
     * writes holds no weight that concurrent callers read.
     */
    static final int DIRECTION_GAP = 16;
    /** Per thread: the lists of x's nonzero inputs, one row after another. */
    private static final ThreadLocal<int[]> NONZERO_SCRATCH = ThreadLocal.withInitial(() -> new int[0]);
    private static final String VECTOR_CLASS = "io.clgrad.backend.cpu.VectorPackedLinear";

    /** One panel's products for one row of x. */
    interface Kernel {
        /** Outputs per panel (NB). */
        int panel();

        /**
         * {@code y[yOff + q] = Σ_p x[xOff + p] · w[wOff + p·NB + q]} for q in [0, NB), p from 0 to k − 1
         * in order, each step a fused multiply-add, a zero sum stored as +0; {@code y} has room for NB
         * outputs from yOff.
         */
        void panel(int k, float[] x, int xOff, float[] w, int wOff, float[] y, int yOff);

        /**
         * {@link #panel} over the inputs listed in {@code rows[rowsOff .. rowsOff + count)} (ascending),
         * the others being zero: {@code y[yOff + q] = Σ_i x[xOff + r_i] · w[wOff + r_i·NB + q]} in the
         * list's order, each step a fused multiply-add onto sums that start at +0, a zero sum stored as +0.
         */
        void panelRows(int count, int[] rows, int rowsOff, float[] x, int xOff, float[] w, int wOff, float[] y, int yOff);

        /**
         * {@link #panel} for two panels side by side, the second's weights from {@code wOff + k·NB} and its
         * outputs at {@code yOff + NB}, in one loop: each output's sum is the single panel's.
         */
        void panelPair(int k, float[] x, int xOff, float[] w, int wOff, float[] y, int yOff);

        /** {@link #panelRows} for two panels side by side, of {@code k} inputs each (the second's weights from {@code wOff + k·NB}). */
        void panelRowsPair(int count, int[] rows, int rowsOff, int k, float[] x, int xOff, float[] w, int wOff,
                           float[] y, int yOff);

        /** How many of {@code x[off .. off + n)} are not zero (NaN counts as not zero). */
        int nonZeros(float[] x, int off, int n);
    }

    private final CpuParallel par;
    private final Kernel kernel;
    /** The last out mod NB rows: SmallGemm's dot form. */
    private final SmallGemm.Kernel tail;
    /** Flops from which the panels are split over the threads. */
    private final double parallelFlops;
    /** Whether rows with many zeros skip them (tests turn it off to compare with the dense loop). */
    private final boolean skipZeros;

    /**
     * @param par    the pool the panels are split over
     * @param vector whether to load the Vector API kernels (the caller checked the module is present)
     */
    PackedLinear(CpuParallel par, boolean vector) {
        this(par, vector, SmallGemm.PARALLEL_FLOPS);
    }

    /** As {@link #PackedLinear(CpuParallel, boolean)} with another thread threshold (tests). */
    PackedLinear(CpuParallel par, boolean vector, double parallelFlops) {
        this(par, vector, parallelFlops, true);
    }

    /** As {@link #PackedLinear(CpuParallel, boolean, double)}, with or without skipping zero inputs (tests). */
    PackedLinear(CpuParallel par, boolean vector, double parallelFlops, boolean skipZeros) {
        this.par = par;
        this.skipZeros = skipZeros;
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

    /** Floats of the packed copy of a [out, in] weight: W's, the finite flag, padding and the walking direction. */
    long packedSize(int out, int in) {
        return (long) out * in + DIRECTION_GAP + 1;
    }

    /**
     * Packs W [out, in], {@code W[j][p] = w[off + j·rowStride + p·colStride]}, into {@code dst}
     * ({@link #packedSize} floats): the whole panels, then the last {@code out mod NB} rows as rows,
     * then 1 if every weight is finite, else 0, then zeros up to the direction flag (0: the next call
     * walks the panels forward).
     */
    void pack(float[] w, int off, int rowStride, int colStride, int out, int in, float[] dst) {
        int nb = kernel.panel();
        int full = out / nb * nb;
        boolean finite = true;
        for (int j = 0; j < out; j++) {
            int d = j < full ? (j / nb) * in * nb + j % nb : j * in;
            int step = j < full ? nb : 1;
            int s = off + j * rowStride;
            for (int p = 0; p < in; p++, d += step, s += colStride) {
                float v = w[s];
                dst[d] = v;
                finite &= Float.isFinite(v);
            }
        }
        dst[out * in] = finite ? ALL_FINITE : 0f;
        java.util.Arrays.fill(dst, out * in + 1, out * in + DIRECTION_GAP + 1, 0f);   // padding, then forward first
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
        int threads = spec.flops() >= parallelFlops ? Math.min(par.threads(), units) : 1;
        float[] xs = xc;
        int x0 = xo;
        int[] nonZero = panels > 0 && skipZeros && packed[out * in] == ALL_FINITE ? nonZeroLists(m, in, xs, x0) : null;
        int direction = out * in + DIRECTION_GAP;
        boolean backward = packed[direction] != 0f;
        packed[direction] = backward ? 0f : 1f;   // a plain write: a lost flip between racing callers costs only speed
        par.forEachSpinning(threads, spec.flops(), m, out, y, new CpuParallel.ColumnsBody() {
            @Override
            public void run(int t, float[] dst) {
                int u0 = (int) ((long) units * t / threads);
                int u1 = (int) ((long) units * (t + 1) / threads);
                int uEnd = Math.min(u1, panels);
                for (int done = 0; done < uEnd - u0; done += 2) {
                    boolean pair = uEnd - u0 - done >= 2;
                    int u = backward ? uEnd - done - (pair ? 2 : 1) : u0 + done;
                    for (int i = 0; i < m; i++) {
                        int count = nonZero == null ? -1 : nonZero[m * in + i];
                        int xr = x0 + i * in;
                        int w0 = u * in * nb;
                        int y0 = i * out + u * nb;
                        if (count >= 0 && pair) {
                            kernel.panelRowsPair(count, nonZero, i * in, in, xs, xr, packed, w0, dst, y0);
                        } else if (count >= 0) {
                            kernel.panelRows(count, nonZero, i * in, xs, xr, packed, w0, dst, y0);
                        } else if (pair) {
                            kernel.panelPair(in, xs, xr, packed, w0, dst, y0);
                        } else {
                            kernel.panel(in, xs, xr, packed, w0, dst, y0);
                        }
                    }
                }
                if (u1 > panels) {
                    tail.dot(m, in, xs, x0, packed, 0, in, dst, out, panels * nb, out);
                }
                // made here, not captured: one object fewer for a helper to fetch from the caller's core
                new GemmEpilogue(bias, relu).apply(dst, 0, out, 0, m, u0 * nb, Math.min(out, u1 * nb));
            }

            @Override
            public int columnStart(int t) {
                return Math.min(out, (int) ((long) units * t / threads) * nb);
            }
        });
    }

    /**
     * The nonzero inputs of each row of x [m, in] (contiguous from x0), for rows with at least one zero
     * in {@value #SKIP_BELOW_DENSITY_INVERSE}: row i's list at [i·in, i·in + count), count at [m·in + i]
     * (−1: the dense loop); this thread's scratch, read by the helpers while the job runs.
     */
    private int[] nonZeroLists(int m, int in, float[] x, int x0) {
        int[] lists = NONZERO_SCRATCH.get();
        if (lists.length < m * in + m) {
            lists = new int[m * in + m];
            NONZERO_SCRATCH.set(lists);
        }
        for (int i = 0; i < m; i++) {
            int row = x0 + i * in;
            if (kernel.nonZeros(x, row, in) > in - Math.max(1, in / SKIP_BELOW_DENSITY_INVERSE)) {
                lists[m * in + i] = -1;
                continue;
            }
            int count = 0;
            for (int p = 0; p < in; p++) {
                lists[i * in + count] = p;   // kept only when x[p] is not zero: no branch to mispredict
                count += x[row + p] != 0f ? 1 : 0;
            }
            lists[m * in + i] = count;
        }
        return lists;
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
            for (int q = 0; q < PANEL; q++) {
                y[yOff + q] = acc[q] + 0f;   // a zero sum as +0, as the vector kernel stores it
            }
        }

        @Override
        public void panelRows(int count, int[] rows, int rowsOff, float[] x, int xOff, float[] w, int wOff,
                              float[] y, int yOff) {
            float[] acc = new float[PANEL];
            for (int i = 0; i < count; i++) {
                int p = rows[rowsOff + i];
                float xp = x[xOff + p];
                int o = wOff + p * PANEL;
                for (int q = 0; q < PANEL; q++) {
                    acc[q] = Math.fma(xp, w[o + q], acc[q]);
                }
            }
            for (int q = 0; q < PANEL; q++) {
                y[yOff + q] = acc[q] + 0f;   // a zero sum as +0, as the vector kernel stores it
            }
        }

        @Override
        public void panelPair(int k, float[] x, int xOff, float[] w, int wOff, float[] y, int yOff) {
            panel(k, x, xOff, w, wOff, y, yOff);
            panel(k, x, xOff, w, wOff + k * PANEL, y, yOff + PANEL);
        }

        @Override
        public void panelRowsPair(int count, int[] rows, int rowsOff, int k, float[] x, int xOff, float[] w, int wOff,
                                  float[] y, int yOff) {
            panelRows(count, rows, rowsOff, x, xOff, w, wOff, y, yOff);
            panelRows(count, rows, rowsOff, x, xOff, w, wOff + k * PANEL, y, yOff + PANEL);
        }

        @Override
        public int nonZeros(float[] x, int off, int n) {
            int count = 0;
            for (int p = 0; p < n; p++) {
                count += x[off + p] != 0f ? 1 : 0;
            }
            return count;
        }
    }
}
