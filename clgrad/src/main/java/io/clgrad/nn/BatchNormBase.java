package io.clgrad.nn;

import io.clgrad.Autograd;
import io.clgrad.Device;
import io.clgrad.Functional;
import io.clgrad.Tensor;
import io.clgrad.nn.init.Init;

/**
 * What {@link BatchNorm1d} and {@link BatchNorm2d} share, PyTorch's {@code _BatchNorm}: the
 * parameters {@code weight} [C] (ones) and {@code bias} [C] (zeros) when affine, the buffers
 * {@code running_mean} [C] (zeros), {@code running_var} [C] (ones) and {@code num_batches_tracked}
 * (a 0-d int32 tensor, int64 in PyTorch; a PyTorch state dict's int64 value loads into it) when
 * tracking running statistics, and the forward of {@code _BatchNorm.forward}:
 * <ul>
 *   <li>training with running statistics: {@code num_batches_tracked} += 1, then
 *       {@link Functional#batchNorm} with the batch statistics, updating the running ones with
 *       {@code momentum} (or, when momentum is null, with {@code 1/num_batches_tracked}: a
 *       cumulative average);</li>
 *   <li>evaluation with running statistics: normalised by them;</li>
 *   <li>without running statistics: always the batch statistics.</li>
 * </ul>
 * The options (channels, eps, momentum, affine, running statistics) are one {@link BatchNormOptions};
 * a subclass adds the input ranks it accepts.
 *
 * @param <M> the subclass itself
 */
public abstract class BatchNormBase<M extends BatchNormBase<M>> extends AffineModule<M> {
    private final BatchNormOptions options;
    /** The input ranks the layer accepts, PyTorch's {@code _check_input_dim}: from minDim to maxDim. */
    private final int minDim;
    private final int maxDim;
    /** The host's copy of num_batches_tracked, valid while that buffer is this tensor at this version. */
    private long batchesTracked;
    private Tensor trackedTensor;
    private int trackedVersion;

    /**
     * A batch-norm layer whose tensors are created on {@code device}.
     *
     * @param options the layer's options (channels, eps, momentum, affine, running statistics)
     * @param device  where the parameters and buffers live
     * @param minDim  the lowest input rank the layer accepts
     * @param maxDim  the highest ({@link Integer#MAX_VALUE}: no limit)
     */
    protected BatchNormBase(BatchNormOptions options, Device device, int minDim, int maxDim) {
        this.options = options;
        this.minDim = minDim;
        this.maxDim = maxDim;
        int numFeatures = options.numFeatures();
        registerAffine(options.affine(), device, numFeatures);
        if (options.trackRunningStats()) {
            registerBuffer("running_mean", Tensor.zeros(device, numFeatures));
            registerBuffer("running_var", Tensor.ones(device, numFeatures));
            try (Tensor zero = Tensor.of(device, new int[] {0}, 1)) {
                registerBuffer("num_batches_tracked", zero.reshape());
            }
        }
    }

    /**
     * Checks the input's rank, PyTorch's {@code _check_input_dim}, with its message: {@code expected 4D
     * input (got 3D input)}, {@code expected 2D or 3D input ...}, {@code expected at least 2D input ...}.
     *
     * @param x the input
     * @throws IllegalArgumentException when the rank is not one the layer accepts
     */
    protected void checkInputDim(Tensor x) {
        if (x.dim() < minDim || x.dim() > maxDim) {
            String expected = maxDim == Integer.MAX_VALUE ? "at least " + minDim + "D"
                    : minDim == maxDim ? minDim + "D" : minDim + "D or " + maxDim + "D";
            throw new IllegalArgumentException("expected " + expected + " input (got " + x.dim() + "D input)");
        }
    }

    /**
     * Normalises {@code x} per channel, as described in the class documentation.
     *
     * @param x [N, C, ...] with the subclass's rank
     * @return the same shape
     */
    @Override
    public Tensor forward(Tensor x) {
        checkInputDim(x);
        Double momentum = options.momentum();
        boolean trackRunningStats = options.trackRunningStats();
        double factor = momentum == null ? 0.0 : momentum;
        if (isTraining() && trackRunningStats) {
            if (momentum == null && io.clgrad.Step.isRecording()) {
                throw new IllegalStateException(getClass().getSimpleName() + " with momentum=None inside a step "
                        + "being recorded by Step.compile: its cumulative-average factor 1/num_batches_tracked is "
                        + "a host value a replay would freeze; give the layer a momentum or run the step eagerly");
            }
            long[] n = new long[1];
            // inside a recorded step the count advances on the host at every replay (Step.live)
            if (!io.clgrad.Step.live(() -> n[0] = countBatch())) {
                n[0] = countBatch();
            }
            if (momentum == null) {
                factor = 1.0 / n[0];
            }
        }
        boolean useRunning = !isTraining() || trackRunningStats;
        boolean batchStats = isTraining() || runningMean() == null;
        return Functional.batchNorm(x, useRunning ? runningMean() : null, useRunning ? runningVar() : null,
                weight(), bias(), batchStats, factor, options.eps());
    }

    /** num_batches_tracked += 1 on the device, without reading it back; returns the new count. */
    private long countBatch() {
        Tensor t = numBatchesTracked();
        if (t != trackedTensor || t.version() != trackedVersion) {
            batchesTracked = t.toIntArray()[0];   // loaded, moved or written since: read it once
        }
        batchesTracked++;
        try (Autograd.Mode g = Autograd.noGrad(); Tensor v = Tensor.full(t.device(), (float) batchesTracked)) {
            t.copyFrom(v);
        }
        trackedTensor = t;
        trackedVersion = t.version();
        return batchesTracked;
    }

    /**
     * Resets the running statistics: mean 0, variance 1, num_batches_tracked 0 (PyTorch's
     * {@code reset_running_stats}).
     */
    public void resetRunningStats() {
        if (options.trackRunningStats()) {
            Init.zeros(runningMean());
            Init.ones(runningVar());
            try (Autograd.Mode g = Autograd.noGrad(); Tensor zero = Tensor.full(numBatchesTracked().device(), 0f)) {
                numBatchesTracked().copyFrom(zero);
            }
        }
    }

    /** Resets the running statistics and, when affine, the weight to 1 and the bias to 0 (PyTorch's {@code reset_parameters}). */
    public void resetParameters() {
        resetRunningStats();
        if (options.affine()) {
            resetAffine();
        }
    }

    /**
     * The running mean [C], or null when running statistics are not tracked.
     *
     * @return the buffer {@code running_mean}
     */
    public Tensor runningMean() {
        return buffer("running_mean");
    }

    /**
     * The running (unbiased) variance [C], or null when running statistics are not tracked.
     *
     * @return the buffer {@code running_var}
     */
    public Tensor runningVar() {
        return buffer("running_var");
    }

    /**
     * How many training batches have updated the running statistics: a 0-d int32 tensor, or null
     * when running statistics are not tracked.
     *
     * @return the buffer {@code num_batches_tracked}
     */
    public Tensor numBatchesTracked() {
        return buffer("num_batches_tracked");
    }

    /**
     * The layer's options: channels, eps, momentum, affine and whether it tracks running statistics.
     *
     * @return the options it was built with
     */
    public BatchNormOptions options() {
        return options;
    }

    /** {@code 32, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True}. */
    @Override
    protected String extraRepr() {
        return options.extraRepr();
    }
}
