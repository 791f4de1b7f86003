package io.clgrad.optim;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the optimizers' option maps share: PyTorch's checks of a number option, and the options
 * that clgrad prints only so that an optimizer prints as PyTorch's does ({@code maximize},
 * {@code foreach}, {@code capturable}, {@code differentiable}, {@code fused}), each of which must
 * keep its one value.
 */
final class OptionChecks {
    /** The printed-only options with the one value each may have, in PyTorch's order. */
    private static final Map<String, Object> PRINTED_ONLY = new LinkedHashMap<>();

    static {
        PRINTED_ONLY.put("maximize", false);
        PRINTED_ONLY.put("foreach", null);
        PRINTED_ONLY.put("capturable", false);
        PRINTED_ONLY.put("differentiable", false);
        PRINTED_ONLY.put("fused", null);
    }

    private OptionChecks() {
    }

    /**
     * Adds the printed-only options that an optimizer has (PyTorch's SGD has no {@code capturable})
     * to its defaults, at their one value and in PyTorch's order.
     *
     * @return {@code defaults}
     */
    static Map<String, Object> withPrintedOnly(Map<String, Object> defaults, String... names) {
        for (String key : PRINTED_ONLY.keySet()) {
            if (List.of(names).contains(key)) {
                defaults.put(key, PRINTED_ONLY.get(key));
            }
        }
        return defaults;
    }

    /**
     * An optimizer's options with their defaults, in PyTorch's order, from alternating names and
     * values, followed by the printed-only options named in {@code printedOnly}.
     */
    static Map<String, Object> defaults(Object[] namesAndValues, String... printedOnly) {
        Map<String, Object> d = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            d.put((String) namesAndValues[i], namesAndValues[i + 1]);
        }
        return withPrintedOnly(d, printedOnly);
    }

    /** Checks that each printed-only option in {@code o} keeps its one value. */
    static void checkPrintedOnly(Map<String, Object> o) {
        for (Map.Entry<String, Object> only : PRINTED_ONLY.entrySet()) {
            String key = only.getKey();
            Object v = o.get(key);
            if (o.containsKey(key) && (v == null ? only.getValue() != null : !v.equals(only.getValue()))) {
                throw new IllegalArgumentException("option " + key + "=" + PyRepr.option(key, v)
                        + " is not supported by clgrad (it is printed only to match PyTorch; it must stay "
                        + PyRepr.option(key, only.getValue()) + ")");
            }
        }
    }

    /** The boolean option {@code key}, else "KEY must be a boolean, got VALUE". */
    static boolean bool(Map<String, Object> o, String key) {
        if (!(o.get(key) instanceof Boolean b)) {
            throw new IllegalArgumentException(key + " must be a boolean, got " + o.get(key));
        }
        return b;
    }

    /** The number option {@code key}. */
    static double number(Map<String, Object> o, String key) {
        Object v = o.get(key);
        if (!(v instanceof Number)) {
            throw new IllegalArgumentException("option " + key + " must be a number, got " + v);
        }
        return ((Number) v).doubleValue();
    }

    /**
     * Checks that each number option of {@code keys}, in order, is at least 0, else PyTorch's
     * message, e.g. "Invalid learning rate: -0.1" for {@code "lr"}, "Invalid epsilon value: -1.0"
     * for {@code "eps"} and "Invalid momentum value: -0.5" for {@code "momentum"}.
     */
    static void nonNegative(Map<String, Object> o, String... keys) {
        for (String key : keys) {
            double v = number(o, key);
            if (!(v >= 0.0)) {
                String what = switch (key) {
                    case "lr" -> "learning rate";
                    case "eps" -> "epsilon value";
                    default -> key + " value";
                };
                throw new IllegalArgumentException("Invalid " + what + ": " + PyRepr.floatRepr(v));
            }
        }
    }
}
