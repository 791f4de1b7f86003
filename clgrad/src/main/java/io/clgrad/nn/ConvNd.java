package io.clgrad.nn;

import io.clgrad.Device;
import io.clgrad.Tensor;
import io.clgrad.nn.init.Init;
import java.util.Arrays;
import java.util.List;

/**
 * What {@link Conv1d} and {@link Conv2d} share, as PyTorch's {@code _ConvNd}: the arguments, their
 * checks, the parameters {@code weight} [out_channels, in_channels/groups, *kernel_size] and
 * {@code bias} [out_channels], PyTorch's initialisation and print format.
 *
 * @param <M> the concrete module
 */
abstract class ConvNd<M extends ConvNd<M>> extends AffineModule<M> {
    private final ConvOptions options;

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
        this.options = new ConvOptions(inChannels, outChannels, ConvOptions.listOf(kernelSize), ConvOptions.listOf(stride),
                ConvOptions.listOf(padding), paddingString, ConvOptions.listOf(dilation), groups,
                ConvOptions.listOf(outputPadding));
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

    /**
     * The arguments this module was built with (libtorch's {@code options}; PyTorch's attributes
     * {@code in_channels}, {@code kernel_size}, {@code stride}, ...).
     *
     * @return the options, immutable
     */
    public ConvOptions options() {
        return options;
    }

    @Override
    protected String extraRepr() {
        ConvOptions o = options;
        StringBuilder s = new StringBuilder().append(o.inChannels()).append(", ").append(o.outChannels())
                .append(", kernel_size=").append(tuple(o.kernelSize())).append(", stride=").append(tuple(o.stride()));
        if (o.paddingString() != null) {
            s.append(", padding=").append(o.paddingString());
        } else if (o.padding().stream().anyMatch(p -> p != 0)) {
            s.append(", padding=").append(tuple(o.padding()));
        }
        if (o.dilation().stream().anyMatch(d -> d != 1)) {
            s.append(", dilation=").append(tuple(o.dilation()));
        }
        if (o.outputPadding() != null && o.outputPadding().stream().anyMatch(p -> p != 0)) {
            s.append(", output_padding=").append(tuple(o.outputPadding()));
        }
        if (o.groups() != 1) {
            s.append(", groups=").append(o.groups());
        }
        if (bias() == null) {
            s.append(", bias=False");
        }
        return s.toString();
    }

    /** Python's tuple format: {@code (3, 3)}, {@code (3,)}. */
    static String tuple(int[] v) {
        return tuple(ConvOptions.listOf(v));
    }

    /** Python's tuple format of a list: {@code (3, 3)}, {@code (3,)}. */
    static String tuple(List<Integer> v) {
        StringBuilder s = new StringBuilder("(");
        for (int i = 0; i < v.size(); i++) {
            s.append(i > 0 ? ", " : "").append(v.get(i));
        }
        return s.append(v.size() == 1 ? ",)" : ")").toString();
    }
}
