package io.clgrad.optim;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The 1cycle policy, as PyTorch's {@code OneCycleLR}: the learning rate rises from
 * {@code initial_lr = max_lr / div_factor} to {@code max_lr} over the first {@code pct_start} of
 * {@code total_steps}, then falls to {@code min_lr = initial_lr / final_div_factor} (with
 * {@code three_phase}: back down to {@code initial_lr} over as many steps, then to {@code min_lr});
 * momentum (SGD's {@code momentum}, Adam's {@code betas[0]}) cycles the other way between
 * {@code max_momentum} and {@code base_momentum}. Call {@link #step()} after every batch, at most
 * {@code total_steps} times.
 *
 * <p>Within a phase from step {@code s0} to {@code s1} (phase ends at {@code pct_start·total - 1},
 * {@code 2·pct_start·total - 2} for three phases, and {@code total - 1}), with
 * {@code pct = (step - s0) / (s1 - s0)}: cosine annealing gives
 * {@code end + (start - end)/2 · (1 + cos(π·pct))}, linear annealing {@code start + (end - start)·pct}.
 * Construction adds PyTorch's group options {@code initial_lr}, {@code max_lr}, {@code min_lr}
 * and, when cycling momentum, {@code max_momentum} and {@code base_momentum}.
 *
 * <pre>{@code
 * OneCycleLR sched = OneCycleLR.builder(optimizer, 0.1).epochs(10).stepsPerEpoch(batches.size()).build();
 * for (int epoch = 0; epoch < 10; epoch++) {
 *     for (Batch b : batches) {
 *         train(b);
 *         sched.step();
 *     }
 * }
 * }</pre>
 */
public final class OneCycleLR extends LRScheduler {
    private int totalSteps;
    private List<Map<String, Object>> phases;
    private String annealStrategy;
    private boolean cycleMomentum;
    private boolean useBeta1;

    private OneCycleLR(Builder b, Optimizer prepared) {
        super(prepared);
        this.totalSteps = b.total;
        this.phases = b.phases();
        this.annealStrategy = b.annealStrategy;
        this.cycleMomentum = b.cycleMomentum;
        this.useBeta1 = b.useBeta1;
        initialStep();
    }

    /**
     * A builder for a 1cycle schedule peaking at {@code maxLr}: one value for every group, or one
     * per group. Set {@link Builder#totalSteps} or both {@link Builder#epochs} and
     * {@link Builder#stepsPerEpoch}.
     */
    public static Builder builder(Optimizer optimizer, double... maxLr) {
        return new Builder(optimizer, maxLr);
    }

    @Override
    protected double[] computeLr() {
        int stepNum = lastEpoch();
        if (stepNum > totalSteps) {
            throw new IllegalStateException("Tried to step " + stepNum + " times. The specified number of total steps is "
                    + totalSteps);
        }
        List<ParamGroup> groups = optimizer.paramGroups();
        double[] out = new double[groups.size()];
        for (int i = 0; i < out.length; i++) {
            ParamGroup g = groups.get(i);
            double start = 0;
            for (int k = 0; k < phases.size(); k++) {
                Map<String, Object> phase = phases.get(k);
                double end = ((Number) phase.get("end_step")).doubleValue();
                if (stepNum <= end || k == phases.size() - 1) {
                    double pct = (stepNum - start) / (end - start);
                    out[i] = anneal(g.getDouble((String) phase.get("start_lr")),
                            g.getDouble((String) phase.get("end_lr")), pct);
                    if (cycleMomentum) {
                        double m = anneal(g.getDouble((String) phase.get("start_momentum")),
                                g.getDouble((String) phase.get("end_momentum")), pct);
                        setMomentum(g, m, useBeta1);
                    }
                    break;
                }
                start = end;
            }
        }
        return out;
    }

    private double anneal(double start, double end, double pct) {
        if (annealStrategy.equals("cos")) {
            return end + (start - end) / 2.0 * (Math.cos(Math.PI * pct) + 1);
        }
        return (end - start) * pct + start;
    }

    private static void setMomentum(ParamGroup g, double m, boolean useBeta1) {
        if (useBeta1) {
            List<?> betas = (List<?>) g.get("betas");
            g.set("betas", List.of(m, betas.get(1)));
        } else {
            g.set("momentum", m);
        }
    }

    /** The number of steps of the cycle. */
    public int totalSteps() {
        return totalSteps;
    }

    /** {@code "cos"} or {@code "linear"}. */
    public String annealStrategy() {
        return annealStrategy;
    }

    /**
     * State dict entries {@code "total_steps"}, {@code "_schedule_phases"} (each phase's
     * {@code end_step} and the group options it anneals between), {@code "_anneal_func_type"},
     * {@code "cycle_momentum"} and {@code "use_beta1"}, as PyTorch names them.
     */
    @Override
    protected void putState(Map<String, Object> out) {
        out.put("total_steps", totalSteps);
        List<Map<String, Object>> ps = new ArrayList<>();
        for (Map<String, Object> p : phases) {
            ps.add(new LinkedHashMap<>(p));
        }
        out.put("_schedule_phases", ps);
        out.put("_anneal_func_type", annealStrategy);
        out.put("cycle_momentum", cycleMomentum);
        out.put("use_beta1", useBeta1);
    }

    @Override
    @SuppressWarnings("unchecked")
    protected void loadState(Map<String, ?> st) {
        int total = SchedulerState.integer(st, "total_steps");
        String anneal = SchedulerState.string(st, "_anneal_func_type");
        if (!anneal.equals("cos") && !anneal.equals("linear")) {
            throw new IllegalArgumentException("loadStateDict: \"_anneal_func_type\" must be cos or linear, got " + anneal);
        }
        boolean cycle = SchedulerState.bool(st, "cycle_momentum");
        boolean beta1 = SchedulerState.bool(st, "use_beta1");
        Object ps = st.get("_schedule_phases");
        if (!(ps instanceof List<?> list) || list.isEmpty()) {
            throw new IllegalArgumentException("loadStateDict: \"_schedule_phases\" must be a list of phases, got " + ps);
        }
        List<Map<String, Object>> parsed = new ArrayList<>();
        for (Object o : list) {
            if (!(o instanceof Map<?, ?> m) || !(m.get("end_step") instanceof Number)) {
                throw new IllegalArgumentException("loadStateDict: a phase must be a map with a numeric end_step, got "
                        + o);
            }
            parsed.add(new LinkedHashMap<>((Map<String, Object>) m));
        }
        totalSteps = total;
        annealStrategy = anneal;
        cycleMomentum = cycle;
        useBeta1 = beta1;
        phases = parsed;
    }

    /**
     * Builds a {@link OneCycleLR}; every setter returns the builder. Defaults are PyTorch's.
     * {@link #build()} sets each group's {@code initial_lr}, {@code max_lr}, {@code min_lr} (and
     * momentum options) as PyTorch does, then the rate of step 0; it throws an
     * {@link IllegalArgumentException} on PyTorch's argument errors: a null optimizer, no total steps,
     * a count that is not positive, pct_start outside [0, 1], an unknown anneal strategy, a wrong
     * number of max_lr values, or momentum cycling on an optimizer without momentum or betas.
     */
    public static final class Builder extends SchedulerBuilder<Builder, OneCycleLR> {
        private final double[] maxLr;
        private Integer totalSteps;
        private Integer epochs;
        private Integer stepsPerEpoch;
        private double pctStart = 0.3;
        private String annealStrategy = "cos";
        private boolean cycleMomentum = true;
        private double baseMomentum = 0.85;
        private double maxMomentum = 0.95;
        private double divFactor = 25.0;
        private double finalDivFactor = 1e4;
        private boolean threePhase;
        private int total;
        private boolean useBeta1;

        private Builder(Optimizer optimizer, double[] maxLr) {
            super(optimizer, Builder::create);
            this.maxLr = maxLr == null ? null : maxLr.clone();
        }

        /** The number of steps of the cycle (or give epochs and stepsPerEpoch). */
        public Builder totalSteps(int totalSteps) {
            this.totalSteps = totalSteps;
            return this;
        }

        /** The number of epochs; the cycle has {@code epochs · stepsPerEpoch} steps. */
        public Builder epochs(int epochs) {
            this.epochs = epochs;
            return this;
        }

        /** The number of steps per epoch; the cycle has {@code epochs · stepsPerEpoch} steps. */
        public Builder stepsPerEpoch(int stepsPerEpoch) {
            this.stepsPerEpoch = stepsPerEpoch;
            return this;
        }

        /** The fraction of the cycle spent raising the rate (default 0.3). */
        public Builder pctStart(double pctStart) {
            this.pctStart = pctStart;
            return this;
        }

        /** {@code "cos"} (default) or {@code "linear"} annealing. */
        public Builder annealStrategy(String annealStrategy) {
            this.annealStrategy = annealStrategy;
            return this;
        }

        /** Whether momentum cycles inversely to the rate (default true). */
        public Builder cycleMomentum(boolean cycleMomentum) {
            this.cycleMomentum = cycleMomentum;
            return this;
        }

        /** The momentum at the peak rate (default 0.85). */
        public Builder baseMomentum(double baseMomentum) {
            this.baseMomentum = baseMomentum;
            return this;
        }

        /** The momentum at the lowest rates (default 0.95). */
        public Builder maxMomentum(double maxMomentum) {
            this.maxMomentum = maxMomentum;
            return this;
        }

        /** {@code initial_lr = max_lr / divFactor} (default 25). */
        public Builder divFactor(double divFactor) {
            this.divFactor = divFactor;
            return this;
        }

        /** {@code min_lr = initial_lr / finalDivFactor} (default 1e4). */
        public Builder finalDivFactor(double finalDivFactor) {
            this.finalDivFactor = finalDivFactor;
            return this;
        }

        /** Whether the rate returns to {@code initial_lr} before falling to {@code min_lr} (default false). */
        public Builder threePhase(boolean threePhase) {
            this.threePhase = threePhase;
            return this;
        }

        /**
         * The scheduler, for {@link #build()} once the optimizer is known not to be null. Sets each
         * group's {@code initial_lr}, {@code max_lr}, {@code min_lr} (and momentum options) as
         * PyTorch does, then the rate of step 0.
         *
         * @throws IllegalArgumentException on PyTorch's argument errors: no total steps, a count that
         *                                  is not positive, pct_start outside [0, 1], an unknown
         *                                  anneal strategy, a wrong number of max_lr values, or
         *                                  momentum cycling on an optimizer without momentum or betas
         */
        private OneCycleLR create() {
            Optimizer optimizer = optimizer();
            if (totalSteps == null && (epochs == null || stepsPerEpoch == null)) {
                throw new IllegalArgumentException("You must define either total_steps OR (epochs AND steps_per_epoch)");
            }
            if (totalSteps != null) {
                total = positive("OneCycleLR", "total_steps", totalSteps);
            } else {
                total = positive("OneCycleLR", "epochs", epochs) * positive("OneCycleLR", "steps_per_epoch", stepsPerEpoch);
            }
            if (!(pctStart >= 0 && pctStart <= 1)) {
                throw new IllegalArgumentException("Expected float between 0 and 1 pct_start, but got " + pctStart);
            }
            if (!"cos".equals(annealStrategy) && !"linear".equals(annealStrategy)) {
                throw new IllegalArgumentException("anneal_strategy must be one of 'cos' or 'linear', instead got "
                        + annealStrategy);
            }
            List<ParamGroup> groups = optimizer.paramGroups();
            if (maxLr == null || (maxLr.length != 1 && maxLr.length != groups.size())) {
                throw new IllegalArgumentException("expected " + groups.size() + " values for max_lr, got "
                        + (maxLr == null ? "null" : maxLr.length));
            }
            if (cycleMomentum) {
                Map<String, Object> d = optimizer.defaults();
                if (!d.containsKey("momentum") && !d.containsKey("betas")) {
                    throw new IllegalArgumentException("optimizer must support momentum or beta1 with `cycle_momentum`"
                            + " option enabled");
                }
                useBeta1 = d.containsKey("betas");
            }
            for (int i = 0; i < groups.size(); i++) {
                ParamGroup g = groups.get(i);
                double max = maxLr.length == 1 ? maxLr[0] : maxLr[i];
                g.set("initial_lr", max / divFactor);
                g.set("max_lr", max);
                g.set("min_lr", max / divFactor / finalDivFactor);
                if (cycleMomentum) {
                    setMomentum(g, maxMomentum, useBeta1);
                    g.set("max_momentum", maxMomentum);
                    g.set("base_momentum", baseMomentum);
                }
            }
            return new OneCycleLR(this, optimizer);
        }

        private List<Map<String, Object>> phases() {
            List<Map<String, Object>> ps = new ArrayList<>();
            if (threePhase) {
                ps.add(phase(pctStart * total - 1, "initial_lr", "max_lr", "max_momentum", "base_momentum"));
                ps.add(phase(2 * pctStart * total - 2, "max_lr", "initial_lr", "base_momentum", "max_momentum"));
                ps.add(phase(total - 1, "initial_lr", "min_lr", "max_momentum", "max_momentum"));
            } else {
                ps.add(phase(pctStart * total - 1, "initial_lr", "max_lr", "max_momentum", "base_momentum"));
                ps.add(phase(total - 1, "max_lr", "min_lr", "base_momentum", "max_momentum"));
            }
            return ps;
        }

        private static Map<String, Object> phase(double end, String startLr, String endLr, String startM, String endM) {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("end_step", end);
            p.put("start_lr", startLr);
            p.put("end_lr", endLr);
            p.put("start_momentum", startM);
            p.put("end_momentum", endM);
            return p;
        }
    }
}
