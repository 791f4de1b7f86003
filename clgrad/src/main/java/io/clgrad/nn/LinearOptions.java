package io.clgrad.nn;

/**
 * The options of a {@link Linear} layer, as libtorch's {@code torch::nn::LinearOptions}.
 *
 * <pre>{@code
 * Linear m = new Linear(20, 30, false);
 * System.out.println(m.options());   // LinearOptions[inFeatures=20, outFeatures=30, bias=false]
 * }</pre>
 *
 * @param inFeatures  size of each input sample, {@code >= 0}
 * @param outFeatures size of each output sample, {@code >= 0}
 * @param bias        whether the layer learns an additive bias
 */
public record LinearOptions(int inFeatures, int outFeatures, boolean bias) {
    /**
     * Checks the sizes.
     *
     * @throws IllegalArgumentException when a size is negative
     */
    public LinearOptions {
        if (inFeatures < 0 || outFeatures < 0) {
            throw new IllegalArgumentException("Linear: in_features and out_features must be >= 0, got in_features="
                    + inFeatures + ", out_features=" + outFeatures);
        }
    }
}
