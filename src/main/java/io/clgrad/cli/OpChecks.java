package io.clgrad.cli;

import io.clgrad.backend.Backend;
import io.clgrad.backend.BinaryOp;
import io.clgrad.backend.Buffer;
import io.clgrad.backend.ElementType;
import io.clgrad.backend.MatmulSpec;
import io.clgrad.backend.ReduceOp;
import io.clgrad.backend.StridedView;
import io.clgrad.backend.UnaryOp;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.IntConsumer;

/**
 * The op part of the self-test: runs every op family of the {@link Backend} SPI on small random
 * inputs (odd sizes, strided and broadcast views, batched matmul) on the device under test and on a
 * reference backend (the Java CPU backend), and compares the results.
 *
 * <p>This is a smoke test, not the conformance suite: a float result passes when
 * {@code |got - want| <= 1e-4 * max(scale, |want|)}, where scale is 1 for elementwise results and
 * the typical size of the accumulated terms for sums and dot products; integer results, copies,
 * fills and comparisons must match exactly, and NaN must meet NaN.
 *
 * <p>Every buffer a check allocates is freed when the check ends, pass or fail.
 */
final class OpChecks {
    /** Relative tolerance of the float comparisons. */
    static final double RTOL = 1e-4;
    private static final double EXACT = -1;
    private static final int IGNORE = -100;

    /** One op whose results differ, or that threw. */
    record Failure(String op, String detail) {
    }

    /** A buffer on the device under test (side 0) and its twin on the reference backend (side 1). */
    private record Pair(Buffer d, Buffer r) {
        Buffer at(int side) {
            return side == 0 ? d : r;
        }
    }

    /** Thrown by the comparisons; its message says what differs. */
    private static final class Mismatch extends RuntimeException {
        Mismatch(String message) {
            super(message, null, false, false);
        }
    }

    private final Backend dev;
    private final Backend ref;
    private final Random rnd = new Random(20240611L);
    private final List<Buffer[]> allocated = new ArrayList<>();
    private final List<Failure> failures = new ArrayList<>();
    private int checks;

    OpChecks(Backend device, Backend reference) {
        this.dev = device;
        this.ref = reference;
    }

    /** Number of checks run. */
    int checks() {
        return checks;
    }

    /** The checks that failed, in the order they ran. */
    List<Failure> failures() {
        return failures;
    }

    /** Runs every check once. */
    OpChecks runAll() {
        transfers();
        fillsAndCopies();
        unaryOps();
        binaryOps();
        scalarOps();
        matmuls();
        reductions();
        softmaxes();
        losses();
        optimizers();
        randoms();
        return this;
    }

    // ------------------------------------------------------------------ the checks

    private void transfers() {
        check("write/read f32", () -> {
            float[] h = randn(1031, 3);
            Pair p = f32(h);
            expectHost(p, h);
        });
        check("write/read i32", () -> {
            int[] h = randint(777, -1000, 1000);
            Pair p = i32(h);
            expectI32(p, h.length);
            int[] got = new int[h.length];
            dev.read(p.d, 0, got, 0, h.length);
            for (int i = 0; i < h.length; i++) {
                if (got[i] != h[i]) {
                    throw new Mismatch("element " + i + ": read back " + got[i] + ", wrote " + h[i]);
                }
            }
        });
        check("write/read with offsets", () -> {
            float[] h = randn(100, 1);
            Pair p = out(ElementType.F32, 100);
            both(s -> be(s).fill(p.at(s), 100, 0.0));
            both(s -> be(s).write(p.at(s), 10, h, 5, 50));
            float[] got = new float[30];
            float[] want = new float[30];
            dev.read(p.d, 20, got, 0, 30);
            ref.read(p.r, 20, want, 0, 30);
            compare(got, want, 30, EXACT);
        });
    }

