package io.clgrad.backend.cpu;

import io.clgrad.backend.ConvSpec;
import java.util.Arrays;

/**
 * Stride-1 convolutions computed from the padded input rows in place, without a patch matrix: the
 * forward, the input gradient and the weight gradient of a {@code groups = 1} conv2d whose padding
 * is at most {@code (k-1)·d} on every side (so that the input gradient is again such a
 * convolution). The patch matrix of the lowering to a GEMM is nine times a 3×3 convolution's input,
 * written once per forward and once more per weight gradient, copied again by the GEMM's packing,
 * and its result needs a permute to NCHW; here each image is only padded (a copy the size of the
 * input, see {@link DirectPlane}) and every tap reads the padded planes shifted.
 *
 * <ul>
 *   <li><b>forward</b> ({@code y = x ⋆ W + b}): a task per image (and range of output channels),
 *   claimed by the threads as they come, or for one image in fixed contiguous shares of the channels
 *   (the caller's first, as the next op splits its planes: design-notes.md, "A batch-1 convolution in
 *   fixed shares");
 *   its tiles are {@link Kernel#rowTile()} output channels × up to {@link Kernel#vectors()} vectors of
 *   consecutive positions (at most {@value #VECS}; the last tile of a plane shorter), summed over the taps (c, i, j) in order with one fused multiply-add each, the
 *   weights packed per tile of channels so each tap's weights are one broadcast each. The tile is
 *   written out row by row into NCHW, plus the bias.</li>
 *   <li><b>input gradient</b>: {@code dx = gy ⋆ W'}, the same kernel over gy padded by {@code (k-1)·d}
 *   minus the forward's padding, with W' the weights flipped in both axes and the channel axes
 *   swapped.</li>
 *   <li><b>weight gradient</b> ({@code dW[co][c,i,j] = Σ_n Σ_q gy[n][co][q] · xpad[n][c][q + shift]}):
 *   dot products over the positions, {@link Kernel#gradRowTile()} channels × {@value #GRAD_TAPS}
 *   taps per tile, each lane of a vector summing its own positions; the gradient is laid out with
 *   the padded row pitch and zeros where a row's positions are not outputs, a chunk's images one
 *   after another in one run of positions (see {@code GradPlan}). Images are taken in fixed chunks
 *   (about two L2s of padded data, at most {@value #MAX_CHUNK_IMAGES} images) whose sums are added
 *   in order, so the result does not depend on the thread count. The zeros meet padded input
 *   values in the dropped positions: an input with an infinity or NaN would turn those into NaN,
 *   so the caller takes the patch-matrix path for such an input (and, for the input gradient, the
 *   output gradient's padding meets the weights: likewise for a non-finite weight).</li>
 * </ul>
 *
 * <p>The kernels are a {@link Kernel}: {@link Plain} (plain Java loops, the twin and the fallback)
 * or {@code VectorDirectConv} (Vector API, loaded by reflection). Both add each output's terms in
 * the same order with fused multiply-adds (and a weight-gradient lane's terms likewise, the lanes
 * summed in order after), so they agree bit for bit.
 *
 * <pre>{@code
 * DirectConv dc = new DirectConv(par, true);
 * if (dc.takes(spec, cout)) dc.forward(spec, cout, x, w, bias, y);
 * }</pre>
 */
