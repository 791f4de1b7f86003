package io.clgrad.backend.cpu;

import io.clgrad.backend.Backend;
import io.clgrad.backend.BinaryOp;
import io.clgrad.backend.Buffer;
import io.clgrad.backend.ConvSpec;
import io.clgrad.backend.CpuThreadSettings;
import io.clgrad.backend.DeviceInfo;
import io.clgrad.backend.DeviceKind;
import io.clgrad.backend.ElementType;
import io.clgrad.backend.MatmulSpec;
import io.clgrad.backend.MemoryStats;
import io.clgrad.backend.PoolSpec;
import io.clgrad.backend.ReduceOp;
import io.clgrad.backend.StridedView;
import io.clgrad.backend.TargetOutOfBoundsException;
import io.clgrad.backend.Tuner;
import io.clgrad.backend.UnaryOp;
import java.util.Optional;

/**
 * The pure-Java CPU backend: buffers are Java arrays and ops run synchronously on the caller's
 * thread, large ones split over a small worker pool ({@code CLGRAD_CPU_THREADS}, default one per
 * processor). This class only checks buffers and dispatches; each op family lives in its own class
 * ({@link CpuElementwise}, {@link CpuMatmul}, {@link CpuReduce}, {@link CpuSoftmax},
 * {@link CpuLosses}, {@link CpuOptimizers}, {@link CpuRandom}, {@link CpuCopy}, {@link CpuConv}, {@link CpuPool}).
 *
 * <p>Because every op has finished when it returns, {@link #synchronize()} has nothing to wait for.
 * After {@link #close()} the workers are gone and ops still run, single-threaded.
 */
public final class CpuBackend implements Backend {
    private final DeviceInfo info;
    private final CpuParallel par;
    private final CpuMemory memory;
    private final CpuArgs args;
    private final CpuElementwise elementwise;
    private final CpuMatmul matmul;
    private final PackedLinear packedLinear;
    private final CpuReduce reduce;
    private final CpuSoftmax softmax;
    private final CpuScan scan;
    private final CpuSort sort;
    private final CpuLosses losses;
    private final CpuOptimizers optimizers;
    private final CpuRandom random;
    private final CpuCopy copy;
    private final CpuConv conv;
    private final DirectConv directConv;
    private final CpuBatchNorm batchNorm;
    private final CpuPool pool;
    private final CpuIndex index;
    private final CpuIntKernels ints;

    /**
     * A backend with the configured thread count: the system property {@code clgrad.threads}, else
     * {@code CLGRAD_CPU_THREADS}, else the processor count (each up to {@link CpuThreadSettings#MAX_THREADS}; a
     * value outside 1 to {@link CpuThreadSettings#MAX_THREADS} is skipped with a warning).
     */
    public CpuBackend() {
        this(CpuParallel.configuredThreads());
    }

    /**
     * A backend with {@code threads} worker threads; useful to check multithreaded results against
     * single-threaded ones.
     *
     * @param threads worker threads, 1 (runs everything on the caller) to {@link CpuThreadSettings#MAX_THREADS}
     * @throws IllegalArgumentException when {@code threads} is outside that range
     */
    public CpuBackend(int threads) {
        this(threads, null);
    }

    /**
     * A backend whose matmul always takes the Vector API path with the tile and blocking
     * {@code gemm} (tests run the conformance tables under each candidate configuration), or the
     * default choice when null.
     */
    CpuBackend(int threads, CpuGemmConfig gemm) {
        this(threads, gemm, null);
    }

    /**
     * As {@link #CpuBackend(int, CpuGemmConfig)}, with the patch copies and the direct convolution's
     * tile as {@code conv} says (the conv tuner and tests check each candidate), or as this CPU's
     * conv tuning says when null.
     */
    CpuBackend(int threads, CpuGemmConfig gemm, CpuConvConfig conv) {
        if (threads < 1 || threads > CpuThreadSettings.MAX_THREADS) {
            throw new IllegalArgumentException("CPU backend thread count must be 1 to " + CpuThreadSettings.MAX_THREADS
                    + ", got " + threads);
        }
        this.par = new CpuParallel(threads);
        this.info = new DeviceInfo("cpu", "Java CPU backend (" + threads + (threads == 1 ? " thread)" : " threads)"),
                System.getProperty("java.vendor", ""), DeviceKind.JAVA_CPU, "",
                "Java " + Runtime.version(), "", threads, 0, Runtime.getRuntime().maxMemory(),
                0, 0, false, true);
        this.memory = new CpuMemory(this);
        this.args = new CpuArgs(this);
        this.elementwise = new CpuElementwise(par);
        this.matmul = gemm == null ? new CpuMatmul(par) : new CpuMatmul(par, gemm);
        this.reduce = new CpuReduce(par);
        this.ints = new CpuIntKernels(par);
        this.softmax = new CpuSoftmax(par);
        this.scan = new CpuScan(par);
        this.sort = new CpuSort(par);
        this.losses = new CpuLosses(par);
        this.optimizers = new CpuOptimizers(par);
        this.random = new CpuRandom(par);
        this.copy = new CpuCopy(par);
        GemmPath vector = matmul.vectorPath();
        this.packedLinear = new PackedLinear(par, vector != null);
        CpuConvConfig convConfig = conv != null ? conv
                : CpuConvTuning.configFor(vector == null ? 0 : vector.vectorLength());
        this.conv = new CpuConv(par, convConfig);
        this.directConv = new DirectConv(par, vector != null, convConfig.direct());
        this.batchNorm = new CpuBatchNorm(par);
        this.pool = new CpuPool(par);
        this.index = new CpuIndex(par);
    }

    /** Static facts: id "cpu", kind JAVA_CPU, compute units = threads, memory = max heap. */
    @Override
    public DeviceInfo info() {
        return info;
    }

