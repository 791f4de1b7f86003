package io.clgrad.backend.opencl;

import io.clgrad.backend.Backend;
import io.clgrad.backend.BinaryOp;
import io.clgrad.backend.Buffer;
import io.clgrad.backend.ConvSpec;
import io.clgrad.backend.DeviceInfo;
import io.clgrad.backend.ElementType;
import io.clgrad.backend.MatmulSpec;
import io.clgrad.backend.MemoryStats;
import io.clgrad.backend.PoolSpec;
import io.clgrad.backend.ReduceOp;
import io.clgrad.backend.StridedView;
import io.clgrad.backend.Tuner;
import io.clgrad.backend.UnaryOp;
import java.util.List;
import java.util.Optional;
import org.jocl.Pointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One OpenCL device as a {@link Backend}. This class only wires the parts together and dispatches:
 * {@link ClDevice} (context, queue), {@link BufferPool} (memory), {@link ProgramCache} (builds),
 * {@link Kernels} (launches), {@link BufferCopies} (host copies) and one op class per kernel family.
 */
public final class OpenClBackend implements Backend {
    private static final Logger LOG = LoggerFactory.getLogger(OpenClBackend.class);

    private final ClDevice device;
    private final BufferPool pool;
    private final ProgramCache programs;
    private final Kernels kernels;
    private final BufferCopies transfers;
    private final Operands operands;
    private final CopyOps copies;
    private final ElementwiseOps elementwise;
    private final MatmulOps matmul;
    private final ReduceOps reductions;
    private final SoftmaxOps softmax;
    private final ScanOps scan;
    private final LossOps losses;
    private final OptimOps optimizers;
    private final RandomOps random;
    private final ConvOps conv;
    private final ClConvConfig.Resolved convTuning;
    private final BatchNormOps batchNorm;
    private final PoolOps pooling;
    private final IndexOps indexing;
    private final TargetErrors targetErrors;
    /** The op objects, one per kernel file: what {@link #prepareKernels()} builds. */
    private final List<FamilyOps> families;

    OpenClBackend(ClDevice device, ProgramDiskCache disk) {
        this.device = device;
        this.pool = new BufferPool(device, this);
        this.programs = new ProgramCache(device, disk, pool);
        this.kernels = new Kernels(device, programs, pool);
        this.transfers = new BufferCopies(device, pool);
        this.operands = new Operands(this);
        this.copies = new CopyOps(kernels, operands, transfers);
        this.elementwise = new ElementwiseOps(kernels, operands);
        this.reductions = new ReduceOps(kernels, operands, pool);
        this.matmul = new MatmulOps(kernels, operands, copies, pool, reductions);
        this.targetErrors = new TargetErrors(device, this);
        this.losses = new LossOps(kernels, operands, targetErrors);
        this.optimizers = new OptimOps(kernels, operands);
        this.random = new RandomOps(kernels, operands);
        this.conv = new ConvOps(kernels, operands);
        this.convTuning = resolveConvTuning(device);
        this.conv.configure(convTuning.config());
        this.softmax = new SoftmaxOps(kernels, operands);
        this.scan = new ScanOps(kernels, operands);
        this.batchNorm = new BatchNormOps(kernels, operands);
        this.pooling = new PoolOps(kernels, operands);
        this.indexing = new IndexOps(kernels, operands, targetErrors);
        this.families = List.of(copies, elementwise, reductions, softmax, matmul, losses, optimizers, random,
                batchNorm, conv, pooling, indexing, scan);
    }

    /** The kernel families this backend builds, one {@code kernels-cl/<family>.cl} each. */
    List<String> families() {
        return families.stream().map(FamilyOps::family).toList();
    }

    /** The matmul tuner of this device ({@link MatmulTuner}): OpenCL kernels take their sizes from a tuning row. */
    @Override
    public Optional<Tuner> tuner() {
        return Optional.of(new MatmulTuner(this));
    }

    /** The device behind this backend (for {@link MatmulTuner}). */
    ClDevice clDevice() {
        return device;
    }

    /** The conv launches (for {@link MatmulTuner}'s conv candidates). */
    ConvOps convOps() {
        return conv;
    }

