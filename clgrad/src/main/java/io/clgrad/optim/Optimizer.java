package io.clgrad.optim;

import io.clgrad.Autograd;
import io.clgrad.Device;
import io.clgrad.Tensor;
import io.clgrad.Tensors;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Base class of the optimizers, as PyTorch's {@code torch.optim.Optimizer}: parameter groups with
 * their options, per-parameter state created lazily on the first {@link #step()}, a state dict,
 * {@link #zeroGrad()}, and PyTorch's printed block format.
 *
 * <pre>{@code
 * Optimizer opt = new Adam(model.parameters(), 0.01);
 * for (int epoch = 0; epoch < 100; epoch++) {
 *     opt.zeroGrad();
 *     criterion.forward(model.forward(x), y).backward();
 *     opt.step();
 * }
 * }</pre>
 *
 * <p>Parameters must be float32 leaf tensors that require grad; {@link #step()} skips those whose
 * {@link Tensor#grad()} is null. State tensors (for example Adam's {@code exp_avg}) are zeros on the
 * parameter's device, owned by the optimizer and taken out of every open {@link io.clgrad.TensorScope}
 * with {@link Tensors#keep(Tensor)}, so a per-step scope never closes them.
 */
public abstract class Optimizer {
    /** Options every group of this optimizer has, with their defaults, in PyTorch's order. */
    private final Map<String, Object> defaults;
    private final List<ParamGroup> groups = new ArrayList<>();
    private final Map<Tensor, ParamState> state = new IdentityHashMap<>();

    /**
     * Builds an optimizer with one parameter group holding {@code params} and the default options.
     *
     * @throws IllegalArgumentException when params is empty, or a parameter does not require grad,
     *                                  is not a leaf, is closed, or appears twice
     */
    protected Optimizer(List<Tensor> params, Map<String, Object> defaults) {
        Map<String, Object> d = new LinkedHashMap<>();
        defaults.forEach((k, v) -> d.put(k, ParamGroup.normalize(v)));
        this.defaults = Collections.unmodifiableMap(d);
        addParamGroup(params, Map.of());
    }

    /**
     * Adds a group of parameters with its own options; options left out take the optimizer's
     * defaults (PyTorch's {@code add_param_group}).
     *
     * @param params  the group's parameters
     * @param options options by PyTorch's names, such as {@code Map.of("lr", 1e-4)}
     * @throws IllegalArgumentException on an empty list, a parameter that does not require grad, is
     *                                  not a leaf or is already in a group, an unknown option or an
     *                                  invalid value
     */
    public final void addParamGroup(List<Tensor> params, Map<String, ?> options) {
        if (params == null || params.isEmpty()) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": optimizer got an empty parameter list"
                    + (groups.isEmpty() ? "" : " for parameter group " + groups.size()));
        }
        String where = groups.isEmpty() ? "" : " of parameter group " + groups.size();
        Set<Tensor> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (int i = 0; i < params.size(); i++) {
            Tensor p = params.get(i);
            if (p == null) {
                throw new IllegalArgumentException("optimizer can only optimize Tensors, but parameter " + i + where
                        + " is null");
            }
            if (p.isClosed()) {
                throw new IllegalArgumentException("parameter " + i + where + " (shape " + Arrays.toString(p.shape())
                        + ") was closed");
            }
            if (!p.requiresGrad()) {
                throw new IllegalArgumentException("optimizer can only optimize Tensors that require grad, but parameter "
                        + i + where + " (shape " + Arrays.toString(p.shape()) + ") does not;"
                        + " call requiresGrad(true) on it or leave it out");
            }
            if (!p.isLeaf()) {
                throw new IllegalArgumentException("can't optimize a non-leaf Tensor: parameter " + i + where
                        + " (shape " + Arrays.toString(p.shape()) + ") is the result of " + p.gradFn().name()
                        + "; optimize the leaf it was computed from, or a detach()ed copy with requiresGrad(true)");
            }
            if (!seen.add(p)) {
                throw new IllegalArgumentException("parameter " + i + where + " (shape "
                        + Arrays.toString(p.shape()) + ") appears twice in the parameter list");
            }
            for (int g = 0; g < groups.size(); g++) {
                for (Tensor q : groups.get(g).params()) {
                    if (q == p) {
                        throw new IllegalArgumentException("some parameters appear in more than one parameter group:"
                                + " parameter " + i + where + " (shape " + Arrays.toString(p.shape())
                                + ") is already in parameter group " + g);
                    }
                }
            }
        }
        Map<String, Object> merged = new LinkedHashMap<>(defaults);
        for (Map.Entry<String, ?> e : options.entrySet()) {
            if (e.getKey().equals("params")) {
                continue;
            }
            if (!defaults.containsKey(e.getKey()) && !e.getKey().equals("initial_lr")) {
                throw new IllegalArgumentException(getClass().getSimpleName() + " has no option '" + e.getKey()
                        + "' (options: " + defaults.keySet() + ")");
            }
            merged.put(e.getKey(), ParamGroup.normalize(e.getValue()));
        }
        validate(merged);
        groups.add(new ParamGroup(params, merged));
    }

    /**
     * Checks a group's options (PyTorch's constructor checks), throwing
     * {@link IllegalArgumentException} with PyTorch's message for an invalid value.
     */
    protected abstract void validate(Map<String, Object> options);

    /** The parameter groups, in order (an unmodifiable list; each group's options can be set). */
    public final List<ParamGroup> paramGroups() {
        return Collections.unmodifiableList(groups);
    }

    /** The default options of a new group, by PyTorch's names (unmodifiable). */
    public final Map<String, Object> defaults() {
        return defaults;
    }

    /** The parameters of {@code g} that have a gradient, in order: the ones a step updates. */
    static List<Tensor> withGrad(ParamGroup g) {
        List<Tensor> out = new ArrayList<>();
        for (Tensor p : g.params()) {
            if (p.grad() != null) {
                out.add(p);
            }
        }
        return out;
    }

    /**
     * Drops every parameter's gradient ({@link Tensor#zeroGrad()}, which closes it and sets it to
     * null), as PyTorch 2's {@code zero_grad()} with its default {@code set_to_none=True}.
     */
    public void zeroGrad() {
        for (ParamGroup g : groups) {
            for (Tensor p : g.params()) {
                p.zeroGrad();
            }
        }
    }

    /**
     * Performs one optimization step on every parameter that has a gradient, in place; parameters
     * whose {@link Tensor#grad()} is null are skipped (their state does not advance). Inside a step
     * being recorded by {@link io.clgrad.Step#compile}, the update runs now and again at this point
     * of every replay, so step counts and per-step scalars advance as in eager steps.
     */
    public final void step() {
        if (!io.clgrad.Step.live(this::update)) {
            update();
        }
    }

    /**
     * The update {@link #step()} performs: one step of the algorithm on every parameter with a
     * gradient. Subclasses implement it; {@link #step()} makes it live in recorded steps.
     */
    protected abstract void update();

    /** The learning rate of the first parameter group. */
    public double lr() {
        return groups.get(0).lr();
    }

    /** Sets the learning rate of every parameter group. */
    public void setLr(double lr) {
        for (ParamGroup g : groups) {
            g.setLr(lr);
        }
    }

    // ---------------------------------------------------------------- state

    /** The per-parameter state of one parameter: a step count and named state tensors. */
    static final class ParamState {
        int step;
        final Map<String, Tensor> tensors = new LinkedHashMap<>();
    }

    /** The state of a parameter, created empty on first use. */
    final ParamState state(Tensor param) {
        return state.computeIfAbsent(param, p -> new ParamState());
    }

    /** A named state tensor of a parameter, created as zeros on its device when missing. */
    static Tensor stateTensor(ParamState s, String name, Tensor param) {
        Tensor t = s.tensors.get(name);
        if (t == null) {
            t = Tensors.keep(Tensor.zeros(param.device(), param.shape()));
            s.tensors.put(name, t);
        } else if (t.isClosed()) {
            throw new IllegalStateException("optimizer state '" + name + "' of a parameter of shape "
                    + Arrays.toString(param.shape()) + " was closed; state tensors (also those returned by"
                    + " stateDict()) belong to the optimizer and must not be closed");
        }
        return t;
    }

    /** Whether the state dict of this optimizer records a step count (Adam does, SGD does not). */
    boolean hasStepState() {
        return true;
    }

    /**
     * PyTorch's {@code state_dict()}: a map with
     * <ul>
     *   <li>{@code "state"}: {@code Map<Integer, Map<String, Object>>}, by parameter index (counted
     *       over all groups in order), for parameters that have state: {@code "step"} (a float32
     *       scalar tensor on the CPU, for optimizers that count steps) and the state tensors
     *       ({@code "exp_avg"}, {@code "exp_avg_sq"}, {@code "max_exp_avg_sq"},
     *       {@code "momentum_buffer"}). The state tensors are the optimizer's own, not copies:
     *       read or save them, do not close them;</li>
     *   <li>{@code "param_groups"}: {@code List<Map<String, Object>>}, each group's options and
     *       {@code "params"}, the list of its parameters' indices.</li>
     * </ul>
     */
    public Map<String, Object> stateDict() {
        Map<Integer, Map<String, Object>> st = new TreeMap<>();
        List<Map<String, Object>> gs = new ArrayList<>();
        int index = 0;
        for (ParamGroup g : groups) {
            List<Integer> ids = new ArrayList<>();
            for (Tensor p : g.params()) {
                ParamState s = state.get(p);
                if (s != null && (s.step > 0 || !s.tensors.isEmpty())) {
                    Map<String, Object> entry = new LinkedHashMap<>();
                    if (hasStepState()) {
                        entry.put("step", Tensors.keep(Tensor.scalar(s.step)));
                    }
                    entry.putAll(s.tensors);
                    st.put(index, entry);
                }
                ids.add(index++);
            }
            Map<String, Object> gm = new LinkedHashMap<>(g.options());
            gm.put("params", List.copyOf(ids));
            gs.add(gm);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("state", st);
        out.put("param_groups", gs);
        return out;
    }

    /**
     * Loads a state dict made by {@link #stateDict()} of an optimizer of the same kind over
     * parameters of the same shapes (PyTorch's {@code load_state_dict}): each group's options are
     * replaced (its parameters are kept) and each parameter's state becomes a copy of the saved one
     * on the parameter's device. {@code "step"} may be a tensor or a number. An optional
     * {@code "type"} entry (the optimizer's class name, as checkpoint files record it) must name
     * this optimizer's class.
     *
     * @throws IllegalArgumentException when the groups or their sizes differ, a state tensor's
     *                                  shape differs from its parameter's, or {@code "type"} names
     *                                  another optimizer
     */
    @SuppressWarnings("unchecked")
    public void loadStateDict(Map<String, ?> stateDict) {
        Object gsObj = stateDict.get("param_groups");
        Object stObj = stateDict.get("state");
        if (!(gsObj instanceof List) || !(stObj instanceof Map)) {
            throw new IllegalArgumentException("loadStateDict: expected keys \"state\" (a map) and \"param_groups\""
                    + " (a list), got " + stateDict.keySet());
        }
        Object type = stateDict.get("type");
        if (type != null && !type.equals(getClass().getSimpleName())) {
            throw new IllegalArgumentException("loadStateDict: the state dict is " + type + " optimizer state, but this"
                    + " optimizer is " + getClass().getSimpleName());
        }
        List<Map<String, Object>> gs = (List<Map<String, Object>>) gsObj;
        if (gs.size() != groups.size()) {
            throw new IllegalArgumentException("loaded state dict has a different number of parameter groups: "
                    + gs.size() + ", this optimizer has " + groups.size());
        }
        List<Tensor> all = new ArrayList<>();
        List<Integer> savedIds = new ArrayList<>();
        for (int i = 0; i < gs.size(); i++) {
            List<?> ids = (List<?>) gs.get(i).get("params");
            List<Tensor> ps = groups.get(i).params();
            if (ids == null || ids.size() != ps.size()) {
                throw new IllegalArgumentException("loaded state dict contains a parameter group that doesn't match the"
                        + " size of optimizer's group: group " + i + " has " + (ids == null ? 0 : ids.size())
                        + " parameters, this optimizer's has " + ps.size());
            }
            for (int j = 0; j < ids.size(); j++) {
                all.add(ps.get(j));
                savedIds.add(((Number) ids.get(j)).intValue());
            }
        }
        Map<Object, Map<String, Object>> st = (Map<Object, Map<String, Object>>) stObj;
        Map<Tensor, ParamState> loaded = new IdentityHashMap<>();
        for (int k = 0; k < all.size(); k++) {
            Tensor p = all.get(k);
            Map<String, Object> entry = st.get(savedIds.get(k));
            if (entry == null) {
                entry = st.get(String.valueOf(savedIds.get(k)));
            }
            if (entry == null) {
                continue;
            }
            ParamState s = new ParamState();
            for (Map.Entry<String, Object> e : entry.entrySet()) {
                Object v = e.getValue();
                if (e.getKey().equals("step")) {
                    s.step = v instanceof Tensor ? Math.round(((Tensor) v).item()) : ((Number) v).intValue();
                } else if (v instanceof Tensor) {
                    Tensor t = (Tensor) v;
                    if (!Arrays.equals(t.shape(), p.shape())) {
                        throw new IllegalArgumentException("loadStateDict: state '" + e.getKey() + "' of parameter "
                                + savedIds.get(k) + " has shape " + Arrays.toString(t.shape())
                                + ", the parameter has shape " + Arrays.toString(p.shape()));
                    }
                    s.tensors.put(e.getKey(), copyTo(t, p.device()));
                }
            }
            loaded.put(p, s);
        }
        for (ParamState old : state.values()) {
            for (Tensor t : old.tensors.values()) {
                t.close();
            }
        }
        state.clear();
        state.putAll(loaded);
        for (int i = 0; i < gs.size(); i++) {
            Map<String, Object> opts = new LinkedHashMap<>(groups.get(i).options());
            gs.get(i).forEach((key, value) -> {
                if (!key.equals("params")) {
                    opts.put(key, ParamGroup.normalize(value));
                }
            });
            validate(opts);
            groups.set(i, new ParamGroup(groups.get(i).params(), opts));
        }
    }

    /** A dense copy of {@code t} on {@code device} that no scope closes and no graph records. */
    @SuppressWarnings("try")
    private static Tensor copyTo(Tensor t, Device device) {
        try (Autograd.Mode m = Autograd.noGrad()) {
            Tensor moved = t.to(device);
            return Tensors.keep(moved == t ? t.copy() : moved);
        }
    }

    // ---------------------------------------------------------------- printing

    /**
     * PyTorch's block format: the class name, then each group's options sorted by key, e.g.
     * <pre>
     * Adam (
     * Parameter Group 0
     *     amsgrad: False
     *     betas: (0.9, 0.999)
     *     ...
     *     weight_decay: 0
     * )
     * </pre>
     * Values print as Python prints them (see the package documentation for the one deviation:
     * integral numbers print as ints, as PyTorch's integer defaults do).
     */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(getClass().getSimpleName()).append(" (");
        for (int i = 0; i < groups.size(); i++) {
            sb.append('\n').append("Parameter Group ").append(i).append('\n');
            for (Map.Entry<String, Object> e : new TreeMap<>(groups.get(i).options()).entrySet()) {
                sb.append("    ").append(e.getKey()).append(": ").append(PyRepr.option(e.getKey(), e.getValue()))
                        .append('\n');
            }
        }
        return sb.append(')').toString();
    }
}
