package io.clgrad.backend.conformance;

import io.clgrad.backend.Backend;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Runs a family's {@link OpCase}s on a backend and compares the outputs, either with the
 * double-precision reference (within {@link Tolerance}) or with the same cases run on a twin backend
 * (within twice the tolerance). Every case runs even when an earlier one fails, and a case that
 * throws is a failure, so one run shows the whole picture. Each case frees what it allocated.
 *
 * <p>The test suite turns a {@link Report} with failures into an assertion error;
 * {@code clgrad devices --self-test} reports them per device.
 */
public final class Conformance {
    /** Bad elements described per output. */
    private static final int ELEMENTS_SHOWN = 3;

    private Conformance() {
    }

    /**
     * One failing case.
     *
     * @param caseName the case, e.g. "unary RELU n=7"
     * @param detail   what is wrong: "[cpu vs reference]: 3 of 7 elements of out[7] wrong: ..." with the
     *                 index, got and expected values of the first few, or "on cpu: threw ..."
     */
    public record Failure(String caseName, String detail) {
        @Override
        public String toString() {
            return caseName + " " + detail;
        }
    }

    /**
     * What one run of a list of cases found.
     *
     * @param cases      number of cases run
     * @param failures   the failing cases, in the order they ran
     * @param worstRatio the largest |diff| / bound over every compared element (1.0 = at the limit);
     *                   0 when nothing had a tolerance
     * @param worstAt    the case, output and index where {@code worstRatio} occurred, or ""
     */
    public record Report(int cases, List<Failure> failures, double worstRatio, String worstAt) {
        /** Whether every case passed. */
        public boolean passed() {
            return failures.isEmpty();
        }

        /** The number of distinct cases that failed (a case may fail for several outputs). */
        public long failingCases() {
            return failures.stream().map(Failure::caseName).distinct().count();
        }

        /**
         * A multi-line description of the failures: {@code prefix}, the count, then one line per
         * failure, at most {@code maxShown} of them.
         */
        public String describe(String prefix, int maxShown) {
            StringBuilder sb = new StringBuilder(prefix).append(failures.size()).append(" failure(s) in ")
                    .append(cases).append(" cases:");
            for (int i = 0; i < Math.min(maxShown, failures.size()); i++) {
                sb.append("\n  ").append(failures.get(i));
            }
            if (failures.size() > maxShown) {
                sb.append("\n  ... and ").append(failures.size() - maxShown).append(" more");
            }
            return sb.toString();
        }
    }

    /** Runs every case on {@code b} and compares it with the double-precision reference. */
    public static Report againstReference(Backend b, List<OpCase> cases) {
        Worst worst = new Worst();
        List<Failure> failures = new ArrayList<>();
        for (OpCase c : cases) {
            List<double[]> got = runCatching(b, c, failures);
            if (got != null) {
                List<double[]> want = c.expected().stream().map(OpCase.Out::value).toList();
                List<double[]> alt = c.expected().stream().map(OpCase.Out::alt).toList();
                compare(c, b.id() + " vs reference", got, want, alt, 1, failures, worst);
            }
        }
        return new Report(cases.size(), List.copyOf(failures), worst.ratio, worst.at);
    }

    /** Runs every case on {@code twin} and on {@code b}, which must agree within twice the tolerance. */
    public static Report againstTwin(Backend twin, Backend b, List<OpCase> cases) {
        Worst worst = new Worst();
        List<Failure> failures = new ArrayList<>();
        for (OpCase c : cases) {
            List<double[]> want = runCatching(twin, c, failures);
            List<double[]> got = runCatching(b, c, failures);
            if (want != null && got != null) {
                compare(c, b.id() + " vs " + twin.id(), got, want, null, 2, failures, worst);
            }
        }
        return new Report(cases.size(), List.copyOf(failures), worst.ratio, worst.at);
    }

    /**
     * Runs a case on {@code b}; an exception (or an assertion error) is recorded in {@code failures}
     * and gives null.
     */
    public static List<double[]> runCatching(Backend b, OpCase c, List<Failure> failures) {
        try {
            return c.run().apply(b);
        } catch (RuntimeException | AssertionError e) {
            failures.add(new Failure(c.name(), "on " + b.id() + ": threw " + e));
            return null;
        }
    }

    /** The largest |diff|/bound seen so far, and where. */
    private static final class Worst {
        double ratio;
        String at = "";
    }

    private static void compare(OpCase c, String what, List<double[]> got, List<double[]> want,
                                List<double[]> alts, double factor, List<Failure> failures, Worst worst) {
        for (int o = 0; o < c.expected().size(); o++) {
            OpCase.Out out = c.expected().get(o);
            double[] g = got.get(o);
            double[] w = want.get(o);
            double[] alt = alts == null ? null : alts.get(o);
            int bad = 0;
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < w.length; i++) {
                trackWorst(c, out, i, g[i], w[i], alt == null ? Double.NaN : alt[i], factor, worst);
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
                failures.add(new Failure(c.name(), "[" + what + "]: " + bad + " of " + w.length + " elements of "
                        + out.label() + Arrays.toString(out.shape()) + " wrong:" + sb));
            }
        }
    }

    private static void trackWorst(OpCase c, OpCase.Out out, int i, double got, double want, double alt,
                                   double factor, Worst worst) {
        double scale = out.scale()[i];
        if (scale == 0 || Double.isNaN(want) || Float.isInfinite((float) want) || Double.isNaN(got)) {
            return;
        }
        double diff = Math.abs(got - want);
        if (!Double.isNaN(alt)) {
            diff = Math.min(diff, Math.abs(got - alt));
        }
        double ratio = diff / Tolerance.bound(scale, factor);
        if (ratio > worst.ratio) {
            worst.ratio = ratio;
            worst.at = c.name() + " " + out.label() + index(out.shape(), i);
        }
    }

    /** "[i]" or "[i,j,k] (flat n)" for a flat index into a row-major shape. */
    public static String index(int[] shape, int flat) {
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
}
