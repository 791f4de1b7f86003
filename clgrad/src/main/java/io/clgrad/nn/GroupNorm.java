package io.clgrad.nn;

import io.clgrad.Device;
import io.clgrad.Functional;
import io.clgrad.Tensor;

/**
 * Group normalisation, as PyTorch's {@code torch.nn.GroupNorm}: the channels of each sample in
 * {@code numGroups} groups, each normalised by its own mean and biased variance over its channels
 * and positions, then scaled and shifted per channel. The same in training and evaluation.
 *
 * <p>Parameters (when {@code affine}): {@code weight} [C] (ones) and {@code bias} [C] (zeros).
 *
 * <p>Shapes: input [N, C, *]; output the same.
 *
 * <pre>{@code
 * GroupNorm gn = new GroupNorm(4, 32);
 * System.out.println(gn);   // GroupNorm(4, 32, eps=1e-05, affine=True)
 * Tensor y = gn.forward(Tensor.randn(8, 32, 14, 14));
 * }</pre>
 */
public class GroupNorm extends PerSampleNorm<GroupNorm> {
    private final int numGroups;
    private final int numChannels;

    /**
     * A group norm with eps 1e-5 and a learnable weight and bias, on the CPU.
     *
     * @param numGroups   groups, dividing numChannels
     * @param numChannels C
     */
    public GroupNorm(int numGroups, int numChannels) {
        this(numGroups, numChannels, 1e-5, true, Device.cpu());
    }

    /**
     * A group norm with every argument, in PyTorch's order.
     *
     * @param numGroups   groups, dividing numChannels
     * @param numChannels C
     * @param eps         added to the variance
     * @param affine      whether to learn a weight and a bias per channel
     * @param device      where the parameters live
     * @throws IllegalArgumentException when numGroups does not divide numChannels
     */
    public GroupNorm(int numGroups, int numChannels, double eps, boolean affine, Device device) {
        super(sizes(numGroups, numChannels), "affine", eps, affine, device, numChannels);
        this.numGroups = numGroups;
        this.numChannels = numChannels;
    }

    /** {@code 4, 32}, once numGroups is checked to divide numChannels. */
    private static String sizes(int numGroups, int numChannels) {
        if (numGroups <= 0 || numChannels % numGroups != 0) {
            throw new IllegalArgumentException("GroupNorm: num_channels must be divisible by num_groups, got "
                    + numChannels + " and " + numGroups);
        }
        return numGroups + ", " + numChannels;
    }

    /**
     * The normalised input.
     *
     * @param x [N, C, *]
     * @return the same shape
     */
    @Override
    public Tensor forward(Tensor x) {
        return Functional.groupNorm(x, numGroups, weight(), bias(), eps);
    }

    /** @return the number of groups */
    public int numGroups() {
        return numGroups;
    }

    /** @return the number of channels C */
    public int numChannels() {
        return numChannels;
    }
}