final class DirectConv {
    /** Most vectors of positions per forward tile. */
    static final int VECS = 3;
    /** Taps per weight-gradient tile. */
    static final int GRAD_TAPS = 6;
    /**
     * Padded floats (input and gradient) of one chunk of images of the weight gradient: 2 MiB, the
     * two cores' L2 on the Zen 4 machine of docs/benchmarks.md. Each tile sums its lanes once per
     * chunk, so longer chunks pay that less often: CNN layer 2's dW took 8.6-10.7 ms on two cores
     * with chunks of 8 images, 6.6-8.2 with 16.
     */
    static final long CHUNK_FLOATS = 1 << 19;
    /** Most images per chunk of the weight gradient. */
    static final int MAX_CHUNK_IMAGES = 16;
    /** Most partial weight gradients (each a run of chunks summed in order). */
    static final int MAX_PARTIALS = 16;
    /**
     * Least share of computed positions that are outputs for {@link #takes}: a row's last
     * {@code (kw-1)·dw} positions and the rounding to whole vectors are computed and dropped, so on
     * tiny planes (2×2 with a 3×3 window: 4 of 16) the GEMM of the patch matrix does less work.
     */
    static final double MIN_USEFUL = 0.6;
    private static final String VECTOR_CLASS = "io.clgrad.backend.cpu.VectorDirectConv";
    /** Whether {@link VectorElementwise} can be used: the JVM has the Vector API module. */
    private static final boolean VECTOR = CpuMatmul.vectorKernelsUsable();
    /** Floats of per-thread scratch kept between calls (4 MiB per array): larger ones are per call. */
    static final int KEPT_SCRATCH = 1 << 20;
    /**
     * Per-thread scratch: the weight gradient's padded sources, gradient rows and accumulators (slots
     * 0-2), the correlation's output tiles (slot 1) and its padded sources (slot {@value #CORRELATE_SRC},
     * written by nothing else, so that {@link Padded}'s note of what it holds stays true even when a
     * pool thread runs units of other calls in between).
     */
    private static final ThreadLocal<float[][]> SCRATCH =
            ThreadLocal.withInitial(() -> new float[][] {new float[0], new float[0], new float[0], new float[0]});
    /** The scratch slot of the correlation's padded sources. */
    private static final int CORRELATE_SRC = 3;
    /** Which image each thread's padded correlation scratch holds, so that a thread pads an image once per call. */
    private static final ThreadLocal<Padded> PADDED = ThreadLocal.withInitial(Padded::new);

    /** The image a thread last padded into its kept correlation scratch: of which call ({@code call}, a token). */
    private static final class Padded {
        Object call;
        int image = -1;

        /**
         * Whether image {@code n} of {@code call} must be padded into {@code xp}; when so, notes that it
         * will be if {@code xp} is the kept scratch {@code kept} (an array made for one unit is not).
         */
        boolean needsPad(Object call, int n, float[] xp, float[] kept) {
            if (xp == kept && this.call == call && image == n) {
                return false;
            }
            this.call = xp == kept ? call : null;
            image = n;
            return true;
        }
    }

    /** The inner loops. */
    interface Kernel {
        /** Floats per vector (L): the weight gradient's partial sums per tap. */
        int lanes();

        /** Output channels per forward tile (R). */
        int rowTile();

        /** Most vectors of positions per forward tile, 1 to {@link #VECS}. */
        default int vectors() {
            return VECS;
        }

        /** Output channels per weight-gradient tile. */
        int gradRowTile();

        /**
         * A forward tile: {@code out[outOff + r·outStride + q] = Σ_t w[wOff + t·R + r] · x[xOff + off[t] + q]}
         * for r in [0, R), q in [0, vectors·L), t from 0 to taps − 1 in order, each step a fused
         * multiply-add from 0.
         *
         * @param vectors 1 to {@link #vectors()}
         */
        void rows(int vectors, int taps, float[] w, int wOff, int[] off, float[] x, int xOff, float[] out,
                  int outOff, int outStride);

        /**
         * A weight-gradient tile: for r in [0, gradRowTile), t in [0, GRAD_TAPS) and each lane l,
         * {@code acc[(r·GRAD_TAPS + t)·L + l] += gy[gOff + r·gStride + q] · x[xOff + off[tOff + t] + q]}
         * for q = l, l + L, ... below {@code len} (a multiple of L), in order, each a fused multiply-add.
         */
        void dots(int len, float[] gy, int gOff, int gStride, float[] x, int xOff, int[] off, int tOff, float[] acc);