    private void fillsAndCopies() {
        check("fill f32", () -> {
            Pair o = out(ElementType.F32, 777);
            both(s -> be(s).fill(o.at(s), 777, 3.25));
            expectF32(o, 777, EXACT);
        });
        check("fill i32", () -> {
            Pair o = out(ElementType.I32, 777);
            both(s -> be(s).fill(o.at(s), 777, -7));
            expectI32(o, 777);
        });
        check("arange f32", () -> {
            Pair o = out(ElementType.F32, 1000);
            both(s -> be(s).arange(o.at(s), 1000, -2.5, 0.125));
            expectF32(o, 1000, 1);
        });
        check("arange i32", () -> {
            Pair o = out(ElementType.I32, 1000);
            both(s -> be(s).arange(o.at(s), 1000, -3, 2));
            expectI32(o, 1000);
        });
        check("copy (strided view)", () -> {
            Pair x = f32(randn(200, 1));
            Pair o = out(ElementType.F32, 4 * 6 * 5);
            both(s -> be(s).copy(new StridedView(x.at(s), 7, new int[] {4, 6, 5}, new int[] {2, 30, 6}), o.at(s)));
            expectF32(o, 120, EXACT);
        });
        check("copy (broadcast view)", () -> {
            Pair x = f32(randn(80, 1));
            Pair o = out(ElementType.F32, 3 * 7 * 9);
            both(s -> be(s).copy(new StridedView(x.at(s), 5, new int[] {3, 7, 9}, new int[] {0, 9, 1}), o.at(s)));
            expectF32(o, 189, EXACT);
        });
        check("copy i32 (transposed view)", () -> {
            Pair x = i32(randint(6 * 11, -50, 50));
            Pair o = out(ElementType.I32, 66);
            both(s -> be(s).copy(new StridedView(x.at(s), 0, new int[] {11, 6}, new int[] {1, 11}), o.at(s)));
            expectI32(o, 66);
        });
        check("convert f32->i32", () -> {
            Pair x = f32(randn(1031, 100));
            Pair o = out(ElementType.I32, 1031);
            both(s -> be(s).convert(x.at(s), o.at(s), 1031));
            expectI32(o, 1031);
        });
        check("convert i32->f32", () -> {
            Pair x = i32(randint(1031, -100000, 100000));
            Pair o = out(ElementType.F32, 1031);
            both(s -> be(s).convert(x.at(s), o.at(s), 1031));
            expectF32(o, 1031, EXACT);
        });
    }

    private void unaryOps() {
        int n = 1031;
        for (UnaryOp op : UnaryOp.values()) {
            check("unary " + op, () -> {
                float[] h = (op == UnaryOp.LOG || op == UnaryOp.SQRT) ? uniform(n, 0.01f, 10f) : randn(n, 3);
                Pair x = f32(h);
                Pair o = out(ElementType.F32, n);
                both(s -> be(s).unary(op, x.at(s), o.at(s), n));
                expectF32(o, n, op == UnaryOp.NEG || op == UnaryOp.ABS || op == UnaryOp.RELU ? EXACT : 1);
            });
        }
    }

    private void binaryOps() {
        int[] shape = {3, 5, 7};
        for (BinaryOp op : BinaryOp.values()) {
            check("binary " + op + " (broadcast)", () -> {
                Pair a = f32(firstOperand(op, 105));
                Pair b = f32(secondOperand(op, 5));
                Pair o = out(ElementType.F32, 105);
                both(s -> be(s).binary(op,
                        StridedView.contiguous(a.at(s), shape),
                        new StridedView(b.at(s), 0, shape, new int[] {0, 1, 0}),
                        o.at(s), shape));
                expectF32(o, 105, isExact(op) ? EXACT : 1);
            });
        }
        check("binary ADD (transposed, offset)", () -> {
            Pair a = f32(randn(35, 1));
            Pair b = f32(randn(40, 1));
            Pair o = out(ElementType.F32, 35);
            int[] sh = {5, 7};
            both(s -> be(s).binary(BinaryOp.ADD,
                    new StridedView(a.at(s), 0, sh, new int[] {1, 5}),
                    new StridedView(b.at(s), 3, sh, new int[] {7, 1}),
                    o.at(s), sh));
            expectF32(o, 35, 1);
        });
    }