    /** Nothing to compile: returns 0. */
    @Override
    public long prepareKernels() {
        return 0;
    }

    /**
     * The CPU GEMM's tuner ({@code clgrad tune --device cpu}): times the register tiles and cache
     * blockings of the Vector API path and keeps the fastest per CPU model and vector width
     * ({@code CpuGemmTuner}). The plain loops have nothing to tune.
     *
     * @return the tuner, or empty when the Vector API path is not in use (JVM started without
     *         {@code --add-modules jdk.incubator.vector}, or {@code CLGRAD_VECTOR=0})
     */
    @Override
    public Optional<Tuner> tuner() {
        GemmPath path = matmul.vectorPath();
        return path == null ? Optional.empty() : Optional.of(new CpuGemmTuner(par, path));
    }

    // ---------------------------------------------------------------- memory

    /** Allocates a zero-filled Java array of {@code count} ≤ {@link Integer#MAX_VALUE} elements. */
    @Override
    public Buffer allocate(ElementType type, long count) {
        return memory.allocate(type, count);
    }

    /** Frees a buffer of this backend; freeing it twice throws {@link IllegalStateException}. */
    @Override
    public void free(Buffer buffer) {
        memory.free(args.owned(buffer, "freed"));
    }

    /**
     * Frees the memory pool's idle buffers and drops the direct convolution's kept packed weights and the
     * packed Linear's kept job bodies.
     */
    @Override
    public void emptyCache() {
        memory.emptyCache();
        directConv.emptyCache();
        packedLinear.emptyCache();
    }

    /** The allocation counters. */
    @Override
    public MemoryStats memoryStats() {
        return memory.stats();
    }

    /** Copies floats from the host array into the buffer. */
    @Override
    public void write(Buffer dst, long dstOffset, float[] src, int srcOffset, int n) {
        float[] d = args.f32(dst, "destination", 0);
        CpuArgs.checkHostRange(dstOffset, d.length, srcOffset, src.length, n);
        System.arraycopy(src, srcOffset, d, (int) dstOffset, n);
    }

    /** Copies ints from the host array into the buffer. */
    @Override
    public void write(Buffer dst, long dstOffset, int[] src, int srcOffset, int n) {
        int[] d = args.i32(dst, "destination", 0);
        CpuArgs.checkHostRange(dstOffset, d.length, srcOffset, src.length, n);
        System.arraycopy(src, srcOffset, d, (int) dstOffset, n);
    }

    /** Copies floats from the buffer into the host array. */
    @Override
    public void read(Buffer src, long srcOffset, float[] dst, int dstOffset, int n) {
        float[] s = args.f32(src, "source", 0);
        CpuArgs.checkHostRange(srcOffset, s.length, dstOffset, dst.length, n);
        System.arraycopy(s, (int) srcOffset, dst, dstOffset, n);
    }

    /** Copies ints from the buffer into the host array. */
    @Override
    public void read(Buffer src, long srcOffset, int[] dst, int dstOffset, int n) {
        int[] s = args.i32(src, "source", 0);
        CpuArgs.checkHostRange(srcOffset, s.length, dstOffset, dst.length, n);
        System.arraycopy(s, (int) srcOffset, dst, dstOffset, n);
    }

    /** Ops complete before they return: nothing to wait for. */
    @Override
    public void synchronize() {
        // Every op runs to completion on the calling thread (and its helpers) before returning.
    }

    // ---------------------------------------------------------------- fill, copy, convert

    /** {@code out[0..n) = value} (cast to int for I32). */
    @Override
    public void fill(Buffer out, long n, double value) {
        CpuBuffer o = args.owned(out, "output");
        int len = CpuArgs.elements(n, o, "output");
        if (o.type() == ElementType.F32) {
            copy.fill(o.floats(), len, (float) value);
        } else {
            copy.fill(o.ints(), len, (int) value);
        }
    }

    /** {@code out[i] = start + i*step} (integer arithmetic for I32). */
    @Override
    public void arange(Buffer out, long n, double start, double step) {
        CpuBuffer o = args.owned(out, "output");
        int len = CpuArgs.elements(n, o, "output");
        if (o.type() == ElementType.F32) {
            copy.arange(o.floats(), len, start, step);
        } else {
            copy.arange(o.ints(), len, (int) start, (int) step);
        }
    }

    /** Gathers a strided view into a contiguous buffer of the same element type. */
    @Override
    public void copy(StridedView src, Buffer out) {
        CpuBuffer s = args.owned(src.buffer(), "source");
        CpuBuffer o = args.owned(out, "output");
        if (s.type() != o.type()) {
            throw new IllegalArgumentException("copy from " + s + " into " + o + ": element types differ");
        }
        Object from = s.type() == ElementType.F32 ? s.floats() : s.ints();
        Object to = o.type() == ElementType.F32 ? o.floats() : o.ints();
        copy.gather(src, from, s.length(), to, o.length());
    }

    /** Converts n elements between F32 and I32 (float to int truncates toward zero). */
    @Override
    public void convert(Buffer src, Buffer out, long n) {
        CpuBuffer s = args.owned(src, "source");
        CpuBuffer o = args.owned(out, "output");
        int len = CpuArgs.elements(n, s, "source");
        CpuArgs.elements(n, o, "output");
        if (s.type() == o.type()) {
            System.arraycopy(s.type() == ElementType.F32 ? s.floats() : s.ints(), 0,
                    o.type() == ElementType.F32 ? o.floats() : o.ints(), 0, len);
        } else if (s.type() == ElementType.F32) {
            copy.convert(s.floats(), o.ints(), len);
        } else {
            copy.convert(s.ints(), o.floats(), len);
        }
    }

    // ---------------------------------------------------------------- elementwise