        /**
         * One output plane from a tile row: {@code dst[d + oh·outW + ow] = tile[s + oh·wp + ow] + b}
         * for oh in [0, outH), ow in [0, outW). It may also write anything below {@code limit} after
         * the plane (the caller writes those floats later), and reads the tile only below {@code tileEnd}.
         */
        void storePlane(float[] tile, int s, int tileEnd, int wp, int outH, int outW, float b, float[] dst, int d,
                        int limit);

        /** The same kernel with forward tiles of {@code rows} output channels (4 or 8), weight-gradient tiles of half. */
        Kernel withRowTile(int rows);
    }

    private final CpuParallel par;
    private final Kernel kernel;
    /** The forward's packed weights, kept while the weights stay the same. */
    private final PackedConvWeights packedWeights = new PackedConvWeights();

    /**
     * @param par    the pool the images are split over
     * @param vector whether to load the Vector API kernels (the caller checked the module is present)
     */
    DirectConv(CpuParallel par, boolean vector) {
        this(par, vector, 0);
    }

    /**
     * As {@link #DirectConv(CpuParallel, boolean)} with forward tiles of {@code rowTile} output
     * channels (4 or 8; 0 for the kernel's choice by vector width: {@link CpuConvConfig#direct}).
     */
    DirectConv(CpuParallel par, boolean vector, int rowTile) {
        this(par, tiles(vector ? VectorKernelLoader.load(VECTOR_CLASS, Kernel.class, Plain.DEFAULT,
                "CPU direct convolution") : Plain.DEFAULT, rowTile));
    }

    /** {@code rows} when it is a tile the kernels have (4 or 8 output channels). */
    static int checkRowTile(int rows) {
        if (rows != 4 && rows != 8) {
            throw new IllegalArgumentException("direct convolution tiles are 4 or 8 output channels, not " + rows);
        }
        return rows;
    }

    private static Kernel tiles(Kernel k, int rowTile) {
        return rowTile == 0 || rowTile == k.rowTile() ? k : k.withRowTile(rowTile);
    }

    /** With a given kernel (tests: the plain twin of the vector kernel's tiles). */
    DirectConv(CpuParallel par, Kernel kernel) {
        this.par = par;
        this.kernel = kernel;
    }

    /** Drops the kept packed weights ({@link CpuBackend#emptyCache}). */
    void emptyCache() {
        packedWeights.clear();
    }

    /** The kernel in use. */
    Kernel kernel() {
        return kernel;
    }

    /**
     * Runs the three passes with this kernel and with its plain twin on a few small convolutions
     * (partial tiles, a 5×5 kernel, dilation, a plane narrower than a vector) and compares their
     * bits: the conv tuner's check of a direct tile. Null when they agree, else what differs.
     */
    String checkAgainstTwin() {
        DirectConv twin = new DirectConv(par, Plain.twinOf(kernel));
        java.util.Random r = new java.util.Random(11);
        ConvSpec[] specs = {ConvSpec.symmetric(3, 3, 1, 9, 10, 3, 3, 1, 1, 1, 1, 1, 1),
            ConvSpec.symmetric(2, 2, 1, 16, 15, 5, 5, 1, 1, 2, 2, 1, 1),
            ConvSpec.symmetric(2, 2, 1, 18, 16, 3, 3, 1, 1, 2, 2, 2, 2),
            ConvSpec.symmetric(2, 5, 1, 6, 6, 3, 3, 1, 1, 1, 1, 1, 1)};
        int[] outs = {13, 6, 3, 11};
        for (int i = 0; i < specs.length; i++) {
            ConvSpec s = specs[i];
            int cout = outs[i];
            float[] x = random(r, s.inputSize());
            float[] w = random(r, (long) cout * s.patchSize());
            float[] b = random(r, cout);
            long ySize = (long) s.batch() * cout * s.outH() * s.outW();
            float[] gy = random(r, ySize);
            float[][] got = new float[][] {new float[(int) ySize], new float[(int) s.inputSize()], new float[w.length]};
            float[][] want = new float[][] {new float[(int) ySize], new float[(int) s.inputSize()], new float[w.length]};
            for (DirectConv d : new DirectConv[] {this, twin}) {
                float[][] out = d == this ? got : want;
                d.forward(s, cout, x, w, b, out[0]);
                d.inputGrad(s, cout, gy, w, out[1]);
                d.weightGrad(s, cout, gy, x, out[2]);
            }
            String[] names = {"forward", "input gradient", "weight gradient"};
            for (int k = 0; k < 3; k++) {
                if (!Arrays.equals(got[k], want[k])) {
                    return "direct convolution (" + kernel.rowTile() + "-channel tiles) " + names[k] + " of " + s + " with "
                            + cout + " output channels differs from its plain twin";
                }
            }
        }
        return null;
    }

