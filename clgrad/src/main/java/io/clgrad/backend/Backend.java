package io.clgrad.backend;

import java.util.Optional;

/**
 * The one written list of what a device must provide: memory, host copies, and the ops on raw
 * buffers that everything above is built from. A new backend is a new package that implements this
 * interface and a {@link BackendProvider}; nothing else changes.
 *
 * <h2>Conventions</h2>
 * <ul>
 *   <li>Counts, offsets and strides are in elements, never bytes.</li>
 *   <li>Outputs are contiguous buffers written from element 0, and never alias an input unless the
 *       method says so.</li>
 *   <li>Methods enqueue work and return; only {@code read*} and {@link #synchronize()} wait for the
 *       device. On an in-order device queue, later ops see the results of earlier ones.</li>
 *   <li>Arguments are validated by the tensor layer above; a backend checks only what would crash
 *       it (freed buffers, buffers of another backend) and throws {@link IllegalArgumentException}
 *       or {@link IllegalStateException} for those.</li>
 *   <li>Float results should match a double-precision reference to float rounding; the conformance
 *       suite holds every backend to the same tolerance.</li>
 * </ul>
 */
public interface Backend extends AutoCloseable {

    /** Static facts about the device. */
    DeviceInfo info();

    /** The stable id, e.g. "cpu" or "opencl:0" (same as {@code info().id()}). */
    default String id() {
        return info().id();
    }

    /**
     * Builds (or loads from the on-disk cache) every kernel program this backend uses, so that
     * later ops do not pay for compilation. Returns the wall time it took in nanoseconds. Backends
     * without compiled kernels return 0.
     */
    long prepareKernels();

    // ---------------------------------------------------------------- memory

    /**
     * Allocates a buffer of {@code count} elements (contents undefined), reusing cached memory when
     * it can. On failure the allocator frees its cache and retries once, then throws
     * {@link DeviceOutOfMemoryException}.
     */
    Buffer allocate(ElementType type, long count);

    /** Returns a buffer to the allocator. Idempotent calls are an error: free each buffer once. */
    void free(Buffer buffer);

    /** Releases cached (free-listed) memory back to the device. */
    void emptyCache();

    /** The allocator's counters. */
    MemoryStats memoryStats();

    /**
     * This device's kernel tuner ({@code clgrad tune}, and the tuning {@code clgrad devices} shows),
     * so the CLI needs no concrete backend class.
     *
     * @return the tuner, or empty when the backend has nothing to tune (the default)
     */
    default Optional<Tuner> tuner() {
        return Optional.empty();
    }

    /**
     * How many kernels of any kind this backend has enqueued: a diagnostic for the benchmark.
     *
     * @return the count, or -1 when the backend does not count launches (the default)
     */
    default long kernelLaunches() {
        return -1;
    }

    /**
     * How many optimizer kernels (Adam, multi-tensor Adam, SGD) this backend has enqueued: a
     * diagnostic, for checks that one optimizer step is one launch.
     *
     * @return the count, or -1 when the backend does not count launches (the default)
     */
    default long optimizerLaunches() {
        return -1;
    }

    /** Copies {@code n} floats from {@code src[srcOffset..]} into {@code dst[dstOffset..]}. */
    void write(Buffer dst, long dstOffset, float[] src, int srcOffset, int n);

    /** Copies {@code n} ints from {@code src[srcOffset..]} into {@code dst[dstOffset..]}. */
    void write(Buffer dst, long dstOffset, int[] src, int srcOffset, int n);

    /** Waits for pending work and copies {@code n} floats from {@code src[srcOffset..]} to {@code dst[dstOffset..]}. */
    void read(Buffer src, long srcOffset, float[] dst, int dstOffset, int n);

    /** Waits for pending work and copies {@code n} ints from {@code src[srcOffset..]} to {@code dst[dstOffset..]}. */
    void read(Buffer src, long srcOffset, int[] dst, int dstOffset, int n);

    /** Waits until every enqueued op has finished. */
    void synchronize();

    // ---------------------------------------------------------------- fill, copy, convert

    /** {@code out[0..n) = value} (for I32 buffers the value is cast to int). */
    void fill(Buffer out, long n, double value);

    /** {@code out[i] = start + i*step} for i in [0, n) (for I32 buffers, integer arithmetic). */
    void arange(Buffer out, long n, double start, double step);

    /**
     * Gathers a strided view into the contiguous buffer {@code out} in row-major order of the view's
     * shape. Works for either element type; {@code out} has the view's type.
     */
    void copy(StridedView src, Buffer out);

    /** Converts {@code n} elements between F32 and I32 (float to int truncates toward zero). */
    void convert(Buffer src, Buffer out, long n);

    // ---------------------------------------------------------------- elementwise

    /**
     * {@code out[i] = op(x[i])} for i in [0, n), on contiguous buffers of one element type: F32,
     * or I32 for the ops that {@link UnaryOp#accepts accept} it (int32 arithmetic wraps).
     */
    void unary(UnaryOp op, Buffer x, Buffer out, long n);

