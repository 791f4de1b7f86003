package io.clgrad.optim;

import java.util.Map;

/**
 * Decays each group's learning rate by {@code gamma} every epoch, as PyTorch's
 * {@code ExponentialLR}. Closed form: {@code lr = base_lr · gamma^epoch}.
 *
 * <pre>{@code
 * ExponentialLR sched = new ExponentialLR(optimizer, 0.95);
 * }</pre>
 */
public final class ExponentialLR extends LRScheduler {
    private double gamma;

    /** ExponentialLR decaying by {@code gamma} per epoch. */
    public ExponentialLR(Optimizer optimizer, double gamma) {
        super(optimizer);
        this.gamma = gamma;
        initialStep();
    }

    @Override
    protected double[] computeLr() {
        return eachGroup((lr, base, e) -> e == 0 ? lr : lr * gamma);
    }

    /** The multiplicative decay factor. */
    public double gamma() {
        return gamma;
    }

    /** State dict entry {@code "gamma"}. */
    @Override
    protected void putState(Map<String, Object> out) {
        out.put("gamma", gamma);
    }

    @Override
    protected void loadState(Map<String, ?> state) {
        gamma = SchedulerState.number(state, "gamma");
    }
}