    /** {@code out[i] = op(x[i])}. */
    @Override
    public void unary(UnaryOp op, Buffer x, Buffer out, long n) {
        if (args.owned(x, "input").type() == ElementType.I32) {
            ints.unary(op, args.i32(x, "input", n), args.i32(out, "output", n), CpuArgs.elements(n));
            return;
        }
        elementwise.unary(op, args.f32(x, "input", n), args.f32(out, "output", n), CpuArgs.elements(n));
    }

    /** {@code out = op(a, b)} over outShape, reading both views through their strides. */
    @Override
    public void binary(BinaryOp op, StridedView a, StridedView b, Buffer out, int[] outShape) {
        if (args.owned(a.buffer(), "left operand").type() == ElementType.I32) {
            int[] ai = args.i32(a.buffer(), "left operand", 0);
            int[] bi = args.i32(b.buffer(), "right operand", 0);
            ints.binary(op, ai, a, bi, b, intOut(op, out, 0), outShape);
            return;
        }
        float[] as = args.f32(a.buffer(), "left operand", 0);
        float[] bs = args.f32(b.buffer(), "right operand", 0);
        elementwise.binary(op, as, a, bs, b, args.f32(out, "output", 0), outShape);
    }

    /** {@code out[i] = op(x[i], s)} or {@code op(s, x[i])}. */
    @Override
    public void binaryScalar(BinaryOp op, Buffer x, float s, boolean scalarFirst, Buffer out, long n) {
        float[] xs = args.f32(x, "input", n);
        elementwise.binaryScalar(op, xs, s, scalarFirst, args.f32(out, "output", n), CpuArgs.elements(n));
    }

    /** {@code out[i] = op(x[i], s)} or {@code op(s, x[i])} on an I32 buffer and an int scalar. */
    @Override
    public void binaryScalarInt(BinaryOp op, Buffer x, int s, boolean scalarFirst, Buffer out, long n) {
        int[] xs = args.i32(x, "input", n);
        ints.binaryScalar(op, xs, s, scalarFirst, intOut(op, out, n), CpuArgs.elements(n));
    }

    /** The output of an int32 binary op: floats for a comparison, else ints. */
    private CpuIntKernels.Out intOut(BinaryOp op, Buffer out, long n) {
        return op.resultType(ElementType.I32) == ElementType.F32
                ? new CpuIntKernels.Out(null, args.f32(out, "output", n))
                : new CpuIntKernels.Out(args.i32(out, "output", n), null);
    }

    // ---------------------------------------------------------------- linear algebra

    /** Batched matrix product into the contiguous [batch, m, n] buffer c. */
    @Override
    public void matmul(MatmulSpec spec, Buffer a, Buffer b, Buffer c) {
        matmul.run(spec, args.f32(a, "A", 0), args.f32(b, "B", 0), args.f32(c, "C", 0));
    }

    @Override
    public void addmm(MatmulSpec spec, Buffer a, Buffer b, Buffer bias, boolean relu, Buffer c) {
        matmul.run(spec, args.f32(a, "A", 0), args.f32(b, "B", 0), args.f32(c, "C", 0),
                new GemmEpilogue(args.optF32(bias, "bias", spec.n()), relu));
    }

    /** As many floats as W and 17 more: {@link PackedLinear}'s panels, its tail rows, whether every weight is finite and the next walking direction. */
    @Override
    public long packedLinearWeightSize(int out, int in) {
        return out < 1 || in < 1 ? 0 : packedLinear.packedSize(out, in);
    }

    /** Packs W into {@link PackedLinear}'s panels. */
    @Override
    public void packLinearWeight(StridedView w, Buffer dst) {
        int[] shape = w.shape();
        if (shape.length != 2) {
            throw new IllegalArgumentException("packLinearWeight: W must be [out, in], got " + java.util.Arrays.toString(shape));
        }
        int out = shape[0];
        int in = shape[1];
        long size = packedLinearWeightSize(out, in);
        if (size == 0) {
            throw new IllegalArgumentException("packLinearWeight: W [" + out + ", " + in + "] is empty");
        }
        float[] src = weightArray("packLinearWeight", w);
        packedLinear.pack(src, w.offset(), w.strides()[0], w.strides()[1], out, in, args.f32(dst, "packed W", size));
    }

    /** W's array, once its view [out, in] is checked to lie inside it. */
    private float[] weightArray(String op, StridedView w) {
        int[] shape = w.shape();
        float[] src = args.f32(w.buffer(), "W", 0);
        long last = w.offset() + (long) (shape[0] - 1) * w.strides()[0] + (long) (shape[1] - 1) * w.strides()[1];
        if (w.offset() < 0 || last >= src.length || w.strides()[0] < 0 || w.strides()[1] < 0) {
            throw new IllegalArgumentException(op + ": the view of W (offset " + w.offset() + ", strides "
                    + java.util.Arrays.toString(w.strides()) + ") reaches outside its buffer of " + src.length);
        }
        return src;
    }

    /**
     * {@code in·ceil(out/NR)·NR} where the vector GEMM would run the product of {@code rows} rows
     * ({@link CpuMatmul#prepackable}, for a contiguous input), the copy is at most
     * {@link VectorGemm#SHARED_B_MAX} floats (the limit of the GEMM's own shared packing of a B) and
     * the padding to whole panels of NR columns at most doubles W (a 1-output head would be NR times
     * its size): Wᵀ packed as that GEMM packs its B. Else 0.
     */
    @Override
    public long gemmPackedWeightSize(int rows, int out, int in) {
        if (rows <= PACKED_LINEAR_MAX_ROWS || out < 1 || in < 1
                || !matmul.prepackable(new MatmulSpec(1, rows, out, in, 0, 0, in, 1, 0, 0, 1, in))) {
            return 0;
        }
        long size = matmul.prepackedSize(in, out);
        return size > VectorGemm.SHARED_B_MAX || size > 2L * in * out ? 0 : size;
    }