    /**
     * {@code out = op(a, b)} over {@code outShape}, reading both operands through their strides
     * (stride 0 = broadcast). Both views have rank {@code outShape.length} and one element type:
     * F32, or I32 for the ops that {@link BinaryOp#accepts accept} it; {@code out} is contiguous
     * with {@code numel(outShape)} elements of {@link BinaryOp#resultType} (F32 1.0f/0.0f for a
     * comparison, I32 for int32 arithmetic, which wraps).
     */
    void binary(BinaryOp op, StridedView a, StridedView b, Buffer out, int[] outShape);

    /**
     * {@code out[i] = op(x[i], s)}, or {@code op(s, x[i])} when {@code scalarFirst}, for i in [0, n),
     * on contiguous F32 buffers.
     */
    void binaryScalar(BinaryOp op, Buffer x, float s, boolean scalarFirst, Buffer out, long n);

    /**
     * {@link #binaryScalar} of an I32 buffer and an int scalar, for the ops that
     * {@link BinaryOp#accepts accept} I32: {@code out} is F32 1.0f/0.0f for a comparison, else I32
     * (int32 arithmetic wraps).
     */
    void binaryScalarInt(BinaryOp op, Buffer x, int s, boolean scalarFirst, Buffer out, long n);

    // ---------------------------------------------------------------- linear algebra

    /** Batched matrix product, see {@link MatmulSpec}; {@code c} is contiguous [batch, m, n]. */
    void matmul(MatmulSpec spec, Buffer a, Buffer b, Buffer c);

    /**
     * A fused Linear layer (PyTorch's {@code addmm} with an optional activation): the product of
     * {@link #matmul}, then {@code C[b,i,j] = act(C[b,i,j] + bias[j])}, act being ReLU when
     * {@code relu} ({@code x < 0 ? 0 : x}: NaN and -0 pass, as {@code torch.relu}) and the identity otherwise. {@code bias} is a contiguous F32 buffer
     * of n elements, or null for none. The epilogue runs inside the product's launch (OpenCL) or
     * task (CPU), not as another sweep over C; k may be 0 (then C = act(bias)).
     */
    void addmm(MatmulSpec spec, Buffer a, Buffer b, Buffer bias, boolean relu, Buffer c);

    /**
     * Floats of a Linear weight [out, in] packed for {@link #addmmPacked}, or 0 when this backend has
     * no packed few-row path (the default; the caller then uses {@link #addmm}). Inference one
     * request at a time reads every weight once per call, so the layout the kernel streams decides
     * its speed; ONNX Runtime and oneDNN prepack weights for the same reason.
     *
     * @param out rows of W (outputs)
     * @param in  columns of W (inputs)
     */
    default long packedLinearWeightSize(int out, int in) {
        return 0;
    }

    /**
     * Packs a Linear weight W [out, in] (read through its view) into {@code dst}, a buffer of
     * {@link #packedLinearWeightSize} floats, in this backend's own layout. The caller keeps the copy
     * and packs again after W changes.
     *
     * @throws UnsupportedOperationException when {@link #packedLinearWeightSize} is 0
     */
    default void packLinearWeight(StridedView w, Buffer dst) {
        throw new UnsupportedOperationException(id() + " has no packed Linear weights");
    }

    /**
     * {@link #addmm} of a Linear layer with W from its packed copy ({@link #packLinearWeight}):
     * {@code C = act(A·Wᵀ + bias)} for {@code spec} as {@link #addmm} would take it with B = Wᵀ (only
     * A's geometry, m, n = out and k = in are read), at most {@link #PACKED_LINEAR_MAX_ROWS} rows.
     *
     * @throws UnsupportedOperationException when {@link #packedLinearWeightSize} is 0
     */
    default void addmmPacked(MatmulSpec spec, Buffer a, Buffer packed, Buffer bias, boolean relu, Buffer c) {
        throw new UnsupportedOperationException(id() + " has no packed Linear weights");
    }

    /** Most rows of A that {@link #addmmPacked} takes. */
    int PACKED_LINEAR_MAX_ROWS = 4;

    /**
     * Floats of a Linear weight W [out, in] packed for {@link #addmmGemmPacked} in a forward of
     * {@code rows} rows (more than {@link #PACKED_LINEAR_MAX_ROWS}), or 0 when this backend runs that
     * product from W itself (the default; the caller then uses {@link #addmm}). A batched inference
     * forward otherwise packs every weight again on each call, as a GEMM packs its B; ONNX Runtime
     * prepacks weights once for the same reason. Where it is not 0, the size and the layout depend on
     * {@code out} and {@code in} only, so one copy serves every such {@code rows}.
     *
     * @param rows rows of the input
     * @param out  rows of W (outputs)
     * @param in   columns of W (inputs)
     */
    default long gemmPackedWeightSize(int rows, int out, int in) {
        return 0;
    }

    /**
     * Packs a Linear weight W [out, in] (read through its view) into {@code dst}, a buffer of
     * {@link #gemmPackedWeightSize} floats, in this backend's own layout. The caller keeps the copy
     * and packs again after W changes.
     *
     * @throws UnsupportedOperationException when this backend has no such copies
     */
    default void packGemmWeight(StridedView w, Buffer dst) {
        throw new UnsupportedOperationException(id() + " has no GEMM-packed Linear weights");
    }

