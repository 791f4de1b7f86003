package io.clgrad.nn;

import io.clgrad.Device;

/**
 * What {@link GroupNorm} and {@link LayerNorm} share: statistics taken per sample (so the same in
 * training and evaluation, without buffers), {@code eps}, the optional affine pair weight (ones) and
 * bias (zeros), and the print format {@code <sizes>, eps=1e-05, <affine name>=True}.
 *
 * @param <M> the concrete module
 */
abstract class PerSampleNorm<M extends PerSampleNorm<M>> extends AffineModule<M> {
    /** Added to the variance. */
    final double eps;
    private final String sizes;
    private final String affineName;
    private final boolean affine;

    /**
     * @param sizes      the leading arguments as PyTorch prints them ({@code 4, 32}, {@code (64,)})
     * @param affineName PyTorch's name of the affine flag ({@code affine}, {@code elementwise_affine})
     * @param eps        added to the variance
     * @param affine     whether to learn a weight and a bias
     * @param device     where the parameters live
     * @param shape      the shape of the weight and the bias
     */
    PerSampleNorm(String sizes, String affineName, double eps, boolean affine, Device device, int... shape) {
        this.sizes = sizes;
        this.affineName = affineName;
        this.eps = eps;
        this.affine = affine;
        registerAffine(affine, device, shape);
    }

    /** {@code 4, 32, eps=1e-05, affine=True}. */
    @Override
    protected String extraRepr() {
        return sizes + ", eps=" + Dropout.pyFloat(eps) + ", " + affineName + "=" + py(affine);
    }
}
