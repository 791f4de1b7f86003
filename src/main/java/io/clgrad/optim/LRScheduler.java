package io.clgrad.optim;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

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
        List<Double> out = new ArrayList<>();
        for (double d : baseLrs) {
            out.add(d);
        }
        return Collections.unmodifiableList(out);
    }

    /** The base learning rate of group {@code i}. */
    protected final double baseLr(int i) {
        return baseLrs[i];
    }

    /** The learning rates set by the last step, one per group (PyTorch's {@code get_last_lr()}). */
    public List<Double> lastLr() {
        List<Double> out = new ArrayList<>();
        for (double d : lastLr) {
            out.add(d);
        }
        return Collections.unmodifiableList(out);
    }

    /** The number of parameter groups. */
    protected final int groupCount() {
        return baseLrs.length;
    }
}
