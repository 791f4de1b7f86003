package io.clgrad.backend;

/**
 * Geometry of a 2-D convolution's patch copies, {@link Backend#im2col} and {@link Backend#col2im}:
 * an input {@code x} of shape [batch, channels, height, width] (contiguous, row-major), a kernel
 * window of {@code kernelH × kernelW} taps placed every {@code stride} pixels, its taps
 * {@code dilation} pixels apart, over the input padded with zeros ({@code padTop} rows above,
 * {@code padBottom} below, {@code padLeft} and {@code padRight} columns beside; PyTorch's
 * {@code padding=(p, q)} is {@code top = bottom = p}, {@code left = right = q}), the channels split
 * into {@code groups} equal groups.
 *
 * <p>Output position (oh, ow) with tap (i, j) reads input pixel
 * {@code h = oh·strideH - padTop + i·dilationH}, {@code w = ow·strideW - padLeft + j·dilationW} (zero
 * when outside the input), and
 * {@code outH = floor((height + padTop + padBottom - dilationH·(kernelH-1) - 1) / strideH) + 1}
 * (likewise outW).
 *
 * <p>The patch matrix ("cols") is laid out group-major, one row per output pixel:
 * {@code [groups, batch·outH·outW, (channels/groups)·kernelH·kernelW]}, element
 * {@code cols[g][(n·outH + oh)·outW + ow][(c·kernelH + i)·kernelW + j]} holding input channel
 * {@code g·channels/groups + c}. Each group's block is then the row-major left operand of that
 * group's product with its weights, {@code [batch·outH·outW, K] · [K, outChannels/groups]}.
 *
 * @param batch     images, at least 1
 * @param channels  input channels, at least 1 and a multiple of {@code groups}
 * @param groups    channel groups, at least 1
 * @param height    input rows, at least 1
 * @param width     input columns, at least 1
 * @param kernelH   kernel rows, at least 1
 * @param kernelW   kernel columns, at least 1
 * @param strideH   step between output rows, at least 1
 * @param strideW   step between output columns, at least 1
 * @param padTop    zero rows above the input, at least 0
 * @param padBottom zero rows below the input, at least 0
 * @param padLeft   zero columns left of the input, at least 0
 * @param padRight  zero columns right of the input, at least 0
 * @param dilationH distance between kernel rows, at least 1
 * @param dilationW distance between kernel columns, at least 1
 */
public record ConvSpec(int batch, int channels, int groups, int height, int width, int kernelH, int kernelW,
                       int strideH, int strideW, int padTop, int padBottom, int padLeft, int padRight,
                       int dilationH, int dilationW) {

    /**
     * Checks every size and that the window fits the padded input at least once.
     *
     * @throws IllegalArgumentException naming the argument and the geometry
     */
    public ConvSpec {
        atLeast("batch", batch, 1);
        atLeast("channels", channels, 1);
        atLeast("groups", groups, 1);
        atLeast("height", height, 1);
        atLeast("width", width, 1);
        atLeast("kernel height", kernelH, 1);
        atLeast("kernel width", kernelW, 1);
        atLeast("stride height", strideH, 1);
        atLeast("stride width", strideW, 1);
        atLeast("top padding", padTop, 0);
        atLeast("bottom padding", padBottom, 0);
        atLeast("left padding", padLeft, 0);
        atLeast("right padding", padRight, 0);
        atLeast("dilation height", dilationH, 1);
        atLeast("dilation width", dilationW, 1);
        if (channels % groups != 0) {
            throw new IllegalArgumentException("conv: channels " + channels + " must be divisible by groups " + groups);
        }
        long spanH = (long) dilationH * (kernelH - 1) + 1;
        long spanW = (long) dilationW * (kernelW - 1) + 1;
        long paddedH = (long) height + padTop + padBottom;
        long paddedW = (long) width + padLeft + padRight;
        if (spanH > paddedH || spanW > paddedW) {
            throw new IllegalArgumentException("conv: kernel size (" + kernelH + ", " + kernelW + ") with dilation ("
                    + dilationH + ", " + dilationW + ") spans (" + spanH + ", " + spanW
                    + ") pixels, more than the padded input (" + paddedH + ", " + paddedW + ") of input size ("
                    + height + ", " + width + ")");
        }
        long cols = (long) groups * batch * ((paddedH - spanH) / strideH + 1) * ((paddedW - spanW) / strideW + 1)
                * (channels / groups) * kernelH * kernelW;
        long input = (long) batch * channels * height * width;
        if (cols > Integer.MAX_VALUE || input > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("conv: " + (cols > Integer.MAX_VALUE ? "patch matrix of " + cols
                    : "input of " + input) + " elements exceeds " + Integer.MAX_VALUE + "; use a smaller batch");
        }
    }

    private static void atLeast(String what, int value, int min) {
        if (value < min) {
            throw new IllegalArgumentException("conv: " + what + " must be at least " + min + ", got " + value);
        }
    }

    /**
     * A convolution with the same padding on both sides of each axis, as PyTorch's
     * {@code padding=(padH, padW)}.
     *
     * @param batch     images
     * @param channels  input channels
     * @param groups    channel groups
     * @param height    input rows
     * @param width     input columns
     * @param kernelH   kernel rows
     * @param kernelW   kernel columns
     * @param strideH   row step
     * @param strideW   column step
     * @param padH      zero rows above and below
     * @param padW      zero columns left and right
     * @param dilationH distance between kernel rows
     * @param dilationW distance between kernel columns
     * @return the geometry
     */
    public static ConvSpec symmetric(int batch, int channels, int groups, int height, int width, int kernelH,
                                     int kernelW, int strideH, int strideW, int padH, int padW, int dilationH,
                                     int dilationW) {
        return new ConvSpec(batch, channels, groups, height, width, kernelH, kernelW, strideH, strideW, padH, padH,
                padW, padW, dilationH, dilationW);
    }

    /** Output rows: {@code floor((height + padTop + padBottom - dilationH·(kernelH-1) - 1) / strideH) + 1}. */
    public int outH() {
        return (height + padTop + padBottom - dilationH * (kernelH - 1) - 1) / strideH + 1;
    }

    /** Output columns: {@code floor((width + padLeft + padRight - dilationW·(kernelW-1) - 1) / strideW) + 1}. */
    public int outW() {
        return (width + padLeft + padRight - dilationW * (kernelW - 1) - 1) / strideW + 1;
    }

    /** Input channels per group. */
    public int groupChannels() {
        return channels / groups;
    }

    /** Rows of one group's patch matrix: {@code batch·outH·outW}, one per output pixel. */
    public int patches() {
        return batch * outH() * outW();
    }

    /** Columns of the patch matrix: {@code (channels/groups)·kernelH·kernelW}, a group's taps. */
    public int patchSize() {
        return groupChannels() * kernelH * kernelW;
    }

    /** Elements of the input (and of col2im's output): {@code batch·channels·height·width}. */
    public int inputSize() {
        return batch * channels * height * width;
    }

    /** Elements of the patch matrix: {@code groups·patches()·patchSize()}. */
    public int colsSize() {
        return groups * patches() * patchSize();
    }

    /** A short description for messages and case names, e.g. {@code [2,3,7,5] k3x3 s2,1 p1,1,0,0 d1,1 g1}. */
    @Override
    public String toString() {
        return "[" + batch + "," + channels + "," + height + "," + width + "] k" + kernelH + "x" + kernelW + " s"
                + strideH + "," + strideW + " p" + padTop + "," + padBottom + "," + padLeft + "," + padRight + " d"
                + dilationH + "," + dilationW + " g" + groups;
    }
}