    /** The conv work-group sizes this backend started with and where they came from. */
    ClConvConfig.Resolved convTuning() {
        return convTuning;
    }

    /**
     * The device's conv tuning ({@link ClConvConfig#resolve}); a bad {@code -Dclgrad.opencl.conv} is
     * logged and the built-in sizes apply.
     */
    private static ClConvConfig.Resolved resolveConvTuning(ClDevice device) {
        String property = System.getProperty(ClConvConfig.PROPERTY, "");
        try {
            return ClConvConfig.resolve(device.facts().tuningFile(), property,
                    ClConvConfig.builtIn(device.info().kind()));
        } catch (IllegalArgumentException e) {
            org.slf4j.LoggerFactory.getLogger(OpenClBackend.class).error("{}; the built-in OpenCL conv configuration "
                    + "applies", e.getMessage());
            return new ClConvConfig.Resolved(ClConvConfig.builtIn(device.info().kind()), "built-in", "built-in");
        }
    }

    /** Products under another tuning row, sharing this backend's kernels and memory (for {@link MatmulTuner}). */
    MatmulOps matmulOps(DeviceTuning tuning) {
        return new MatmulOps(kernels, operands, copies, pool, reductions, tuning);
    }

    @Override
    public DeviceInfo info() {
        return device.info();
    }

    @Override
    public long prepareKernels() {
        long t0 = System.nanoTime();
        int cachedBefore = programs.loadedFromDisk();
        int builtBefore = programs.builtFromSource();
        for (FamilyOps f : families) {
            f.prepare();
        }
        long ns = System.nanoTime() - t0;
        LOG.info("{}: kernels ready in {} ms ({} programs loaded from the disk cache, {} built from source, {} kernels)",
                device.label(), ns / 1_000_000, programs.loadedFromDisk() - cachedBefore,
                programs.builtFromSource() - builtBefore, kernels.count());
        return ns;
    }

    /** Programs loaded from the on-disk binary cache since this backend started. */
    public int programsLoadedFromCache() {
        return programs.loadedFromDisk();
    }

    /** Programs compiled from source since this backend started. */
    public int programsBuiltFromSource() {
        return programs.builtFromSource();
    }

    // ---------------------------------------------------------------- memory

    @Override
    public Buffer allocate(ElementType type, long count) {
        return pool.allocate(type, count);
    }

    @Override
    public void free(Buffer buffer) {
        pool.free(operands.owned(buffer));
    }

    @Override
    public void emptyCache() {
        pool.emptyCache();
    }

    @Override
    public MemoryStats memoryStats() {
        return pool.stats();
    }

    @Override
    public void write(Buffer dst, long dstOffset, float[] src, int srcOffset, int n) {
        Operands.checkArrayRange(src.length, srcOffset, n);
        transfers.write(operands.of(dst, "write destination", ElementType.F32, 0), dstOffset,
                Pointer.to(src).withByteOffset(4L * srcOffset), n, "float[]");
    }

    @Override
    public void write(Buffer dst, long dstOffset, int[] src, int srcOffset, int n) {
        Operands.checkArrayRange(src.length, srcOffset, n);
        transfers.write(operands.of(dst, "write destination", ElementType.I32, 0), dstOffset,
                Pointer.to(src).withByteOffset(4L * srcOffset), n, "int[]");
    }

    /**
     * {@inheritDoc}
     *
     * <p>Here: also raises a {@link io.clgrad.backend.TargetOutOfBoundsException} that an earlier
     * target check found (its record comes back with this read, see {@link TargetErrors}).
     */
    @Override
    public void read(Buffer src, long srcOffset, float[] dst, int dstOffset, int n) {
        Operands.checkArrayRange(dst.length, dstOffset, n);
        read(operands.of(src, "read source", ElementType.F32, 0), srcOffset,
                Pointer.to(dst).withByteOffset(4L * dstOffset), n, "float[]");
    }

