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
    private final Ramp ramp;

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
        this.ramp = new Ramp(startFactor, endFactor, totalIters);
        initialStep();
    }

    @Override
    protected double[] computeLr() {
        return eachGroup((lr, base, e) -> lr * ramp.stepFactor(e));
    }

    /** The ramp of factors: start factor, end factor and its length in epochs. */
    public Ramp ramp() {
        return ramp;
    }

    /**
     * The schedule's arguments: the factor changes linearly from {@code startFactor} at epoch 0 to
     * {@code endFactor} at epoch {@code totalIters}, and stays there.
     *
     * @param startFactor the factor of epoch 0, in (0, 1]
     * @param endFactor   the factor from epoch {@code totalIters} on, in [0, 1]
     * @param totalIters  the number of epochs of the linear change, positive
     */
    public record Ramp(double startFactor, double endFactor, int totalIters) {
        /**
         * Checks the factors and the length.
         *
         * @throws IllegalArgumentException when startFactor is not in (0, 1], endFactor not in [0, 1],
         *                                  or totalIters is not positive
         */
        public Ramp {
            if (!(startFactor > 0 && startFactor <= 1)) {
                throw new IllegalArgumentException("Starting multiplicative factor expected to be greater than 0 and"
                        + " less or equal to 1, got " + startFactor);
            }
            if (!(endFactor >= 0 && endFactor <= 1)) {
                throw new IllegalArgumentException("Ending multiplicative factor expected to be between 0 and 1, got "
                        + endFactor);
            }
            positive("LinearLR", "total_iters", totalIters);
        }

        /**
         * What epoch {@code e} multiplies the previous epoch's rate by (PyTorch's chainable form):
         * the start factor at epoch 0, the ratio of consecutive factors up to {@code totalIters},
         * then 1.
         *
         * @param e the epoch
         * @return the multiplier
         */
        public double stepFactor(int e) {
            if (e == 0) {
                return startFactor;
            } else if (e > totalIters) {
                return 1;
            }
            return 1.0 + (endFactor - startFactor) / (totalIters * startFactor + (e - 1) * (endFactor - startFactor));
        }
    }
}
