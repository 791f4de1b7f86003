package io.clgrad.backend.conformance;

import io.clgrad.backend.Backend;
import io.clgrad.backend.BinaryOp;
import io.clgrad.backend.Buffer;
import io.clgrad.backend.StridedView;
import io.clgrad.backend.UnaryOp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Cases for {@link Backend#unary}, {@link Backend#binary} (broadcasting, strided) and
 * {@link Backend#binaryScalar}: random inputs in each op's domain, odd sizes, edge values.
 */
final class ElementwiseCases {
    /** Lengths for contiguous ops: 1, odd small sizes, and one past a multiple of typical thread chunks. */
    static final int[] SIZES = {1, 7, 33, 1000, 100_003};

    /** The ops with float results (arithmetic and the backward helpers), derived from the entries. */
    private static final List<BinaryOp> ARITHMETIC =
            Arrays.stream(BinaryOp.values()).filter(op -> !op.isComparison()).toList();
    private static final List<BinaryOp> COMPARISONS = BinaryOp.ofKind(BinaryOp.Kind.COMPARISON);

    private ElementwiseCases() {
    }

    // ------------------------------------------------------------------ unary

    static List<OpCase> unary(CaseSize size) {
        Random r = new Random(101);
        List<OpCase> cases = new ArrayList<>();
        for (UnaryOp op : UnaryOp.values()) {
            for (int n : size.lengths(SIZES)) {
                float[] x = op.facts().domain().sample(r, n);
                double[] ref = new double[n];
                double[] scale = new double[n];
                for (int i = 0; i < n; i++) {
                    ref[i] = op.facts().reference().applyAsDouble(x[i]);
                    scale[i] = op.facts().errorScale().applyAsDouble(x[i], ref[i]);
                }
                cases.add(OpCase.of("unary " + op + " n=" + n, b -> {
                    try (Bufs m = new Bufs(b)) {
                        Buffer in = m.f32(x);
                        Buffer out = m.out(n);
                        b.unary(op, in, out, n);
                        return List.of(m.readOut(out, n));
                    }
                }, new OpCase.Out("out", new int[] {n}, ref, scale)));
            }
        }
        return cases;
    }

    // ------------------------------------------------------------------ binary (strided)

    /** Operand values in the op's domain: a is the first operand, b the second. */
    static float[] binaryInput(BinaryOp op, boolean first, Random r, int n) {
        return (first ? op.facts().domainA() : op.facts().domainB()).sample(r, n);
    }

    /**
     * A binary layout: each operand is a buffer of {@code aLen}/{@code bLen} elements read through
     * an offset and strides over {@code out}.
     */
    record Layout(String name, int[] out, int aLen, int aOffset, int[] aStrides, int bLen, int bOffset, int[] bStrides) {
    }

    /** Contiguous, broadcasting, transposed, offset, rank-0 and rank-8 layouts. */
    static List<Layout> layouts() {
        List<Layout> l = new ArrayList<>();
        for (int n : new int[] {1, 7, 33, 1000}) {
            l.add(new Layout("[" + n + "]x[" + n + "]", new int[] {n}, n, 0, new int[] {1}, n, 0, new int[] {1}));
        }
        l.add(new Layout("[3,1]x[1,4]", new int[] {3, 4}, 3, 0, new int[] {1, 0}, 4, 0, new int[] {0, 1}));
        l.add(new Layout("[5,7,33]x[33]", new int[] {5, 7, 33}, 5 * 7 * 33, 0, new int[] {231, 33, 1}, 33, 0, new int[] {0, 0, 1}));
        l.add(new Layout("[1]x[1000]", new int[] {1000}, 1, 0, new int[] {0}, 1000, 0, new int[] {1}));
        l.add(new Layout("[1000]x[1]", new int[] {1000}, 1000, 0, new int[] {1}, 1, 0, new int[] {0}));
        // a: a [33,7] buffer read transposed as [7,33]; b: a contiguous [7,33] view starting at offset 5
        l.add(new Layout("[33,7]^T x [7,33]+5", new int[] {7, 33}, 231, 0, new int[] {1, 7}, 236, 5, new int[] {33, 1}));
        // both transposed, a at an offset
        l.add(new Layout("[33,7]^T+3 x [33,7]^T", new int[] {7, 33}, 234, 3, new int[] {1, 7}, 231, 0, new int[] {1, 7}));
        // transposed a against a broadcast column
        l.add(new Layout("[33,5]^T x [5,1]", new int[] {5, 33}, 165, 0, new int[] {1, 5}, 5, 0, new int[] {1, 0}));
        l.add(new Layout("[]x[] (rank 0)", new int[] {}, 1, 0, new int[] {}, 1, 0, new int[] {}));
        // rank 8 (MAX_DIMS), broadcasting in alternate dimensions
        int[] out8 = {2, 2, 3, 2, 2, 3, 2, 3};
        int[] aStr = StridedView.contiguousStrides(new int[] {2, 1, 3, 1, 2, 1, 2, 3});
        int[] bStr = StridedView.contiguousStrides(new int[] {1, 2, 1, 2, 1, 3, 1, 1});
        aStr[1] = 0; aStr[3] = 0; aStr[5] = 0;
        bStr[0] = 0; bStr[2] = 0; bStr[4] = 0; bStr[6] = 0; bStr[7] = 0;
        l.add(new Layout("rank-8 broadcast", out8, 72, 0, aStr, 12, 0, bStr));
        return l;
    }

    private static List<OpCase> binaryCases(List<BinaryOp> ops, long seed) {
        Random r = new Random(seed);
        List<OpCase> cases = new ArrayList<>();
        for (BinaryOp op : ops) {
            for (Layout lay : layouts()) {
                cases.add(binaryCase(op, lay, binaryInput(op, true, r, lay.aLen()), binaryInput(op, false, r, lay.bLen()), ""));
            }
        }
        return cases;
    }

    static OpCase binaryCase(BinaryOp op, Layout lay, float[] a, float[] bv, String note) {
        int n = Inputs.numel(lay.out());
        double[] scale = new double[n];
        double[] ref = RefElementwise.binary(op, a, lay.aOffset(), lay.aStrides(), bv, lay.bOffset(), lay.bStrides(),
                lay.out(), scale);
        return OpCase.of("binary " + op + " " + lay.name() + note, b -> {
            try (Bufs m = new Bufs(b)) {
                StridedView va = new StridedView(m.f32(a), lay.aOffset(), lay.out(), lay.aStrides());
                StridedView vb = new StridedView(m.f32(bv), lay.bOffset(), lay.out(), lay.bStrides());
                Buffer out = m.out(n);
                b.binary(op, va, vb, out, lay.out());
                return List.of(m.readOut(out, n));
            }
        }, new OpCase.Out("out", lay.out(), ref, scale));
    }

    /** Arithmetic and backward helpers over every layout, plus pow of negative bases with integer exponents. */
    static List<OpCase> binary() {
        List<OpCase> cases = binaryCases(ARITHMETIC, 202);
        Random r = new Random(203);
        // x.pow(2) on negative x (MSE, variance): PyTorch gives x*x, C's pow agrees; powr/exp(b·log a) give NaN.
        Layout lay = layouts().get(2);
        float[] base = Inputs.uniform(r, 33, -4, -0.1);
        float[] expo = Inputs.smallInts(r, 33, 0, 3);
        cases.add(binaryCase(BinaryOp.POW, lay, base, expo, " negative base, integer exponent"));
        // ReLU's backward on the special values: PyTorch lets the gradient through where x is NaN
        // (either sign) and +inf, and stops it at both zeros and everything negative
        float nan = Float.NaN;
        float negNan = Float.intBitsToFloat(0xffc00000);
        float[] x = {nan, negNan, 0f, -0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 1e-40f, -1e-40f};
        float[] g = {1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f};
        Layout eight = new Layout("[8]x[8]", new int[] {8}, 8, 0, new int[] {1}, 8, 0, new int[] {1});
        cases.add(binaryCase(BinaryOp.RELU_BACKWARD, eight, g, x, " NaN, zeros, infinities, subnormals"));
        return cases;
    }

    /** The six comparisons over every layout, on small integers so that ties occur. */
    static List<OpCase> comparisons() {
        return binaryCases(COMPARISONS, 204);
    }

    // ------------------------------------------------------------------ binary with a scalar

    static List<OpCase> binaryScalar(CaseSize size) {
        Random r = new Random(205);
        List<OpCase> cases = new ArrayList<>();
        List<BinaryOp> ops = new ArrayList<>(ARITHMETIC);
        ops.addAll(COMPARISONS);
        for (BinaryOp op : ops) {
            for (boolean scalarFirst : new boolean[] {false, true}) {
                for (int n : size.lengths(1, 33, 1000, 100_003)) {
                    // the array takes the role of the operand it replaces
                    float[] x = binaryInput(op, !scalarFirst, r, n);
                    float s = binaryInput(op, scalarFirst, r, 1)[0];
                    cases.add(scalarCase(op, x, s, scalarFirst, ""));
                }
            }
        }
        // x^2 and x^3 of negative x, s^x with a positive s
        cases.add(scalarCase(BinaryOp.POW, Inputs.uniform(r, 1000, -4, 4), 2f, false, " x^2, x<0 allowed"));
        cases.add(scalarCase(BinaryOp.POW, Inputs.uniform(r, 33, -4, 4), 3f, false, " x^3, x<0 allowed"));
        cases.add(scalarCase(BinaryOp.POW, Inputs.uniform(r, 1000, -3, 3), 2.5f, true, ""));
        return cases;
    }

    static OpCase scalarCase(BinaryOp op, float[] x, float s, boolean scalarFirst, String note) {
        int n = x.length;
        double[] ref = new double[n];
        double[] scale = new double[n];
        for (int i = 0; i < n; i++) {
            double a = scalarFirst ? s : x[i];
            double b = scalarFirst ? x[i] : s;
            ref[i] = op.facts().reference().applyAsDouble(a, b);
            scale[i] = op.facts().errorScale().of(a, b, ref[i]);
        }
        return OpCase.of("binaryScalar " + op + (scalarFirst ? " (s op x)" : " (x op s)") + " s=" + s + " n=" + n + note, b -> {
            try (Bufs m = new Bufs(b)) {
                Buffer in = m.f32(x);
                Buffer out = m.out(n);
                b.binaryScalar(op, in, s, scalarFirst, out, n);
                return List.of(m.readOut(out, n));
            }
        }, new OpCase.Out("out", new int[] {n}, ref, scale));
    }
}