    private void scalarOps() {
        int n = 1031;
        for (BinaryOp op : BinaryOp.values()) {
            for (boolean scalarFirst : new boolean[] {false, true}) {
                check("binaryScalar " + op + (scalarFirst ? " (s op x)" : " (x op s)"), () -> {
                    float[] h;
                    float sc;
                    if (isComparison(op) || op == BinaryOp.MAXIMUM || op == BinaryOp.MINIMUM) {
                        h = smallInts(n);
                        sc = 1f;
                    } else if (op == BinaryOp.POW) {
                        h = scalarFirst ? randn(n, 2) : uniform(n, 0.1f, 3f);
                        sc = scalarFirst ? 1.5f : 2.5f;
                    } else if (op == BinaryOp.DIV && scalarFirst) {
                        h = awayFromZero(n);
                        sc = 1.5f;
                    } else if (op == BinaryOp.SIGMOID_BACKWARD || op == BinaryOp.TANH_BACKWARD) {
                        // scalar first: s is the upstream gradient and x the forward output y
                        h = scalarFirst ? uniform(n, op == BinaryOp.TANH_BACKWARD ? -1f : 0f, 1f) : randn(n, 1);
                        sc = scalarFirst ? 1.5f : 0.25f;
                    } else {
                        h = randn(n, 3);
                        sc = 1.5f;
                    }
                    Pair x = f32(h);
                    Pair o = out(ElementType.F32, n);
                    float fs = sc;
                    both(s -> be(s).binaryScalar(op, x.at(s), fs, scalarFirst, o.at(s), n));
                    expectF32(o, n, isExact(op) ? EXACT : 1);
                });
            }
        }
    }

    private void matmuls() {
        matmulCase("matmul 33x65 * 65x17", MatmulSpec.rowMajor(33, 17, 65), 33 * 65, 65 * 17);
        int m = 19;
        int n = 23;
        int k = 41;
        matmulCase("matmul transposed operands", new MatmulSpec(1, m, n, k, 0, 0, 1, m, 0, 0, 1, k), m * k, n * k);
        matmulCase("matmul batched, broadcast B, offsets",
                new MatmulSpec(3, 7, 9, 13, 5, 7 * 13, 13, 1, 3, 0, 9, 1), 5 + 3 * 7 * 13, 3 + 13 * 9);
        matmulCase("matmul 1x1000 * 1000x1", MatmulSpec.rowMajor(1, 1, 1000), 1000, 1000);
    }

    private void matmulCase(String name, MatmulSpec spec, int aCount, int bCount) {
        check(name, () -> {
            float[] ha = randn(aCount, 1);
            float[] hb = randn(bCount, 1);
            Pair a = f32(ha);
            Pair b = f32(hb);
            int cCount = spec.batch() * spec.m() * spec.n();
            Pair c = out(ElementType.F32, cCount);
            both(s -> be(s).matmul(spec, a.at(s), b.at(s), c.at(s)));
            expectF32(c, cCount, Math.sqrt(spec.k()) * maxAbs(ha) * maxAbs(hb));
        });
    }

    private void reductions() {
        for (ReduceOp op : ReduceOp.values()) {
            reduceCase("reduce " + op + " [3,37,5] along 37", op, 3, 37, 5);
        }
        reduceCase("reduce SUM [2,1000,1] along 1000", ReduceOp.SUM, 2, 1000, 1);
        reduceCase("reduce ARGMAX [1,1000,1] along 1000", ReduceOp.ARGMAX, 1, 1000, 1);
        reduceCase("reduce MAX [4,1,3] along 1", ReduceOp.MAX, 4, 1, 3);
    }

    private void reduceCase(String name, ReduceOp op, int outer, int len, int inner) {
        check(name, () -> {
            float[] h = randn(outer * len * inner, 2);
            Pair x = f32(h);
            int n = outer * inner;
            Pair o = out(op.producesIndices() ? ElementType.I32 : ElementType.F32, n);
            both(s -> be(s).reduce(op, x.at(s), o.at(s), outer, len, inner));
            if (op.producesIndices()) {
                expectI32(o, n);
            } else if (op == ReduceOp.MAX || op == ReduceOp.MIN) {
                expectF32(o, n, EXACT);
            } else {
                double scale = Math.sqrt(len) * maxAbs(h);
                expectF32(o, n, op == ReduceOp.MEAN ? scale / len : scale);
            }
        });
    }

    private void softmaxes() {
        for (boolean log : new boolean[] {false, true}) {
            String name = log ? "logSoftmax" : "softmax";
            softmaxCase(name + " [3,33,5] along 33", 3, 33, 5, log);
            softmaxCase(name + " [2,1000,1] along 1000", 2, 1000, 1, log);
        }
    }

    private void softmaxCase(String name, int outer, int len, int inner, boolean log) {
        check(name, () -> {
            int n = outer * len * inner;
            Pair x = f32(randn(n, 4));
            Pair o = out(ElementType.F32, n);
            both(s -> be(s).softmax(x.at(s), o.at(s), outer, len, inner, log));
            expectF32(o, n, 1);
        });
    }

