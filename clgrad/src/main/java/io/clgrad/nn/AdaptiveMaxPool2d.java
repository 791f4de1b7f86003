package io.clgrad.nn;

import io.clgrad.Functional;
import io.clgrad.Tensor;
import io.clgrad.ValuesAndIndices;

/**
 * Adaptive 2-D max pooling, as PyTorch's {@code torch.nn.AdaptiveMaxPool2d}: the output has the given
 * size whatever the input's, output {@code (oh, ow)} being the maximum of input rows
 * {@code [⌊oh·H/OH⌋, ⌈(oh+1)·H/OH⌉)} and columns likewise (see {@link Functional#adaptiveMaxPool2d}).
 *
 * <p>Parameters: {@code output_size} — {@code S} for S × S, or (OH, OW) where either may be null
 * (PyTorch's None) to keep the input's size in that dim; {@code return_indices} — whether the
 * indices are wanted ({@link #forwardWithIndices} returns them; {@link #forward} returns a tensor).
 *
 * <p>Shapes: input [N, C, H, W] or [C, H, W]; output [N, C, OH, OW] or [C, OH, OW].
 *
 * <pre>{@code
 * AdaptiveMaxPool2d pool = new AdaptiveMaxPool2d(3, 3);        // AdaptiveMaxPool2d(output_size=(3, 3))
 * Tensor y = pool.forward(Tensor.randn(8, 64, 10, 7));         // [8, 64, 3, 3]
 * }</pre>
 */
public class AdaptiveMaxPool2d extends Module<AdaptiveMaxPool2d> {
    private final Integer[] size;   // {S} or {OH, OW}, null entries keep the input's size
    private final boolean returnIndices;

    /**
     * An S × S output.
     *
     * @param outputSize S
     */
    public AdaptiveMaxPool2d(int outputSize) {
        this(new Integer[] {outputSize}, false);
    }

    /**
     * An OH × OW output; null keeps the input's size in that dim.
     *
     * @param outH output rows, or null for H
     * @param outW output columns, or null for W
     */
    public AdaptiveMaxPool2d(Integer outH, Integer outW) {
        this(new Integer[] {outH, outW}, false);
    }

    /**
     * An output of {@code outputSize}, in PyTorch's argument order.
     *
     * @param outputSize    {S} or {OH, OW} (null entries keep the input's size)
     * @param returnIndices whether the indices are wanted (see {@link #forwardWithIndices})
     */
    public AdaptiveMaxPool2d(Integer[] outputSize, boolean returnIndices) {
        if (outputSize == null || outputSize.length < 1 || outputSize.length > 2) {
            throw new IllegalArgumentException("AdaptiveMaxPool2d: output_size is one int or a pair, got "
                    + (outputSize == null ? "null" : java.util.Arrays.toString(outputSize)));
        }
        this.size = outputSize.clone();
        this.returnIndices = returnIndices;
    }

    /**
     * The pooled input.
     *
     * @param x [N, C, H, W] or [C, H, W], float32
     * @return [N, C, OH, OW] or [C, OH, OW]
     */
    @Override
    public Tensor forward(Tensor x) {
        return Functional.adaptiveMaxPool2d(x, outputSizeFor(x));
    }

    /**
     * The pooled input and where each maximum came from (int32 positions {@code ih·W + iw} in each plane).
     *
     * @param x [N, C, H, W] or [C, H, W], float32
     * @return the values and the indices
     */
    public ValuesAndIndices forwardWithIndices(Tensor x) {
        return Functional.adaptiveMaxPool2dWithIndices(x, outputSizeFor(x));
    }

    /** @return whether the indices were asked for (PyTorch's {@code return_indices}) */
    public boolean returnIndices() {
        return returnIndices;
    }

    /** The requested size with null entries replaced by x's own (x's rank is checked by the op). */
    private int[] outputSizeFor(Tensor x) {
        int[] shape = x.shape();
        int[] out = new int[2];
        for (int i = 0; i < 2; i++) {
            Integer s = size[Math.min(i, size.length - 1)];
            int dim = shape.length - 2 + i;
            out[i] = s != null ? s : dim >= 0 ? shape[dim] : 0;
        }
        return out;
    }

    /** {@code output_size=3} or {@code output_size=(3, None)}. */
    @Override
    protected String extraRepr() {
        if (size.length == 1) {
            return "output_size=" + size[0];
        }
        return "output_size=(" + (size[0] == null ? "None" : size[0]) + ", " + (size[1] == null ? "None" : size[1])
                + ")";
    }
}
