package io.clgrad;

/**
 * How a loss combines its per-element values, as PyTorch's {@code reduction} argument of the
 * losses in {@code torch.nn} and {@code torch.nn.functional}.
 */
public enum LossReduction {
    /** Per-element losses, same shape as the input. */
    NONE,
    /** The average (the default). */
    MEAN,
    /** The total. */
    SUM
}