    private void losses() {
        int n = 1031;
        for (boolean weighted : new boolean[] {false, true}) {
            String suffix = weighted ? " (weight, posWeight)" : "";
            check("bceWithLogits" + suffix, () -> {
                Pair x = f32(randn(n, 4));
                Pair y = f32(uniform(n, 0f, 1f));
                Pair w = weighted ? f32(uniform(n, 0.5f, 2f)) : null;
                Pair pw = weighted ? f32(uniform(n, 0.5f, 3f)) : null;
                Pair o = out(ElementType.F32, n);
                both(s -> be(s).bceWithLogits(x.at(s), y.at(s), at(w, s), at(pw, s), o.at(s), n));
                expectF32(o, n, 1);
            });
            check("bceWithLogitsBackward" + suffix, () -> {
                Pair x = f32(randn(n, 4));
                Pair y = f32(uniform(n, 0f, 1f));
                Pair w = weighted ? f32(uniform(n, 0.5f, 2f)) : null;
                Pair pw = weighted ? f32(uniform(n, 0.5f, 3f)) : null;
                Pair g = f32(randn(n, 1));
                Pair g0 = f32(new float[] {0.75f});
                Pair o1 = out(ElementType.F32, n);
                Pair o2 = out(ElementType.F32, n);
                both(s -> be(s).bceWithLogitsBackward(x.at(s), y.at(s), at(w, s), at(pw, s), g.at(s), 1, 1f, o1.at(s), n));
                both(s -> be(s).bceWithLogitsBackward(x.at(s), y.at(s), at(w, s), at(pw, s), g0.at(s), 0, 1f / n, o2.at(s), n));
                expectF32(o1, n, 1);
                expectF32(o2, n, 1);
            });
        }
        int rows = 17;
        int classes = 11;
        for (float smoothing : new float[] {0f, 0.1f}) {
            String suffix = smoothing == 0f ? " (ignoreIndex row)" : " (label smoothing 0.1, ignoreIndex row)";
            check("crossEntropy" + suffix, () -> {
                Pair logits = f32(randn(rows * classes, 3));
                Pair t = i32(targets(rows, classes));
                Pair loss = out(ElementType.F32, rows);
                Pair valid = out(ElementType.F32, rows);
                both(s -> be(s).crossEntropy(logits.at(s), t.at(s), loss.at(s), valid.at(s), rows, classes, IGNORE, smoothing));
                expectF32(loss, rows, 1);
                expectF32(valid, rows, EXACT);
            });
            check("crossEntropyBackward" + suffix, () -> {
                Pair logits = f32(randn(rows * classes, 3));
                Pair t = i32(targets(rows, classes));
                Pair g = f32(randn(rows, 1));
                Pair g0 = f32(new float[] {1f / rows});
                Pair o1 = out(ElementType.F32, rows * classes);
                Pair o2 = out(ElementType.F32, rows * classes);
                both(s -> be(s).crossEntropyBackward(logits.at(s), t.at(s), g.at(s), 1, o1.at(s), rows, classes, IGNORE, smoothing));
                both(s -> be(s).crossEntropyBackward(logits.at(s), t.at(s), g0.at(s), 0, o2.at(s), rows, classes, IGNORE, smoothing));
                expectF32(o1, rows * classes, 1);
                expectF32(o2, rows * classes, 1);
            });
        }
    }