    /** Packs Wᵀ whole into the vector GEMM's panels ({@link CpuMatmul#prepack}). */
    @Override
    public void packGemmWeight(StridedView w, Buffer dst) {
        int[] shape = w.shape();
        if (shape.length != 2 || shape[0] < 1 || shape[1] < 1) {
            throw new IllegalArgumentException("packGemmWeight: W must be [out, in] with out, in >= 1, got "
                    + java.util.Arrays.toString(shape));
        }
        int out = shape[0];
        int in = shape[1];
        if (!matmul.usesVector()) {
            throw new UnsupportedOperationException("packGemmWeight: " + id() + " runs without the Vector API GEMM");
        }
        float[] src = weightArray("packGemmWeight", w);
        // B[p][j] = W[j][p]: Wᵀ through W's strides
        MatmulSpec spec = new MatmulSpec(1, 1, out, in, 0, 0, 0, 0, w.offset(), 0, w.strides()[1], w.strides()[0]);
        long size = matmul.prepackedSize(in, out);
        matmul.prepack(spec, src, args.f32(dst, "packed W", size));
    }

    /** {@link CpuMatmul#runPrepacked}: the vector GEMM over the packed Wᵀ, bias and ReLU fused. */
    @Override
    public void addmmGemmPacked(MatmulSpec spec, Buffer a, Buffer packed, Buffer bias, boolean relu, Buffer c) {
        if (!matmul.usesVector()) {
            throw new UnsupportedOperationException("addmmGemmPacked: " + id() + " runs without the Vector API GEMM");
        }
        long size = gemmPackedWeightSize(spec.m(), spec.n(), spec.k());
        if (size == 0 || spec.batch() != 1) {
            throw new IllegalArgumentException("addmmGemmPacked: " + spec + " has no packed path on " + id());
        }
        matmul.runPrepacked(spec, args.f32(a, "A", 0), args.f32(packed, "packed W", size),
                args.f32(c, "C", (long) spec.m() * spec.n()), new GemmEpilogue(args.optF32(bias, "bias", spec.n()), relu));
    }

    /** {@link PackedLinear#run}: the panels split over the spinning helpers. */
    @Override
    public void addmmPacked(MatmulSpec spec, Buffer a, Buffer packed, Buffer bias, boolean relu, Buffer c) {
        float[] x = packedInput("addmmPacked", spec, a);
        packedLinear.run(spec, x, args.f32(packed, "packed W", packedLinearWeightSize(spec.n(), spec.k())),
                args.optF32(bias, "bias", spec.n()), relu, args.f32(c, "C", (long) spec.m() * spec.n()));
    }

    /** Runs packed layers in a row on arrays. */
    @Override
    public boolean packedLinearChain() {
        return true;
    }

    /** {@link PackedLinear#runChain}: the hidden rows in the calling thread's scratch, pairs of layers as one job. */
    @Override
    public void addmmPackedChain(MatmulSpec spec, Buffer a, Buffer[] packed, Buffer[] bias, boolean[] relu, int[] outs,
                                 Buffer c) {
        float[] x = packedInput("addmmPackedChain", spec, a);
        int layers = outs.length;
        if (layers < 1 || packed.length != layers || bias.length != layers || relu.length != layers) {
            throw new IllegalArgumentException("addmmPackedChain: needs at least one layer and as many packed weights,"
                    + " biases and ReLU flags as layer sizes; got " + layers + " sizes, " + packed.length + " weights, "
                    + bias.length + " biases, " + relu.length + " ReLU flags");
        }
        if (outs[0] != spec.n()) {
            throw new IllegalArgumentException("addmmPackedChain: the first layer's out features outs[0] = " + outs[0]
                    + " differ from n = " + spec.n() + " of " + spec);
        }
        float[][] w = new float[layers][];
        float[][] b = new float[layers][];
        for (int l = 0, in = spec.k(); l < layers; in = outs[l], l++) {
            if (outs[l] < 1) {
                throw new IllegalArgumentException("addmmPackedChain: layer " + l + " has " + outs[l] + " outputs");
            }
            w[l] = args.f32(packed[l], role(CHAIN_WEIGHT_ROLES, l), packedLinearWeightSize(outs[l], in));
            b[l] = args.optF32(bias[l], role(CHAIN_BIAS_ROLES, l), outs[l]);
        }
        packedLinear.runChain(spec, x, w, b, relu, outs, args.f32(c, "C", (long) spec.m() * outs[layers - 1]));
    }

    /** The names of a chain's operands in error messages, made once: not a string built per layer per call. */
    private static final String[] CHAIN_WEIGHT_ROLES = roles("packed W");
    private static final String[] CHAIN_BIAS_ROLES = roles("bias");

    private static String[] roles(String prefix) {
        String[] r = new String[16];
        for (int l = 0; l < r.length; l++) {
            r[l] = prefix + l;
        }
        return r;
    }

    /** {@code roles[l]}, or the prefix and l spelled out past the made ones. */
    private static String role(String[] roles, int l) {
        return l < roles.length ? roles[l] : roles[0].substring(0, roles[0].length() - 1) + l;
    }

    /** A of a packed product, checked: one product of 1 to PACKED_LINEAR_MAX_ROWS rows, in and out at least 1, inside its buffer. */
    private float[] packedInput(String op, MatmulSpec spec, Buffer a) {
        int m = spec.m();
        if (spec.batch() != 1 || m < 1 || m > PACKED_LINEAR_MAX_ROWS || spec.k() < 1 || spec.n() < 1) {
            throw new IllegalArgumentException(op + ": takes 1 to " + PACKED_LINEAR_MAX_ROWS
                    + " rows of one product with in, out >= 1, got " + spec);
        }
        float[] x = args.f32(a, "A", 0);
        long lastX = spec.aOffset() + (long) (m - 1) * spec.aRowStride() + (long) (spec.k() - 1) * spec.aColStride();
        if (spec.aOffset() < 0 || lastX >= x.length) {
            throw new IllegalArgumentException(op + ": A of " + x.length + " elements is too small for " + spec);
        }
        return x;
    }

