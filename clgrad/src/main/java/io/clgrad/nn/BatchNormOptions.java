package io.clgrad.nn;

/**
 * The options of a batch-norm layer ({@link BatchNorm1d}, {@link BatchNorm2d}, {@link SyncBatchNorm}):
 * the arguments of PyTorch's {@code _BatchNorm}, as libtorch's {@code torch::nn::BatchNormOptions}.
 *
 * <pre>{@code
 * BatchNorm1d m = new BatchNorm1d(new BatchNormOptions(100, 1e-3, null, true, true), Device.cpu());
 * System.out.println(m.options().momentum());   // null: a cumulative moving average
 * }</pre>
 *
 * @param numFeatures       C, the number of channels (dimension 1 of the input), positive
 * @param eps               added to the variance for numerical stability (PyTorch's default 1e-5)
 * @param momentum          the weight of a batch in the running statistics (default 0.1), or null for a
 *                          cumulative moving average
 * @param affine            whether to learn a weight and bias per channel (default true)
 * @param trackRunningStats whether to keep running statistics, else the batch's are used also in
 *                          evaluation (default true)
 */
public record BatchNormOptions(int numFeatures, double eps, Double momentum, boolean affine,
                               boolean trackRunningStats) {
    /**
     * Checks the number of channels.
     *
     * @throws IllegalArgumentException when numFeatures is not positive
     */
    public BatchNormOptions {
        if (numFeatures <= 0) {
            throw new IllegalArgumentException("BatchNorm: num_features must be positive, got " + numFeatures);
        }
    }

    /**
     * PyTorch's defaults for {@code numFeatures} channels: eps 1e-5, momentum 0.1, affine, tracking
     * running statistics.
     *
     * @param numFeatures C, the number of channels
     */
    public BatchNormOptions(int numFeatures) {
        this(numFeatures, 1e-5, 0.1, true, true);
    }

    /** PyTorch's {@code extra_repr}: {@code 32, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True}. */
    String extraRepr() {
        return numFeatures + ", eps=" + Dropout.pyFloat(eps) + ", momentum="
                + (momentum == null ? "None" : Dropout.pyFloat(momentum)) + ", affine=" + Module.py(affine)
                + ", track_running_stats=" + Module.py(trackRunningStats);
    }
}
