package io.clgrad.backend.cpu;

import io.clgrad.backend.MatmulSpec;
import java.lang.ref.SoftReference;

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
 * <p>Each panel output is the sum of two halves: the products of inputs [0, h) and of [h, in), h =
 * {@link #half}(in), each added in the order p = h0, h0 + 1, ... with a fused multiply-add from +0
 * and stored as {@code s + 0f}, then the two added. Both kernels ({@link Plain}, the twin and the
 * fallback, and {@code VectorPackedLinear}, loaded by reflection) do exactly this, so they agree bit
 * for bit, and so does every way of splitting the work below, on any number of threads. (The tail
 * rows' dot form adds all the inputs its own way, on one thread, whatever the split.)
 *
 * <p>A row of x with many zeros (the input of every layer after a ReLU, about half of it) skips
 * them: the kernel steps only over the inputs p with x[p] ≠ 0 and reads only their weights
 * ({@link Kernel#panelRows}). Adding fma(0, w, s) = s + (±0) leaves a nonzero s unchanged when w is
 * finite; only a zero sum's sign can differ (a product that underflows to −0, then a skipped +0),
 * which the {@code + 0f} makes +0, so the result is bit for bit the dense loop's. A weight that is
 * Inf or NaN would turn 0·w into NaN, so the weights are followed by a flag written while packing,
 * and a copy with a non-finite weight never skips. A half with fewer than one zero in
 * {@value #SKIP_BELOW_DENSITY_INVERSE} inputs takes the dense loop, whose single stream the
 * prefetchers follow best. On the Zen 4 machine of docs/benchmarks.md the MLP's second layer (half
 * its inputs zero) took 5.5 against 7.2 µs.
 *
 * <p>Splitting a product over the threads ({@link Layer}, the spinning helpers of {@link CpuParallel},
 * from {@link SmallGemm#PARALLEL_FLOPS}): rows without many zeros in their first half split the
 * panels, each thread adding each panel's two halves itself; otherwise each thread takes one half of
 * the inputs, lists its nonzero ones and sums them for all the panels of its range, and the caller
 * adds the halves ({@link Kernel#combine}). That thread then reads the inputs it listed and no list
 * another core wrote. {@link #runChain} runs layers in a row with the hidden rows in this thread's
 * scratch, and two layers that split over two threads as one job ({@link Pair}): each thread computes
 * its half of the first layer's outputs, which is its half of the second layer's inputs, and goes on
 * to that half's sums of the second layer, so the hidden half never leaves its core and the op hands
 * work over once. On the Zen 4 machine (one process, alternating; batch-1 784-512-512-10 MLP,
 * Sequential's forward with its output read back) it took 16.1 against 16.8 µs median (16.9 against
 * 17.7 mean) with the two vCPUs on one CCX and 18.5 against 20.9 (19.5 against 22.1 mean) on two CCDs.
 *
 * <p>The io.clgrad layer keeps the packed copy beside the weight and packs again when the weight's
 * version changes ({@code Backend#packLinearWeight}); this class only packs and multiplies.
 *
 * <pre>{@code
 * PackedLinear pl = new PackedLinear(par, true);
 * float[] packed = new float[(int) pl.packedSize(out, in)];
 * pl.pack(w, 0, in, 1, out, in, packed);          // W [out, in] row-major
 * pl.run(spec, x, packed, bias, true, y);          // y = relu(x·Wᵀ + b)
 * pl.runChain(spec, x, new float[][] {p1, p2}, new float[][] {b1, b2}, new boolean[] {true, false},
 *         new int[] {512, 10}, y2);                // y2 = relu(x·W1ᵀ + b1)·W2ᵀ + b2
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
         * {@link #panel} for two panels side by side, the second's weights from {@code wOff + span·NB} (the
         * panels hold {@code span} inputs each, of which this sums {@code k}) and its outputs at
         * {@code yOff + NB}, in one loop: each output's sum is the single panel's.
         */
        void panelPair(int k, int span, float[] x, int xOff, float[] w, int wOff, float[] y, int yOff);

        /** {@link #panelRows} for two panels side by side, of {@code k} inputs each (the second's weights from {@code wOff + k·NB}). */
        void panelRowsPair(int count, int[] rows, int rowsOff, int k, float[] x, int xOff, float[] w, int wOff,
                           float[] y, int yOff);

        /** How many of {@code x[off .. off + n)} are not zero (NaN counts as not zero). */
        int nonZeros(float[] x, int off, int n);

        /** {@code dst[dstOff + j] += src[srcOff + j]} for j in [0, n): a panel's second half onto its first. */
        void addTo(int n, float[] src, int srcOff, float[] dst, int dstOff);

        /**
         * {@code y[yOff + j] = act(a[aOff + j] + b[bOff + j] + bias[j])} for j in [0, n), added in that
         * order (no bias: {@code a + b}), act ReLU ({@link CpuBinaryKernels#relu}) or none: two halves' sums
         * made one output.
         */
        void combine(int n, float[] a, int aOff, float[] b, int bOff, float[] bias, boolean relu, float[] y, int yOff);
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
     * its packed copy; y is contiguous [m, out]. Each panel output is the sum of its two halves
     * ({@link #half}), each added in order from +0, the same on any number of threads.
     */
    void run(MatmulSpec spec, float[] x, float[] packed, float[] bias, boolean relu, float[] y) {
        int threads = threads(spec.flops(), spec.n());
        Layer layer = layer(spec, x, packed, bias, relu, threads, true);
        if (threads > 1) {
            layer = reuse(layer);
        }
        if (layer.halves) {
            layer.halves(par, threads, spec.flops(), y);
        } else if (threads > 1) {
            par.forEachSpinning(threads, spec.flops(), spec.m(), spec.n(), y, layer);
        } else {
            layer.run(0, y);
        }
    }

    /**
     * Layers in a row, {@code h_{l+1} = act_l(h_l·W_lᵀ + b_l)} from {@code h_0} = x (A of {@code spec},
     * read through its strides; {@code spec.n()} = out_0, {@code spec.k()} = in) to y = h_L, contiguous
     * [m, out_{L-1}]: the hidden rows stay in this thread's scratch, and two layers that the threads
     * would split in two ({@link #pairs}) run as one job. Each layer's numbers are {@link #run}'s.
     *
     * @param outs out_l of each layer, the next one's in
     */
    void runChain(MatmulSpec spec, float[] x, float[][] packed, float[][] bias, boolean[] relu, int[] outs, float[] y) {
        int m = spec.m();
        int layers = outs.length;
        Scratch scratch = SCRATCH.get();
        float[] h = x;
        MatmulSpec s = spec;
        for (int l = 0, step = 0; l < layers; step++) {
            boolean pair = l + 1 < layers && pairs(s, outs[l + 1]);
            int last = pair ? l + 1 : l;
            // the two hidden arrays in turn: a step never writes the array it reads
            float[] dst = last == layers - 1 ? y : scratch.floats(Scratch.HIDDEN + step % 2, m * outs[last]);
            if (pair) {
                runPair(s, h, packed[l], bias[l], relu[l], outs[l + 1], packed[l + 1], bias[l + 1], relu[l + 1], dst);
            } else {
                run(s, h, packed[l], bias[l], relu[l], dst);
            }
            h = dst;
            s = last + 1 < layers ? MatmulSpec.rowMajor(m, outs[last + 1], outs[last]) : null;
            l = last + 1;
        }
    }

    /**
     * Whether the layer of {@code spec} and the next one (outB outputs) run as one job of two chunks
     * ({@link Pair}): the first would split over exactly two threads, at the second's {@link #half},
     * and the second has whole panels only.
     */
    boolean pairs(MatmulSpec spec, int outB) {
        int nb = kernel.panel();
        int out = spec.n();
        return threads(spec.flops(), out) == 2 && units(out, nb) / 2 * nb == half(out) && outB % nb == 0 && outB > 0;
    }

    /**
     * {@code y = actB(actA(x·Aᵀ + a)·Bᵀ + b)} as one job: chunk c computes the hidden columns of its half
     * of A's panels, then that half's sums of B's products from them (the hidden half never leaves its
     * thread), and the caller adds the two halves ({@link Layer#halves}'s numbers).
     */
    private void runPair(MatmulSpec spec, float[] x, float[] packedA, float[] biasA, boolean reluA, int outB,
                         float[] packedB, float[] biasB, boolean reluB, float[] y) {
        int m = spec.m();
        int out = spec.n();
        // zeros in x (pixels, a ReLU's output) are skipped as run() would, each panel's halves from lists
        Layer a = layer(spec, x, packedA, biasA, reluA, 2, false);
        Layer b = new Layer(kernel, tail, m, outB, out, null, 0, packedB, walkBackward(packedB, outB, out), true,
                skips(outB, out, packedB), biasB, reluB, 2);
        float[] sums = SCRATCH.get().floats(Scratch.SUMS, m * 2 * outB);
        par.forEachSpinning(2, spec.flops() + 2.0 * m * outB * out, m, 2 * outB, sums, reuse(new Pair(a, b)));
        b.combine(sums, y);
    }

    /**
     * The {@link Layer} of {@code spec}'s product on x (gathered first when its rows are strided), whose
     * rows skip their zero inputs when the first half of the inputs has enough of them (the caller's own
     * half, after a layer split in halves); with {@code halvesIfSparse}, such a layer splits by halves
     * of the inputs, else by ranges of panels.
     */
    private Layer layer(MatmulSpec spec, float[] x, float[] packed, float[] bias, boolean relu, int threads,
                        boolean halvesIfSparse) {
        int m = spec.m();
        int out = spec.n();
        int in = spec.k();
        float[] gathered = SmallGemm.contiguousA(spec, x);
        float[] xs = gathered == null ? x : gathered;
        int x0 = gathered == null ? spec.aOffset() : 0;
        boolean skip = skips(out, in, packed) && sparseRows(m, half(in), in, xs, x0);
        return new Layer(kernel, tail, m, out, in, xs, x0, packed, walkBackward(packed, out, in),
                skip && halvesIfSparse, skip, bias, relu, threads);
    }

    /** Threads for a product of {@code flops} with {@code out} outputs: its panels (and tail) split over them. */
    private int threads(double flops, int out) {
        return flops >= parallelFlops ? Math.min(par.threads(), units(out, kernel.panel())) : 1;
    }

    /** The units a product's work splits into: its whole panels of nb outputs, then its tail rows as one. */
    private static int units(int out, int nb) {
        return out / nb + (out % nb != 0 ? 1 : 0);
    }

    /** Whether rows may skip their zero inputs: some whole panels, and every weight finite. */
    private boolean skips(int out, int in, float[] packed) {
        return out >= kernel.panel() && skipZeros && packed[out * in] == ALL_FINITE;
    }

    /** Which way this call walks the panels, flipping it for the next call (its comment in the class doc). */
    private static boolean walkBackward(float[] packed, int out, int in) {
        int direction = out * in + DIRECTION_GAP;
        boolean backward = packed[direction] != 0f;
        packed[direction] = backward ? 0f : 1f;   // a plain write: a lost flip between racing callers costs only speed
        return backward;
    }

    /** Where the inputs of a row of {@code in} split into the halves whose sums are added. */
    static int half(int in) {
        return in / 2;
    }

    /**
     * Whether some row of x [m, in] (contiguous from x0) has at least one zero in
     * {@value #SKIP_BELOW_DENSITY_INVERSE} of its first {@code n} inputs.
     */
    private boolean sparseRows(int m, int n, int in, float[] x, int x0) {
        for (int i = 0; i < m; i++) {
            if (kernel.nonZeros(x, x0 + i * in, n) <= n - Math.max(1, n / SKIP_BELOW_DENSITY_INVERSE)) {
                return true;
            }
        }
        return false;
    }

    /** Per thread: lists of nonzero inputs, and float arrays for the uses below, each grown as needed. */
    private static final class Scratch {
        /** A halves job's [m, 2·out] sums (the caller's). */
        static final int SUMS = 0;
        /** A panel's (or pair's) second half, added to its first. */
        static final int SECOND = 1;
        /** A {@link Pair} chunk's hidden rows. */
        static final int PAIR_HIDDEN = 2;
        /** A chain's hidden rows: this slot and the next, used in turn. */
        static final int HIDDEN = 3;

        private int[] lists = new int[0];
        private final float[][] floats = {new float[0], new float[0], new float[0], new float[0], new float[0]};

        int[] lists(int n) {
            if (lists.length < n) {
                lists = new int[n];
            }
            return lists;
        }

        float[] floats(int slot, int n) {
            if (floats[slot].length < n) {
                floats[slot] = new float[n];
            }
            return floats[slot];
        }
    }

    /**
     * One product's work as the chunks of a spinning job, split one of the two ways of the class doc:
     * ranges of panels, or halves of the inputs ({@link #halves}). The job's body is this one object,
     * which a helper fetches from the caller's core: it carries what the chunks read, and a chunk makes
     * its epilogue itself.
     */
    private static final class Layer implements CpuParallel.ColumnsBody {
        private final Kernel kernel;
        private final SmallGemm.Kernel tail;
        private final int m;
        private final int out;
        private final int in;
        /** The input rows; null for the second layer of a {@link Pair}, whose chunks pass their own. */
        private final float[] x;
        private final int x0;
        private final float[] w;
        private final boolean backward;
        /** Whether chunks take halves of the inputs ({@link #halves}) rather than ranges of panels. */
        private final boolean halves;
        /** Whether a half with enough zeros skips them. */
        private final boolean skip;
        private final float[] bias;
        private final boolean relu;
        /** Chunks of a panel-range job; panel groups per half of a halves job. */
        private final int groups;

        Layer(Kernel kernel, SmallGemm.Kernel tail, int m, int out, int in, float[] x, int x0, float[] w,
              boolean backward, boolean halves, boolean skip, float[] bias, boolean relu, int threads) {
            this.kernel = kernel;
            this.tail = tail;
            this.m = m;
            this.out = out;
            this.in = in;
            this.x = x;
            this.x0 = x0;
            this.w = w;
            this.backward = backward;
            this.halves = halves;
            this.skip = skip;
            this.bias = bias;
            this.relu = relu;
            this.groups = halves ? Math.max(1, threads / 2) : threads;
        }

        /** Whether every field equals {@code o}'s (arrays by identity): the two compute the same chunks. */
        boolean same(Layer o) {
            return kernel == o.kernel && tail == o.tail && m == o.m && out == o.out && in == o.in && x == o.x
                    && x0 == o.x0 && w == o.w && backward == o.backward && halves == o.halves && skip == o.skip
                    && bias == o.bias && relu == o.relu && groups == o.groups;
        }

        /** The first unit (the panels, then the tail) of group g of {@link #groups}; g = groups: all of them. */
        private int unit(int g) {
            return (int) ((long) units(out, kernel.panel()) * g / groups);
        }

        /**
         * Chunk c: of a panel-range job, the panels of group c over all the inputs (each panel's two
         * halves added), with the epilogue, into [m, out]; of a halves job, half c / groups of the inputs
         * for the panels of group c % groups into [m, 2·out] sums (half h at columns h·out + j), the tail
         * rows whole with the first half.
         */
        @Override
        public void run(int c, float[] dst) {
            run(c, x, dst);
        }

        /** {@link #run(int, float[])} on the input rows {@code xs} (from {@link #x0}). */
        void run(int c, float[] xs, float[] dst) {
            int nb = kernel.panel();
            int full = out / nb * nb;
            if (!halves) {
                int u1 = unit(c + 1);
                panels(xs, unit(c), u1, true, 0, out, 0, dst);
                if (u1 * nb > full) {
                    tail.dot(m, in, xs, x0, w, 0, in, dst, out, full, out);
                }
                // made here, not captured: one object fewer for a helper to fetch from the caller's core
                new GemmEpilogue(bias, relu).apply(dst, 0, out, 0, m, unit(c) * nb, Math.min(out, u1 * nb));
                return;
            }
            int h = c / groups;
            int g = c % groups;
            int u1 = unit(g + 1);
            panels(xs, unit(g), u1, false, h, 2 * out, h * out, dst);
            if (h == 0 && u1 * nb > full) {
                tail.dot(m, in, xs, x0, w, 0, in, dst, 2 * out, full, out);
            }
        }

        @Override
        public int columnStart(int c) {
            int nb = kernel.panel();
            if (!halves) {
                return Math.min(out, unit(c) * nb);
            }
            return c == 2 * groups ? 2 * out : c / groups * out + Math.min(out, unit(c % groups) * nb);
        }

        /**
         * A halves job: its chunks on the team (or both here, on one thread), into this thread's scratch,
         * then {@link #combine}d into y.
         */
        void halves(CpuParallel par, int threads, double flops, float[] y) {
            float[] sums = SCRATCH.get().floats(Scratch.SUMS, m * 2 * out);
            if (threads > 1) {
                par.forEachSpinning(2 * groups, flops, m, 2 * out, sums, this);
            } else {
                run(0, sums);
                run(1, sums);
            }
            combine(sums, y);
        }

        /** {@code y = act(first + second + bias)} for the panels, {@code act(first + bias)} for the tail, from [m, 2·out] sums. */
        void combine(float[] sums, float[] y) {
            int full = out / kernel.panel() * kernel.panel();
            for (int i = 0; i < m; i++) {
                int s = i * 2 * out;
                int d = i * out;
                kernel.combine(full, sums, s, sums, s + out, bias, relu, y, d);
                System.arraycopy(sums, s + full, y, d + full, out - full);
                new GemmEpilogue(bias, relu).apply(y, d, out, 0, 1, full, out);
            }
        }

        /**
         * Panels [u0, u1) (and none of the tail) of every row of xs, into {@code dst} at row stride
         * {@code ld} from column {@code col0}: with {@code both}, each panel's first half of the inputs
         * plus its second (computed into this thread's {@link Scratch#SECOND} array); else half {@code h}'s
         * sums only. With {@link #skip}, a half that has enough zeros sums its nonzero inputs only.
         */
        private void panels(float[] xs, int u0, int u1, boolean both, int h, int ld, int col0, float[] dst) {
            int nb = kernel.panel();
            int uEnd = Math.min(u1, out / nb);
            int split = half(in);
            int h0 = both ? 0 : h;
            int h1 = both ? 1 : h;
            // row i's list of half hh at [i·in + (hh == 0 ? 0 : split)), its count (−1: dense) at [m·in + 2i + hh]
            int[] lists = skip ? SCRATCH.get().lists(m * (in + 2)) : null;
            if (lists != null) {
                for (int i = 0; i < m; i++) {
                    for (int hh = h0; hh <= h1; hh++) {
                        int p0 = hh == 0 ? 0 : split;
                        int len = (hh == 0 ? split : in) - p0;
                        int count = nonZeroList(xs, x0 + i * in, p0, p0 + len, lists, i * in + p0);
                        lists[m * in + 2 * i + hh] = count > len - Math.max(1, len / SKIP_BELOW_DENSITY_INVERSE) ? -1 : count;
                    }
                }
            }
            float[] second = both ? SCRATCH.get().floats(Scratch.SECOND, 2 * nb) : null;
            for (int done = 0; done < uEnd - u0; done += 2) {
                boolean pair = uEnd - u0 - done >= 2;
                int u = backward ? uEnd - done - (pair ? 2 : 1) : u0 + done;
                int wu = u * in * nb;
                for (int i = 0; i < m; i++) {
                    int xr = x0 + i * in;
                    int y0 = i * ld + col0 + u * nb;
                    for (int hh = h0; hh <= h1; hh++) {
                        float[] y = hh == 1 && both ? second : dst;
                        int yo = hh == 1 && both ? 0 : y0;
                        int p0 = hh == 0 ? 0 : split;
                        int count = lists == null ? -1 : lists[m * in + 2 * i + hh];
                        if (count >= 0 && pair) {
                            kernel.panelRowsPair(count, lists, i * in + p0, in, xs, xr, w, wu, y, yo);
                        } else if (count >= 0) {
                            kernel.panelRows(count, lists, i * in + p0, xs, xr, w, wu, y, yo);
                        } else {
                            dense(xs, pair, p0, hh == 0 ? split : in, xr, wu, y, yo);
                        }
                    }
                    if (both) {
                        kernel.addTo(pair ? 2 * nb : nb, second, 0, dst, y0);
                    }
                }
            }
        }

        /** One panel (or a pair) over inputs [p0, p1) of the row of xs at xr, into y from y0. */
        private void dense(float[] xs, boolean pair, int p0, int p1, int xr, int wu, float[] y, int y0) {
            int nb = kernel.panel();
            if (pair) {
                kernel.panelPair(p1 - p0, in, xs, xr + p0, w, wu + p0 * nb, y, y0);
            } else {
                kernel.panel(p1 - p0, xs, xr + p0, w, wu + p0 * nb, y, y0);
            }
        }
    }

    /**
     * The two chunks of {@link #runPair}: chunk c computes the hidden columns of group c of the first
     * layer (which are the second layer's half c of inputs) into its thread's scratch, then half c's
     * sums of the second layer from them, into the job's [m, 2·out_B] output.
     */
    private record Pair(Layer a, Layer b) implements CpuParallel.ColumnsBody {
        @Override
        public void run(int c, float[] dst) {
            float[] hidden = SCRATCH.get().floats(Scratch.PAIR_HIDDEN, a.m * a.out);
            a.run(c, hidden);
            b.run(c, hidden, dst);
        }

        @Override
        public int columnStart(int c) {
            return c * b.out;
        }

        /** Whether both layers equal {@code o}'s in every field (arrays by identity). */
        boolean same(Pair o) {
            return a.same(o.a) && b.same(o.b);
        }
    }

    /** Slots of {@link #keptPairs} and of {@link #keptLayers}: a few models' layers at once. */
    private static final int KEPT_SLOTS = 8;
    /**
     * The job bodies of recent calls that went to the helpers, {@link Pair}s and {@link Layer}s apart, one
     * per slot, a slot chosen by the (first) layer's packed weights and walking direction: a call whose body
     * is the same in every field ({@link Layer#same}: the same arrays, sizes and flags, as in a
     * service's repeated batch-1 calls) hands the helper that object again, whose lines the helper still
     * holds, where new objects, just written on the caller's core, are each a miss there in turn (about
     * 0.3 µs apiece with the two cores on two CCDs: a pair and its two layers are three). Soft: a kept
     * body holds its arrays only while the heap has room (the JVM clears soft references unused for a
     * while, and all of them before it runs out of memory), where a weak one would be dropped by every
     * young collection. Read and written by callers without a lock (a body never changes, so a race
     * only loses a reuse).
     */
    private final SoftReference<?>[] keptPairs = new SoftReference<?>[KEPT_SLOTS];
    /** As {@link #keptPairs}, for the layers run on their own. */
    private final SoftReference<?>[] keptLayers = new SoftReference<?>[KEPT_SLOTS];

    /** {@code fresh}, or the kept pair of its slot when that one is the same in every field. */
    private Pair reuse(Pair fresh) {
        int slot = slot(fresh.a);
        if (kept(keptPairs, slot) instanceof Pair k && k.same(fresh)) {
            reuses++;
            return k;
        }
        keptPairs[slot] = new SoftReference<>(fresh);
        return fresh;
    }

    /** {@code fresh}, or the kept layer of its slot when that one is the same in every field. */
    private Layer reuse(Layer fresh) {
        int slot = slot(fresh);
        if (kept(keptLayers, slot) instanceof Layer k && k.same(fresh)) {
            reuses++;
            return k;
        }
        keptLayers[slot] = new SoftReference<>(fresh);
        return fresh;
    }

    /** Calls that handed the helper a kept body (a plain count: racing callers may lose increments). */
    private int reuses;

    /** How many calls handed the helper a kept body (tests). */
    int reuses() {
        return reuses;
    }

    /** Drops the kept bodies, and with them any array they held ({@code Backend#emptyCache}). */
    void emptyCache() {
        java.util.Arrays.fill(keptPairs, null);
        java.util.Arrays.fill(keptLayers, null);
    }

    private static Object kept(SoftReference<?>[] bodies, int slot) {
        SoftReference<?> r = bodies[slot];
        return r == null ? null : r.get();
    }

    /** The slot of a body whose (first) layer is {@code l}: its weights' identity and its walking direction. */
    private static int slot(Layer l) {
        return (System.identityHashCode(l.w) * 2 + (l.backward ? 1 : 0)) & (KEPT_SLOTS - 1);
    }

    /** Per thread: scratch for {@link Layer}. */
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /** The inputs p in [p0, p1) with {@code x[row + p] != 0}, ascending, into {@code list} from {@code at}; returns how many. */
    private static int nonZeroList(float[] x, int row, int p0, int p1, int[] list, int at) {
        int count = 0;
        for (int p = p0; p < p1; p++) {
            list[at + count] = p;   // kept only when x[p] is not zero: no branch to mispredict
            count += x[row + p] != 0f ? 1 : 0;
        }
        return count;
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
        public void panelPair(int k, int span, float[] x, int xOff, float[] w, int wOff, float[] y, int yOff) {
            panel(k, x, xOff, w, wOff, y, yOff);
            panel(k, x, xOff, w, wOff + span * PANEL, y, yOff + PANEL);
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

        @Override
        public void addTo(int n, float[] src, int srcOff, float[] dst, int dstOff) {
            for (int j = 0; j < n; j++) {
                dst[dstOff + j] += src[srcOff + j];
            }
        }

        @Override
        public void combine(int n, float[] a, int aOff, float[] b, int bOff, float[] bias, boolean relu, float[] y,
                            int yOff) {
            for (int j = 0; j < n; j++) {
                float v = a[aOff + j] + b[bOff + j];
                v = bias == null ? v : v + bias[j];
                y[yOff + j] = relu ? CpuBinaryKernels.relu(v) : v;
            }
        }
    }
}
