package io.clgrad.nn;

import io.clgrad.Functional;
import io.clgrad.Tensor;

/**
 * Adaptive 2-D average pooling, as PyTorch's {@code torch.nn.AdaptiveAvgPool2d}: the output has the
 * given size whatever the input's, output {@code (oh, ow)} averaging input rows
 * {@code [⌊oh·H/OH⌋, ⌈(oh+1)·H/OH⌉)} and columns likewise (see {@link Functional#adaptiveAvgPool2d}).
 *
 * <p>Parameters: {@code output_size} — {@code S} for S × S, or (OH, OW) where either may be null
 * (PyTorch's None) to keep the input's size in that dim.
 *
 * <p>Shapes: input [N, C, H, W] or [C, H, W]; output [N, C, OH, OW] or [C, OH, OW].
 *
 * <pre>{@code
 * AdaptiveAvgPool2d gap = new AdaptiveAvgPool2d(1);             // AdaptiveAvgPool2d(output_size=1)
 * Tensor y = gap.forward(Tensor.randn(8, 64, 7, 7));            // [8, 64, 1, 1]
 * }</pre>
 */
public class AdaptiveAvgPool2d extends Module<AdaptiveAvgPool2d> {
    private final Integer outH;
    private final Integer outW;
    private final boolean square;

    /**
     * An S × S output.
     *
     * @param outputSize S
     */
    public AdaptiveAvgPool2d(int outputSize) {
        this.outH = outputSize;
        this.outW = outputSize;
        this.square = true;
    }

    /**
     * An OH × OW output; null keeps the input's size in that dim.
     *
     * @param outH output rows, or null for H
     * @param outW output columns, or null for W
     */
    public AdaptiveAvgPool2d(Integer outH, Integer outW) {
        this.outH = outH;
        this.outW = outW;
        this.square = false;
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
        int[] shape = x.shape();
        int oh = outH != null ? outH : shape.length >= 2 ? shape[shape.length - 2] : 0;
        int ow = outW != null ? outW : shape.length >= 1 ? shape[shape.length - 1] : 0;
        return Functional.adaptiveAvgPool2d(x, new int[] {oh, ow});
    }

    /** {@code output_size=1} or {@code output_size=(5, 7)} ({@code None} for a kept dim). */
    @Override
    protected String extraRepr() {
        return "output_size=" + (square ? String.valueOf(outH) : "(" + py(outH) + ", " + py(outW) + ")");
    }

    private static String py(Integer v) {
        return v == null ? "None" : v.toString();
    }
}
