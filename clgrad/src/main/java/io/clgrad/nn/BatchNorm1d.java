package io.clgrad.nn;

import io.clgrad.Device;

/**
 * Batch normalisation over a 2-D or 3-D input, as PyTorch's {@code torch.nn.BatchNorm1d}:
 * {@code y = (x - E[x]) / sqrt(Var[x] + eps) · γ + β} per channel, the statistics taken over N (and L) for each of the C channels
 * (the batch's in training, updating the running ones; the running ones in evaluation). See
 * {@link BatchNormBase} for the parameters, buffers and modes, and {@link io.clgrad.Functional#batchNorm}
 * for the computation.
 *
 * <p>Parameters, a {@link BatchNormOptions}: {@code numFeatures} — C; {@code eps} — added to the
 * variance (default 1e-5); {@code momentum} — weight of a batch in the running statistics (default 0.1;
 * null for a cumulative average); {@code affine} — learn γ ({@code weight}) and β ({@code bias})
 * (default true); {@code trackRunningStats} — keep {@code running_mean}, {@code running_var} and
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
        this(new BatchNormOptions(numFeatures), Device.cpu());
    }

    /**
     * A layer whose tensors are created on {@code device}; its input must be [N, C] or [N, C, L].
     *
     * @param options the channels, eps, momentum, affine and whether to keep running statistics
     * @param device  where the parameters and buffers live
     */
    public BatchNorm1d(BatchNormOptions options, Device device) {
        super(options, device, 2, 3);
    }
}