    /**
     * The separate ops of {@link Backend#linearGrad}'s contract (ReLU's backward, the product, the
     * column sums), run on arrays: the masked gradient is a Java array, not a device buffer, so a
     * replayed step allocates no buffer.
     */
    @Override
    public void linearGrad(MatmulSpec spec, Buffer g, Buffer reluOut, Buffer x, Buffer gw, Buffer gb) {
        spec.checkLinearGrad();
        int rows = spec.k();
        int out = spec.m();
        float[] gs = args.f32(g, "g", (long) rows * out);
        float[] gz = gs;
        if (reluOut != null) {
            float[] y = args.f32(reluOut, "ReLU output", (long) rows * out);
            gz = new float[rows * out];
            CpuBinaryKernels.contiguous(BinaryOp.RELU_BACKWARD, gs, 0, y, 0, gz, 0, gz.length);
        }
        float[] gws = args.f32(gw, "weight gradient", (long) out * spec.n());
        float[] gbs = args.optF32(gb, "bias gradient", out);
        if (rows == 0) {
            java.util.Arrays.fill(gws, 0, out * spec.n(), 0f);
            if (gbs != null) {
                java.util.Arrays.fill(gbs, 0, out, 0f);
            }
            return;
        }
        matmul.run(spec, gz, args.f32(x, "x", 0), gws);
        if (gbs != null) {
            reduce.run(ReduceOp.SUM, gz, gbs, null, 1, rows, out);
        }
    }

    // ---------------------------------------------------------------- reductions

    /** Reduces [outer, len, inner] along the middle axis into [outer, inner]. */
    @Override
    public void reduce(ReduceOp op, Buffer x, Buffer out, int outer, int len, int inner) {
        long total = CpuArgs.geometry(outer, len, inner);
        long outCount = (long) outer * inner;
        if (args.owned(x, "input").type() == ElementType.I32) {
            ints.reduce(op, args.i32(x, "input", total), args.i32(out, "output", outCount), outer, len, inner);
            return;
        }
        float[] xs = args.f32(x, "input", total);
        if (op.producesIndices()) {
            reduce.run(op, xs, null, args.i32(out, "index output", outCount), outer, len, inner);
        } else {
            reduce.run(op, xs, args.f32(out, "output", outCount), null, outer, len, inner);
        }
    }

    /** Stable softmax or log-softmax along the middle axis of [outer, len, inner]. */
    @Override
    public void softmax(Buffer x, Buffer out, int outer, int len, int inner, boolean log) {
        long total = CpuArgs.geometry(outer, len, inner);
        softmax.run(args.f32(x, "input", total), args.f32(out, "output", total), outer, len, inner, log);
    }

    // ---------------------------------------------------------------- losses

    /** Per-element binary cross-entropy with logits, stable form. */
    @Override
    public void bceWithLogits(Buffer x, Buffer y, Buffer weight, Buffer posWeight, Buffer out, long n) {
        losses.bceWithLogits(args.f32(x, "logits", n), args.f32(y, "targets", n), args.optF32(weight, "weight", n),
                args.optF32(posWeight, "posWeight", n), args.f32(out, "output", n), CpuArgs.elements(n));
    }

    /** The reduced loss and its gradient in one pass (see {@link Backend#bceWithLogitsFused}). */
    @Override
    public void bceWithLogitsFused(Buffer x, Buffer y, Buffer weight, Buffer posWeight, Buffer loss, Buffer grad,
                                   long n, float scale) {
        losses.bceWithLogitsFused(args.f32(x, "logits", n), args.f32(y, "targets", n), args.optF32(weight, "weight", n),
                args.optF32(posWeight, "pos_weight", n), args.f32(loss, "loss", 1), args.optF32(grad, "gradient", n),
                (int) n, scale);
    }

    /** Gradient of bceWithLogits with respect to x, scaled by the upstream gradient. */
    @Override
    public void bceWithLogitsBackward(Buffer x, Buffer y, Buffer weight, Buffer posWeight,
                                      Buffer g, int gStride, float scale, Buffer out, long n) {
        float[] gs = args.f32(g, "upstream gradient", CpuArgs.strided(n, gStride));
        losses.bceWithLogitsBackward(args.f32(x, "logits", n), args.f32(y, "targets", n),
                args.optF32(weight, "weight", n), args.optF32(posWeight, "posWeight", n), gs, gStride,
                scale, args.f32(out, "output", n), CpuArgs.elements(n));
    }

    /** Per-row softmax cross-entropy with label smoothing and ignoreIndex; valid may be F32 or I32. */
    @Override
    public void crossEntropyFused(Buffer logits, Buffer targets, Buffer loss, Buffer grad, int rows, int classes,
                                  int ignoreIndex, float labelSmoothing, boolean mean) {
        long total = (long) rows * classes;
        int[] t = args.i32(targets, "targets", rows);
        TargetOutOfBoundsException.check("cross_entropy", t, rows, classes, ignoreIndex);
        losses.crossEntropyFused(args.f32(logits, "logits", total), t,
                args.f32(loss, "loss", 1), args.optF32(grad, "gradient", total), rows, classes, ignoreIndex,
                labelSmoothing, mean);
    }

    /** Reads the targets in place (no copy) and checks them now. */
    @Override
    public void checkClassTargets(String op, Buffer targets, int n, int classes, int ignoreIndex) {
        TargetOutOfBoundsException.check(op, args.i32(targets, "targets", n), n, classes, ignoreIndex);
    }

