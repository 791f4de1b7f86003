package io.clgrad.nn;

import io.clgrad.Device;
import io.clgrad.Tensor;
import io.clgrad.nn.init.Init;
import java.util.Arrays;

/**
 * What {@link Conv1d} and {@link Conv2d} share, as PyTorch's {@code _ConvNd}: the arguments, their
 * checks, the parameters {@code weight} [out_channels, in_channels/groups, *kernel_size] and
 * {@code bias} [out_channels], PyTorch's initialisation and print format.
 *
 * @param <M> the concrete module
 */
abstract class ConvNd<M extends ConvNd<M>> extends AffineModule<M> {
    private final int inChannels;
    private final int outChannels;
    private final int[] kernelSize;
    private final int[] stride;
    private final int[] padding;          // null when paddingMode is set
    private final String paddingString;   // "same" / "valid", or null
    private final int[] dilation;
    private final int groups;
    private final int[] outputPadding;    // null unless transposed

    /**
     * @param name          the module, for messages ("Conv2d")
     * @param inChannels    input channels, divisible by groups
     * @param outChannels   output channels, divisible by groups
     * @param kernelSize    one size per spatial axis
     * @param stride        one step per axis
     * @param padding       zeros per axis on both sides, or null when {@code paddingString} is given
     * @param paddingString "same" or "valid", or null
     * @param dilation      one tap spacing per axis
     * @param groups        channel groups
     * @param bias          whether to learn a bias
     * @param device        where the parameters live
     */
    ConvNd(String name, int inChannels, int outChannels, int[] kernelSize, int[] stride, int[] padding,
           String paddingString, int[] dilation, int groups, boolean bias, Device device) {
        this(name, inChannels, outChannels, kernelSize, stride, padding, paddingString, dilation, groups, bias, device,
                null);
    }

    /**
     * A convolution, or with {@code outputPadding} a transposed one (PyTorch's {@code transposed=True}):
     * its weight is then [in_channels, out_channels/groups, *kernel_size].
     *
     * @param name          the module, for messages ("ConvTranspose2d")
     * @param inChannels    input channels, divisible by groups
     * @param outChannels   output channels, divisible by groups
     * @param kernelSize    one size per spatial axis
     * @param stride        one step per axis
     * @param padding       zeros per axis, or null when {@code paddingString} is given
     * @param paddingString "same" or "valid", or null
     * @param dilation      one tap spacing per axis
     * @param groups        channel groups
     * @param bias          whether to learn a bias
     * @param device        where the parameters live
     * @param outputPadding one extra output size per axis for a transposed convolution, else null
     */
    ConvNd(String name, int inChannels, int outChannels, int[] kernelSize, int[] stride, int[] padding,
           String paddingString, int[] dilation, int groups, boolean bias, Device device, int[] outputPadding) {
        if (groups <= 0) {
            throw new IllegalArgumentException(name + ": groups must be a positive integer, got " + groups);
        }
        if (inChannels < 1 || outChannels < 1) {
            throw new IllegalArgumentException(name + ": in_channels and out_channels must be positive, got "
                    + inChannels + " and " + outChannels);
        }
        if (inChannels % groups != 0) {
            throw new IllegalArgumentException(name + ": in_channels must be divisible by groups (in_channels="
                    + inChannels + ", groups=" + groups + ")");
        }
        if (outChannels % groups != 0) {
            throw new IllegalArgumentException(name + ": out_channels must be divisible by groups (out_channels="
                    + outChannels + ", groups=" + groups + ")");
        }
        for (int[] v : new int[][] {kernelSize, stride, dilation}) {
            for (int x : v) {
                if (x < 1) {
                    throw new IllegalArgumentException(name + ": kernel_size, stride and dilation must be positive,"
                            + " got kernel_size=" + tuple(kernelSize) + ", stride=" + tuple(stride) + ", dilation="
                            + tuple(dilation));
                }
            }
        }
        if (paddingString != null) {
            if (!paddingString.equals("same") && !paddingString.equals("valid")) {
                throw new IllegalArgumentException(name + ": invalid padding string '" + paddingString
                        + "', should be one of {'valid', 'same'}");
            }
            if (paddingString.equals("same") && Arrays.stream(stride).anyMatch(s -> s != 1)) {
                throw new IllegalArgumentException(name + ": padding='same' is not supported for strided convolutions");
            }
        } else if (Arrays.stream(padding).anyMatch(p -> p < 0)) {
            throw new IllegalArgumentException(name + ": padding must be at least 0, got " + tuple(padding));
        }
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.kernelSize = kernelSize.clone();
        this.stride = stride.clone();
        this.padding = padding == null ? null : padding.clone();
        this.paddingString = paddingString;
        this.dilation = dilation.clone();
        this.groups = groups;
        this.outputPadding = outputPadding == null ? null : outputPadding.clone();
        int[] shape = new int[2 + kernelSize.length];
        shape[0] = outputPadding == null ? outChannels : inChannels;
        shape[1] = outputPadding == null ? inChannels / groups : outChannels / groups;
        System.arraycopy(kernelSize, 0, shape, 2, kernelSize.length);
        registerParameter("weight", Tensor.zeros(device, shape));
        registerParameter("bias", bias ? Tensor.zeros(device, outChannels) : null);
        resetParameters();
    }