    private void optimizers() {
        int n = 1031;
        String[] names = {"adamStep (Adam, L2 weight decay)", "adamStep (AdamW, decoupled)", "adamStep (amsgrad)"};
        for (int variant = 0; variant < 3; variant++) {
            boolean decoupled = variant == 1;
            boolean amsgrad = variant == 2;
            check(names[variant], () -> {
                Pair p = f32(randn(n, 1));
                Pair g = f32(randn(n, 1));
                Pair m = f32(randn(n, 0.1f));
                Pair v = f32(uniform(n, 0.01f, 0.1f));
                Pair vMax = amsgrad ? f32(uniform(n, 0.05f, 0.15f)) : null;
                both(s -> be(s).adamStep(p.at(s), g.at(s), m.at(s), v.at(s), at(vMax, s), n,
                        1e-2f, 0.9f, 0.999f, 1e-8f, 0.01f, decoupled, 3));
                expectF32(p, n, 1);
                expectF32(m, n, 1);
                expectF32(v, n, 1);
                if (vMax != null) {
                    expectF32(vMax, n, 1);
                }
            });
        }
        check("sgdStep (momentum, nesterov, weight decay)", () -> {
            Pair p = f32(randn(n, 1));
            Pair g = f32(randn(n, 1));
            Pair buf = f32(randn(n, 0.5f));
            both(s -> be(s).sgdStep(p.at(s), g.at(s), buf.at(s), n, 0.05f, 0.9f, 0.1f, true, 0.01f, false));
            expectF32(p, n, 1);
            expectF32(buf, n, 1);
        });
        check("sgdStep (momentum, first step)", () -> {
            Pair p = f32(randn(n, 1));
            Pair g = f32(randn(n, 1));
            Pair buf = f32(randn(n, 0.5f));
            both(s -> be(s).sgdStep(p.at(s), g.at(s), buf.at(s), n, 0.05f, 0.9f, 0f, false, 0f, true));
            expectF32(p, n, 1);
            expectF32(buf, n, 1);
        });
        check("sgdStep (plain)", () -> {
            Pair p = f32(randn(n, 1));
            Pair g = f32(randn(n, 1));
            both(s -> be(s).sgdStep(p.at(s), g.at(s), null, n, 0.05f, 0f, 0f, false, 0f, false));
            expectF32(p, n, 1);
        });
    }

    private void randoms() {
        int n = 1031;
        check("randomUniform", () -> {
            Pair o = out(ElementType.F32, n);
            both(s -> be(s).randomUniform(o.at(s), n, 42L, 17L, -2f, 3f));
            expectF32(o, n, 1);
        });
        check("randomNormal", () -> {
            Pair o = out(ElementType.F32, n);
            both(s -> be(s).randomNormal(o.at(s), n, 42L, 1001L, 1f, 2f));
            expectF32(o, n, 1);
        });
        check("randomInt", () -> {
            Pair o = out(ElementType.I32, n);
            both(s -> be(s).randomInt(o.at(s), n, 7L, 3L, -5, 7));
            expectI32(o, n);
        });
    }

    // ------------------------------------------------------------------ machinery

    private void check(String op, Runnable body) {
        checks++;
        try {
            body.run();
        } catch (Mismatch m) {
            failures.add(new Failure(op, m.getMessage()));
        } catch (RuntimeException | LinkageError e) {
            failures.add(new Failure(op, SelfTest.describe(e)));
        } finally {
            String freeProblem = freeAll();
            if (freeProblem != null) {
                failures.add(new Failure(op, "freeing its buffers failed: " + freeProblem));
            }
        }
    }

    /** Frees every buffer of the current check; returns the first problem, or null. */
    private String freeAll() {
        String problem = null;
        for (Buffer[] b : allocated) {
            for (int s = 0; s < 2; s++) {
                if (b[s] != null) {
                    try {
                        be(s).free(b[s]);
                    } catch (RuntimeException e) {
                        problem = problem == null ? SelfTest.describe(e) : problem;
                    }
                }
            }
        }
        allocated.clear();
        return problem;
    }

    private Backend be(int side) {
        return side == 0 ? dev : ref;
    }

    /** Runs an op on the device under test, then on the reference. */
    private static void both(IntConsumer op) {
        op.accept(0);
        op.accept(1);
    }

    private static Buffer at(Pair p, int side) {
        return p == null ? null : p.at(side);
    }

    private Pair out(ElementType type, long n) {
        Buffer[] slot = new Buffer[2];
        allocated.add(slot);
        slot[0] = dev.allocate(type, n);
        slot[1] = ref.allocate(type, n);
        return new Pair(slot[0], slot[1]);
    }

    private Pair f32(float[] h) {
        Pair p = out(ElementType.F32, h.length);
        both(s -> be(s).write(p.at(s), 0, h, 0, h.length));
        return p;
    }

    private Pair i32(int[] h) {
        Pair p = out(ElementType.I32, h.length);
        both(s -> be(s).write(p.at(s), 0, h, 0, h.length));
        return p;
    }

    private void expectHost(Pair p, float[] want) {
        float[] got = new float[want.length];
        dev.read(p.d, 0, got, 0, want.length);
        compare(got, want, want.length, EXACT);
    }

