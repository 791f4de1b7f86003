package io.clgrad.optim;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Reads the entries of a scheduler's state dict (numbers as any {@link Number}, or as the strings
 * {@code "Infinity"}/{@code "-Infinity"}/{@code "NaN"} that JSON writers use), with errors that
 * name the entry.
 */
final class SchedulerState {
    private SchedulerState() {
    }

    /** Entry {@code key} as a double. */
    static double number(Map<String, ?> state, String key) {
        return number(key, state.get(key));
    }

    /** {@code v} (the entry {@code key}) as a double. */
    static double number(String key, Object v) {
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        if (v instanceof String s) {
            try {
                return Double.parseDouble(s);
            } catch (NumberFormatException e) {
                // reported below
            }
        }
        throw new IllegalArgumentException("loadStateDict: \"" + key + "\" must be a number, got " + v);
    }

    /** Entry {@code key} as an int. */
    static int integer(Map<String, ?> state, String key) {
        double d = number(state, key);
        if (d != Math.rint(d) || Math.abs(d) > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("loadStateDict: \"" + key + "\" must be an integer, got " + state.get(key));
        }
        return (int) d;
    }

    /** Entry {@code key} as a boolean. */
    static boolean bool(Map<String, ?> state, String key) {
        Object v = state.get(key);
        if (!(v instanceof Boolean b)) {
            throw new IllegalArgumentException("loadStateDict: \"" + key + "\" must be a boolean, got " + v);
        }
        return b;
    }

    /** Entry {@code key} as a string. */
    static String string(Map<String, ?> state, String key) {
        Object v = state.get(key);
        if (!(v instanceof String s)) {
            throw new IllegalArgumentException("loadStateDict: \"" + key + "\" must be a string, got " + v);
        }
        return s;
    }

    /** {@code a} as an unmodifiable list (the form the schedulers' getters and state dicts give). */
    static List<Double> boxed(double[] a) {
        List<Double> out = new ArrayList<>();
        for (double d : a) {
            out.add(d);
        }
        return Collections.unmodifiableList(out);
    }

    /** Entry {@code key} as a list of {@code size} doubles (one per parameter group). */
    static double[] numbers(Map<String, ?> state, String key, int size) {
        Object v = state.get(key);
        if (!(v instanceof List<?> list) || list.size() != size) {
            throw new IllegalArgumentException("loadStateDict: \"" + key + "\" must be a list of " + size
                    + " numbers (one per parameter group), got " + v);
        }
        double[] out = new double[size];
        for (int i = 0; i < size; i++) {
            out[i] = number(key, list.get(i));
        }
        return out;
    }
}
