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
        if (stepSize <= 0) {
            throw new IllegalArgumentException("StepLR: step_size must be positive, got " + stepSize);
        }
        this.stepSize = stepSize;
        this.gamma = gamma;
        initialStep();
    }

    @Override
    protected double[] computeLr() {
        double[] out = new double[groupCount()];
        boolean decay = lastEpoch() != 0 && lastEpoch() % stepSize == 0;
        for (int i = 0; i < out.length; i++) {
            out[i] = decay ? groupLr(i) * gamma : groupLr(i);
        }
        return out;
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
