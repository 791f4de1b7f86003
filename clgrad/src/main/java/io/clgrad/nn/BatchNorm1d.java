package io.clgrad.nn;

import io.clgrad.Device;
import io.clgrad.Tensor;

/**
 * Batch normalisation over a 2-D or 3-D input, as PyTorch's {@code torch.nn.BatchNorm1d}:
 * {@code y = (x - E[x]) / sqrt(Var[x] + eps) · γ + β} per channel, the statistics taken over N (and L) for each of the C channels
 * (the batch's in training, updating the running ones; the running ones in evaluation). See
 * {@link BatchNormBase} for the parameters, buffers and modes, and {@link io.clgrad.Functional#batchNorm}
 * for the computation.
 *
 * <p>Parameters: {@code numFeatures} — C; {@code eps} — added to the variance (default 1e-5);
 * {@code momentum} — weight of a batch in the running statistics (default 0.1; null for a cumulative
 * average); {@code affine} — learn γ ({@code weight}) and β ({@code bias}) (default true);
 * {@code trackRunningStats} — keep {@code running_mean}, {@code running_var} and
 * {@code num_batches_tracked} (default true).
 *
 * <p>Shapes: input {@code [N, C]} or {@code [N, C, L]}; output the same shape.
 *
 * <pre>{@code
 * BatchNorm1d m = new BatchNorm1d(100);
 * Tensor output = m.forward(Tensor.randn(20, 100));   // [20, 100]
 * }</pre>
 */
public class BatchNorm1d extends BatchNormBase<BatchNorm1d> {
    /**
     * A layer with PyTorch's defaults (eps 1e-5, momentum 0.1, affine, tracking running statistics) on the CPU.
     *
     * @param numFeatures C, the number of channels
     */
    public BatchNorm1d(int numFeatures) {
        this(numFeatures, 1e-5, 0.1, true, true);
    }

    /**
     * A layer on the CPU.
     *
     * @param numFeatures       C, the number of channels
     * @param eps               added to the variance
     * @param momentum          weight of a batch in the running statistics, or null for a cumulative average
     * @param affine            whether to learn a per-channel weight and bias
     * @param trackRunningStats whether to keep running statistics
     */
    public BatchNorm1d(int numFeatures, double eps, Double momentum, boolean affine, boolean trackRunningStats) {
        this(numFeatures, eps, momentum, affine, trackRunningStats, Device.cpu());
    }

    /**
     * A layer whose tensors are created on {@code device}.
     *
     * @param numFeatures       C, the number of channels
     * @param eps               added to the variance
     * @param momentum          weight of a batch in the running statistics, or null for a cumulative average
     * @param affine            whether to learn a per-channel weight and bias
     * @param trackRunningStats whether to keep running statistics
     * @param device            where the parameters and buffers live
     */
    public BatchNorm1d(int numFeatures, double eps, Double momentum, boolean affine, boolean trackRunningStats,
                       Device device) {
        super(numFeatures, eps, momentum, affine, trackRunningStats, device);
    }

    /** The input must be [N, C] or [N, C, L]. */
    @Override
    protected void checkInputDim(Tensor x) {
        if (x.dim() != 2 && x.dim() != 3) {
            throw rankError("2D or 3D", x);
        }
    }
}
