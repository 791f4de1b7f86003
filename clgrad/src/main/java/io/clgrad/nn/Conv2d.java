package io.clgrad.nn;

import io.clgrad.Device;
import io.clgrad.Functional;
import io.clgrad.Tensor;

/**
 * A 2-D convolution over an input of several planes, as PyTorch's {@code torch.nn.Conv2d}:
 * {@code out[n][o] = bias[o] + Σ_c weight[o][c] ⋆ in[n][g·C_in/groups + c]} (⋆ the 2-D
 * cross-correlation, with stride, zero padding and dilation), computed by
 * {@link Functional#conv2d(Tensor, Tensor, Tensor, int[], int[], int[], int)}.
 *
 * <p>Parameters: {@code inChannels}, {@code outChannels}; {@code kernelSize}, {@code stride}
 * (default 1), {@code padding} (default 0, or "same"/"valid"), {@code dilation} (default 1), each
 * one int for both axes or an int pair; {@code groups} (default 1; dividing both channel counts);
 * {@code bias} (default true). Only PyTorch's default {@code padding_mode='zeros'} exists.
 *
 * <p>Shapes: input {@code [N, C_in, H, W]} or {@code [C_in, H, W]}; output
 * {@code [N, C_out, H_out, W_out]} with {@code H_out = floor((H + 2·padding[0] - dilation[0]·(kernel[0]-1) - 1) / stride[0]) + 1}.
 *
 * <p>Variables: {@code weight} {@code [C_out, C_in/groups, kH, kW]} and {@code bias} {@code [C_out]},
 * both from U(-k, k), {@code k = 1/√(C_in/groups · kH · kW)} (PyTorch's {@code kaiming_uniform_(a=√5)}
 * and its bias rule), drawn from the global generator.
 *
 * <pre>{@code
 * Conv2d m = new Conv2d(16, 33, 3, 2, 1);
 * Tensor output = m.forward(Tensor.randn(20, 16, 50, 100));   // [20, 33, 25, 50]
 * System.out.println(m);   // Conv2d(16, 33, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1))
 * }</pre>
 */
public class Conv2d extends ConvNd<Conv2d> {
    private static final String NAME = "Conv2d";

    /**
     * A square kernel with stride 1, no padding, and a bias, on the CPU.
     *
     * @param inChannels  channels of the input
     * @param outChannels channels the convolution produces
     * @param kernelSize  the kernel's height and width
     */
    public Conv2d(int inChannels, int outChannels, int kernelSize) {
        this(inChannels, outChannels, kernelSize, 1, 0);
    }

    /**
     * A square kernel with a bias, on the CPU.
     *
     * @param inChannels  channels of the input
     * @param outChannels channels the convolution produces
     * @param kernelSize  the kernel's height and width
     * @param stride      the step along both axes
     * @param padding     zeros added on every side
     */
    public Conv2d(int inChannels, int outChannels, int kernelSize, int stride, int padding) {
        this(inChannels, outChannels, kernelSize, stride, padding, 1, 1, true);
    }

    /**
     * A square kernel on the CPU.
     *
     * @param inChannels  channels of the input
     * @param outChannels channels the convolution produces
     * @param kernelSize  the kernel's height and width
     * @param stride      the step along both axes
     * @param padding     zeros added on every side
     * @param dilation    spacing between kernel taps
     * @param groups      channel groups (in_channels for a depthwise convolution)
     * @param bias        whether to learn an additive bias
     */
    public Conv2d(int inChannels, int outChannels, int kernelSize, int stride, int padding, int dilation, int groups,
                  boolean bias) {
        this(inChannels, outChannels, new int[] {kernelSize}, new int[] {stride}, new int[] {padding},
                new int[] {dilation}, groups, bias, Device.cpu());
    }

    /**
     * The general form, as {@code torch.nn.Conv2d(in, out, kernel_size, stride, padding, dilation,
     * groups, bias, device=device)}.
     *
     * @param inChannels  channels of the input
     * @param outChannels channels the convolution produces
     * @param kernelSize  {kH, kW}, or one value for both
     * @param stride      {sH, sW}, or one value for both
     * @param padding     {pH, pW} zeros on both sides of each axis, or one value for both
     * @param dilation    {dH, dW}, or one value for both
     * @param groups      channel groups
     * @param bias        whether to learn an additive bias
     * @param device      where the parameters live
     * @throws IllegalArgumentException when the channels are not divisible by groups, or a size is out of range
     */
    public Conv2d(int inChannels, int outChannels, int[] kernelSize, int[] stride, int[] padding, int[] dilation,
                  int groups, boolean bias, Device device) {
        super(NAME, inChannels, outChannels, expand(NAME, "kernel_size", 2, kernelSize), expand(NAME, "stride", 2, stride),
                expand(NAME, "padding", 2, padding), null, expand(NAME, "dilation", 2, dilation), groups, bias, device);
    }

    /**
     * With PyTorch's padding strings, {@code "same"} (stride 1 only) or {@code "valid"}.
     *
     * @param inChannels  channels of the input
     * @param outChannels channels the convolution produces
     * @param kernelSize  {kH, kW}, or one value for both
     * @param stride      {sH, sW}, or one value for both
     * @param padding     "same" or "valid"
     * @param dilation    {dH, dW}, or one value for both
     * @param groups      channel groups
     * @param bias        whether to learn an additive bias
     * @param device      where the parameters live
     * @throws IllegalArgumentException for another string, or "same" with a stride other than 1
     */
    public Conv2d(int inChannels, int outChannels, int[] kernelSize, int[] stride, String padding, int[] dilation,
                  int groups, boolean bias, Device device) {
        super(NAME, inChannels, outChannels, expand(NAME, "kernel_size", 2, kernelSize), expand(NAME, "stride", 2, stride),
                null, padding, expand(NAME, "dilation", 2, dilation), groups, bias, device);
    }

    /**
     * The convolution of {@code x} with this layer's weight, plus its bias.
     *
     * @param x input {@code [N, C_in, H, W]} or {@code [C_in, H, W]}
     * @return output {@code [N, C_out, H_out, W_out]}
     * @throws IllegalArgumentException when x has the wrong rank or channel count (checked by
     *                                  {@link Functional#conv2d(Tensor, Tensor, Tensor, int[], int[], int[], int)})
     */
    @Override
    public Tensor forward(Tensor x) {
        ConvOptions o = options();
        int[] stride = ConvOptions.ints(o.stride());
        int[] dilation = ConvOptions.ints(o.dilation());
        if (o.paddingString() != null) {
            return Functional.conv2d(x, weight(), bias(), stride, o.paddingString(), dilation, o.groups());
        }
        return Functional.conv2d(x, weight(), bias(), stride, ConvOptions.ints(o.padding()), dilation, o.groups());
    }
}
