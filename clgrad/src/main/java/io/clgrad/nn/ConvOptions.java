package io.clgrad.nn;

import java.util.Arrays;
import java.util.List;

/**
 * The arguments a convolution module was built with, as libtorch's {@code Conv2dOptions} held in
 * {@code conv->options}, and as PyTorch's module attributes ({@code in_channels},
 * {@code kernel_size}, ...). Tuples are immutable lists with one entry per spatial axis.
 *
 * <pre>{@code
 * Conv2d conv = new Conv2d(3, 16, 3);
 * conv.options().kernelSize();   // [3, 3], PyTorch's conv.kernel_size == (3, 3)
 * }</pre>
 *
 * @param inChannels    input channels
 * @param outChannels   output channels
 * @param kernelSize    the kernel's size per axis
 * @param stride        the step per axis
 * @param padding       zeros per axis on both sides, or null when {@code paddingString} is set
 * @param paddingString {@code "same"} or {@code "valid"} when the padding was given as a string, else null
 * @param dilation      the tap spacing per axis
 * @param groups        channel groups
 * @param outputPadding extra output size per axis of a transposed convolution, else null
 */
public record ConvOptions(int inChannels, int outChannels, List<Integer> kernelSize, List<Integer> stride,
                          List<Integer> padding, String paddingString, List<Integer> dilation, int groups,
                          List<Integer> outputPadding) {
    /** Copies the tuples, so that the options cannot change after the module is built. */
    public ConvOptions {
        kernelSize = List.copyOf(kernelSize);
        stride = List.copyOf(stride);
        padding = padding == null ? null : List.copyOf(padding);
        dilation = List.copyOf(dilation);
        outputPadding = outputPadding == null ? null : List.copyOf(outputPadding);
    }

    /** An int array as a tuple; null stays null. */
    static List<Integer> listOf(int[] v) {
        return v == null ? null : Arrays.stream(v).boxed().toList();
    }

    /** A tuple as an int array, as the functional ops take it; null stays null. */
    static int[] ints(List<Integer> v) {
        return v == null ? null : v.stream().mapToInt(Integer::intValue).toArray();
    }
}
