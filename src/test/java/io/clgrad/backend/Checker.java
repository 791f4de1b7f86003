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

    /** The largest |diff|/bound seen by the last comparison on this thread, and where. */
    private static final ThreadLocal<Object[]> WORST = ThreadLocal.withInitial(() -> new Object[] {0.0, ""});

    /** Every case on {@code b} must match the reference within {@link Tolerance}. */
    static void againstReference(Backend b, List<OpCase> cases) {
        List<String> failures = compareWithReference(b, cases);
        printMargin("[conformance] " + b.id(), cases, "");
        report(b.id() + ": ", cases.size(), failures);
    }

    /**
     * For a deliberately broken backend (see SuiteSensitivityTest): the cases must fail against the
     * reference. Prints a {@code [sensitivity]} line that says the large |diff|/tol is expected, and
     * throws (as {@link #againstReference} does) when the cases fail; returns normally when the suite
     * missed the mutation.
     */
    static void mutantAgainstReference(Backend mutant, List<OpCase> cases, String mutation) {
        List<String> failures = compareWithReference(mutant, cases);
        long failing = cases.stream().filter(c -> failures.stream().anyMatch(f -> f.startsWith(c.name() + " "))).count();
        printMargin("[sensitivity] " + mutant.id(), cases, failures.isEmpty()
                ? " -- NOT CAUGHT: the suite did not notice the mutation (" + mutation + ")"
                : " -- expected: the mutant (" + mutation + ") is caught, " + failing + " of " + cases.size()
                        + " cases fail");
        report(mutant.id() + ": ", cases.size(), failures);
    }

    private static List<String> compareWithReference(Backend b, List<OpCase> cases) {
        WORST.set(new Object[] {0.0, ""});
        List<String> failures = new ArrayList<>();
        for (OpCase c : cases) {
            List<double[]> got = runCatching(b, c, failures);
            if (got != null) {
                List<double[]> want = c.expected().stream().map(OpCase.Out::value).toList();
                List<double[]> alt = c.expected().stream().map(OpCase.Out::alt).toList();
                compare(c, b.id() + " vs reference", got, want, alt, 1, failures);
            }
        }
        return failures;
    }

    /** Every case on {@code b} must match the same case on {@code twin} within twice the tolerance. */
    static void againstTwin(Backend twin, Backend b, List<OpCase> cases) {
        WORST.set(new Object[] {0.0, ""});
        List<String> failures = new ArrayList<>();
        for (OpCase c : cases) {
            List<double[]> want = runCatching(twin, c, failures);
            List<double[]> got = runCatching(b, c, failures);
            if (want != null && got != null) {
                compare(c, b.id() + " vs " + twin.id(), got, want, null, 2, failures);
            }
        }
        printMargin("[conformance] " + b.id() + " vs " + twin.id(), cases, "");
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
                                List<double[]> alts, double factor, List<String> failures) {
        for (int o = 0; o < c.expected().size(); o++) {
            OpCase.Out out = c.expected().get(o);
            double[] g = got.get(o);
            double[] w = want.get(o);
            double[] alt = alts == null ? null : alts.get(o);
            int bad = 0;
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < w.length; i++) {
                trackWorst(c, out, i, g[i], w[i], alt == null ? Double.NaN : alt[i], factor);
                if (!Tolerance.accepts(g[i], w[i], out.scale()[i], factor)
                        && (alt == null || !Tolerance.accepts(g[i], alt[i], out.scale()[i], factor))) {
                    if (bad < ELEMENTS_SHOWN) {
                        sb.append(String.format("%n    %s%s got %s expected %s%s (|diff| %.3g > tol %.3g)",
                                out.label(), index(out.shape(), i), g[i], w[i], alt == null ? "" : " or " + alt[i],
                                Math.abs(g[i] - w[i]), Tolerance.bound(out.scale()[i], factor)));
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

    private static void trackWorst(OpCase c, OpCase.Out out, int i, double got, double want, double alt, double factor) {
        double scale = out.scale()[i];
        if (scale == 0 || Double.isNaN(want) || Float.isInfinite((float) want) || Double.isNaN(got)) {
            return;
        }
        double diff = Math.abs(got - want);
        if (!Double.isNaN(alt)) {
            diff = Math.min(diff, Math.abs(got - alt));
        }
        double ratio = diff / Tolerance.bound(scale, factor);
        Object[] w = WORST.get();
        if (ratio > (double) w[0]) {
            w[0] = ratio;
            w[1] = c.name() + " " + out.label() + index(out.shape(), i);
        }
    }

    /** One line per family run: how close the worst element came to its bound (1.0 = at the limit). */
    private static void printMargin(String who, List<OpCase> cases, String note) {
        Object[] w = WORST.get();
        String family = cases.isEmpty() ? "" : cases.get(0).name().split(" ")[0];
        double worst = (double) w[0];
        System.out.printf("%s %s: %d cases, worst |diff|/tol %s%s%s%n", who, family, cases.size(),
                String.format(worst < 1e6 ? "%.3f" : "%.3e", worst), worst > 0 ? " at " + w[1] : "", note);
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
