package io.clgrad.optim;

/**
 * Scales each group's learning rate by a factor that changes linearly from {@code startFactor}
 * to {@code endFactor} over {@code totalIters} epochs, then stays at {@code endFactor}, as
 * PyTorch's {@code LinearLR} (a warm-up when startFactor &lt; endFactor). Closed form:
 * {@code lr = base_lr · (startFactor + (endFactor - startFactor) · min(epoch, totalIters) / totalIters)}.
 *
 * <pre>{@code
 * LinearLR warmup = new LinearLR(optimizer, 0.1, 1.0, 10);
 * }</pre>
 */
public final class LinearLR extends LRScheduler {
    private final double startFactor;
    private final double endFactor;
    private final int totalIters;

    /** LinearLR with PyTorch's defaults: start factor 1/3, end factor 1.0, 5 epochs. */
    public LinearLR(Optimizer optimizer) {
        this(optimizer, 1.0 / 3, 1.0, 5);
    }

    /**
     * LinearLR from {@code startFactor} to {@code endFactor} over {@code totalIters} epochs.
     *
     * @throws IllegalArgumentException when startFactor is not in (0, 1], endFactor not in [0, 1],
     *                                  or totalIters is not positive
     */
    public LinearLR(Optimizer optimizer, double startFactor, double endFactor, int totalIters) {
        super(optimizer);
        if (!(startFactor > 0 && startFactor <= 1)) {
            throw new IllegalArgumentException("Starting multiplicative factor expected to be greater than 0 and less"
                    + " or equal to 1, got " + startFactor);
        }
        if (!(endFactor >= 0 && endFactor <= 1)) {
            throw new IllegalArgumentException("Ending multiplicative factor expected to be between 0 and 1, got "
                    + endFactor);
        }
        this.startFactor = startFactor;
        this.endFactor = endFactor;
        this.totalIters = positive("LinearLR", "total_iters", totalIters);
        initialStep();
    }

    @Override
    protected double[] computeLr() {
        return eachGroup((lr, base, e) -> {
            if (e == 0) {
                return lr * startFactor;
            } else if (e > totalIters) {
                return lr;
            }
            return lr * (1.0 + (endFactor - startFactor)
                    / (totalIters * startFactor + (e - 1) * (endFactor - startFactor)));
        });
    }

    /** The factor of epoch 0. */
    public double startFactor() {
        return startFactor;
    }

    /** The factor from epoch {@code totalIters} on. */
    public double endFactor() {
        return endFactor;
    }

    /** The number of epochs of the linear change. */
    public int totalIters() {
        return totalIters;
    }
}