    /**
     * {@link #addmm} of a Linear layer with W from its copy made by {@link #packGemmWeight}:
     * {@code C = act(A·Wᵀ + bias)} for {@code spec} as {@link #addmm} would take it with B = Wᵀ (only A's
     * geometry, m, n = out and k = in are read), for a {@code rows = m} where {@link #gemmPackedWeightSize}
     * is not 0; the same numbers as {@link #addmm} on W, bit for bit where {@link #addmm} would run the
     * same kernel (on the CPU backend: an input whose rows are contiguous).
     *
     * @throws UnsupportedOperationException when this backend has no such copies
     */
    default void addmmGemmPacked(MatmulSpec spec, Buffer a, Buffer packed, Buffer bias, boolean relu, Buffer c) {
        throw new UnsupportedOperationException(id() + " has no GEMM-packed Linear weights");
    }

    /**
     * Whether {@link #addmmPackedChain} runs several packed Linear layers in one call (default: no;
     * the caller then launches them one by one).
     */
    default boolean packedLinearChain() {
        return false;
    }

    /**
     * Linear layers in a row, each from its packed copy: {@code h_0 = A}, {@code h_{l+1} =
     * act_l(h_l·W_lᵀ + bias_l)}, {@code C = h_L}, each layer's numbers those of {@link #addmmPacked} on
     * its own. The hidden rows need no buffers of the caller's, and the backend may split two layers
     * over its threads as one job (batch-1 inference of an MLP: one hand-off instead of two).
     *
     * @param spec   the first layer's product as {@link #addmmPacked} takes it (A's geometry, m, n =
     *               out_0, k = in_0), at most {@link #PACKED_LINEAR_MAX_ROWS} rows
     * @param packed each layer's packed weight
     * @param bias   each layer's bias (an entry may be null)
     * @param relu   whether a ReLU follows each layer
     * @param outs   each layer's out features, the next layer's in; {@code outs[0] = spec.n()}
     * @param c      the last layer's output, contiguous [m, outs[L-1]]
     * @throws UnsupportedOperationException when {@link #packedLinearChain} is false
     */
    default void addmmPackedChain(MatmulSpec spec, Buffer a, Buffer[] packed, Buffer[] bias, boolean[] relu,
                                  int[] outs, Buffer c) {
        throw new UnsupportedOperationException(id() + " runs packed Linear layers one at a time");
    }

    /**
     * A Linear layer's parameter gradients (the backward of {@link #addmm} for W and b): with
     * {@code gz = g}, or {@code gz = RELU_BACKWARD(g, reluOut)} ({@code reluOut <= 0 ? 0 : g}) when
     * {@code reluOut} is not null, {@code gw = gzᵀ·x} and, when {@code gb} is not null,
     * {@code gb[j] = Σ_r gz[r, j]}.
     *
     * <p>This default composes {@link #binary}, {@link #matmul} and {@link #reduce}, bit for bit the
     * separate ops; the CPU backend runs the same ops on arrays (its plain twin), the OpenCL backend
     * does it in one launch where its small-product kernel serves (masking A as it loads it, and
     * summing A's rows beside the product) and falls back to this default elsewhere.
     *
     * @param spec    the product {@code gw = gzᵀ·x}, as {@link MatmulSpec#linearGrad} makes it
     * @param g       the output's gradient, contiguous [rows, out]
     * @param reluOut the fused ReLU's output, contiguous [rows, out], or null for no ReLU
     * @param x       the layer's input, read as spec's B ([rows, in])
     * @param gw      the weight gradient, contiguous [out, in]
     * @param gb      the bias gradient (out floats), or null when not wanted
     */
    default void linearGrad(MatmulSpec spec, Buffer g, Buffer reluOut, Buffer x, Buffer gw, Buffer gb) {
        spec.checkLinearGrad();
        int rows = spec.k();
        int out = spec.m();
        if (rows == 0) {
            fill(gw, (long) out * spec.n(), 0);   // empty sums
            if (gb != null) {
                fill(gb, out, 0);
            }
            return;
        }
        Buffer gz = reluOut == null ? g : allocate(ElementType.F32, (long) rows * out);
        try {
            if (reluOut != null) {
                binary(BinaryOp.RELU_BACKWARD, StridedView.contiguous(g, rows, out),
                        StridedView.contiguous(reluOut, rows, out), gz, new int[] {rows, out});
            }
            matmul(spec, gz, x, gw);
            if (gb != null) {
                reduce(ReduceOp.SUM, gz, gb, 1, rows, out);
            }
        } finally {
            if (gz != g) {
                free(gz);
            }
        }
    }

    // ---------------------------------------------------------------- reductions

    /**
     * Reduces a contiguous tensor viewed as [outer, len, inner] along the middle axis into the
     * contiguous [outer, inner] buffer {@code out} of {@link ReduceOp#resultType} (I32 indices for
     * ARGMAX/ARGMIN, else the input's type). The input is F32, or I32 for the ops that
     * {@link ReduceOp#accepts accept} it (an int32 sum wraps). {@code len} is at least 1.
     */
    void reduce(ReduceOp op, Buffer x, Buffer out, int outer, int len, int inner);