    private static float[] random(java.util.Random r, long n) {
        float[] a = new float[(int) n];
        for (int i = 0; i < a.length; i++) {
            a[i] = r.nextFloat() * 2 - 1;
        }
        return a;
    }

    /**
     * Whether this path takes the convolution: one group, stride 1, padding at most {@code (k-1)·d}
     * on every side (so that the input gradient is again such a correlation), at least
     * {@link #MIN_USEFUL} of the computed positions outputs, and every padded copy and tile small
     * enough for an int to index: the input's (forward, weight gradient) and the output gradient's
     * (input gradient, {@code cout} channels).
     */
    boolean takes(ConvSpec s, int cout) {
        if (cout < 1 || s.groups() != 1 || s.strideH() != 1 || s.strideW() != 1) {
            return false;
        }
        int spanH = (s.kernelH() - 1) * s.dilationH();
        int spanW = (s.kernelW() - 1) * s.dilationW();
        if (s.padTop() > spanH || s.padBottom() > spanH || s.padLeft() > spanW || s.padRight() > spanW) {
            return false;
        }
        DirectPlane p = forwardPlane(s);
        long computed = roundUp((long) p.outH() * p.wp(), (long) kernel.lanes());
        if ((long) p.outH() * p.outW() < MIN_USEFUL * computed) {
            return false;
        }
        DirectPlane g = inputGradPlane(s, cout);
        long gComputed = roundUp((long) g.outH() * g.wp(), (long) kernel.lanes());
        long limit = Integer.MAX_VALUE / 2;
        return p.paddedSize(computed) <= limit && g.paddedSize(gComputed) <= limit
                && (long) kernel.rowTile() * Math.max(computed, gComputed) <= limit
                && roundUp((long) cout, kernel.gradRowTile()) * computed <= limit;   // a chunk's gradient rows
    }

    /** The forward's geometry: the input, padded as the convolution pads it. */
    static DirectPlane forwardPlane(ConvSpec s) {
        return new DirectPlane(s.channels(), s.height(), s.width(), s.padTop(), s.padBottom(), s.padLeft(),
                s.padRight(), s.kernelH(), s.kernelW(), s.dilationH(), s.dilationW());
    }

    /** The input gradient's geometry: the output gradient, padded by {@code (k-1)·d} minus the forward's padding. */
    static DirectPlane inputGradPlane(ConvSpec s, int cout) {
        int spanH = (s.kernelH() - 1) * s.dilationH();
        int spanW = (s.kernelW() - 1) * s.dilationW();
        return new DirectPlane(cout, s.outH(), s.outW(), spanH - s.padTop(), spanH - s.padBottom(),
                spanW - s.padLeft(), spanW - s.padRight(), s.kernelH(), s.kernelW(), s.dilationH(), s.dilationW());
    }

    /**
     * {@code y[n][co] = Σ_{c,i,j} W[co][c][i][j] · xpad[n][c][oh + i·dh][ow + j·dw] (+ bias[co])}.
     *
     * @param s    the geometry ({@link #takes})
     * @param cout output channels
     * @param x    [N, C, H, W]
     * @param w    [cout, C, kh, kw]
     * @param bias cout floats, or null
     * @param y    [N, cout, outH, outW]
     */
    void forward(ConvSpec s, int cout, float[] x, float[] w, float[] bias, float[] y) {
        DirectPlane p = forwardPlane(s);
        int r = kernel.rowTile();
        int taps = p.taps();
        correlate(p, s.batch(), x, packedWeights.packed(w, cout, taps, r), cout, bias, y);
    }