    private void expectF32(Pair p, int n, double scale) {
        float[] got = new float[n];
        float[] want = new float[n];
        dev.read(p.d, 0, got, 0, n);
        ref.read(p.r, 0, want, 0, n);
        compare(got, want, n, scale);
    }

    private void expectI32(Pair p, int n) {
        int[] got = new int[n];
        int[] want = new int[n];
        dev.read(p.d, 0, got, 0, n);
        ref.read(p.r, 0, want, 0, n);
        int bad = 0;
        int first = -1;
        for (int i = 0; i < n; i++) {
            if (got[i] != want[i]) {
                bad++;
                first = first < 0 ? i : first;
            }
        }
        if (bad > 0) {
            throw new Mismatch(String.format("%d of %d elements differ; first at [%d]: got %d, CPU backend %d",
                    bad, n, first, got[first], want[first]));
        }
    }

    /** Compares float results; {@code scale < 0} means bit-exact (NaN meets NaN). */
    private static void compare(float[] got, float[] want, int n, double scale) {
        int bad = 0;
        int first = -1;
        double maxDiff = 0;
        for (int i = 0; i < n; i++) {
            if (!close(got[i], want[i], scale)) {
                bad++;
                first = first < 0 ? i : first;
            }
            if (Float.isFinite(got[i]) && Float.isFinite(want[i])) {
                maxDiff = Math.max(maxDiff, Math.abs((double) got[i] - want[i]));
            }
        }
        if (bad > 0) {
            throw new Mismatch(String.format("%d of %d elements differ; first at [%d]: got %s, CPU backend %s; max |diff| %.3g",
                    bad, n, first, got[first], want[first], maxDiff));
        }
    }

    private static boolean close(float got, float want, double scale) {
        if (Float.isNaN(want) || Float.isNaN(got)) {
            return Float.isNaN(want) && Float.isNaN(got);
        }
        if (scale < 0 || Float.isInfinite(want) || Float.isInfinite(got)) {
            return got == want;
        }
        return Math.abs((double) got - want) <= RTOL * Math.max(scale, Math.abs(want)) + Float.MIN_NORMAL;
    }

    private static boolean isComparison(BinaryOp op) {
        return switch (op) {
            case EQ, NE, LT, LE, GT, GE -> true;
            default -> false;
        };
    }

    private static boolean isExact(BinaryOp op) {
        return isComparison(op) || op == BinaryOp.MAXIMUM || op == BinaryOp.MINIMUM || op == BinaryOp.RELU_BACKWARD;
    }

    private float[] firstOperand(BinaryOp op, int n) {
        if (isComparison(op) || op == BinaryOp.MAXIMUM || op == BinaryOp.MINIMUM) {
            return smallInts(n);
        }
        return op == BinaryOp.POW ? uniform(n, 0.1f, 3f) : randn(n, 2);
    }

    private float[] secondOperand(BinaryOp op, int n) {
        return switch (op) {
            case EQ, NE, LT, LE, GT, GE, MAXIMUM, MINIMUM -> smallInts(n);
            case DIV -> awayFromZero(n);
            case SIGMOID_BACKWARD -> uniform(n, 0f, 1f);
            case TANH_BACKWARD -> uniform(n, -1f, 1f);
            default -> randn(n, 2);
        };
    }

    private float[] randn(int n, float std) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (rnd.nextGaussian() * std);
        }
        return a;
    }

    private float[] uniform(int n, float low, float high) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = low + (high - low) * rnd.nextFloat();
        }
        return a;
    }

    private float[] awayFromZero(int n) {
        float[] a = uniform(n, 0.5f, 3f);
        for (int i = 0; i < n; i++) {
            a[i] = rnd.nextBoolean() ? a[i] : -a[i];
        }
        return a;
    }

    /** Values in {-2, ..., 2}, so that comparisons meet ties. */
    private float[] smallInts(int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = rnd.nextInt(5) - 2;
        }
        return a;
    }

    private int[] randint(int n, int low, int high) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = low + rnd.nextInt(high - low);
        }
        return a;
    }

    private int[] targets(int rows, int classes) {
        int[] t = randint(rows, 0, classes);
        t[5] = IGNORE;
        return t;
    }

    private static double maxAbs(float[] a) {
        double m = 0;
        for (float v : a) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }
}