    /**
     * Softmax (or log-softmax when {@code log}) of a contiguous F32 tensor viewed as
     * [outer, len, inner], along the middle axis, computed stably (max subtracted first).
     */
    void softmax(Buffer x, Buffer out, int outer, int len, int inner, boolean log);

    // ---------------------------------------------------------------- losses

    /**
     * Per-element binary cross-entropy with logits, in the stable form:
     * {@code l = w * [(1-y)·x + (1+(pw-1)·y)·(log1p(exp(-|x|)) + max(-x, 0))]},
     * which equals {@code max(x,0) - x·y + log1p(exp(-|x|))} times w when pw = 1.
     * {@code weight} and {@code posWeight} are full-length contiguous buffers or null (meaning 1).
     */
    void bceWithLogits(Buffer x, Buffer y, Buffer weight, Buffer posWeight, Buffer out, long n);

    /**
     * Gradient of {@link #bceWithLogits} with respect to x, scaled by an upstream gradient:
     * {@code out[i] = scale * g[i*gStride] * w * ((pw·y + 1 - y)·σ(x) - pw·y)}.
     * {@code gStride} is 1 for an elementwise upstream gradient (reduction none) and 0 for a scalar
     * one (mean/sum; then {@code scale} is 1/n or 1).
     */
    void bceWithLogitsBackward(Buffer x, Buffer y, Buffer weight, Buffer posWeight,
                               Buffer g, int gStride, float scale, Buffer out, long n);

    /**
     * A reduced BCE-with-logits and its gradient in one pass (the fused forward+backward of
     * {@link #bceWithLogits} and {@link #bceWithLogitsBackward}): {@code loss[0] = scale · Σ_i l_i}
     * and, when {@code grad} is not null, {@code grad[i] = scale · dl_i/dx_i}, with scale 1/n for a
     * mean and 1 for a sum. One work-group on OpenCL, so meant for losses of up to
     * {@link #FUSED_LOSS_MAX} elements. Operands as in {@link #bceWithLogits}.
     */
    void bceWithLogitsFused(Buffer x, Buffer y, Buffer weight, Buffer posWeight, Buffer loss, Buffer grad, long n,
                            float scale);

    /** The most elements {@link #bceWithLogitsFused} is used for (one work-group walks them all). */
    long FUSED_LOSS_MAX = 1 << 16;

    /**
     * Softmax cross-entropy per row for logits [rows, classes] (contiguous F32) and int32 targets
     * [rows]. Writes {@code loss[r] = -((1-ε)·logp[r][t] + (ε/C)·Σ_c logp[r][c])} and
     * {@code valid[r] = 1}, or 0 for both where {@code t == ignoreIndex}. A target outside [0, C)
     * that is not ignoreIndex writes NaN to {@code loss[r]}.
     */
    void crossEntropy(Buffer logits, Buffer targets, Buffer loss, Buffer valid,
                      int rows, int classes, int ignoreIndex, float labelSmoothing);

    /**
     * Gradient of {@link #crossEntropy} with respect to the logits:
     * {@code out[r][c] = g[r*gStride] * (softmax[r][c] - (1-ε)·[c == t] - ε/C)}, and 0 for ignored
     * rows, and NaN for a row whose target is outside [0, C) (its loss is NaN too). {@code gStride}
     * is 1 (reduction none) or 0 (a scalar upstream gradient already divided by the number of valid
     * rows for mean).
     */
    void crossEntropyBackward(Buffer logits, Buffer targets, Buffer g, int gStride, Buffer out,
                              int rows, int classes, int ignoreIndex, float labelSmoothing);

    /**
     * A reduced softmax cross-entropy and its gradient in one pass (the fused forward+backward of
     * {@link #crossEntropy} and {@link #crossEntropyBackward}): {@code loss[0]} is the sum of the
     * row losses over the rows whose target is not {@code ignoreIndex}, divided by their number when
     * {@code mean} (NaN when there are none); when {@code grad} is not null it receives the
     * gradient of that loss, {@code [rows, classes]} (0 on ignored rows, NaN on rows whose target
     * is out of range). One work-group on OpenCL: meant for up to {@link #FUSED_LOSS_MAX} logits.
     * Unlike the unfused kernels, it also checks its targets as {@link #checkClassTargets} does (an
     * out-of-range target raises {@link TargetOutOfBoundsException} for {@code cross_entropy}, now or
     * at the next read), so the training path needs no separate check launch.
     */
    void crossEntropyFused(Buffer logits, Buffer targets, Buffer loss, Buffer grad, int rows, int classes,
                           int ignoreIndex, float labelSmoothing, boolean mean);

    /**
     * Checks {@code n} int32 class targets against {@code [0, classes)}: a target outside it that
     * is not {@code ignoreIndex} raises {@link TargetOutOfBoundsException} naming {@code op}, the
     * value and its index. A backend may raise it now, or check on the device and raise it from the
     * next {@code read*} or {@link #synchronize()} on this backend (the OpenCL backend does, so that
     * no training step waits for the device); it never lets it pass. This default reads the targets
     * to the host and checks them now.
     */
    default void checkClassTargets(String op, Buffer targets, int n, int classes, int ignoreIndex) {
        if (n == 0) {
            return;
        }
        int[] t = new int[n];
        read(targets, 0, t, 0, n);
        TargetOutOfBoundsException.check(op, t, n, classes, ignoreIndex);
    }