    /**
     * {@code dx[n][c][h][w] = Σ_{co,i,j} W[co][c][i][j] · gy[n][co][h + padTop - i·dh][w + padLeft - j·dw]}
     * (terms outside gy left out): the forward's adjoint, as a correlation of the padded gy with W flipped.
     *
     * @param gy [N, cout, outH, outW]
     * @param w  [cout, C, kh, kw]
     * @param dx [N, C, H, W]
     */
    void inputGrad(ConvSpec s, int cout, float[] gy, float[] w, float[] dx) {
        DirectPlane p = inputGradPlane(s, cout);
        int r = kernel.rowTile();
        int c = s.channels();
        int kh = s.kernelH();
        int kw = s.kernelW();
        int taps = p.taps();   // (co, i', j') with i' = kh-1-i, j' = kw-1-j
        float[] packed = new float[ceilDiv(c, r) * taps * r];
        for (int ci = 0; ci < c; ci++) {
            for (int co = 0; co < cout; co++) {
                for (int i = 0; i < kh; i++) {
                    for (int j = 0; j < kw; j++) {
                        int t = (co * kh + i) * kw + j;
                        packed[((ci / r) * taps + t) * r + ci % r] =
                                w[((co * c + ci) * kh + kh - 1 - i) * kw + kw - 1 - j];
                    }
                }
            }
        }
        correlate(p, s.batch(), gy, packed, c, null, dx);
    }

    /** The correlation of each padded source with the packed weights, out channels per tile of R. */
    private void correlate(DirectPlane p, int batch, float[] src, float[] packed, int outCh, float[] bias,
                           float[] dst) {
        int r = kernel.rowTile();
        int lanes = kernel.lanes();
        int most = kernel.vectors();
        int span = most * lanes;
        int computed = roundUp(p.positions(), lanes);
        int padded = (int) p.paddedSize(computed);
        int taps = p.taps();
        int[] off = p.offsets(0);
        int blocks = ceilDiv(outCh, r);
        int groups = Math.min(blocks, Math.max(1, ceilDiv(4 * par.threads(), batch)));
        long flops = 2L * batch * blocks * r * taps * computed;
        Object call = new Object();   // this call, for the threads' note of what they have padded
        CpuParallel.Body units = (lo, hi) -> {
            float[][] sc = SCRATCH.get();
            float[] xp = grow(sc, CORRELATE_SRC, padded);
            float[] tile = grow(sc, 1, r * computed);
            Padded mark = PADDED.get();
            for (int u = lo; u < hi; u++) {
                int n = u / groups;
                int g = u % groups;
                if (mark.needsPad(call, n, xp, sc[CORRELATE_SRC])) {   // a next group of the same image reuses it
                    p.pad(src, n, xp, 0, padded);
                }
                for (int b = blocks * g / groups; b < blocks * (g + 1) / groups; b++) {
                    for (int q0 = 0; q0 < computed; q0 += span) {   // tiles of `most` vectors, the last shorter
                        kernel.rows(Math.min(most, (computed - q0) / lanes), taps, packed, b * taps * r, off, xp, q0,
                                tile, q0, computed);
                    }
                    store(p, tile, computed, n, b * r, Math.min(r, outCh - b * r), outCh, bias, dst);
                }
            }
        };
        if (batch == 1) {
            // one image: its channel blocks in fixed contiguous shares (the caller's first), as the
            // pooling or elementwise op after it splits its planes, so that op reads what its own
            // core wrote (claimed, they fell to whichever thread came first: on two CCDs of the Zen 4
            // machine the helper's pooling then read half its input from the other CCD)
            par.forEach(groups, flops, units);
        } else {
            par.forEachClaimed(batch * groups, flops, units);
        }
    }

