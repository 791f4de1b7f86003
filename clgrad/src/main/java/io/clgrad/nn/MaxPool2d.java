package io.clgrad.nn;

import io.clgrad.Functional;
import io.clgrad.Tensor;
import io.clgrad.ValuesAndIndices;

/**
 * 2-D max pooling over [N, C, H, W] (or [C, H, W]) inputs, as PyTorch's {@code torch.nn.MaxPool2d}:
 * {@code out[n, c, oh, ow] = max over kh, kw of input[n, c, oh·sH − pH + kh·dH, ow·sW − pW + kw·dW]}
 * (see {@link Functional#maxPool2d(Tensor, int[], int[], int[], int[], boolean)}).
 *
 * <p>Parameters (PyTorch's, in its order): {@code kernel_size} — the window; {@code stride} — the step
 * between windows (default: kernel_size); {@code padding} — implicit -∞ padding on both sides,
 * at most half the kernel (default 0); {@code dilation} — the step between a window's elements
 * (default 1); {@code return_indices} — whether the indices are wanted ({@link #forwardWithIndices}
 * returns them; {@link #forward} returns a tensor, as Java has no tuple); {@code ceil_mode} — round
 * the output size up (default false). Each size is one int or two (height, width).
 *
 * <p>Shapes: input [N, C, H, W] or [C, H, W]; output [N, C, OH, OW] or [C, OH, OW] with
 * {@code OH = ⌊(H + 2·pH − dH·(kH−1) − 1) / sH⌋ + 1} (rounded up in ceil mode), OW likewise.
 *
 * <pre>{@code
 * MaxPool2d pool = new MaxPool2d(2);               // MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)
 * Tensor y = pool.forward(Tensor.randn(8, 32, 28, 28));   // [8, 32, 14, 14]
 * }</pre>
 */
public class MaxPool2d extends Module<MaxPool2d> {
    private final PoolSize kernelSize;
    private final PoolSize stride;
    private final PoolSize padding;
    private final PoolSize dilation;
    private final boolean returnIndices;
    private final boolean ceilMode;

    /**
     * Windows of {@code kernelSize × kernelSize}, {@code kernelSize} apart, no padding or dilation.
     *
     * @param kernelSize the window's height and width
     */
    public MaxPool2d(int kernelSize) {
        this(new int[] {kernelSize}, null, new int[] {0}, new int[] {1}, false, false);
    }

    /**
     * Square windows {@code stride} apart.
     *
     * @param kernelSize the window's height and width
     * @param stride     the step between windows
     */
    public MaxPool2d(int kernelSize, int stride) {
        this(new int[] {kernelSize}, new int[] {stride}, new int[] {0}, new int[] {1}, false, false);
    }

    /**
     * Square windows {@code stride} apart with padding.
     *
     * @param kernelSize the window's height and width
     * @param stride     the step between windows
     * @param padding    implicit padding on each side
     */
    public MaxPool2d(int kernelSize, int stride, int padding) {
        this(new int[] {kernelSize}, new int[] {stride}, new int[] {padding}, new int[] {1}, false, false);
    }

    /**
     * Every argument as one int for both dims, in PyTorch's order.
     *
     * @param kernelSize    the window's height and width
     * @param stride        the step between windows
     * @param padding       implicit padding on each side
     * @param dilation      the step between a window's elements
     * @param returnIndices whether the indices are wanted (see {@link #forwardWithIndices})
     * @param ceilMode      whether the output size rounds up
     */
    public MaxPool2d(int kernelSize, int stride, int padding, int dilation, boolean returnIndices, boolean ceilMode) {
        this(new int[] {kernelSize}, new int[] {stride}, new int[] {padding}, new int[] {dilation}, returnIndices,
                ceilMode);
    }

    /**
     * Every argument as one int or a pair (height, width), in PyTorch's order.
     *
     * @param kernelSize    the window
     * @param stride        the step between windows; null for the kernel size
     * @param padding       implicit padding on each side
     * @param dilation      the step between a window's elements
     * @param returnIndices whether the indices are wanted (see {@link #forwardWithIndices})
     * @param ceilMode      whether the output size rounds up
     * @throws IllegalArgumentException when a size is not one int or two
     */
    public MaxPool2d(int[] kernelSize, int[] stride, int[] padding, int[] dilation, boolean returnIndices,
                     boolean ceilMode) {
        this.kernelSize = new PoolSize(kernelSize);
        this.stride = stride == null ? this.kernelSize : new PoolSize(stride);
        this.padding = new PoolSize(padding);
        this.dilation = new PoolSize(dilation);
        this.returnIndices = returnIndices;
        this.ceilMode = ceilMode;
    }

    /**
     * The pooled input.
     *
     * @param x [N, C, H, W] or [C, H, W], float32
     * @return [N, C, OH, OW] or [C, OH, OW]
     * @throws IllegalArgumentException naming the problem, as {@link Functional#maxPool2d(Tensor, int[], int[], int[], int[], boolean)}
     */
    @Override
    public Tensor forward(Tensor x) {
        return Functional.maxPool2d(x, kernelSize.ints(), stride.ints(), padding.ints(), dilation.ints(), ceilMode);
    }

    /**
     * The pooled input and the int32 position {@code ih·W + iw} of each maximum in its input plane,
     * PyTorch's result when {@code return_indices=True} (available whatever that flag says).
     *
     * @param x [N, C, H, W] or [C, H, W], float32
     * @return the values and indices, both [N, C, OH, OW] or [C, OH, OW]
     */
    public ValuesAndIndices forwardWithIndices(Tensor x) {
        return Functional.maxPool2dWithIndices(x, kernelSize.ints(), stride.ints(), padding.ints(), dilation.ints(),
                ceilMode);
    }

    /**
     * Whether the module was built with {@code return_indices=True}.
     *
     * @return the flag
     */
    public boolean returnIndices() {
        return returnIndices;
    }

    /** {@code kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False}, sizes as given. */
    @Override
    protected String extraRepr() {
        return "kernel_size=" + kernelSize + ", stride=" + stride + ", padding=" + padding + ", dilation=" + dilation
                + ", ceil_mode=" + (ceilMode ? "True" : "False");
    }
}
