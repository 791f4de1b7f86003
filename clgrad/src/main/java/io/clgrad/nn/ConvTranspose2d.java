package io.clgrad.nn;

import io.clgrad.Device;
import io.clgrad.Functional;
import io.clgrad.Tensor;

/**
 * A 2-D transposed convolution ("deconvolution"), as PyTorch's {@code torch.nn.ConvTranspose2d}: the
 * gradient of a {@link Conv2d} with respect to its input, which upsamples by the stride. See
 * {@link Functional#convTranspose2d}.
 *
 * <p>Parameters: {@code weight} [in_channels, out_channels/groups, kH, kW] and {@code bias}
 * [out_channels], both initialised as PyTorch's (kaiming-uniform with a = √5 and fan-in
 * (out_channels/groups)·kH·kW; bias uniform in ±1/√fan-in).
 *
 * <p>Shapes: input [N, in_channels, H, W] or [in_channels, H, W]; output [N, out_channels, outH, outW]
 * with {@code outH = (H−1)·stride − 2·padding + dilation·(kH−1) + output_padding + 1}.
 *
 * <pre>{@code
 * ConvTranspose2d up = new ConvTranspose2d(16, 8, 3, 2, 1, 1);
 * System.out.println(up);   // ConvTranspose2d(16, 8, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1), output_padding=(1, 1))
 * Tensor y = up.forward(Tensor.randn(4, 16, 7, 7));   // [4, 8, 14, 14]
 * }</pre>
 */
public class ConvTranspose2d extends ConvNd<ConvTranspose2d> {
    private static final String NAME = "ConvTranspose2d";

    /**
     * A transposed convolution with stride 1, no padding, a bias, on the CPU.
     *
     * @param inChannels  input channels
     * @param outChannels output channels
     * @param kernelSize  the square kernel's side
     */
    public ConvTranspose2d(int inChannels, int outChannels, int kernelSize) {
        this(inChannels, outChannels, kernelSize, 1, 0, 0);
    }

    /**
     * A transposed convolution with square geometry, one group, a bias, on the CPU.
     *
     * @param inChannels    input channels
     * @param outChannels   output channels
     * @param kernelSize    the square kernel's side
     * @param stride        the upsampling step
     * @param padding       {@code dilation·(k−1) − padding} zeros on each side of the input
     * @param outputPadding extra rows and columns at the bottom/right of the output
     */
    public ConvTranspose2d(int inChannels, int outChannels, int kernelSize, int stride, int padding,
                           int outputPadding) {
        this(inChannels, outChannels, new int[] {kernelSize}, new int[] {stride}, new int[] {padding},
                new int[] {outputPadding}, 1, true, new int[] {1}, Device.cpu());
    }

    /**
     * A transposed convolution with every argument, in PyTorch's order.
     *
     * @param inChannels    input channels, divisible by groups
     * @param outChannels   output channels, divisible by groups
     * @param kernelSize    one int or two (kH, kW)
     * @param stride        one int or two
     * @param padding       one int or two
     * @param outputPadding one int or two, each smaller than its stride or its dilation
     * @param groups        channel groups
     * @param bias          whether to learn a bias
     * @param dilation      one int or two
     * @param device        where the parameters live
     */
    public ConvTranspose2d(int inChannels, int outChannels, int[] kernelSize, int[] stride, int[] padding,
                           int[] outputPadding, int groups, boolean bias, int[] dilation, Device device) {
        super(NAME, inChannels, outChannels, expand(NAME, "kernel_size", 2, kernelSize),
                expand(NAME, "stride", 2, stride), expand(NAME, "padding", 2, padding), null,
                expand(NAME, "dilation", 2, dilation), groups, bias, device,
                expand(NAME, "output_padding", 2, outputPadding));
    }

    /**
     * The transposed convolution of x.
     *
     * @param x [N, in_channels, H, W] or [in_channels, H, W]
     * @return [N, out_channels, outH, outW] (or without N)
     */
    @Override
    public Tensor forward(Tensor x) {
        ConvOptions o = options();
        return Functional.convTranspose2d(x, weight(), bias(), ConvOptions.ints(o.stride()), ConvOptions.ints(o.padding()),
                ConvOptions.ints(o.outputPadding()), o.groups(), ConvOptions.ints(o.dilation()));
    }
}
