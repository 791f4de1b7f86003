package io.clgrad.nn;

import io.clgrad.Functional;
import io.clgrad.Tensor;

/**
 * 2-D average pooling over [N, C, H, W] (or [C, H, W]) inputs, as PyTorch's {@code torch.nn.AvgPool2d}:
 * each window's sum over its divisor (see
 * {@link Functional#avgPool2d(Tensor, int[], int[], int[], boolean, boolean, Integer)}).
 *
 * <p>Parameters (PyTorch's, in its order): {@code kernel_size} — the window; {@code stride} — the step
 * between windows (default: kernel_size); {@code padding} — implicit zero padding on both sides, at
 * most half the kernel (default 0); {@code ceil_mode} — round the output size up (default false);
 * {@code count_include_pad} — whether padding counts in the divisor (default true);
 * {@code divisor_override} — a divisor for every window (default none). Each size is one int or two.
 *
 * <p>Shapes: input [N, C, H, W] or [C, H, W]; output [N, C, OH, OW] or [C, OH, OW] with
 * {@code OH = ⌊(H + 2·pH − kH) / sH⌋ + 1} (rounded up in ceil mode), OW likewise.
 *
 * <pre>{@code
 * AvgPool2d pool = new AvgPool2d(2);                      // AvgPool2d(kernel_size=2, stride=2, padding=0)
 * Tensor y = pool.forward(Tensor.randn(8, 32, 28, 28));   // [8, 32, 14, 14]
 * }</pre>
 */
public class AvgPool2d extends Module<AvgPool2d> {
    private final PoolSize kernelSize;
    private final PoolSize stride;
    private final PoolSize padding;
    private final boolean ceilMode;
    private final boolean countIncludePad;
    private final Integer divisorOverride;

    /**
     * Windows of {@code kernelSize × kernelSize}, {@code kernelSize} apart, no padding.
     *
     * @param kernelSize the window's height and width
     */
    public AvgPool2d(int kernelSize) {
        this(new int[] {kernelSize}, null, new int[] {0}, false, true, null);
    }

    /**
     * Square windows {@code stride} apart.
     *
     * @param kernelSize the window's height and width
     * @param stride     the step between windows
     */
    public AvgPool2d(int kernelSize, int stride) {
        this(new int[] {kernelSize}, new int[] {stride}, new int[] {0}, false, true, null);
    }

    /**
     * Square windows {@code stride} apart with zero padding (counted in the divisor).
     *
     * @param kernelSize the window's height and width
     * @param stride     the step between windows
     * @param padding    implicit zero padding on each side
     */
    public AvgPool2d(int kernelSize, int stride, int padding) {
        this(new int[] {kernelSize}, new int[] {stride}, new int[] {padding}, false, true, null);
    }

    /**
     * Every argument, sizes as one int or a pair (height, width), in PyTorch's order.
     *
     * @param kernelSize      the window
     * @param stride          the step between windows; null for the kernel size
     * @param padding         implicit zero padding on each side
     * @param ceilMode        whether the output size rounds up
     * @param countIncludePad whether padding counts in the divisor
     * @param divisorOverride the divisor of every window, or null
     * @throws IllegalArgumentException when a size is not one int or two
     */
    public AvgPool2d(int[] kernelSize, int[] stride, int[] padding, boolean ceilMode, boolean countIncludePad,
                     Integer divisorOverride) {
        this.kernelSize = new PoolSize(kernelSize);
        this.stride = stride == null ? this.kernelSize : new PoolSize(stride);
        this.padding = new PoolSize(padding);
        this.ceilMode = ceilMode;
        this.countIncludePad = countIncludePad;
        this.divisorOverride = divisorOverride;
    }

    /**
     * The pooled input.
     *
     * @param x [N, C, H, W] or [C, H, W], float32
     * @return [N, C, OH, OW] or [C, OH, OW]
     * @throws IllegalArgumentException naming the problem, as the functional form
     */
    @Override
    public Tensor forward(Tensor x) {
        return Functional.avgPool2d(x, kernelSize.ints(), stride.ints(), padding.ints(), ceilMode, countIncludePad,
                divisorOverride);
    }

    /** {@code kernel_size=2, stride=2, padding=0}, sizes as given (PyTorch prints no more). */
    @Override
    protected String extraRepr() {
        return "kernel_size=" + kernelSize + ", stride=" + stride + ", padding=" + padding;
    }
}
