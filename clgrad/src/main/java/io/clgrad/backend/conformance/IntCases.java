package io.clgrad.backend.conformance;

import io.clgrad.backend.Backend;
import io.clgrad.backend.BinaryOp;
import io.clgrad.backend.Buffer;
import io.clgrad.backend.ElementType;
import io.clgrad.backend.ReduceOp;
import io.clgrad.backend.StridedView;
import io.clgrad.backend.UnaryOp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.IntBinaryOperator;

/**
 * Int32 cases of {@link Backend#unary}, {@link Backend#binary}, {@link Backend#binaryScalarInt} and
 * {@link Backend#reduce}, derived from the entries: every op that {@code accepts(I32)}, against the
 * entry's exact {@code int32Reference()} (Java's int arithmetic, which wraps modulo 2^32). Inputs
 * span ±50,000, so products overflow and wrap, with the extremes {@code MIN_VALUE} and
 * {@code MAX_VALUE} among them; comparisons and arg-reductions use small ints, so that ties occur.
 */
final class IntCases {
    /** Values that every int32 kernel must treat exactly: zero, ±1 and both extremes. */
    private static final int[] EDGES = {0, 1, -1, Integer.MAX_VALUE, Integer.MIN_VALUE, Integer.MAX_VALUE - 1};

    /** The entries with int32 kernels. */
    private static final List<UnaryOp> UNARY = Arrays.stream(UnaryOp.values()).filter(op -> op.accepts(ElementType.I32)).toList();
    private static final List<BinaryOp> BINARY = Arrays.stream(BinaryOp.values()).filter(op -> op.accepts(ElementType.I32)).toList();
    private static final List<ReduceOp> REDUCE = Arrays.stream(ReduceOp.values()).filter(op -> op.accepts(ElementType.I32)).toList();

    private IntCases() {
    }

    /** Ints in ±50,000 with the {@link #EDGES} spread among them (when there is room), or in [-2, 2] for ties. */
    static int[] ints(Random r, int n, boolean ties) {
        if (ties) {
            return Inputs.ints(r, n, -2, 3);
        }
        int[] x = Inputs.ints(r, n, -50_000, 50_001);
        if (n >= 4 * EDGES.length) {
            for (int e = 0; e < EDGES.length; e++) {
                x[e * (n / EDGES.length)] = EDGES[e];
            }
        }
        return x;
    }

    static List<OpCase> unary(CaseSize size) {
        Random r = new Random(111);
        List<OpCase> cases = new ArrayList<>();
        for (UnaryOp op : UNARY) {
            for (int n : size.lengths(ElementwiseCases.SIZES)) {
                int[] x = ints(r, n, false);
                double[] ref = Arrays.stream(x).mapToDouble(v -> op.int32Reference().applyAsInt(v)).toArray();
                cases.add(OpCase.into("unary " + op + " n=" + n + " int32", ElementType.I32, n,
                        (b, m, out) -> b.unary(op, m.i32(x), out, n), OpCase.Out.exact("out", new int[] {n}, ref)));
            }
        }
        return cases;
    }

    /** Every int32 op over every layout of {@link ElementwiseCases#layouts()}. */
    static List<OpCase> binary() {
        Random r = new Random(212);
        List<OpCase> cases = new ArrayList<>();
        for (BinaryOp op : BINARY) {
            for (ElementwiseCases.Layout lay : ElementwiseCases.layouts()) {
                int[] a = ints(r, lay.aLen(), op.isComparison());
                int[] bv = ints(r, lay.bLen(), op.isComparison());
                int n = Inputs.numel(lay.out());
                double[] ref = new double[n];
                IntBinaryOperator f = op.int32Reference();
                for (int i = 0; i < n; i++) {
                    ref[i] = f.applyAsInt(a[RefElementwise.offsetOf(i, lay.aOffset(), lay.out(), lay.aStrides())],
                            bv[RefElementwise.offsetOf(i, lay.bOffset(), lay.out(), lay.bStrides())]);
                }
                cases.add(OpCase.into("binary " + op + " " + lay.name() + " int32", op.resultType(ElementType.I32), n,
                        (b, m, out) -> b.binary(op, new StridedView(m.i32(a), lay.aOffset(), lay.out(), lay.aStrides()),
                                new StridedView(m.i32(bv), lay.bOffset(), lay.out(), lay.bStrides()), out, lay.out()),
                        OpCase.Out.exact("out", lay.out(), ref)));
            }
        }
        return cases;
    }

    static List<OpCase> binaryScalar(CaseSize size) {
        Random r = new Random(213);
        List<OpCase> cases = new ArrayList<>();
        for (BinaryOp op : BINARY) {
            for (boolean scalarFirst : new boolean[] {false, true}) {
                for (int n : size.lengths(1, 33, 1000, 100_003)) {
                    int[] x = ints(r, n, op.isComparison());
                    int s = n == 33 && !op.isComparison() ? Integer.MAX_VALUE : ints(r, 1, op.isComparison())[0];
                    IntBinaryOperator f = op.int32Reference();
                    double[] ref = Arrays.stream(x).mapToDouble(v -> scalarFirst ? f.applyAsInt(s, v) : f.applyAsInt(v, s))
                            .toArray();
                    cases.add(OpCase.into("binaryScalarInt " + op + (scalarFirst ? " (s op x)" : " (x op s)") + " s=" + s
                                    + " n=" + n, op.resultType(ElementType.I32), n,
                            (b, m, out) -> b.binaryScalarInt(op, m.i32(x), s, scalarFirst, out, n),
                            OpCase.Out.exact("out", new int[] {n}, ref)));
                }
            }
        }
        return cases;
    }

    /** Every int32 reduction over the geometries of {@link ReduceCases#geometries()}, with ties and a wrapping sum. */
    static List<OpCase> reduce(CaseSize size) {
        Random r = new Random(511);
        List<OpCase> cases = new ArrayList<>();
        for (ReduceOp op : REDUCE) {
            for (ReduceCases.Geo g : ReduceCases.geometries()) {
                if (size.keeps(g.numel())) {
                    cases.add(reduceCase(op, g, ints(r, g.numel(), false), ""));
                }
            }
            ReduceCases.Geo g = ReduceCases.geometries().get(1);
            cases.add(reduceCase(op, g, ints(r, g.numel(), true), " with ties"));
            int[] big = new int[g.numel()];
            Arrays.fill(big, Integer.MAX_VALUE - 7);
            cases.add(reduceCase(op, g, big, " near MAX_VALUE (the sum wraps)"));
        }
        return cases;
    }

    private static OpCase reduceCase(ReduceOp op, ReduceCases.Geo g, int[] x, String note) {
        int n = g.outer() * g.inner();
        double[] ref = new double[n];
        int[] row = new int[g.len()];
        for (int o = 0; o < g.outer(); o++) {
            for (int i = 0; i < g.inner(); i++) {
                for (int l = 0; l < g.len(); l++) {
                    row[l] = x[(o * g.len() + l) * g.inner() + i];
                }
                ref[o * g.inner() + i] = op.int32Reference(row);
            }
        }
        return OpCase.into("reduce " + op + " " + g.name() + " int32" + note, op.resultType(ElementType.I32), n,
                (b, m, out) -> b.reduce(op, m.i32(x), out, g.outer(), g.len(), g.inner()),
                OpCase.Out.exact("out", new int[] {g.outer(), g.inner()}, ref));
    }
}
