package io.clgrad;

/**
 * How tensors print, as PyTorch's print options ({@code torch.set_printoptions}); clgrad prints
 * with PyTorch's defaults, {@link #DEFAULT}.
 *
 * @param precision digits after the decimal point (PyTorch's {@code precision})
 * @param lineWidth characters per line before a row wraps ({@code linewidth})
 * @param threshold element count above which a tensor is summarised ({@code threshold})
 * @param edgeItems items kept at each end of a summarised dimension ({@code edgeitems})
 */
record PrintOptions(int precision, int lineWidth, int threshold, int edgeItems) {
    /** PyTorch's defaults: precision 4, line width 80, threshold 1000, 3 edge items. */
    static final PrintOptions DEFAULT = new PrintOptions(4, 80, 1000, 3);
}