    /**
     * Rows [0, rows) of a tile, channels c0.. of image n, to NCHW: each output row's outW positions,
     * plus the bias. A plane's store may run into the block's next planes, which are written after it.
     */
    private void store(DirectPlane p, float[] tile, int pitch, int n, int c0, int rows, int outCh, float[] bias,
                       float[] dst) {
        int plane = p.outH() * p.outW();
        int end = (n * outCh + c0 + rows) * plane;   // the block's planes are written in order up to here
        for (int r = 0; r < rows; r++) {
            // no bias: add -0, the identity of + for every float (+0 would turn a -0 output into +0)
            float b = bias == null ? -0f : bias[c0 + r];
            kernel.storePlane(tile, r * pitch, tile.length, p.wp(), p.outH(), p.outW(), b, dst,
                    (n * outCh + c0 + r) * plane, end);
        }
    }

    /**
     * {@code dW[co][c][i][j] = Σ_n Σ_{oh,ow} gy[n][co][oh][ow] · xpad[n][c][oh + i·dh][ow + j·dw]}.
     * The caller has checked that x is finite (see the class comment).
     *
     * @param gy [N, cout, outH, outW]
     * @param x  [N, C, H, W]
     * @param dw [cout, C, kh, kw]
     */
    void weightGrad(ConvSpec s, int cout, float[] gy, float[] x, float[] dw) {
        GradPlan g = new GradPlan(s, cout, kernel);
        float[] sums = g.partials == 1 ? dw : new float[Math.multiplyExact(g.partials, g.size)];
        int groups = Math.min(g.blocks, Math.max(1, ceilDiv(4 * par.threads(), g.partials)));
        long flops = 2L * s.batch() * g.blocks * g.rows * g.tapBlocks * GRAD_TAPS * g.stride;
        par.forEachClaimed(g.partials * groups, flops, (lo, hi) -> {
            for (int u = lo; u < hi; u++) {
                int part = u / groups;
                int b0 = g.blocks * (u % groups) / groups;
                int b1 = g.blocks * (u % groups + 1) / groups;
                int first = (int) ((long) g.chunks * part / g.partials);
                int end = (int) ((long) g.chunks * (part + 1) / g.partials);
                for (int ch = first; ch < end; ch++) {
                    gradChunk(g, gy, x, ch, b0, b1, sums, part * g.size, ch == first);
                }
            }
        });
        if (g.partials > 1) {
            for (int i = 0; i < g.size; i++) {
                float sum = sums[i];
                for (int part = 1; part < g.partials; part++) {
                    sum += sums[part * g.size + i];
                }
                dw[i] = sum;
            }
        }
    }

    /**
     * How a weight gradient is split, from the geometry only (so that the order of its sums does
     * not depend on the threads): images in chunks of about {@link #CHUNK_FLOATS} padded floats (at
     * most {@link #MAX_CHUNK_IMAGES}), the chunks in at most {@link #MAX_PARTIALS} runs, each run's
     * chunks added in order into one partial gradient, the partials added in order at the end.
     *
     * <p>A chunk's padded images follow one another in each channel's row of planes, {@link #stride}
     * positions apart: an image's last {@code overlap = min(padTop, padBottom)} rows, zeros, are the
     * next image's first rows, zeros too. Its output gradient rows are laid out the same way (zeros
     * where a position is not an output), so one run of positions covers all the chunk's images and
     * each tile is a single kernel call over it, without a loop or a branch per image inside.
     */
    private static final class GradPlan {
        final DirectPlane p;
        final int batch;
        final int cout;
        final int lanes;
        /** Output channels per tile. */
        final int rows;
        /** Rows shared by consecutive padded images. */
        final int overlap;
        /** Positions from one image to the next in a chunk's run. */
        final int stride;
        final int taps;
        final int tapBlocks;
        final int blocks;
        final int chunkImages;
        final int chunks;
        final int partials;
        /** Floats of the gradient: cout · taps. */
        final int size;

