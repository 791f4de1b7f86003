package io.clgrad.backend;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Runs a family of {@link OpCase}s and compares outputs, either with the double-precision reference
 * or with the same cases run on a twin backend. Every case runs even when an earlier one fails;
 * the assertion at the end lists each failing case with the op, geometry, output, index, got and
 * expected values, so one run shows the whole picture.
 */
final class Checker {
    /** Bad elements reported per output. */
    private static final int ELEMENTS_SHOWN = 3;
    /** Failing cases listed in one assertion message. */
    private static final int CASES_SHOWN = 40;

    private Checker() {
    }

    /** Every case on {@code b} must match the reference within {@link Tolerance}. */
    static void againstReference(Backend b, List<OpCase> cases) {
        List<String> failures = new ArrayList<>();
        for (OpCase c : cases) {
            List<double[]> got = runCatching(b, c, failures);
            if (got != null) {
                List<double[]> want = c.expected().stream().map(OpCase.Out::value).toList();
                compare(c, b.id() + " vs reference", got, want, 1, failures);
            }
        }
        report(b.id() + ": ", cases.size(), failures);
    }

    /** Every case on {@code b} must match the same case on {@code twin} within twice the tolerance. */
    static void againstTwin(Backend twin, Backend b, List<OpCase> cases) {
        List<String> failures = new ArrayList<>();
        for (OpCase c : cases) {
            List<double[]> want = runCatching(twin, c, failures);
            List<double[]> got = runCatching(b, c, failures);
            if (want != null && got != null) {
                compare(c, b.id() + " vs " + twin.id(), got, want, 2, failures);
            }
        }
        report(b.id() + " vs " + twin.id() + ": ", cases.size(), failures);
    }

    /** Runs a case, recording an exception as a failure (and returning null). */
    static List<double[]> runCatching(Backend b, OpCase c, List<String> failures) {
        try {
            return c.run().apply(b);
        } catch (RuntimeException | AssertionError e) {
            failures.add(c.name() + " on " + b.id() + ": threw " + e);
            return null;
        }
    }

    private static void compare(OpCase c, String what, List<double[]> got, List<double[]> want,
                                double factor, List<String> failures) {
        for (int o = 0; o < c.expected().size(); o++) {
            OpCase.Out out = c.expected().get(o);
            double[] g = got.get(o);
            double[] w = want.get(o);
            int bad = 0;
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < w.length; i++) {
                if (!Tolerance.accepts(g[i], w[i], out.scale()[i], factor)) {
                    if (bad < ELEMENTS_SHOWN) {
                        sb.append(String.format("%n    %s%s got %s expected %s (|diff| %.3g > tol %.3g)",
                                out.label(), index(out.shape(), i), g[i], w[i], Math.abs(g[i] - w[i]),
                                Tolerance.bound(out.scale()[i], factor)));
                    }
                    bad++;
                }
            }
            if (bad > 0) {
                failures.add(c.name() + " [" + what + "]: " + bad + " of " + w.length + " elements of "
                        + out.label() + Arrays.toString(out.shape()) + " wrong:" + sb);
            }
        }
    }

    /** "[i]" or "[i,j,k] (flat n)" for a flat index into a row-major shape. */
    static String index(int[] shape, int flat) {
        if (shape.length <= 1) {
            return "[" + flat + "]";
        }
        int[] idx = new int[shape.length];
        int rest = flat;
        for (int d = shape.length - 1; d >= 0; d--) {
            idx[d] = shape[d] == 0 ? 0 : rest % shape[d];
            rest = shape[d] == 0 ? 0 : rest / shape[d];
        }
        StringBuilder sb = new StringBuilder("[");
        for (int d = 0; d < idx.length; d++) {
            sb.append(d == 0 ? "" : ",").append(idx[d]);
        }
        return sb.append("] (flat ").append(flat).append(')').toString();
    }

    private static void report(String prefix, int total, List<String> failures) {
        if (failures.isEmpty()) {
            return;
        }
        StringBuilder sb = new StringBuilder(prefix).append(failures.size()).append(" failure(s) in ")
                .append(total).append(" cases:");
        for (int i = 0; i < Math.min(CASES_SHOWN, failures.size()); i++) {
            sb.append("\n  ").append(failures.get(i));
        }
        if (failures.size() > CASES_SHOWN) {
            sb.append("\n  ... and ").append(failures.size() - CASES_SHOWN).append(" more");
        }
        fail(sb.toString());
    }
}
