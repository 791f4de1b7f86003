package io.clgrad.nn;

import io.clgrad.Device;
import io.clgrad.Functional;
import io.clgrad.Tensor;

/**
 * Layer normalisation over the trailing dims, as PyTorch's {@code torch.nn.LayerNorm}:
 * {@code y = (x − E[x]) / √(Var[x] + eps) · weight + bias}, with the mean and biased variance of each
 * sample over the last {@code normalizedShape.length} dims. Unlike batch norm it keeps no running
 * statistics and behaves the same in training and evaluation.
 *
 * <p>Parameters (when {@code elementwiseAffine}): {@code weight} (ones) and {@code bias} (zeros),
 * both of shape {@code normalizedShape}.
 *
 * <p>Shapes: input {@code [*, normalizedShape…]}; output the same.
 *
 * <pre>{@code
 * LayerNorm ln = new LayerNorm(64);
 * System.out.println(ln);   // LayerNorm((64,), eps=1e-05, elementwise_affine=True)
 * Tensor y = ln.forward(Tensor.randn(8, 10, 64));
 * }</pre>
 */
public class LayerNorm extends PerSampleNorm<LayerNorm> {
    private final int[] normalizedShape;

    /**
     * A layer norm with eps 1e-5 and a learnable weight and bias, on the CPU.
     *
     * @param normalizedShape the trailing dims normalised together
     */
    public LayerNorm(int... normalizedShape) {
        this(normalizedShape, 1e-5, true, Device.cpu());
    }

    /**
     * A layer norm with every argument, in PyTorch's order.
     *
     * @param normalizedShape   the trailing dims normalised together (at least one)
     * @param eps               added to the variance
     * @param elementwiseAffine whether to learn a weight and a bias
     * @param device            where the parameters live
     */
    public LayerNorm(int[] normalizedShape, double eps, boolean elementwiseAffine, Device device) {
        super(sizes(normalizedShape), "elementwise_affine", eps, elementwiseAffine, device, normalizedShape);
        this.normalizedShape = normalizedShape.clone();
    }

    /** {@code (64,)}, once the shape is checked to have a dim. */
    private static String sizes(int[] normalizedShape) {
        if (normalizedShape == null || normalizedShape.length == 0) {
            throw new IllegalArgumentException("LayerNorm: normalized_shape must have at least one dim");
        }
        return ConvNd.tuple(normalizedShape);
    }

    /**
     * The normalised input.
     *
     * @param x [*, normalizedShape…]
     * @return the same shape
     */
    @Override
    public Tensor forward(Tensor x) {
        return Functional.layerNorm(x, normalizedShape, weight(), bias(), eps);
    }

    /** @return the normalised trailing dims (a copy) */
    public int[] normalizedShape() {
        return normalizedShape.clone();
    }

    /** @return the value added to the variance */
    public double eps() {
        return eps;
    }
}