    @Override
    public void crossEntropy(Buffer logits, Buffer targets, Buffer loss, Buffer valid,
                             int rows, int classes, int ignoreIndex, float labelSmoothing) {
        long total = CpuArgs.geometry(rows, classes, 1);
        CpuBuffer v = args.owned(valid, "valid");
        CpuArgs.elements(rows, v, "valid");
        boolean f = v.type() == ElementType.F32;
        losses.crossEntropy(args.f32(logits, "logits", total), args.i32(targets, "targets", rows),
                args.f32(loss, "loss", rows), f ? v.floats() : null, f ? null : v.ints(),
                rows, classes, ignoreIndex, labelSmoothing);
    }

    /** Gradient of crossEntropy with respect to the logits. */
    @Override
    public void crossEntropyBackward(Buffer logits, Buffer targets, Buffer g, int gStride, Buffer out,
                                     int rows, int classes, int ignoreIndex, float labelSmoothing) {
        long total = CpuArgs.geometry(rows, classes, 1);
        losses.crossEntropyBackward(args.f32(logits, "logits", total), args.i32(targets, "targets", rows),
                args.f32(g, "upstream gradient", CpuArgs.strided(rows, gStride)), gStride,
                args.f32(out, "output", total), rows, classes, ignoreIndex, labelSmoothing);
    }

    // ---------------------------------------------------------------- optimizers

    /** One Adam/AdamW step, in place on param, m, v (and vMax). */
    @Override
    public void adamStep(Buffer param, Buffer grad, Buffer m, Buffer v, Buffer vMax, long n,
                         double lr, double beta1, double beta2, double eps, double weightDecay,
                         boolean decoupled, int step) {
        optimizers.adam(args.f32(param, "param", n), args.f32(grad, "grad", n), args.f32(m, "m", n),
                args.f32(v, "v", n), args.optF32(vMax, "vMax", n), CpuArgs.elements(n),
                lr, beta1, beta2, eps, weightDecay, decoupled, step);
    }

    /** One SGD step, in place on param (and the momentum buffer). */
    @Override
    public void sgdStep(Buffer param, Buffer grad, Buffer momentumBuffer, long n, double lr, double momentum,
                        double dampening, boolean nesterov, double weightDecay, boolean firstStep) {
        optimizers.sgd(args.f32(param, "param", n), args.f32(grad, "grad", n),
                args.optF32(momentumBuffer, "momentum buffer", n), CpuArgs.elements(n),
                lr, momentum, dampening, nesterov, weightDecay, firstStep);
    }

    // ---------------------------------------------------------------- random

    /** Uniform floats in [low, high) from {@link io.clgrad.backend.CounterRng}. */
    @Override
    public void randomUniform(Buffer out, long n, long seed, long offset, float low, float high) {
        random.uniform(args.f32(out, "output", n), CpuArgs.elements(n), seed, offset, low, high);
    }

    /** Normal floats from {@link io.clgrad.backend.CounterRng}. */
    @Override
    public void randomNormal(Buffer out, long n, long seed, long offset, float mean, float std) {
        random.normal(args.f32(out, "output", n), CpuArgs.elements(n), seed, offset, mean, std);
    }

    /** Integers uniform in [low, high) from {@link io.clgrad.backend.CounterRng}. */
    @Override
    public void randomInt(Buffer out, long n, long seed, long offset, int low, int high) {
        random.integers(args.i32(out, "output", n), CpuArgs.elements(n), seed, offset, low, high);
    }

    // ---------------------------------------------------------------- convolution

    /** The patch matrix of a convolution's input (see {@link Backend#im2col}). */
    @Override
    public void im2col(ConvSpec spec, Buffer x, Buffer cols) {
        conv.im2col(spec, args.f32(x, "im2col input", spec.inputSize()), args.f32(cols, "im2col output",
                spec.colsSize()));
    }

    /** Each input pixel's sum of the patch elements copied from it (see {@link Backend#col2im}). */
    @Override
    public void col2im(ConvSpec spec, Buffer cols, Buffer dx) {
        conv.col2im(spec, args.f32(cols, "col2im input", spec.colsSize()), args.f32(dx, "col2im output",
                spec.inputSize()));
    }

    /** {@link DirectConv#takes}: stride 1, one group, padding within the window's span, planes not too small. */
    @Override
    public boolean directConv(ConvSpec spec, int outChannels) {
        return outChannels >= 1 && directConv.takes(spec, outChannels);
    }

    /** The forward of {@link DirectConv}: the padded input read in place, no patch matrix. */
    @Override
    public void conv2d(ConvSpec spec, int outChannels, Buffer x, Buffer w, Buffer bias, Buffer y) {
        requireDirect("conv2d", spec, outChannels);
        directConv.forward(spec, outChannels, args.f32(x, "conv2d input", spec.inputSize()),
                args.f32(w, "conv2d weight", (long) outChannels * spec.patchSize()),
                args.optF32(bias, "conv2d bias", outChannels), args.f32(y, "conv2d output", outputSize(spec, outChannels)));
    }

    /**
     * The input gradient of {@link DirectConv}: the padded output gradient correlated with the
     * flipped weights; for a weight holding an infinity or a NaN, the patch matrix and col2im instead.
     */
    @Override
    public void conv2dInputGrad(ConvSpec spec, int outChannels, Buffer gy, Buffer w, Buffer dx) {
        requireDirect("conv2d input gradient", spec, outChannels);
        float[] g = args.f32(gy, "conv2d output gradient", outputSize(spec, outChannels));
        float[] ws = args.f32(w, "conv2d weight", (long) outChannels * spec.patchSize());
        float[] out = args.f32(dx, "conv2d input gradient", spec.inputSize());
        if (DirectConv.finite(ws, outChannels * spec.patchSize())) {
            directConv.inputGrad(spec, outChannels, g, ws, out);
            return;
        }
        // a weight holding an infinity or a NaN: gy's padding zeros would meet it (0·inf = NaN) where the
        // sum leaves those terms out; the patch-matrix route instead, dcols = gCᵀ·W, then col2im
        int p = spec.patches();
        int k = spec.patchSize();
        float[] gc = groupMajor(spec, outChannels, g);
        float[] dcols = new float[(int) spec.colsSize()];
        matmul.run(new MatmulSpec(1, p, k, outChannels, 0, outChannels * p, 1, p, 0, outChannels * k, k, 1), gc, ws, dcols);
        conv.col2im(spec, dcols, out);
    }

