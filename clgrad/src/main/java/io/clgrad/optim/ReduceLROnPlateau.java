package io.clgrad.optim;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reduces each group's learning rate by {@code factor} when a metric has stopped improving for
 * {@code patience} epochs, as PyTorch's {@code ReduceLROnPlateau}. Call {@link #step(double)} with
 * the epoch's metric (a validation loss with mode {@code "min"}, an accuracy with {@code "max"}).
 *
 * <p>A metric {@code a} improves on the best so far when, in mode min with threshold mode
 * {@code "rel"}, {@code a < best·(1 - threshold)} ({@code "abs"}: {@code a < best - threshold});
 * in mode max, {@code a > best·(1 + threshold)} ({@code "abs"}: {@code a > best + threshold}).
 * After more than {@code patience} epochs without improvement each rate becomes
 * {@code max(lr·factor, min_lr)} (unchanged if that changes it by no more than {@code eps}), and
 * the next {@code cooldown} epochs count no bad epochs.
 *
 * <p>Unlike the {@link LRScheduler}s this does not set {@code initial_lr} or change the rate at
 * construction (PyTorch's does neither).
 *
 * <pre>{@code
 * ReduceLROnPlateau sched = ReduceLROnPlateau.builder(optimizer).patience(5).factor(0.5).build();
 * for (int epoch = 0; epoch < 100; epoch++) {
 *     train(optimizer);
 *     sched.step(validationLoss());
 * }
 * }</pre>
 */
public final class ReduceLROnPlateau {
    private final Optimizer optimizer;
    private double factor;
    private double[] minLrs;
    private int patience;
    private int cooldown;
    private int cooldownCounter;
    private String mode;
    private double threshold;
    private String thresholdMode;
    private double best;
    private int numBadEpochs;
    private double modeWorse;
    private double eps;
    private int lastEpoch;
    private double[] lastLr;

    private ReduceLROnPlateau(Builder b) {
        this.optimizer = b.optimizer();
        this.factor = b.factor;
        this.patience = b.patience;
        this.cooldown = b.cooldown;
        this.mode = b.mode;
        this.threshold = b.threshold;
        this.thresholdMode = b.thresholdMode;
        this.eps = b.eps;
        int n = optimizer.paramGroups().size();
        if (b.minLrs.length != 1 && b.minLrs.length != n) {
            throw new IllegalArgumentException("expected " + n + " min_lrs, got " + b.minLrs.length);
        }
        minLrs = new double[n];
        for (int i = 0; i < n; i++) {
            minLrs[i] = b.minLrs.length == 1 ? b.minLrs[0] : b.minLrs[i];
        }
        modeWorse = mode.equals("min") ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
        best = modeWorse;
        lastLr = currentLrs();
    }

    /** ReduceLROnPlateau with PyTorch's defaults (mode min, factor 0.1, patience 10, threshold 1e-4 rel). */
    public ReduceLROnPlateau(Optimizer optimizer) {
        this(new Builder(optimizer).checked());
    }

    /** A builder over {@code optimizer} starting from PyTorch's defaults. */
    public static Builder builder(Optimizer optimizer) {
        return new Builder(optimizer);
    }

    /**
     * Records the metric of the next epoch and reduces the rates if it has plateaued.
     *
     * @param metric the epoch's value of the monitored quantity
     */
    public void step(double metric) {
        lastEpoch++;
        if (isBetter(metric, best)) {
            best = metric;
            numBadEpochs = 0;
        } else {
            numBadEpochs++;
        }
        if (cooldownCounter > 0) {
            cooldownCounter--;
            numBadEpochs = 0;
        }
        if (numBadEpochs > patience) {
            reduceLr();
            cooldownCounter = cooldown;
            numBadEpochs = 0;
        }
        lastLr = currentLrs();
    }

    private void reduceLr() {
        List<ParamGroup> groups = optimizer.paramGroups();
        for (int i = 0; i < groups.size(); i++) {
            double old = groups.get(i).lr();
            double lr = Math.max(old * factor, minLrs[i]);
            if (old - lr > eps) {
                groups.get(i).setLr(lr);
            }
        }
    }

    private boolean isBetter(double a, double best) {
        boolean rel = thresholdMode.equals("rel");
        if (mode.equals("min")) {
            return rel ? a < best * (1 - threshold) : a < best - threshold;
        }
        return rel ? a > best * (threshold + 1) : a > best + threshold;
    }

    private double[] currentLrs() {
        List<ParamGroup> groups = optimizer.paramGroups();
        double[] out = new double[groups.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = groups.get(i).lr();
        }
        return out;
    }

    /** The rates after the last step, one per group (PyTorch's {@code get_last_lr()}). */
    public List<Double> lastLr() {
        return SchedulerState.boxed(lastLr);
    }

    /** The number of {@link #step(double)} calls so far. */
    public int lastEpoch() {
        return lastEpoch;
    }

    /** The best metric so far (+∞ in mode min, -∞ in mode max before the first step). */
    public double best() {
        return best;
    }

    /** Epochs since the last improvement (reset by a reduction and during cooldown). */
    public int numBadEpochs() {
        return numBadEpochs;
    }

    /**
     * The scheduler's state by PyTorch's names: {@code factor}, {@code min_lrs}, {@code patience},
     * {@code cooldown}, {@code cooldown_counter}, {@code mode}, {@code threshold},
     * {@code threshold_mode}, {@code best}, {@code num_bad_epochs}, {@code mode_worse},
     * {@code eps}, {@code last_epoch} and {@code _last_lr}.
     *
     * @return a new map of numbers, strings and lists of numbers (infinities as doubles)
     */
    public Map<String, Object> stateDict() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("factor", factor);
        out.put("min_lrs", SchedulerState.boxed(minLrs));
        out.put("patience", patience);
        out.put("cooldown", cooldown);
        out.put("cooldown_counter", cooldownCounter);
        out.put("mode", mode);
        out.put("threshold", threshold);
        out.put("threshold_mode", thresholdMode);
        out.put("best", best);
        out.put("num_bad_epochs", numBadEpochs);
        out.put("mode_worse", modeWorse);
        out.put("eps", eps);
        out.put("last_epoch", lastEpoch);
        out.put("_last_lr", SchedulerState.boxed(lastLr));
        return out;
    }

    /**
     * Restores a state made by {@link #stateDict()} (numbers may be any {@link Number} or the
     * strings {@code "Infinity"}/{@code "-Infinity"}). The optimizer's rates are not changed.
     *
     * @throws IllegalArgumentException when an entry is missing or malformed, or the mode or
     *                                  threshold mode is unknown; nothing is changed then
     */
    public void loadStateDict(Map<String, ?> state) {
        if (state == null) {
            throw new IllegalArgumentException("loadStateDict: state dict is null");
        }
        int n = minLrs.length;
        double f = SchedulerState.number(state, "factor");
        double[] mins = SchedulerState.numbers(state, "min_lrs", n);
        int pat = SchedulerState.integer(state, "patience");
        int cool = SchedulerState.integer(state, "cooldown");
        int coolCounter = SchedulerState.integer(state, "cooldown_counter");
        String m = checkMode(SchedulerState.string(state, "mode"));
        double th = SchedulerState.number(state, "threshold");
        String thMode = checkThresholdMode(SchedulerState.string(state, "threshold_mode"));
        double b = SchedulerState.number(state, "best");
        int bad = SchedulerState.integer(state, "num_bad_epochs");
        double worse = SchedulerState.number(state, "mode_worse");
        double e = SchedulerState.number(state, "eps");
        int epoch = SchedulerState.integer(state, "last_epoch");
        double[] last = SchedulerState.numbers(state, "_last_lr", n);
        factor = f;
        minLrs = mins;
        patience = pat;
        cooldown = cool;
        cooldownCounter = coolCounter;
        mode = m;
        threshold = th;
        thresholdMode = thMode;
        best = b;
        numBadEpochs = bad;
        modeWorse = worse;
        eps = e;
        lastEpoch = epoch;
        lastLr = last;
    }

    private static String checkMode(String mode) {
        if (!"min".equals(mode) && !"max".equals(mode)) {
            throw new IllegalArgumentException("mode " + mode + " is unknown!");
        }
        return mode;
    }

    private static String checkThresholdMode(String mode) {
        if (!"rel".equals(mode) && !"abs".equals(mode)) {
            throw new IllegalArgumentException("threshold mode " + mode + " is unknown!");
        }
        return mode;
    }

    /**
     * Builds a {@link ReduceLROnPlateau}; every setter returns the builder. Defaults are PyTorch's.
     * {@link #build()} throws an {@link IllegalArgumentException} when the optimizer is null, factor
     * is not below 1, the mode or threshold mode is unknown, patience or cooldown is negative, or the
     * number of min_lr values is neither 1 nor the number of groups.
     */
    public static final class Builder extends SchedulerBuilder<Builder, ReduceLROnPlateau> {
        private String mode = "min";
        private double factor = 0.1;
        private int patience = 10;
        private double threshold = 1e-4;
        private String thresholdMode = "rel";
        private int cooldown;
        private double[] minLrs = {0};
        private double eps = 1e-8;

        private Builder(Optimizer optimizer) {
            super(optimizer, Builder::create);
        }

        /** {@code "min"} (default: the metric should fall) or {@code "max"} (it should rise). */
        public Builder mode(String mode) {
            this.mode = mode;
            return this;
        }

        /** The factor each reduction multiplies the rate by (default 0.1; must be below 1). */
        public Builder factor(double factor) {
            this.factor = factor;
            return this;
        }

        /** How many epochs without improvement are tolerated before a reduction (default 10). */
        public Builder patience(int patience) {
            this.patience = patience;
            return this;
        }

        /** The least change that counts as an improvement (default 1e-4). */
        public Builder threshold(double threshold) {
            this.threshold = threshold;
            return this;
        }

        /** {@code "rel"} (default: threshold relative to the best) or {@code "abs"}. */
        public Builder thresholdMode(String thresholdMode) {
            this.thresholdMode = thresholdMode;
            return this;
        }

        /** Epochs after a reduction during which bad epochs are not counted (default 0). */
        public Builder cooldown(int cooldown) {
            this.cooldown = cooldown;
            return this;
        }

        /** The lowest rate: one value for every group or one per group (default 0). */
        public Builder minLr(double... minLr) {
            this.minLrs = minLr == null ? new double[0] : minLr.clone();
            return this;
        }

        /** Reductions smaller than this are skipped (default 1e-8). */
        public Builder eps(double eps) {
            this.eps = eps;
            return this;
        }

        private Builder checked() {
            optimizer();   // refuses null, as build() does
            if (!(factor < 1.0)) {
                throw new IllegalArgumentException("Factor should be < 1.0.");
            }
            checkMode(mode);
            checkThresholdMode(thresholdMode);
            if (patience < 0 || cooldown < 0) {
                throw new IllegalArgumentException("patience and cooldown must not be negative, got " + patience
                        + " and " + cooldown);
            }
            return this;
        }

        /**
         * The scheduler, for {@link #build()} once the optimizer is known not to be null.
         *
         * @throws IllegalArgumentException when factor is not below 1, the mode or threshold mode is
         *                                  unknown, patience or cooldown is negative, or the number of
         *                                  min_lr values is neither 1 nor the number of groups
         */
        private ReduceLROnPlateau create() {
            return new ReduceLROnPlateau(checked());
        }
    }
}
