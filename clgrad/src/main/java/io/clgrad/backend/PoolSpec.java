package io.clgrad.backend;

/**
 * Geometry of a 2-D max or average pooling over {@code planes} contiguous planes of
 * {@code height × width} float32 elements (the planes of an [N, C, H, W] tensor, so
 * {@code planes = N·C}), as PyTorch's {@code max_pool2d} and {@code avg_pool2d}.
 *
 * <p>Output element {@code (p, oh, ow)} pools the window whose rows are
 * {@code oh·strideH − padH + kh·dilationH} for {@code kh} in {@code [0, kernelH)} (columns likewise);
 * positions outside the input are padding. The output is contiguous
 * {@code [planes, outHeight(), outWidth()]}, its size from {@link #outputSize} (PyTorch's
 * {@code pooling_output_shape}).
 *
 * <p>The constructor checks the geometry as PyTorch does, in PyTorch's order and with its
 * messages ({@code "pad should be at most half of kernel size, but got pad=2 and kernel_size=3"}).
 * Average pooling has no dilation (use 1); max pooling ignores {@code countIncludePad} and
 * {@code divisorOverride}.
 *
 * @param planes          number of planes (batch · channels), at least 0
 * @param height          input rows per plane, at least 1
 * @param width           input columns per plane, at least 1
 * @param kernelH         window rows
 * @param kernelW         window columns
 * @param strideH         step between window rows
 * @param strideW         step between window columns
 * @param padH            implicit padding above and below, at most {@code kernelH / 2}
 * @param padW            implicit padding left and right, at most {@code kernelW / 2}
 * @param dilationH       step between the rows of one window
 * @param dilationW       step between the columns of one window
 * @param ceilMode        whether the output size rounds up (the last window must still start inside
 *                        the input or its left/top padding)
 * @param countIncludePad average pooling: whether padding counts in the divisor
 * @param divisorOverride average pooling: the divisor to use instead of the window's count, or 0 for
 *                        none (PyTorch refuses 0 as a divisor, so 0 is free to mean "none")
 */
public record PoolSpec(int planes, int height, int width, int kernelH, int kernelW, int strideH, int strideW,
                       int padH, int padW, int dilationH, int dilationW, boolean ceilMode,
                       boolean countIncludePad, int divisorOverride) {

    /**
     * Checks the geometry as PyTorch's pooling does.
     *
     * @throws IllegalArgumentException with PyTorch's message for a zero or negative stride, a negative
     *                                  padding or one above half the kernel, a kernel or dilation below 1,
     *                                  or an output of no rows or columns
     */
    public PoolSpec {
        if (planes < 0 || height < 1 || width < 1) {
            throw new IllegalArgumentException("pooling needs planes >= 0 and a non-empty plane, got "
                    + planes + " planes of " + height + "x" + width);
        }
        checkPad(kernelH, padH, strideH);
        checkPad(kernelW, padW, strideW);
        if (kernelH < 1 || kernelW < 1) {
            throw new IllegalArgumentException("kernel size should be greater than zero, but got kH: " + kernelH
                    + " kW: " + kernelW);
        }
        if (strideH < 1 || strideW < 1) {
            throw new IllegalArgumentException("stride should be greater than zero, but got dH: " + strideH
                    + " dW: " + strideW);
        }
        if (dilationH < 1 || dilationW < 1) {
            throw new IllegalArgumentException("dilation should be greater than zero, but got dilationH: "
                    + dilationH + " dilationW: " + dilationW);
        }
        long oh = outputSize(height, kernelH, padH, strideH, dilationH, ceilMode);
        long ow = outputSize(width, kernelW, padW, strideW, dilationW, ceilMode);
        if (oh < 1 || ow < 1) {
            throw new IllegalArgumentException("Given input size: (" + planes + "x" + height + "x" + width
                    + "). Calculated output size: (" + planes + "x" + oh + "x" + ow + "). Output size is too small");
        }
        if ((long) planes * oh * ow > Integer.MAX_VALUE || (long) planes * height * width > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("pooling of " + planes + " planes of " + height + "x" + width
                    + " has more than " + Integer.MAX_VALUE + " elements");
        }
    }

    /** PyTorch's {@code pooling_output_shape} checks of one axis, in its order. */
    private static void checkPad(int kernel, int pad, int stride) {
        if (stride == 0) {
            throw new IllegalArgumentException("stride should not be zero");
        }
        if (pad < 0) {
            throw new IllegalArgumentException("pad must be non-negative, but got pad: " + pad);
        }
        if (pad > kernel / 2) {
            throw new IllegalArgumentException("pad should be at most half of kernel size, but got pad=" + pad
                    + " and kernel_size=" + kernel);
        }
    }

    /**
     * A max pooling geometry (no divisor).
     *
     * @return the checked spec
     * @throws IllegalArgumentException as the constructor
     */
    public static PoolSpec max(int planes, int height, int width, int kernelH, int kernelW, int strideH, int strideW,
                               int padH, int padW, int dilationH, int dilationW, boolean ceilMode) {
        return new PoolSpec(planes, height, width, kernelH, kernelW, strideH, strideW, padH, padW, dilationH,
                dilationW, ceilMode, false, 0);
    }

    /**
     * An average pooling geometry (dilation 1).
     *
     * @param divisorOverride the divisor of every window, or 0 for the window's count
     * @return the checked spec
     * @throws IllegalArgumentException as the constructor
     */
    public static PoolSpec avg(int planes, int height, int width, int kernelH, int kernelW, int strideH, int strideW,
                               int padH, int padW, boolean ceilMode, boolean countIncludePad, int divisorOverride) {
        return new PoolSpec(planes, height, width, kernelH, kernelW, strideH, strideW, padH, padW, 1, 1,
                ceilMode, countIncludePad, divisorOverride);
    }

    /**
     * PyTorch's {@code pooling_output_shape}: {@code ⌊(in + 2·pad − dilation·(kernel−1) − 1 + (ceil ? stride−1 : 0))
     * / stride⌋ + 1} (division rounding toward −∞), less one in ceil mode when the last window would start
     * at or past {@code in + pad} (so every window starts inside the input or its left padding).
     *
     * @return the output size; 0 or less when the window does not fit
     */
    public static long outputSize(int in, int kernel, int pad, int stride, int dilation, boolean ceilMode) {
        long num = (long) in + 2L * pad - (long) dilation * (kernel - 1) - 1 + (ceilMode ? stride - 1 : 0);
        long out = Math.floorDiv(num, (long) stride) + 1;
        if (ceilMode && (out - 1) * stride >= (long) in + pad) {
            out--;
        }
        return out;
    }

    /** Output rows per plane. */
    public int outHeight() {
        return (int) outputSize(height, kernelH, padH, strideH, dilationH, ceilMode);
    }

    /** Output columns per plane. */
    public int outWidth() {
        return (int) outputSize(width, kernelW, padW, strideW, dilationW, ceilMode);
    }

    /** Elements of the input: planes · height · width. */
    public int inputCount() {
        return planes * height * width;
    }

    /** Elements of the output (and of max pooling's indices): planes · outHeight · outWidth. */
    public int outputCount() {
        return planes * outHeight() * outWidth();
    }

    /** Comparisons (max) or additions (average) the forward makes: outputCount · kernelH · kernelW. */
    public long windowWork() {
        return (long) outputCount() * kernelH * kernelW;
    }
}
