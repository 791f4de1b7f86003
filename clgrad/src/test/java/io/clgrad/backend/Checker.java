package io.clgrad.backend;

import static org.junit.jupiter.api.Assertions.fail;

import io.clgrad.backend.conformance.Conformance;
import io.clgrad.backend.conformance.OpCase;
import java.util.List;

/**
 * The JUnit side of the shipped conformance tables: runs a family of {@link OpCase}s through
 * {@link Conformance}, prints one margin line per family (how close the worst element came to its
 * bound) and fails with every failing case listed (op, geometry, output, index, got and expected).
 */
final class Checker {
    /** Failing cases listed in one assertion message. */
    private static final int CASES_SHOWN = 40;

    private Checker() {
    }

    /** Every case on {@code b} must match the reference within the tolerance. */
    static void againstReference(Backend b, List<OpCase> cases) {
        Conformance.Report r = Conformance.againstReference(b, cases);
        printMargin("[conformance] " + b.id(), cases, r, "");
        report(b.id() + ": ", r);
    }

    /**
     * For a deliberately broken backend (see SuiteSensitivityTest): the cases must fail against the
     * reference. Prints a {@code [sensitivity]} line that says the large |diff|/tol is expected, and
     * throws (as {@link #againstReference} does) when the cases fail; returns normally when the suite
     * missed the mutation.
     */
    static void mutantAgainstReference(Backend mutant, List<OpCase> cases, String mutation) {
        Conformance.Report r = Conformance.againstReference(mutant, cases);
        printMargin("[sensitivity] " + mutant.id(), cases, r, r.passed()
                ? " -- NOT CAUGHT: the suite did not notice the mutation (" + mutation + ")"
                : " -- expected: the mutant (" + mutation + ") is caught, " + r.failingCases() + " of " + cases.size()
                        + " cases fail");
        report(mutant.id() + ": ", r);
    }

    /** Every case on {@code b} must match the same case on {@code twin} within twice the tolerance. */
    static void againstTwin(Backend twin, Backend b, List<OpCase> cases) {
        Conformance.Report r = Conformance.againstTwin(twin, b, cases);
        printMargin("[conformance] " + b.id() + " vs " + twin.id(), cases, r, "");
        report(b.id() + " vs " + twin.id() + ": ", r);
    }

    /** One line per family run: how close the worst element came to its bound (1.0 = at the limit). */
    private static void printMargin(String who, List<OpCase> cases, Conformance.Report r, String note) {
        String family = cases.isEmpty() ? "" : cases.get(0).name().split(" ")[0];
        double worst = r.worstRatio();
        System.out.printf("%s %s: %d cases, worst |diff|/tol %s%s%s%n", who, family, cases.size(),
                String.format(worst < 1e6 ? "%.3f" : "%.3e", worst), worst > 0 ? " at " + r.worstAt() : "", note);
    }

    private static void report(String prefix, Conformance.Report r) {
        if (!r.passed()) {
            fail(r.describe(prefix, CASES_SHOWN));
        }
    }
}
