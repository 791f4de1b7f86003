package io.clgrad.optim;

import io.clgrad.Tensor;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One parameter group of an {@link Optimizer}: a list of parameters and the options (learning
 * rate and other hyperparameters) used for them, PyTorch's {@code optimizer.param_groups[i]}.
 * Option keys are PyTorch's names ({@code "lr"}, {@code "betas"}, {@code "weight_decay"}, ...);
 * numbers are stored as {@link Double}, {@code betas} as a two-element {@code List<Double>}.
 *
 * <pre>{@code
 * for (ParamGroup g : optimizer.paramGroups()) {
 *     g.setLr(g.lr() * 0.5);
 * }
 * }</pre>
 */
public final class ParamGroup {
    private final List<Tensor> params;
    private final Map<String, Object> options;

    ParamGroup(List<Tensor> params, Map<String, Object> options) {
        this.params = List.copyOf(params);
        this.options = new LinkedHashMap<>(options);
    }

    /** The group's parameters, in order (unmodifiable). */
    public List<Tensor> params() {
        return params;
    }

    /** The group's options, keyed by PyTorch's names (an unmodifiable live view; not "params"). */
    public Map<String, Object> options() {
        return Collections.unmodifiableMap(options);
    }

    /** The value of an option, or null when the group has no such key. */
    public Object get(String key) {
        return options.get(key);
    }

    /**
     * A numeric option as a double.
     *
     * @throws IllegalArgumentException when the group has no such numeric option
     */
    public double getDouble(String key) {
        Object v = options.get(key);
        if (!(v instanceof Number)) {
            throw new IllegalArgumentException("parameter group has no numeric option '" + key + "' (options: "
                    + options.keySet() + ")");
        }
        return ((Number) v).doubleValue();
    }

    /**
     * Sets an option (for example {@code "weight_decay"}); the next {@link Optimizer#step()} uses it.
     * Integers and floats are stored as doubles.
     *
     * @throws IllegalArgumentException when the key is "params" or null
     */
    public void set(String key, Object value) {
        if (key == null || key.equals("params")) {
            throw new IllegalArgumentException("cannot set option " + key + " of a parameter group");
        }
        options.put(key, normalize(value));
    }

    /** The learning rate, option {@code "lr"}. */
    public double lr() {
        return getDouble("lr");
    }

    /** Sets the learning rate, option {@code "lr"} (what the lr schedulers do). */
    public void setLr(double lr) {
        options.put("lr", lr);
    }

    /** Numbers as Double (betas as a list of Doubles), everything else as given. */
    static Object normalize(Object value) {
        if (value instanceof Number) {
            return ((Number) value).doubleValue();
        }
        if (value instanceof double[]) {
            double[] a = (double[]) value;
            Double[] boxed = new Double[a.length];
            for (int i = 0; i < a.length; i++) {
                boxed[i] = a[i];
            }
            return List.of(boxed);
        }
        if (value instanceof List) {
            List<?> list = (List<?>) value;
            Object[] out = new Object[list.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = normalize(list.get(i));
            }
            return List.of(out);
        }
        return value;
    }
}