    // ---------------------------------------------------------------- optimizers

    /**
     * One Adam/AdamW step on {@code n} contiguous parameters, in place on param, m, v (and vMax).
     * With {@code bc1 = 1-β1^t}, {@code bc2 = 1-β2^t}:
     * <pre>
     *   if decoupled: p = p * (1 - lr*wd)   else: g = g + wd*p
     *   m = β1*m + (1-β1)*g ;  v = β2*v + (1-β2)*g*g
     *   vHat = amsgrad ? (vMax = max(vMax, v)) : v
     *   p = p - (lr/bc1) * m / (sqrt(vHat)/sqrt(bc2) + eps)
     * </pre>
     * exactly as PyTorch's single-tensor Adam. {@code vMax} is null unless amsgrad. Hyperparameters
     * are doubles, as in PyTorch (Python floats): the per-step scalars (bias corrections, step size,
     * {@code 1-β}) are computed in double on the host and rounded to float once, so that every
     * backend feeds its kernel the same values.
     */
    void adamStep(Buffer param, Buffer grad, Buffer m, Buffer v, Buffer vMax, long n,
                  double lr, double beta1, double beta2, double eps, double weightDecay,
                  boolean decoupled, int step);

    /**
     * {@link #adamStep} on several parameters at once, all with the same hyperparameters and step
     * count: entry {@code i} of each array is one parameter's tensors and {@code counts[i]} its
     * element count. {@code vMax} is null unless amsgrad (then it has one buffer per parameter).
     * The result is bit for bit that of calling {@link #adamStep} once per entry, in order; a
     * backend may do it in fewer launches (the OpenCL backend does it in one launch per group of
     * up to eight parameters). Modifies every params, m, v (and vMax) buffer; grads are read only.
     * The arrays must all have the same length; an empty array does nothing.
     */
    default void adamStepMany(Buffer[] params, Buffer[] grads, Buffer[] m, Buffer[] v, Buffer[] vMax, long[] counts,
                              double lr, double beta1, double beta2, double eps, double weightDecay,
                              boolean decoupled, int step) {
        checkAdamStepManyLengths(params, grads, m, v, vMax, counts);
        for (int i = 0; i < params.length; i++) {
            adamStep(params[i], grads[i], m[i], v[i], vMax == null ? null : vMax[i], counts[i],
                    lr, beta1, beta2, eps, weightDecay, decoupled, step);
        }
    }

    /**
     * Checks the arrays of {@link #adamStepMany}: none null (vMax aside), all the same length.
     *
     * @throws IllegalArgumentException naming the array whose length differs
     */
    static void checkAdamStepManyLengths(Buffer[] params, Buffer[] grads, Buffer[] m, Buffer[] v, Buffer[] vMax,
                                         long[] counts) {
        if (params == null || grads == null || m == null || v == null || counts == null) {
            throw new IllegalArgumentException("adamStepMany: params, grads, m, v and counts must not be null");
        }
        int n = params.length;
        if (grads.length != n || m.length != n || v.length != n || counts.length != n
                || (vMax != null && vMax.length != n)) {
            throw new IllegalArgumentException("adamStepMany: array lengths differ: params " + n + ", grads "
                    + grads.length + ", m " + m.length + ", v " + v.length + ", vMax "
                    + (vMax == null ? "null" : String.valueOf(vMax.length)) + ", counts " + counts.length);
        }
    }

    /**
     * One SGD step on {@code n} contiguous parameters, in place, as PyTorch's SGD:
     * <pre>
     *   g = g + wd*p
     *   if momentum != 0: buf = firstStep ? g : momentum*buf + (1-dampening)*g
     *                     g = nesterov ? g + momentum*buf : buf
     *   p = p - lr*g
     * </pre>
     * {@code momentumBuffer} is null when momentum is 0.
     */
    void sgdStep(Buffer param, Buffer grad, Buffer momentumBuffer, long n, double lr, double momentum,
                 double dampening, boolean nesterov, double weightDecay, boolean firstStep);

    // ---------------------------------------------------------------- random

    /**
     * Fills {@code out[0..n)} from the counter-based generator {@link CounterRng}: element i gets
     * {@code low + (high-low) * CounterRng.uniform(seed, offset + i)}. Every backend produces the
     * same numbers for the same seed and offset.
     */
    void randomUniform(Buffer out, long n, long seed, long offset, float low, float high);

    /**
     * Fills {@code out[0..n)} with {@code mean + std * CounterRng.normal(seed, offset + i)}.
     */
    void randomNormal(Buffer out, long n, long seed, long offset, float mean, float std);

    /**
     * Fills the I32 buffer {@code out[0..n)} with integers uniform in [low, high):
     * {@code low + CounterRng.below(seed, offset + i, high - low)}.
     */
    void randomInt(Buffer out, long n, long seed, long offset, int low, int high);

