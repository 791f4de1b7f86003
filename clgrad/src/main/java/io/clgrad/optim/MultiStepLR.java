package io.clgrad.optim;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Decays each group's learning rate by {@code gamma} once the epoch reaches each milestone, as
 * PyTorch's {@code MultiStepLR}. Closed form: {@code lr = base_lr · gamma^(number of milestones ≤ epoch)};
 * a milestone listed twice decays twice.
 *
 * <pre>{@code
 * // lr = 0.05 for epochs 0..29, 0.005 for 30..79, 0.0005 from 80 on
 * MultiStepLR sched = new MultiStepLR(optimizer, List.of(30, 80), 0.1);
 * }</pre>
 */
public final class MultiStepLR extends LRScheduler {
    /** Milestone epoch → how often it is listed (PyTorch's {@code Counter}). */
    private final Map<Integer, Integer> milestones = new TreeMap<>();
    private double gamma;

    /** MultiStepLR with PyTorch's default {@code gamma = 0.1}. */
    public MultiStepLR(Optimizer optimizer, List<Integer> milestones) {
        this(optimizer, milestones, 0.1);
    }

    /**
     * MultiStepLR decaying by {@code gamma} at each of {@code milestones} (epochs, in any order).
     *
     * @throws IllegalArgumentException when milestones is null or holds null
     */
    public MultiStepLR(Optimizer optimizer, List<Integer> milestones, double gamma) {
        super(optimizer);
        if (milestones == null) {
            throw new IllegalArgumentException("MultiStepLR: milestones must be a list of epochs, got null");
        }
        for (Integer m : milestones) {
            if (m == null) {
                throw new IllegalArgumentException("MultiStepLR: milestones must be epochs, got " + milestones);
            }
            this.milestones.merge(m, 1, Integer::sum);
        }
        this.gamma = gamma;
        initialStep();
    }

    @Override
    protected double[] computeLr() {
        return eachGroup((lr, base, e) -> {
            Integer count = milestones.get(e);
            return count == null ? lr : lr * Math.pow(gamma, count);
        });
    }

    /** The milestones in increasing order, repeated ones repeated. */
    public List<Integer> milestones() {
        List<Integer> out = new ArrayList<>();
        milestones.forEach((m, n) -> out.addAll(Collections.nCopies(n, m)));
        return Collections.unmodifiableList(out);
    }

    /** The multiplicative decay factor. */
    public double gamma() {
        return gamma;
    }

    /**
     * State dict entries {@code "milestones"} (a map from milestone epoch to its count, PyTorch's
     * {@code Counter}) and {@code "gamma"}.
     */
    @Override
    protected void putState(Map<String, Object> out) {
        out.put("milestones", new TreeMap<>(milestones));
        out.put("gamma", gamma);
    }

    /** Milestone keys may be numbers or their decimal strings (as JSON writes map keys). */
    @Override
    protected void loadState(Map<String, ?> state) {
        Object ms = state.get("milestones");
        if (!(ms instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException("loadStateDict: \"milestones\" must be a map from epoch to count, got "
                    + ms);
        }
        Map<Integer, Integer> parsed = new TreeMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            int epoch = (int) SchedulerState.number("milestones", String.valueOf(e.getKey()));
            parsed.put(epoch, (int) SchedulerState.number("milestones", e.getValue()));
        }
        double g = SchedulerState.number(state, "gamma");
        milestones.clear();
        milestones.putAll(parsed);
        gamma = g;
    }
}
