package io.clgrad;

/** How a loss combines its per-element values, as PyTorch's {@code reduction} argument. */
public enum Reduction {
    /** Per-element losses, same shape as the input. */
    NONE,
    /** The average (the default). */
    MEAN,
    /** The total. */
    SUM
}