    // ---------------------------------------------------------------- convolution

    /**
     * Copies the input pixels every output pixel's kernel window reads into the patch matrix of
     * {@link ConvSpec} (im2col): {@code cols[g][(n·outH + oh)·outW + ow][(c·kernelH + i)·kernelW + j] =
     * x[n][g·C/groups + c][oh·strideH - padTop + i·dilationH][ow·strideW - padLeft + j·dilationW]}, 0
     * where that pixel lies in the padding. A convolution is then one product per group of these
     * rows with the weights.
     *
     * @param spec the geometry
     * @param x    contiguous F32 input [batch, channels, height, width]
     * @param cols contiguous F32 output [groups, batch·outH·outW, (channels/groups)·kernelH·kernelW]
     */
    void im2col(ConvSpec spec, Buffer x, Buffer cols);

    /**
     * The adjoint of {@link #im2col} (col2im): each input pixel receives the sum of the patch-matrix
     * elements that {@link #im2col} copied from it,
     * {@code dx[n][c][h][w] = Σ cols[g][(n·outH + oh)·outW + ow][(c'·kernelH + i)·kernelW + j]} over the
     * taps (i, j) and output pixels (oh, ow) with {@code oh·strideH - padTop + i·dilationH = h} and
     * {@code ow·strideW - padLeft + j·dilationW = w} (c = g·C/groups + c'), and 0 for a pixel no
     * window reads. It turns the gradient of the patch matrix into the input's gradient; every
     * output element is written by one work-item that gathers its terms (no atomics, so the sums
     * are deterministic).
     *
     * @param spec the geometry
     * @param cols contiguous F32 patch matrix [groups, batch·outH·outW, (channels/groups)·kernelH·kernelW]
     * @param dx   contiguous F32 output [batch, channels, height, width]
     */
    void col2im(ConvSpec spec, Buffer cols, Buffer dx);

    /**
     * Whether this backend computes this convolution itself, without a patch matrix
     * ({@link #conv2d}, {@link #conv2dInputGrad}, {@link #conv2dWeightGrad}); false (the default)
     * where the caller lowers it to {@link #im2col}, {@link #matmul} and {@link #col2im}. The CPU
     * backend takes stride-1, one-group convolutions whose padding is at most
     * {@code (kernel - 1)·dilation} on each side, on planes large enough for its tiles.
     *
     * @param spec        the geometry
     * @param outChannels the output channels
     */
    default boolean directConv(ConvSpec spec, int outChannels) {
        return false;
    }

    /**
     * conv2d's forward, PyTorch's cross-correlation:
     * {@code y[n][o][oh][ow] = Σ_{c,i,j} w[o][c][i][j] · x[n][c][oh - padTop + i·dilationH][ow - padLeft + j·dilationW]}
     * (zero outside the input), plus {@code bias[o]} when it is not null; only for a geometry that
     * {@link #directConv} takes.
     *
     * @param x    contiguous F32 [batch, channels, height, width]
     * @param w    contiguous F32 [outChannels, channels, kernelH, kernelW]
     * @param bias contiguous F32 of outChannels, or null
     * @param y    contiguous F32 output [batch, outChannels, outH, outW]
     * @throws UnsupportedOperationException when {@link #directConv} is false for it
     */
    default void conv2d(ConvSpec spec, int outChannels, Buffer x, Buffer w, Buffer bias, Buffer y) {
        throw new UnsupportedOperationException(id() + " has no direct convolution for " + spec);
    }

    /**
     * conv2d's input gradient (the adjoint of {@link #conv2d} in x):
     * {@code dx[n][c][h][w] = Σ gy[n][o][oh][ow] · w[o][c][i][j]} over the taps and outputs with
     * {@code oh - padTop + i·dilationH = h} and {@code ow - padLeft + j·dilationW = w}.
     *
     * @param gy contiguous F32 [batch, outChannels, outH, outW]
     * @param w  contiguous F32 [outChannels, channels, kernelH, kernelW]
     * @param dx contiguous F32 output [batch, channels, height, width]
     * @throws UnsupportedOperationException when {@link #directConv} is false for it
     */
    default void conv2dInputGrad(ConvSpec spec, int outChannels, Buffer gy, Buffer w, Buffer dx) {
        throw new UnsupportedOperationException(id() + " has no direct convolution for " + spec);
    }

    /**
     * conv2d's weight gradient: {@code dw[o][c][i][j] = Σ_{n,oh,ow} gy[n][o][oh][ow] · x[n][c][oh - padTop + i·dilationH][ow - padLeft + j·dilationW]}
     * (zero outside the input).
     *
     * @param gy contiguous F32 [batch, outChannels, outH, outW]
     * @param x  contiguous F32 [batch, channels, height, width]
     * @param dw contiguous F32 output [outChannels, channels, kernelH, kernelW]
     * @throws UnsupportedOperationException when {@link #directConv} is false for it
     */
    default void conv2dWeightGrad(ConvSpec spec, int outChannels, Buffer gy, Buffer x, Buffer dw) {
        throw new UnsupportedOperationException(id() + " has no direct convolution for " + spec);
    }

    // ---------------------------------------------------------------- pooling