    /** {@inheritDoc} As {@link #read(Buffer, long, float[], int, int)}, it raises a pending bad target. */
    @Override
    public void read(Buffer src, long srcOffset, int[] dst, int dstOffset, int n) {
        Operands.checkArrayRange(dst.length, dstOffset, n);
        read(operands.of(src, "read source", ElementType.I32, 0), srcOffset,
                Pointer.to(dst).withByteOffset(4L * dstOffset), n, "int[]");
    }

    private void read(ClBuffer src, long srcOffset, Pointer dst, long n, String what) {
        synchronized (device.lock()) {
            targetErrors.beforeRead();
            try {
                transfers.read(src, srcOffset, dst, n, what);
            } catch (RuntimeException e) {
                targetErrors.readFailed();
                throw e;
            }
            targetErrors.afterRead();
        }
    }

    /** {@inheritDoc} Then raises a bad target that an earlier check found. */
    @Override
    public void synchronize() {
        synchronized (device.lock()) {
            device.finish();
            targetErrors.afterFinish();
        }
    }

    // ---------------------------------------------------------------- ops

    @Override
    public void fill(Buffer out, long n, double value) {
        copies.fill(out, n, value);
    }

    @Override
    public void arange(Buffer out, long n, double start, double step) {
        copies.arange(out, n, start, step);
    }

    @Override
    public void copy(StridedView src, Buffer out) {
        copies.copy(src, out);
    }

    @Override
    public void convert(Buffer src, Buffer out, long n) {
        copies.convert(src, out, n);
    }

    @Override
    public void unary(UnaryOp op, Buffer x, Buffer out, long n) {
        elementwise.unary(op, x, out, n);
    }

    @Override
    public void binary(BinaryOp op, StridedView a, StridedView b, Buffer out, int[] outShape) {
        elementwise.binary(op, a, b, out, outShape);
    }

    @Override
    public void binaryScalar(BinaryOp op, Buffer x, float s, boolean scalarFirst, Buffer out, long n) {
        elementwise.binaryScalar(op, x, s, scalarFirst, out, n);
    }

    @Override
    public void binaryScalarInt(BinaryOp op, Buffer x, int s, boolean scalarFirst, Buffer out, long n) {
        elementwise.binaryScalarInt(op, x, s, scalarFirst, out, n);
    }

    @Override
    public void matmul(MatmulSpec spec, Buffer a, Buffer b, Buffer c) {
        matmul.matmul(spec, a, b, c);
    }

    @Override
    public void addmm(MatmulSpec spec, Buffer a, Buffer b, Buffer bias, boolean relu, Buffer c) {
        matmul.matmul(spec, a, b, bias, relu, c);
    }

    @Override
    public void linearGrad(MatmulSpec spec, Buffer g, Buffer reluOut, Buffer x, Buffer gw, Buffer gb) {
        if (!matmul.linearGrad(spec, g, reluOut, x, gw, gb)) {
            Backend.super.linearGrad(spec, g, reluOut, x, gw, gb);
        }
    }

    @Override
    public void reduce(ReduceOp op, Buffer x, Buffer out, int outer, int len, int inner) {
        reductions.reduce(op, x, out, outer, len, inner);
    }

    @Override
    public void softmax(Buffer x, Buffer out, int outer, int len, int inner, boolean log) {
        softmax.softmax(x, out, outer, len, inner, log);
    }

    @Override
    public void bceWithLogits(Buffer x, Buffer y, Buffer weight, Buffer posWeight, Buffer out, long n) {
        losses.bceWithLogits(x, y, weight, posWeight, out, n);
    }

    @Override
    public void bceWithLogitsFused(Buffer x, Buffer y, Buffer weight, Buffer posWeight, Buffer loss, Buffer grad,
                                   long n, float scale) {
        losses.bceWithLogitsFused(x, y, weight, posWeight, loss, grad, n, scale);
    }

    @Override
    public void bceWithLogitsBackward(Buffer x, Buffer y, Buffer weight, Buffer posWeight,
                                      Buffer g, int gStride, float scale, Buffer out, long n) {
        losses.bceWithLogitsBackward(x, y, weight, posWeight, g, gStride, scale, out, n);
    }

    @Override
    public void crossEntropyFused(Buffer logits, Buffer targets, Buffer loss, Buffer grad, int rows, int classes,
                                  int ignoreIndex, float labelSmoothing, boolean mean) {
        losses.crossEntropyFused(logits, targets, loss, grad, rows, classes, ignoreIndex, labelSmoothing, mean);
    }

