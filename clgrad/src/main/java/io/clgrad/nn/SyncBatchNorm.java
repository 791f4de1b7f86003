package io.clgrad.nn;

import io.clgrad.Autograd;
import io.clgrad.Device;
import io.clgrad.Step;
import io.clgrad.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Batch normalisation whose training statistics are those of the global batch across the replicas
 * of a data-parallel step, as PyTorch's {@code torch.nn.SyncBatchNorm}: inside
 * {@link io.clgrad.nn.parallel.DataParallel#step}, each replica's forward all-reduces the shard's
 * element count and per-channel sum, then its per-channel sum of squared deviations from the global
 * mean ({@link ProcessGroup}), and normalises with the global mean and variance; its backward
 * all-reduces the two per-channel gradient sums. The step then equals {@link BatchNorm1d} /
 * {@link BatchNorm2d} on the global batch: outputs, gradients and running statistics (updated with
 * the global mean and the global unbiased variance, the same on every replica).
 *
 * <p>Outside a data-parallel step (no {@link ProcessGroup#current()} on the thread, or one replica),
 * in evaluation, and for an empty batch, it is {@link BatchNormBase}'s batch norm of the local
 * batch. Make one with the constructors or convert a model's batch norms with
 * {@link #convertSyncBatchnorm}.
 *
 * <p>Shapes: input {@code [N, C, *]} (2-D or more); output the same shape. Parameters and buffers
 * as {@link BatchNormBase}.
 *
 * <pre>{@code
 * DataParallel dp = DataParallel.builder(
 *         () -> SyncBatchNorm.convertSyncBatchnorm(new Sequential(new Linear(784, 256), new BatchNorm1d(256),
 *                 new ReLU(), new Linear(256, 10))),
 *         params -> new Adam(params, 1e-3))
 *         .devices(List.of(Device.cpu(), Device.opencl(0))).build();
 * }</pre>
 *
 * <p>Gradient scale: {@code DataParallel} weights replica {@code i}'s gradients by
 * {@code n_i / N} (the loss is each shard's mean), so each replica contributes its gradient sums
 * weighted by its share of the elements, and scales the cross-replica terms of its input's gradient
 * back by its own share (docs/distributed.md); with equal shards this is PyTorch's unweighted sum.
 */
public class SyncBatchNorm extends BatchNormBase<SyncBatchNorm> {
    /**
     * A layer with PyTorch's defaults (eps 1e-5, momentum 0.1, affine, tracking running statistics) on the CPU.
     *
     * @param numFeatures C, the number of channels
     */
    public SyncBatchNorm(int numFeatures) {
        this(new BatchNormOptions(numFeatures), Device.cpu());
    }

    /**
     * A layer whose tensors are created on {@code device}; its input must be at least 2-D,
     * {@code [N, C, *]}.
     *
     * @param options the channels, eps, momentum, affine and whether to keep running statistics
     * @param device  where the parameters and buffers live
     */
    public SyncBatchNorm(BatchNormOptions options, Device device) {
        super(options, device, 2, Integer.MAX_VALUE);
    }

    /**
     * Normalises {@code x} per channel with the global batch's statistics inside a data-parallel
     * step, else as {@link BatchNormBase#forward}.
     *
     * @param x {@code [N, C, *]}
     * @return the same shape
     */
    @Override
    public Tensor forward(Tensor x) {
        checkInputDim(x);
        ProcessGroup.Member group = ProcessGroup.current();
        if (!isTraining() || group == null || group.size() == 1 || x.numel() == 0) {
            return super.forward(x);
        }
        BatchNormOptions options = options();
        if (x.shape(1) != options.numFeatures()) {
            throw new IllegalArgumentException("SyncBatchNorm: expected " + options.numFeatures()
                    + " channels (dimension 1), got " + x.shape(1));
        }
        if (Step.isRecording()) {
            throw new IllegalStateException("SyncBatchNorm inside a step being recorded by Step.compile: its"
                    + " all-reduces are host exchanges between replicas, which a replay cannot repeat; run the step eagerly");
        }
        Double momentum = options.momentum();
        double factor = momentum == null ? 0.0 : momentum;
        boolean running = runningMean() != null;
        if (running) {
            long n = countBatchOnHost();
            if (momentum == null) {
                factor = 1.0 / n;
            }
        }
        SyncBatchNormFunction f = new SyncBatchNormFunction(group, options.eps());
        Tensor y = weight() != null ? f.apply(x, weight(), bias()) : f.apply(x);
        if (running) {
            updateRunning(f.mean(), f.unbiasedVar(), factor);
        }
        return y;
    }

    /** num_batches_tracked += 1; the new count. */
    private long countBatchOnHost() {
        Tensor t = numBatchesTracked();
        long n = t.toIntArray()[0] + 1L;
        try (Autograd.Mode g = Autograd.noGrad(); Tensor v = Tensor.full(t.device(), (float) n)) {
            t.copyFrom(v);
        }
        return n;
    }

    /** {@code running = (1 - factor) · running + factor · batch}, for the mean and the unbiased variance. */
    private void updateRunning(double[] mean, double[] var, double factor) {
        update(runningMean(), mean, factor);
        update(runningVar(), var, factor);
    }

    private static void update(Tensor buffer, double[] batch, double factor) {
        float[] old = buffer.toFloatArray();
        float[] next = new float[old.length];
        for (int c = 0; c < old.length; c++) {
            next[c] = (float) ((1 - factor) * old[c] + factor * batch[c]);
        }
        try (Autograd.Mode g = Autograd.noGrad(); Tensor v = Tensor.of(buffer.device(), next, buffer.shape())) {
            buffer.copyFrom(v);
        }
    }

    /**
     * Replaces every {@link BatchNorm1d} and {@link BatchNorm2d} in {@code module} (itself or any
     * descendant) by a {@link SyncBatchNorm} with the same options, parameters, buffers, device and
     * mode, as PyTorch's {@code SyncBatchNorm.convert_sync_batchnorm}. Children are replaced in
     * their parent's registration (as {@code setattr} does in PyTorch), so containers that reach
     * their children through it ({@link Sequential}, and any module whose forward calls
     * {@code namedChildren()}) use the new layers; a custom module that calls a batch norm it
     * keeps in a field of its own must create a {@code SyncBatchNorm} itself.
     *
     * <pre>{@code
     * Module<?> m = SyncBatchNorm.convertSyncBatchnorm(new Sequential(new Linear(8, 16), new BatchNorm1d(16)));
     * // m.get(1) is SyncBatchNorm(16, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)
     * }</pre>
     *
     * @param module a module (not null)
     * @return {@code module} with its batch norms replaced, or a new {@code SyncBatchNorm} when
     *         {@code module} itself is a batch norm
     */
    public static Module<?> convertSyncBatchnorm(Module<?> module) {
        if (module == null) {
            throw new IllegalArgumentException("convertSyncBatchnorm: module is null");
        }
        if (module instanceof BatchNormBase<?> bn && !(module instanceof SyncBatchNorm)) {
            return from(bn);
        }
        Map<String, Module<?>> children = new LinkedHashMap<>(module.namedChildren());
        for (Map.Entry<String, Module<?>> e : children.entrySet()) {
            Module<?> converted = convertSyncBatchnorm(e.getValue());
            if (converted != e.getValue()) {
                module.register(e.getKey(), converted);
            }
        }
        return module;
    }

    private static SyncBatchNorm from(BatchNormBase<?> bn) {
        Tensor any = bn.weight() != null ? bn.weight() : bn.runningMean();
        Device device = any != null ? any.device() : Device.cpu();
        SyncBatchNorm s = new SyncBatchNorm(bn.options(), device);
        s.loadStateDict(bn.stateDict());
        s.train(bn.isTraining());
        return s;
    }
}
