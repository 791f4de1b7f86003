package io.clgrad.nn;

import io.clgrad.Device;

/**
 * Batch normalisation over a 4-D input (a batch of C-channel images), as PyTorch's {@code torch.nn.BatchNorm2d}:
 * {@code y = (x - E[x]) / sqrt(Var[x] + eps) · γ + β} per channel, the statistics taken over N, H and W for each of the C channels
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
 * <p>Shapes: input {@code [N, C, H, W]}; output the same shape.
 *
 * <pre>{@code
 * BatchNorm2d m = new BatchNorm2d(32);
 * Tensor output = m.forward(Tensor.randn(128, 32, 28, 28));   // [128, 32, 28, 28]
 * }</pre>
 */
public class BatchNorm2d extends BatchNormBase<BatchNorm2d> {
    /**
     * A layer with PyTorch's defaults (eps 1e-5, momentum 0.1, affine, tracking running statistics) on the CPU.
     *
     * @param numFeatures C, the number of channels
     */
    public BatchNorm2d(int numFeatures) {
        this(new BatchNormOptions(numFeatures), Device.cpu());
    }

    /**
     * A layer whose tensors are created on {@code device}; its input must be [N, C, H, W].
     *
     * @param options the channels, eps, momentum, affine and whether to keep running statistics
     * @param device  where the parameters and buffers live
     */
    public BatchNorm2d(BatchNormOptions options, Device device) {
        super(options, device, 4, 4);
    }
}