    @Override
    public void crossEntropy(Buffer logits, Buffer targets, Buffer loss, Buffer valid,
                             int rows, int classes, int ignoreIndex, float labelSmoothing) {
        losses.crossEntropy(logits, targets, loss, valid, rows, classes, ignoreIndex, labelSmoothing);
    }

    @Override
    public void crossEntropyBackward(Buffer logits, Buffer targets, Buffer g, int gStride, Buffer out,
                                     int rows, int classes, int ignoreIndex, float labelSmoothing) {
        losses.crossEntropyBackward(logits, targets, g, gStride, out, rows, classes, ignoreIndex, labelSmoothing);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Here: one {@code check_class_targets} launch; a bad target is raised from the next read or
     * {@link #synchronize()}, so the caller does not wait for the device.
     */
    @Override
    public void checkClassTargets(String op, Buffer targets, int n, int classes, int ignoreIndex) {
        losses.checkClassTargets(op, targets, n, classes, ignoreIndex);
    }

    @Override
    public void adamStep(Buffer param, Buffer grad, Buffer m, Buffer v, Buffer vMax, long n,
                         double lr, double beta1, double beta2, double eps, double weightDecay,
                         boolean decoupled, int step) {
        optimizers.adamStep(param, grad, m, v, vMax, n, lr, beta1, beta2, eps, weightDecay, decoupled, step);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Here: one {@code adam_step_many} launch (kernels-cl/optim.cl) per group of up to eight
     * non-empty parameters.
     */
    @Override
    public void adamStepMany(Buffer[] params, Buffer[] grads, Buffer[] m, Buffer[] v, Buffer[] vMax, long[] counts,
                             double lr, double beta1, double beta2, double eps, double weightDecay,
                             boolean decoupled, int step) {
        optimizers.adamStepMany(params, grads, m, v, vMax, counts, lr, beta1, beta2, eps, weightDecay, decoupled, step);
    }

    /**
     * How many optimizer kernels (Adam, multi-tensor Adam, SGD) this backend has enqueued: a
     * diagnostic, for tests that check that one optimizer step is one launch.
     */
    @Override
    public long optimizerLaunches() {
        return optimizers.launches();
    }

    /** How many kernels of any kind this backend has enqueued: a diagnostic for the benchmark. */
    @Override
    public long kernelLaunches() {
        return kernels.launches();
    }

    @Override
    public void sgdStep(Buffer param, Buffer grad, Buffer momentumBuffer, long n, double lr, double momentum,
                        double dampening, boolean nesterov, double weightDecay, boolean firstStep) {
        optimizers.sgdStep(param, grad, momentumBuffer, n, lr, momentum, dampening, nesterov, weightDecay, firstStep);
    }

    @Override
    public void randomUniform(Buffer out, long n, long seed, long offset, float low, float high) {
        random.uniform(out, n, seed, offset, low, high);
    }

    @Override
    public void randomNormal(Buffer out, long n, long seed, long offset, float mean, float std) {
        random.normal(out, n, seed, offset, mean, std);
    }

    @Override
    public void randomInt(Buffer out, long n, long seed, long offset, int low, int high) {
        random.integers(out, n, seed, offset, low, high);
    }

    @Override
    public void im2col(ConvSpec spec, Buffer x, Buffer cols) {
        conv.im2col(spec, x, cols);
    }

    @Override
    public void col2im(ConvSpec spec, Buffer cols, Buffer dx) {
        conv.col2im(spec, cols, dx);
    }

    // ---------------------------------------------------------------- pooling (one launch path: PoolOps.run)

    @Override
    public void maxPool2d(PoolSpec spec, Buffer x, Buffer out, Buffer indices) {
        pooling.run("max_pool2d", spec, x, indices, out);
    }

    @Override
    public void maxPool2dBackward(PoolSpec spec, Buffer gradOut, Buffer indices, Buffer gradIn) {
        pooling.run("max_pool2d_backward", spec, gradOut, indices, gradIn);
    }

    @Override
    public void avgPool2d(PoolSpec spec, Buffer x, Buffer out) {
        pooling.run("avg_pool2d", spec, x, null, out);
    }

    @Override
    public void avgPool2dBackward(PoolSpec spec, Buffer gradOut, Buffer gradIn) {
        pooling.run("avg_pool2d_backward", spec, gradOut, null, gradIn);
    }

    @Override
    public void close() {
        synchronized (device.lock()) {
            if (device.isClosed()) {
                return;
            }
            try {
                device.finish();
            } catch (RuntimeException e) {
                LOG.debug("{}: clFinish before close failed: {}", device.label(), e.toString());
            }
            targetErrors.close();
            pool.close();
            kernels.close();
            programs.close();
            device.close();
        }
    }

    @Override
    public String toString() {
        return "OpenClBackend[" + device.label() + "]";
    }

    /** The class-target error records, for tests. */
    TargetErrors targetErrors() {
        return targetErrors;
    }

    /** The program cache, for tests that build programs with their own options. */
    ProgramCache programs() {
        return programs;
    }

    // ---------------------------------------------------------------- batch normalisation

    @Override
    public void batchNormStats(Buffer x, Buffer mean, Buffer var, Buffer runningMean, Buffer runningVar,
                               double momentum, int n, int channels, int inner) {
        batchNorm.stats(x, mean, var, runningMean, runningVar, momentum, n, channels, inner);
    }

    @Override
    public void batchNormForward(Buffer x, Buffer mean, Buffer var, Buffer weight, Buffer bias, double eps, Buffer out,
                                 int n, int channels, int inner) {
        batchNorm.forward(x, mean, var, weight, bias, eps, out, n, channels, inner);
    }

    @Override
    public void batchNormBackwardReduce(Buffer gradOut, Buffer x, Buffer mean, Buffer var, double eps,
                                        Buffer gradWeight, Buffer gradBias, int n, int channels, int inner) {
        batchNorm.backwardReduce(gradOut, x, mean, var, eps, gradWeight, gradBias, n, channels, inner);
    }

    @Override
    public void batchNormBackward(Buffer gradOut, Buffer x, Buffer mean, Buffer var, Buffer weight, Buffer gradWeight,
                                  Buffer gradBias, double eps, Buffer gradInput, int n, int channels, int inner) {
        batchNorm.backward(gradOut, x, mean, var, weight, gradWeight, gradBias, eps, gradInput, n, channels, inner);
    }

    // ---------------------------------------------------------------- strided writes

    @Override
    public void copyInto(StridedView src, StridedView dst) {
        copies.copyInto(src, dst);
    }

    // ---------------------------------------------------------------- indexing

    /** gather: kernels-cl/index.cl, indices checked on the device (see {@link IndexOps}). */
    @Override
    public void gather(String op, StridedView self, int dim, StridedView index, Buffer out) {
        indexing.gather(op, self, dim, index, out);
    }

    /** Out-of-place scatter / scatter_add, one work-item per output element (no atomics). */
    @Override
    public void scatter(String op, int[] shape, StridedView self, int dim, StridedView index, StridedView src,
                        boolean accumulate, Buffer out) {
        indexing.scatter(op, shape, self, dim, index, src, accumulate, out);
    }

    /** {@code condition ? x : y} over strided views. */
    @Override
    public void where(StridedView condition, StridedView x, StridedView y, Buffer out, int[] outShape) {
        indexing.where(condition, x, y, out, outShape);
    }

    @Override
    public void cumsum(Buffer x, Buffer out, int outer, int len, int inner) {
        scan.cumsum(x, out, outer, len, inner);
    }

    @Override
    public void argsort(Buffer x, Buffer indices, int outer, int len, int inner, boolean descending) {
        scan.argsort(x, indices, outer, len, inner, descending);
    }

    /**
     * Records this thread's launches into a {@link LaunchList}: per-launch kernels with their
     * arguments set once, replayed by one enqueue each.
     */
    @Override
    public Optional<io.clgrad.backend.LaunchRecording> recordLaunches() {
        return Optional.of(new LaunchList(device, kernels, pool));
    }
}
