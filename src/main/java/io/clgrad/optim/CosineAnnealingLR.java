package io.clgrad.optim;

/**
 * Anneals each group's learning rate along a cosine from its base rate down to {@code etaMin}
 * over {@code tMax} epochs (SGDR without restarts), as PyTorch's {@code CosineAnnealingLR}.
 * Closed form: {@code lr = etaMin + (base_lr - etaMin) · (1 + cos(π · epoch / tMax)) / 2};
 * past {@code tMax} the curve rises again, as PyTorch's does.
 *
 * <pre>{@code
 * CosineAnnealingLR sched = new CosineAnnealingLR(optimizer, 100, 1e-5);
 * }</pre>
 */
public final class CosineAnnealingLR extends LRScheduler {
    private final int tMax;
    private final double etaMin;

    /** CosineAnnealingLR down to PyTorch's default {@code etaMin = 0}. */
    public CosineAnnealingLR(Optimizer optimizer, int tMax) {
        this(optimizer, tMax, 0);
    }

    /**
     * CosineAnnealingLR over {@code tMax} epochs down to {@code etaMin}.
     *
     * @throws IllegalArgumentException when tMax is not positive
     */
    public CosineAnnealingLR(Optimizer optimizer, int tMax, double etaMin) {
        super(optimizer);
        this.tMax = positive("CosineAnnealingLR", "T_max", tMax);
        this.etaMin = etaMin;
        initialStep();
    }

    @Override
    protected double[] computeLr() {
        return eachGroup((lr, base, e) -> {
            if (e == 0) {
                return lr;
            } else if (stepCount() == 1 && e > 0) {
                return etaMin + (base - etaMin) * (1 + Math.cos(e * Math.PI / tMax)) / 2;
            } else if (Math.floorMod(e - 1 - tMax, 2 * tMax) == 0) {
                return lr + (base - etaMin) * (1 - Math.cos(Math.PI / tMax)) / 2;
            }
            return (1 + Math.cos(Math.PI * e / tMax)) / (1 + Math.cos(Math.PI * (e - 1) / tMax))
                    * (lr - etaMin) + etaMin;
        });
    }

    /** The number of epochs from the base rate down to {@code etaMin}. */
    public int tMax() {
        return tMax;
    }

    /** The minimum learning rate. */
    public double etaMin() {
        return etaMin;
    }
}
