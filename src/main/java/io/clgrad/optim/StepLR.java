package io.clgrad.optim;

/**
 * Decays each group's learning rate by {@code gamma} every {@code stepSize} epochs, as PyTorch's
 * {@code StepLR}. Closed form: {@code lr = base_lr · gamma^⌊epoch / stepSize⌋}.
 *
 * <pre>{@code
 * // lr = 0.05 for epochs 0..29, 0.005 for 30..59, 0.0005 for 60..89, ...
 * StepLR sched = new StepLR(optimizer, 30, 0.1);
 * }</pre>
 */
public final class StepLR extends LRScheduler {
    private final int stepSize;
    private final double gamma;

    /** StepLR with PyTorch's default {@code gamma = 0.1}. */
    public StepLR(Optimizer optimizer, int stepSize) {
        this(optimizer, stepSize, 0.1);
    }

    /**
     * StepLR decaying by {@code gamma} every {@code stepSize} epochs.
     *
     * @throws IllegalArgumentException when stepSize is not positive
     */
    public StepLR(Optimizer optimizer, int stepSize, double gamma) {
        super(optimizer);
        this.stepSize = positive("StepLR", "step_size", stepSize);
        this.gamma = gamma;
        initialStep();
    }

    @Override
    protected double[] computeLr() {
        return eachGroup((lr, base, e) -> e != 0 && e % stepSize == 0 ? lr * gamma : lr);
    }

    /** The period of the decay, in epochs. */
    public int stepSize() {
        return stepSize;
    }

    /** The multiplicative decay factor. */
    public double gamma() {
        return gamma;
    }
}