    /** The output gradient [batch, outChannels, outH·outW] as [outChannels, batch·outH·outW]. */
    private static float[] groupMajor(ConvSpec spec, int outChannels, float[] g) {
        int p = spec.patches();
        int hw = spec.outH() * spec.outW();
        float[] gc = new float[outChannels * p];   // [outChannels, batch·outH·outW]
        for (int n = 0; n < spec.batch(); n++) {
            for (int o = 0; o < outChannels; o++) {
                System.arraycopy(g, (n * outChannels + o) * hw, gc, o * p + n * hw, hw);
            }
        }
        return gc;
    }

    /**
     * The weight gradient of {@link DirectConv}; for an input holding an infinity or a NaN, the
     * patch matrix and the GEMM instead (the direct path's dropped positions would spread NaN).
     */
    @Override
    public void conv2dWeightGrad(ConvSpec spec, int outChannels, Buffer gy, Buffer x, Buffer dw) {
        requireDirect("conv2d weight gradient", spec, outChannels);
        float[] g = args.f32(gy, "conv2d output gradient", outputSize(spec, outChannels));
        float[] xs = args.f32(x, "conv2d input", spec.inputSize());
        float[] out = args.f32(dw, "conv2d weight gradient", (long) outChannels * spec.patchSize());
        if (DirectConv.finite(xs, (int) spec.inputSize())) {
            directConv.weightGrad(spec, outChannels, g, xs, out);
            return;
        }
        int p = spec.patches();
        int k = spec.patchSize();
        float[] cols = new float[(int) spec.colsSize()];
        conv.im2col(spec, xs, cols);
        float[] gc = groupMajor(spec, outChannels, g);
        matmul.run(new MatmulSpec(1, outChannels, k, p, 0, outChannels * p, p, 1, 0, p * k, k, 1), gc, cols, out);
    }

    private void requireDirect(String op, ConvSpec spec, int outChannels) {
        if (!directConv(spec, outChannels)) {
            throw new UnsupportedOperationException(op + ": the CPU backend's direct convolution does not take "
                    + spec + " with " + outChannels + " output channels (see Backend.directConv)");
        }
    }

    private static long outputSize(ConvSpec spec, int outChannels) {
        return (long) spec.batch() * outChannels * spec.outH() * spec.outW();
    }

    // ---------------------------------------------------------------- pooling

    /** 2-D max pooling with the position of each maximum (see {@link CpuPool}). */
    @Override
    public void maxPool2d(PoolSpec spec, Buffer x, Buffer out, Buffer indices) {
        pool.maxForward(spec, args.f32(x, "max_pool2d input", spec.inputCount()),
                args.f32(out, "max_pool2d output", spec.outputCount()),
                indices == null ? null : args.i32(indices, "max_pool2d indices", spec.outputCount()));
    }

    /** Gradient of max pooling, gathered per input element. */
    @Override
    public void maxPool2dBackward(PoolSpec spec, Buffer gradOut, Buffer indices, Buffer gradIn) {
        pool.maxBackward(spec, args.f32(gradOut, "max_pool2d upstream gradient", spec.outputCount()),
                args.i32(indices, "max_pool2d indices", spec.outputCount()),
                args.f32(gradIn, "max_pool2d input gradient", spec.inputCount()));
    }

    /** 2-D average pooling. */
    @Override
    public void avgPool2d(PoolSpec spec, Buffer x, Buffer out) {
        pool.avgForward(spec, args.f32(x, "avg_pool2d input", spec.inputCount()),
                args.f32(out, "avg_pool2d output", spec.outputCount()));
    }

    /** Gradient of average pooling, gathered per input element. */
    @Override
    public void avgPool2dBackward(PoolSpec spec, Buffer gradOut, Buffer gradIn) {
        pool.avgBackward(spec, args.f32(gradOut, "avg_pool2d upstream gradient", spec.outputCount()),
                args.f32(gradIn, "avg_pool2d input gradient", spec.inputCount()));
    }

    /** Stops the worker threads; later ops run on the caller's thread. */
    @Override
    public void close() {
        par.shutdown();
    }

    /** E.g. {@code Java CPU backend (8 threads)}. */
    @Override
    public String toString() {
        return info.name();
    }

    // ---------------------------------------------------------------- batch normalisation

    /** Output channels per tile of the direct convolution in use (tests: the conv configuration reaches it). */
    int directConvTile() {
        return directConv.kernel().rowTile();
    }

    /** The conv tuner's check of the direct convolution's tile: null, or how it differs from its plain twin. */
    String checkDirectConv() {
        return directConv.checkAgainstTwin();
    }

    /** Per-channel mean and biased variance, with the running statistics' update (see {@link Backend#batchNormStats}). */
    @Override
    public void batchNormStats(Buffer x, Buffer mean, Buffer var, Buffer runningMean, Buffer runningVar,
                               double momentum, int n, int channels, int inner) {
        long total = CpuArgs.geometry(n, channels, inner);
        batchNorm.stats(args.f32(x, "input", total), args.f32(mean, "mean", channels), args.f32(var, "var", channels),
                args.optF32(runningMean, "running_mean", channels), args.optF32(runningVar, "running_var", channels),
                momentum, n, channels, inner);
    }