        GradPlan(ConvSpec s, int cout, Kernel kernel) {
            p = forwardPlane(s);
            batch = s.batch();
            this.cout = cout;
            lanes = kernel.lanes();
            rows = kernel.gradRowTile();
            overlap = Math.min(p.padT(), p.padB());
            stride = (p.hp() - overlap) * p.wp();
            taps = p.taps();
            tapBlocks = ceilDiv(taps, GRAD_TAPS);
            blocks = ceilDiv(cout, rows);
            long perImage = (long) (p.channels() + blocks * rows) * stride;
            chunkImages = (int) Math.max(1, Math.min(MAX_CHUNK_IMAGES, CHUNK_FLOATS / perImage));
            chunks = ceilDiv(s.batch(), chunkImages);
            partials = Math.min(chunks, MAX_PARTIALS);
            size = Math.multiplyExact(cout, taps);
        }
    }

    /**
     * Chunk {@code ch}'s terms of output channel blocks [b0, b1) (see {@link GradPlan}): one kernel
     * call per tile over the chunk's run of positions; each sum of lanes is written to
     * {@code sums[base + co·taps + tap]} ({@code first}) or added to it.
     */
    private void gradChunk(GradPlan g, float[] gy, float[] x, int ch, int b0, int b1, float[] sums, int base,
                           boolean first) {
        DirectPlane p = g.p;
        int outH = p.outH();
        int outW = p.outW();
        int wp = p.wp();
        int n0 = ch * g.chunkImages;
        int images = Math.min(g.batch, n0 + g.chunkImages) - n0;
        int len = roundUp(images * g.stride, g.lanes);                  // the run, whole vectors
        int block = images * g.stride + g.overlap * wp;                 // one channel's row of planes
        int reach = (p.kh() - 1) * p.dh() * wp + (p.kw() - 1) * p.dw(); // the furthest tap's shift
        int xSize = (p.channels() - 1) * block + Math.max(block, len + reach);
        int rows = (b1 - b0) * g.rows;
        int[] off = p.offsets(block, g.tapBlocks * GRAD_TAPS - g.taps);
        float[][] sc = SCRATCH.get();
        float[] xs = grow(sc, 0, xSize);
        float[] gs = grow(sc, 1, rows * len);
        float[] acc = grow(sc, 2, g.rows * GRAD_TAPS * g.lanes);
        Arrays.fill(xs, 0, xSize, 0f);
        Arrays.fill(gs, 0, rows * len, 0f);
        for (int k = 0; k < images; k++) {
            int n = n0 + k;
            p.copyRows(x, n, xs, k * g.stride, block);
            for (int row = 0; row < rows; row++) {
                int co = b0 * g.rows + row;
                if (co < g.cout) {
                    int d = row * len + k * g.stride;
                    int from = (n * g.cout + co) * outH * outW;
                    for (int oh = 0; oh < outH; oh++) {
                        System.arraycopy(gy, from + oh * outW, gs, d + oh * wp, outW);
                    }
                }
            }
        }
        for (int b = b0; b < b1; b++) {
            for (int tb = 0; tb < g.tapBlocks; tb++) {
                Arrays.fill(acc, 0, g.rows * GRAD_TAPS * g.lanes, 0f);
                kernel.dots(len, gs, (b - b0) * g.rows * len, len, xs, 0, off, tb * GRAD_TAPS, acc);
                for (int rr = 0; rr < g.rows; rr++) {
                    int co = b * g.rows + rr;
                    for (int t = 0; t < GRAD_TAPS && co < g.cout; t++) {
                        int tap = tb * GRAD_TAPS + t;
                        if (tap < g.taps) {
                            int a = (rr * GRAD_TAPS + t) * g.lanes;
                            float sum = acc[a];
                            for (int l = 1; l < g.lanes; l++) {
                                sum += acc[a + l];
                            }
                            int at = base + co * g.taps + tap;
                            sums[at] = first ? sum : sums[at] + sum;
                        }
                    }
                }
            }
        }
    }