    /**
     * 2-D max pooling (PyTorch's {@code max_pool2d_with_indices}) of the contiguous F32 input
     * {@code [planes, height, width]} into the contiguous {@code out} {@code [planes, outHeight, outWidth]},
     * see {@link PoolSpec}: each output is the largest element of its window, padding excluded, and
     * {@code indices} (I32, same shape, or null when not wanted) receives its position {@code ih·width + iw}
     * in its plane. Among equal maxima the first in row-major order wins; a NaN wins over every number
     * (the last NaN of the window when there are several), as on PyTorch's CPU. A window of only -inf
     * gives -inf at its first element.
     */
    void maxPool2d(PoolSpec spec, Buffer x, Buffer out, Buffer indices);

    /**
     * Gradient of {@link #maxPool2d}: {@code gradIn[p, i] = Σ gradOut[p, o]} over the outputs {@code o}
     * of plane {@code p} whose index is {@code i} (overlapping windows add up). {@code indices} are those
     * {@link #maxPool2d} wrote for this spec; {@code gradOut} is contiguous like its output and
     * {@code gradIn} like its input, every element written (0 where nothing points).
     */
    void maxPool2dBackward(PoolSpec spec, Buffer gradOut, Buffer indices, Buffer gradIn);

    /**
     * 2-D average pooling (PyTorch's {@code avg_pool2d}) of the contiguous F32 input
     * {@code [planes, height, width]} into {@code out} {@code [planes, outHeight, outWidth]}: the sum of
     * each window's input elements divided by {@code divisorOverride} when it is not 0, else by the
     * window's size clipped to the padded input ({@code countIncludePad}) or by its count of input
     * elements (padding excluded). A window with no input element gives 0.
     */
    void avgPool2d(PoolSpec spec, Buffer x, Buffer out);

    /**
     * Gradient of {@link #avgPool2d}: each input element receives {@code gradOut[o] / divisor(o)}
     * from every output {@code o} whose window holds it; every element of {@code gradIn} is written.
     */
    void avgPool2dBackward(PoolSpec spec, Buffer gradOut, Buffer gradIn);

    /** Releases every device resource (buffers, kernels, programs, queue, context). */
    @Override
    void close();

    // ---------------------------------------------------------------- batch normalisation
    //
    // A contiguous F32 tensor viewed as [n, channels, inner] (inner = 1 for [N, C], H·W for
    // [N, C, H, W]); element (i, c, l) at (i·channels + c)·inner + l. Per-channel buffers hold
    // {@code channels} floats. Each channel's statistics run over M = n·inner elements.

    /**
     * Per-channel batch statistics, PyTorch's {@code batch_norm} in training: {@code mean[c] = Σ x / M}
     * and the biased variance {@code var[c] = Σ (x - mean[c])² / M}, computed from the mean (two
     * passes, or an equally accurate compensated one), so a large common offset costs no precision.
     * When {@code runningMean} and {@code runningVar} are not null (both or neither), updates them
     * in place with the unbiased variance:
     * {@code rm = (1 - momentum)·rm + momentum·mean}, {@code rv = (1 - momentum)·rv + momentum·var·M/(M-1)}.
     * M is at least 1, and at least 2 when the running statistics are updated.
     */
    void batchNormStats(Buffer x, Buffer mean, Buffer var, Buffer runningMean, Buffer runningVar, double momentum,
                        int n, int channels, int inner);

    /**
     * Normalises and applies the affine transform per channel:
     * {@code out = (x - mean[c]) / sqrt(var[c] + eps) · weight[c] + bias[c]}, with the batch's or
     * the running statistics. {@code weight} and {@code bias} may be null (1 and 0).
     */
    void batchNormForward(Buffer x, Buffer mean, Buffer var, Buffer weight, Buffer bias, double eps, Buffer out,
                          int n, int channels, int inner);

    /**
     * The per-channel sums of the backward of {@link #batchNormForward}, which are also the weight
     * and bias gradients: with {@code invstd = 1/sqrt(var[c] + eps)} and {@code g} the output gradient,
     * {@code gradBias[c] = Σ g} and {@code gradWeight[c] = Σ g·(x - mean[c])·invstd}.
     */
    void batchNormBackwardReduce(Buffer gradOut, Buffer x, Buffer mean, Buffer var, double eps,
                                 Buffer gradWeight, Buffer gradBias, int n, int channels, int inner);

    /**
     * The input gradient of {@link #batchNormForward}, PyTorch's {@code batch_norm_backward}. With
     * {@code invstd = 1/sqrt(var[c] + eps)}, {@code w = weight[c]} (1 when null) and g the output
     * gradient: when {@code gradWeight} and {@code gradBias} (the sums of
     * {@link #batchNormBackwardReduce}) are given, the statistics are the batch's own (training):
     * {@code gradInput = w·invstd·(g - gradBias[c]/M - (x - mean[c])·invstd·gradWeight[c]/M)};
     * when both are null, the statistics are constants (evaluation): {@code gradInput = w·invstd·g}.
     */
    void batchNormBackward(Buffer gradOut, Buffer x, Buffer mean, Buffer var, Buffer weight, Buffer gradWeight,
                           Buffer gradBias, double eps, Buffer gradInput, int n, int channels, int inner);

