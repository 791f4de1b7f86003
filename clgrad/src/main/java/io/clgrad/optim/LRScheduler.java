package io.clgrad.optim;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Base class of the learning-rate schedulers, as PyTorch's {@code torch.optim.lr_scheduler.LRScheduler}.
 * Construction records each group's {@code initial_lr} (an option that then also prints, as in
 * PyTorch), takes it as the base learning rate, and performs the first {@link #step()}, which sets
 * the learning rate of epoch 0. Call {@link #step()} once per epoch, after {@code optimizer.step()}.
 *
 * <pre>{@code
 * Optimizer opt = new SGD(model.parameters(), 0.1);
 * LRScheduler sched = new StepLR(opt, 30, 0.1);
 * for (int epoch = 0; epoch < 100; epoch++) {
 *     train(opt);
 *     sched.step();
 * }
 * }</pre>
 *
 * <p>As in PyTorch, each step computes the new rate from the group's current rate (the
 * "chainable" form), so schedulers may be combined on one optimizer; their closed forms are
 * documented in each subclass.
 */
public abstract class LRScheduler {
    /** The optimizer whose learning rates this scheduler sets. */
    protected final Optimizer optimizer;
    private final double[] baseLrs;
    private int lastEpoch = -1;
    private int stepCount;
    private double[] lastLr;

    /** Records the base learning rates; subclasses call {@link #initialStep()} once their fields are set. */
    protected LRScheduler(Optimizer optimizer) {
        if (optimizer == null) {
            throw new IllegalArgumentException("optimizer is null");
        }
        this.optimizer = optimizer;
        List<ParamGroup> groups = optimizer.paramGroups();
        baseLrs = new double[groups.size()];
        for (int i = 0; i < groups.size(); i++) {
            ParamGroup g = groups.get(i);
            if (g.get("initial_lr") == null) {
                g.set("initial_lr", g.lr());
            }
            baseLrs[i] = g.getDouble("initial_lr");
        }
    }

    /** The first step, made by each subclass's constructor (PyTorch's {@code _initial_step}). */
    protected final void initialStep() {
        step();
    }

    /** Advances one epoch and sets every group's learning rate. */
    public void step() {
        if (io.clgrad.Step.live(this::step)) {
            return; // inside a recorded step: the learning rate changes on every replay too
        }
        stepCount++;
        lastEpoch++;
        double[] lrs = computeLr();
        List<ParamGroup> groups = optimizer.paramGroups();
        for (int i = 0; i < groups.size(); i++) {
            groups.get(i).setLr(lrs[i]);
        }
        lastLr = lrs.clone();
    }

    /**
     * The learning rates for epoch {@link #lastEpoch()}, one per group, from the groups' current
     * rates (PyTorch's {@code get_lr}).
     */
    protected abstract double[] computeLr();

    /** The current learning rate of group {@code i}. */
    protected final double groupLr(int i) {
        return optimizer.paramGroups().get(i).lr();
    }

    /** A scheduler's chainable rule for one group: the new rate from the group's current and base rates. */
    @FunctionalInterface
    interface GroupRule {
        /** The rate of epoch {@code epoch} for a group whose rate is {@code lr} and base rate {@code base}. */
        double lr(double lr, double base, int epoch);
    }

    /** {@link #computeLr()} for a scheduler that sets every group by the same rule, at {@link #lastEpoch()}. */
    final double[] eachGroup(GroupRule rule) {
        double[] out = new double[groupCount()];
        for (int i = 0; i < out.length; i++) {
            out[i] = rule.lr(groupLr(i), baseLr(i), lastEpoch);
        }
        return out;
    }

    /**
     * @return {@code value} when above 0
     * @throws IllegalArgumentException otherwise, e.g. "StepLR: step_size must be positive, got 0"
     */
    static int positive(String scheduler, String argument, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(scheduler + ": " + argument + " must be positive, got " + value);
        }
        return value;
    }

    /** How many times {@link #step()} has run, the constructor's step included. */
    protected final int stepCount() {
        return stepCount;
    }

    /** The epoch whose learning rates are set: 0 after construction, then +1 per step. */
    public int lastEpoch() {
        return lastEpoch;
    }

    /** The base (initial) learning rate of each group. */
    public List<Double> baseLrs() {
        return SchedulerState.boxed(baseLrs);
    }

    /** The base learning rate of group {@code i}. */
    protected final double baseLr(int i) {
        return baseLrs[i];
    }

    /** The learning rates set by the last step, one per group (PyTorch's {@code get_last_lr()}). */
    public List<Double> lastLr() {
        return SchedulerState.boxed(lastLr);
    }

    /** The number of parameter groups. */
    protected final int groupCount() {
        return baseLrs.length;
    }

    /**
     * The scheduler's state, as PyTorch's {@code state_dict()} names it: {@code "last_epoch"},
     * {@code "_step_count"}, {@code "base_lrs"} and {@code "_last_lr"} (lists of numbers, one per
     * group). Subclasses add their own entries by PyTorch's names (MultiStepLR's {@code "milestones"},
     * OneCycleLR's {@code "total_steps"}, ...); functions (LambdaLR's) are not state: rebuild the
     * scheduler with the same arguments, then {@link #loadStateDict(Map)}.
     *
     * @return a new map of numbers and lists of numbers (JSON-ready)
     */
    public Map<String, Object> stateDict() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("last_epoch", lastEpoch);
        out.put("_step_count", stepCount);
        out.put("base_lrs", baseLrs());
        out.put("_last_lr", lastLr());
        putState(out);
        return out;
    }

    /** Adds a subclass's own state dict entries (PyTorch's names) to {@code out}; none by default. */
    protected void putState(Map<String, Object> out) {
    }

    /**
     * Restores a subclass's own entries from a state dict, checking all of them before changing
     * anything; none by default.
     *
     * @throws IllegalArgumentException when an entry is missing or malformed
     */
    protected void loadState(Map<String, ?> state) {
    }

    /**
     * Restores a state made by {@link #stateDict()} of a scheduler over as many parameter groups.
     * The optimizer's learning rates are not changed (they are the optimizer's state: load it too).
     *
     * @param state the state dict; numbers may be any {@link Number}
     * @throws IllegalArgumentException when an entry is missing, not a number, or a list's length is
     *                                  not the number of groups; nothing is changed then
     */
    public void loadStateDict(Map<String, ?> state) {
        if (state == null) {
            throw new IllegalArgumentException("loadStateDict: state dict is null");
        }
        int epoch = SchedulerState.integer(state, "last_epoch");
        int steps = SchedulerState.integer(state, "_step_count");
        double[] base = SchedulerState.numbers(state, "base_lrs", baseLrs.length);
        double[] last = SchedulerState.numbers(state, "_last_lr", baseLrs.length);
        loadState(state);
        lastEpoch = epoch;
        stepCount = steps;
        System.arraycopy(base, 0, baseLrs, 0, base.length);
        lastLr = last;
    }
}