    /** Whether every element of {@code x[0, n)} is finite (the weight gradient's precondition). */
    static boolean finite(float[] x, int n) {
        if (VECTOR) {
            return VectorElementwise.allFinite(x, n);
        }
        float z0 = 0f;
        float z1 = 0f;
        int i = 0;
        for (; i + 1 < n; i += 2) {   // NaN from an infinity or a NaN, else 0; two chains of adds
            z0 += x[i] * 0f;
            z1 += x[i + 1] * 0f;
        }
        if (i < n) {
            z0 += x[i] * 0f;
        }
        return z0 + z1 == 0f;
    }

    /**
     * A per-thread scratch array of at least {@code size} floats; one above {@link #KEPT_SCRATCH} is
     * made for the call and not kept, so a thread does not hold a huge layer's copies for its life.
     */
    private static float[] grow(float[][] scratch, int slot, int size) {
        if (scratch[slot].length >= size) {
            return scratch[slot];
        }
        float[] a = new float[size];
        if (size <= KEPT_SCRATCH) {
            scratch[slot] = a;
        }
        return a;
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    private static int roundUp(int a, int b) {
        return ceilDiv(a, b) * b;
    }

    private static long roundUp(long a, long b) {
        return (a + b - 1) / b * b;
    }

    /** The plain-loop kernel: the twin of {@code VectorDirectConv} (with its tiles) and the fallback. */
    static final class Plain implements Kernel {
        /** The fallback's tiles (any tiles give the same sums but for the weight gradient's lane count). */
        static final Plain DEFAULT = new Plain(8, 8, 4);
        private final int lanes;
        private final int rowTile;
        private final int gradRowTile;

        /** A twin with the given vector length and tiles. */
        Plain(int lanes, int rowTile, int gradRowTile) {
            this.lanes = lanes;
            this.rowTile = rowTile;
            this.gradRowTile = gradRowTile;
        }

        @Override
        public Kernel withRowTile(int rows) {
            return new Plain(lanes, checkRowTile(rows), rows / 2);
        }

        /** The twin of {@code k}: its lanes and tiles. */
        static Plain twinOf(Kernel k) {
            return new Plain(k.lanes(), k.rowTile(), k.gradRowTile());
        }

        @Override
        public int lanes() {
            return lanes;
        }

        @Override
        public int rowTile() {
            return rowTile;
        }

        @Override
        public int gradRowTile() {
            return gradRowTile;
        }

        @Override
        public void rows(int vectors, int taps, float[] w, int wOff, int[] off, float[] x, int xOff, float[] out,
                         int outOff, int outStride) {
            for (int r = 0; r < rowTile; r++) {
                for (int q = 0; q < vectors * lanes; q++) {
                    float s = 0f;
                    for (int t = 0; t < taps; t++) {
                        s = Math.fma(w[wOff + t * rowTile + r], x[xOff + off[t] + q], s);
                    }
                    out[outOff + r * outStride + q] = s;
                }
            }
        }

        @Override
        public void storePlane(float[] tile, int s, int tileEnd, int wp, int outH, int outW, float b, float[] dst,
                               int d, int limit) {
            for (int oh = 0; oh < outH; oh++) {
                for (int ow = 0; ow < outW; ow++) {
                    dst[d + oh * outW + ow] = tile[s + oh * wp + ow] + b;
                }
            }
        }

        @Override
        public void dots(int len, float[] gy, int gOff, int gStride, float[] x, int xOff, int[] off, int tOff,
                         float[] acc) {
            for (int r = 0; r < gradRowTile; r++) {
                for (int t = 0; t < GRAD_TAPS; t++) {
                    int a = (r * GRAD_TAPS + t) * lanes;
                    int xo = xOff + off[tOff + t];
                    for (int q = 0; q < len; q++) {
                        acc[a + q % lanes] = Math.fma(gy[gOff + r * gStride + q], x[xo + q], acc[a + q % lanes]);
                    }
                }
            }
        }
    }
}