    // ---------------------------------------------------------------- strided writes

    /**
     * Copies the view {@code src} into the view {@code dst} of the same shape, element
     * {@code (i0, i1, ...)} of one to the same element of the other; elements of {@code dst}'s
     * buffer outside the view keep their values. This is how a tensor layer writes through a view
     * (PyTorch's {@code copy_} into a slice) and how the backward of a view places its gradient into
     * a zero tensor of the input's shape. Either element type, the same in both views; {@code dst}
     * reaches no element twice (no stride 0 over a size above 1) and no element of {@code src}.
     */
    void copyInto(StridedView src, StridedView dst);

    // ---------------------------------------------------------------- indexing
    //
    // Index tensors are I32 and read through strides (stride 0 repeats an index: index_select is a
    // gather whose index view has stride 0 off its dim). An index outside [0, size) of the dimension
    // it indexes raises IndexOutOfRangeException naming the op, its value and its position (the
    // element's offset from the index view's offset: the row-major position for a dense index), now
    // (CPU) or from the launching thread's next read or synchronize() (OpenCL, which checks inside
    // the kernel and never reads through a bad index). The element types move as raw 32 bits, so self/src/out may be F32 or I32.

    /**
     * PyTorch's {@code gather}: for every position c of {@code index.shape()},
     * {@code out[c] = self[c with c[dim] replaced by index[c]]}, out contiguous in row-major order of
     * {@code index.shape()}.
     *
     * @param op    the op named in an out-of-range error ({@code gather}, {@code index_select}, ...)
     * @param self  the source view: the rank of {@code index}, its sizes equal to index's except at
     *              {@code dim}, where its size is the bound the indices are checked against
     * @param dim   the indexed dimension, in [0, rank)
     * @param index I32 indices
     * @param out   contiguous output of self's element type, {@code index.numel()} elements
     */
    void gather(String op, StridedView self, int dim, StridedView index, Buffer out);

    /**
     * PyTorch's out-of-place {@code scatter} / {@code scatter_add}: out (contiguous, {@code shape}) starts
     * as {@code self} (zeros when self is null); then for every position c of {@code index.shape()},
     * in row-major order, the element of out at c with {@code c[dim] = index[c]} receives
     * {@code src[c]}: replaced ({@code accumulate} false: among repeated indices the last in that
     * order wins) or added ({@code accumulate} true; F32 adds in float, I32 in wrapping int). Every
     * output element's additions happen in that order, one rounding each, so the result is a
     * function of the inputs alone (no atomics): equal bit for bit on every backend.
     *
     * @param op         the op named in an out-of-range error
     * @param shape      out's shape (rank of index)
     * @param self       a view of {@code shape} (any strides, 0 included), or null for zeros
     * @param dim        the indexed dimension, in [0, rank); {@code shape[dim]} bounds the indices
     * @param index      I32 indices, {@code index.shape()[d] <= shape[d]} for {@code d != dim}
     * @param src        the values, a view of {@code index.shape()}
     * @param accumulate add instead of replace
     * @param out        contiguous output of self's (src's) element type
     */
    void scatter(String op, int[] shape, StridedView self, int dim, StridedView index, StridedView src,
                 boolean accumulate, Buffer out);

    /**
     * PyTorch's {@code where}: {@code out = condition ? x : y} over {@code outShape}, every operand a
     * view of {@code outShape} (stride 0 = broadcast). The condition is F32 (true where non-zero: NaN
     * is true, -0.0 false, as PyTorch's float-to-bool) or I32 (true where non-zero); x, y and out
     * share one element type, F32 or I32, whose bits are moved unchanged.
     */
    void where(StridedView condition, StridedView x, StridedView y, Buffer out, int[] outShape);

    /**
     * Cumulative sum of a contiguous F32 tensor viewed as [outer, len, inner] along the middle axis:
     * {@code out[o][l][j] = Σ_{m ≤ l} x[o][m][j]}, accumulated more precisely than float (PyTorch's
     * CPU cumsum accumulates in double).
     */
    void cumsum(Buffer x, Buffer out, int outer, int len, int inner);

    /**
     * Stable argsort of a contiguous F32 tensor viewed as [outer, len, inner] along the middle axis:
     * {@code indices} (I32, same layout) holds, at rank r, the position of the element of rank r;
     * equal elements keep their order, NaN is larger than every number (PyTorch's
     * {@code sort(stable=True)}).
     */
    void argsort(Buffer x, Buffer indices, int outer, int len, int inner, boolean descending);

    /**
     * Starts recording the launches the calling thread makes on this backend into a pre-built
     * list ({@link LaunchRecording}) that can be replayed; the launches still run. Used by
     * {@code io.clgrad.Step} for replayed training steps.
     *
     * @return the recording, or empty when this backend records no launches of its own (the core
     *         then records its SPI calls one by one and calls them again on replay, as for the CPU backend)
     * @throws IllegalStateException when this thread is already recording on this backend
     */
    default java.util.Optional<LaunchRecording> recordLaunches() {
        return java.util.Optional.empty();
    }
}