    /** {@code size} values of {@code v} each, or {@code v} itself when it has {@code size} already. */
    static int[] expand(String name, String what, int size, int[] v) {
        if (v.length == size) {
            return v;
        }
        if (v.length == 1) {
            int[] out = new int[size];
            Arrays.fill(out, v[0]);
            return out;
        }
        throw new IllegalArgumentException(name + ": " + what + " must be one int or " + size + ", got "
                + Arrays.toString(v));
    }

    /**
     * Re-initialises the parameters as the constructor does, as PyTorch: weight by
     * {@code kaiming_uniform(a=√5)}, i.e. U(-1/√fan_in, 1/√fan_in), and bias by U(-1/√fan_in,
     * 1/√fan_in), with {@code fan_in = in_channels/groups · ∏ kernel_size}.
     */
    public void resetParameters() {
        Init.kaimingUniform(weight(), Math.sqrt(5), Init.FanMode.FAN_IN, "leaky_relu");
        Tensor b = bias();
        if (b != null) {
            int fanIn = Init.calculateFanInAndFanOut(weight().shape())[0];
            double bound = 1 / Math.sqrt(fanIn);
            Init.uniform(b, -bound, bound);
        }
    }

    /** @return the number of input channels */
    public int inChannels() {
        return inChannels;
    }

    /** @return the number of output channels */
    public int outChannels() {
        return outChannels;
    }

    /** @return the kernel size, one entry per spatial axis (a copy) */
    public int[] kernelSize() {
        return kernelSize.clone();
    }

    /** @return the stride, one entry per spatial axis (a copy) */
    public int[] stride() {
        return stride.clone();
    }

    /** @return the padding per spatial axis (a copy), or null when given as a string */
    public int[] padding() {
        return padding == null ? null : padding.clone();
    }

    /** @return "same" or "valid" when the padding was given as a string, else null */
    public String paddingString() {
        return paddingString;
    }

    /** @return the dilation, one entry per spatial axis (a copy) */
    public int[] dilation() {
        return dilation.clone();
    }

    /** @return the output padding per spatial axis of a transposed convolution (a copy), else null */
    public int[] outputPadding() {
        return outputPadding == null ? null : outputPadding.clone();
    }

    /** @return the number of channel groups */
    public int groups() {
        return groups;
    }

    /**
     * PyTorch's {@code _ConvNd.extra_repr}: {@code 1, 32, kernel_size=(3, 3), stride=(1, 1)}, then
     * padding, dilation and groups where not their defaults and {@code bias=False} without bias.
     */
    @Override
    protected String extraRepr() {
        StringBuilder s = new StringBuilder().append(inChannels).append(", ").append(outChannels)
                .append(", kernel_size=").append(tuple(kernelSize)).append(", stride=").append(tuple(stride));
        if (paddingString != null) {
            s.append(", padding=").append(paddingString);
        } else if (Arrays.stream(padding).anyMatch(p -> p != 0)) {
            s.append(", padding=").append(tuple(padding));
        }
        if (Arrays.stream(dilation).anyMatch(d -> d != 1)) {
            s.append(", dilation=").append(tuple(dilation));
        }
        if (outputPadding != null && Arrays.stream(outputPadding).anyMatch(p -> p != 0)) {
            s.append(", output_padding=").append(tuple(outputPadding));
        }
        if (groups != 1) {
            s.append(", groups=").append(groups);
        }
        if (bias() == null) {
            s.append(", bias=False");
        }
        return s.toString();
    }

    /** Python's tuple format: {@code (3, 3)}, {@code (3,)}. */
    static String tuple(int[] v) {
        StringBuilder s = new StringBuilder("(");
        for (int i = 0; i < v.length; i++) {
            s.append(i > 0 ? ", " : "").append(v[i]);
        }
        return s.append(v.length == 1 ? ",)" : ")").toString();
    }
}
