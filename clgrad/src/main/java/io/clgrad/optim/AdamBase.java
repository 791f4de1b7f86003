package io.clgrad.optim;

import io.clgrad.ParameterUpdates;
import io.clgrad.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@link Adam} and {@link AdamW} share: the options, their checks, and a step that updates
 * every parameter of a group that shares one step count with one multi-tensor call
 * ({@link ParameterUpdates#adamMany}: one kernel launch for up to eight parameters on OpenCL).
 */
abstract class AdamBase extends Optimizer {
    private final boolean decoupled;

    AdamBase(AdamBuilder<?, ?> b, boolean decoupled) {
        super(b.params, b.options());
        this.decoupled = decoupled;
    }

    @Override
    protected void validate(Map<String, Object> o) {
        OptionChecks.nonNegative(o, "lr", "eps");
        Object betas = o.get("betas");
        if (!(betas instanceof List) || ((List<?>) betas).size() != 2
                || !(((List<?>) betas).get(0) instanceof Number) || !(((List<?>) betas).get(1) instanceof Number)) {
            throw new IllegalArgumentException("betas must be a pair of numbers, got " + betas);
        }
        for (int i = 0; i < 2; i++) {
            double b = ((Number) ((List<?>) betas).get(i)).doubleValue();
            if (!(b >= 0.0 && b < 1.0)) {
                throw new IllegalArgumentException("Invalid beta parameter at index " + i + ": " + PyRepr.floatRepr(b));
            }
        }
        OptionChecks.nonNegative(o, "weight_decay");
        OptionChecks.bool(o, "amsgrad");
        OptionChecks.checkPrintedOnly(o);
    }

    /**
     * One Adam/AdamW step on every parameter with a gradient. Parameters of a group that are on one
     * device and reach the same step count are updated by one {@link ParameterUpdates#adamMany}
     * call; usually that is the whole group.
     */
    @Override
    protected void update() {
        for (ParamGroup g : paramGroups()) {
            double lr = g.lr();
            List<?> betas = (List<?>) g.get("betas");
            double beta1 = ((Number) betas.get(0)).doubleValue();
            double beta2 = ((Number) betas.get(1)).doubleValue();
            double eps = g.getDouble("eps");
            double wd = g.getDouble("weight_decay");
            boolean amsgrad = Boolean.TRUE.equals(g.get("amsgrad"));
            Map<String, Batch> batches = new LinkedHashMap<>();
            for (Tensor p : withGrad(g)) {
                Tensor grad = p.grad();
                ParamState s = state(p);
                Tensor m = stateTensor(s, "exp_avg", p);
                Tensor v = stateTensor(s, "exp_avg_sq", p);
                Tensor vMax = amsgrad ? stateTensor(s, "max_exp_avg_sq", p) : null;
                s.step++;
                int step = s.step;
                batches.computeIfAbsent(p.device().id() + "#" + step, k -> new Batch(step, amsgrad))
                        .add(p, grad, m, v, vMax);
            }
            for (Batch b : batches.values()) {
                ParameterUpdates.adamMany(b.params, b.grads, b.m, b.v, b.vMax, lr, beta1, beta2, eps, wd,
                        decoupled, b.step);
            }
        }
    }

    /** Parameters updated together: one device, one step count. */
    private static final class Batch {
        final int step;
        final List<Tensor> params = new ArrayList<>();
        final List<Tensor> grads = new ArrayList<>();
        final List<Tensor> m = new ArrayList<>();
        final List<Tensor> v = new ArrayList<>();
        final List<Tensor> vMax;

        Batch(int step, boolean amsgrad) {
            this.step = step;
            this.vMax = amsgrad ? new ArrayList<>() : null;
        }

        void add(Tensor p, Tensor g, Tensor mt, Tensor vt, Tensor xt) {
            params.add(p);
            grads.add(g);
            m.add(mt);
            v.add(vt);
            if (vMax != null) {
                vMax.add(xt);
            }
        }
    }
}