    /** Normalise and affine per channel (see {@link Backend#batchNormForward}). */
    @Override
    public void batchNormForward(Buffer x, Buffer mean, Buffer var, Buffer weight, Buffer bias, double eps, Buffer out,
                                 int n, int channels, int inner) {
        long total = CpuArgs.geometry(n, channels, inner);
        batchNorm.forward(args.f32(x, "input", total), args.f32(mean, "mean", channels), args.f32(var, "var", channels),
                args.optF32(weight, "weight", channels), args.optF32(bias, "bias", channels), eps,
                args.f32(out, "output", total), n, channels, inner);
    }

    /** The per-channel sums of the backward (see {@link Backend#batchNormBackwardReduce}). */
    @Override
    public void batchNormBackwardReduce(Buffer gradOut, Buffer x, Buffer mean, Buffer var, double eps,
                                        Buffer gradWeight, Buffer gradBias, int n, int channels, int inner) {
        long total = CpuArgs.geometry(n, channels, inner);
        batchNorm.backwardReduce(args.f32(gradOut, "output gradient", total), args.f32(x, "input", total),
                args.f32(mean, "mean", channels), args.f32(var, "var", channels), eps,
                args.f32(gradWeight, "weight gradient", channels), args.f32(gradBias, "bias gradient", channels),
                n, channels, inner);
    }

    /** The input gradient (see {@link Backend#batchNormBackward}). */
    @Override
    public void batchNormBackward(Buffer gradOut, Buffer x, Buffer mean, Buffer var, Buffer weight, Buffer gradWeight,
                                  Buffer gradBias, double eps, Buffer gradInput, int n, int channels, int inner) {
        long total = CpuArgs.geometry(n, channels, inner);
        batchNorm.backward(args.f32(gradOut, "output gradient", total), args.f32(x, "input", total),
                args.f32(mean, "mean", channels), args.f32(var, "var", channels), args.optF32(weight, "weight", channels),
                args.optF32(gradWeight, "weight gradient", channels), args.optF32(gradBias, "bias gradient", channels),
                eps, args.f32(gradInput, "input gradient", total), n, channels, inner);
    }

    // ---------------------------------------------------------------- strided writes

    /** Copies a strided view into another strided view of the same shape (see {@link Backend#copyInto}). */
    @Override
    public void copyInto(StridedView src, StridedView dst) {
        CpuBuffer s = args.owned(src.buffer(), "source");
        CpuBuffer d = args.owned(dst.buffer(), "destination");
        if (s.type() != d.type()) {
            throw new IllegalArgumentException("copyInto from " + s + " into " + d + ": element types differ");
        }
        if (!java.util.Arrays.equals(src.shape(), dst.shape())) {
            throw new IllegalArgumentException("copyInto: source shape " + java.util.Arrays.toString(src.shape())
                    + " differs from destination shape " + java.util.Arrays.toString(dst.shape()));
        }
        Object from = s.type() == ElementType.F32 ? s.floats() : s.ints();
        Object to = d.type() == ElementType.F32 ? d.floats() : d.ints();
        copy.scatter(src, from, s.length(), dst, to, d.length());
    }

    // ---------------------------------------------------------------- indexing

    /** The element count of a float[] or int[] storage array. */
    private static int length(Object data) {
        return data instanceof float[] f ? f.length : ((int[]) data).length;
    }

    /** gather through strided views (see {@link CpuIndex}); indices checked now. */
    @Override
    public void gather(String op, StridedView self, int dim, StridedView idx, Buffer out) {
        Object s = args.data(self.buffer(), op + " self", null, 0);
        index.gather(op, self, s, length(s), dim, idx,
                (int[]) args.data(idx.buffer(), op + " index", ElementType.I32, 0),
                args.data(out, op + " output", args.owned(self.buffer(), op + " self").type(), idx.numel()));
    }

    /** Out-of-place scatter / scatter_add (see {@link CpuIndex}); indices checked now. */
    @Override
    public void scatter(String op, int[] shape, StridedView self, int dim, StridedView idx, StridedView src,
                        boolean accumulate, Buffer out) {
        Object s = self == null ? null : args.data(self.buffer(), op + " self", null, 0);
        Object v = args.data(src.buffer(), op + " src", null, 0);
        ElementType type = args.owned(src.buffer(), op + " src").type();
        long n = new StridedView(out, 0, shape, StridedView.contiguousStrides(shape)).numel();
        index.scatter(op, shape, self, s, s == null ? 0 : length(s), dim, idx,
                (int[]) args.data(idx.buffer(), op + " index", ElementType.I32, 0), src, v,
                length(v), accumulate, args.data(out, op + " output", type, n));
    }

    /** {@code condition ? x : y} over strided views (see {@link CpuIndex}). */
    @Override
    public void where(StridedView condition, StridedView x, StridedView y, Buffer out, int[] outShape) {
        Object c = args.data(condition.buffer(), "where condition", null, 0);
        Object a = args.data(x.buffer(), "where x", null, 0);
        ElementType type = args.owned(x.buffer(), "where x").type();
        Object b = args.data(y.buffer(), "where y", type, 0);
        long n = new StridedView(out, 0, outShape, StridedView.contiguousStrides(outShape)).numel();
        index.where(condition, c, length(c), x, a, length(a),
                y, b, length(b), args.data(out, "where output", type, n), outShape);
    }

    /** Cumulative sum along the middle axis of [outer, len, inner], accumulated in double. */
    @Override
    public void cumsum(Buffer x, Buffer out, int outer, int len, int inner) {
        long total = CpuArgs.geometry(outer, len, inner);
        scan.cumsum(args.f32(x, "input", total), args.f32(out, "output", total), outer, len, inner);
    }

    /** Stable argsort along the middle axis of [outer, len, inner] (a merge sort of each row). */
    @Override
    public void argsort(Buffer x, Buffer indices, int outer, int len, int inner, boolean descending) {
        long total = CpuArgs.geometry(outer, len, inner);
        sort.argsort(args.f32(x, "input", total), args.i32(indices, "indices", total), outer, len, inner, descending);
    }
}
