package io.clgrad.nn;

import io.clgrad.Device;
import io.clgrad.Functional;
import io.clgrad.Tensor;

/**
 * A 1-D convolution over an input of several channels, as PyTorch's {@code torch.nn.Conv1d}:
 * {@code out[n][o] = bias[o] + Σ_c weight[o][c] ⋆ in[n][g·C_in/groups + c]} (⋆ the cross-correlation,
 * with stride, zero padding and dilation), computed by
 * {@link Functional#conv1d(Tensor, Tensor, Tensor, int, int, int, int)}.
 *
 * <p>Parameters: {@code inChannels}, {@code outChannels}, {@code kernelSize}, {@code stride}
 * (default 1), {@code padding} (default 0, or "same"/"valid"), {@code dilation} (default 1),
 * {@code groups} (default 1), {@code bias} (default true). Only {@code padding_mode='zeros'} exists.
 *
 * <p>Shapes: input {@code [N, C_in, L]} or {@code [C_in, L]}; output {@code [N, C_out, L_out]},
 * {@code L_out = floor((L + 2·padding - dilation·(kernel_size-1) - 1) / stride) + 1}.
 *
 * <p>Variables: {@code weight} {@code [C_out, C_in/groups, kernel_size]} and {@code bias}
 * {@code [C_out]}, both from U(-k, k), {@code k = 1/√(C_in/groups · kernel_size)}.
 *
 * <pre>{@code
 * Conv1d m = new Conv1d(16, 33, 3, 2, 0);
 * Tensor output = m.forward(Tensor.randn(20, 16, 50));   // [20, 33, 24]
 * }</pre>
 */
public class Conv1d extends ConvNd<Conv1d> {
    private static final String NAME = "Conv1d";

    /**
     * Stride 1, no padding, with a bias, on the CPU.
     *
     * @param inChannels  channels of the input
     * @param outChannels channels the convolution produces
     * @param kernelSize  the kernel's length
     */
    public Conv1d(int inChannels, int outChannels, int kernelSize) {
        this(inChannels, outChannels, kernelSize, 1, 0);
    }

    /**
     * With a bias, on the CPU.
     *
     * @param inChannels  channels of the input
     * @param outChannels channels the convolution produces
     * @param kernelSize  the kernel's length
     * @param stride      the step
     * @param padding     zeros added on both sides
     */
    public Conv1d(int inChannels, int outChannels, int kernelSize, int stride, int padding) {
        this(inChannels, outChannels, kernelSize, stride, padding, 1, 1, true, Device.cpu());
    }

    /**
     * The general form, as {@code torch.nn.Conv1d(in, out, kernel_size, stride, padding, dilation,
     * groups, bias, device=device)}.
     *
     * @param inChannels  channels of the input
     * @param outChannels channels the convolution produces
     * @param kernelSize  the kernel's length
     * @param stride      the step
     * @param padding     zeros added on both sides
     * @param dilation    spacing between kernel taps
     * @param groups      channel groups
     * @param bias        whether to learn an additive bias
     * @param device      where the parameters live
     */
    public Conv1d(int inChannels, int outChannels, int kernelSize, int stride, int padding, int dilation, int groups,
                  boolean bias, Device device) {
        super(NAME, inChannels, outChannels, new int[] {kernelSize}, new int[] {stride}, new int[] {padding}, null,
                new int[] {dilation}, groups, bias, device);
    }

    /**
     * With PyTorch's padding strings, {@code "same"} (stride 1 only) or {@code "valid"}.
     *
     * @param inChannels  channels of the input
     * @param outChannels channels the convolution produces
     * @param kernelSize  the kernel's length
     * @param stride      the step
     * @param padding     "same" or "valid"
     * @param dilation    spacing between kernel taps
     * @param groups      channel groups
     * @param bias        whether to learn an additive bias
     * @param device      where the parameters live
     */
    public Conv1d(int inChannels, int outChannels, int kernelSize, int stride, String padding, int dilation, int groups,
                  boolean bias, Device device) {
        super(NAME, inChannels, outChannels, new int[] {kernelSize}, new int[] {stride}, null, padding,
                new int[] {dilation}, groups, bias, device);
    }

    /**
     * The convolution of {@code x} with this layer's weight, plus its bias.
     *
     * @param x input {@code [N, C_in, L]} or {@code [C_in, L]}
     * @return output {@code [N, C_out, L_out]}
     */
    @Override
    public Tensor forward(Tensor x) {
        ConvOptions o = options();
        if (o.paddingString() != null) {
            return Functional.conv1d(x, weight(), bias(), o.stride().get(0), o.paddingString(), o.dilation().get(0),
                    o.groups());
        }
        return Functional.conv1d(x, weight(), bias(), o.stride().get(0), o.padding().get(0), o.dilation().get(0),
                o.groups());
    }
}
