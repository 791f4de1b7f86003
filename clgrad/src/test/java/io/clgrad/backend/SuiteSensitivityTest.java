package io.clgrad.backend;

import static org.junit.jupiter.api.Assertions.assertThrows;

import io.clgrad.backend.conformance.Family;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.opentest4j.AssertionFailedError;

/**
 * Tests the tests: the CPU backend with one argument of one op subtly corrupted (an element dropped
 * from a sum, k-1 in a matmul, label smoothing off by 1%, ...) must fail its family's conformance
 * check, showing the tolerances are tight enough to catch real bugs. Their log lines start with
 * {@code [sensitivity]} and say that the huge |diff|/tol is expected.
 */
class SuiteSensitivityTest {

    /** A mutant: the op family, what is broken, the method name and how its arguments change. */
    record Mutant(String what, Family family, String method, UnaryOperator<Object[]> change) {
        @Override
        public String toString() {
            return what;
        }
    }

    static Stream<Arguments> mutants() {
        return Stream.of(
                new Mutant("sum drops the last element of an all-reduce", Family.REDUCE, "reduce", a -> {
                    if (a[0] == ReduceOp.SUM && (int) a[3] == 1 && (int) a[5] == 1 && (int) a[4] > 1) {
                        a[4] = (int) a[4] - 1;
                    }
                    return a;
                }),
                new Mutant("matmul uses k-1", Family.MATMUL, "matmul", a -> {
                    MatmulSpec s = (MatmulSpec) a[0];
                    if (s.k() > 1) {
                        a[0] = new MatmulSpec(s.batch(), s.m(), s.n(), s.k() - 1, s.aOffset(), s.aBatchStride(),
                                s.aRowStride(), s.aColStride(), s.bOffset(), s.bBatchStride(), s.bRowStride(),
                                s.bColStride());
                    }
                    return a;
                }),
                new Mutant("binary ignores the view offset of a", Family.BINARY, "binary", a -> {
                    StridedView v = (StridedView) a[1];
                    a[1] = new StridedView(v.buffer(), 0, v.shape(), v.strides());
                    return a;
                }),
                new Mutant("bce ignores posWeight", Family.BCE_WITH_LOGITS, "bceWithLogits", a -> {
                    a[3] = null;
                    return a;
                }),
                new Mutant("cross-entropy label smoothing off by 1%", Family.CROSS_ENTROPY, "crossEntropy", a -> {
                    a[7] = (float) a[7] * 0.99f;
                    return a;
                }),
                new Mutant("cross-entropy gradient with label smoothing off by 1%", Family.CROSS_ENTROPY_BACKWARD,
                        "crossEntropyBackward", a -> {
                            a[8] = (float) a[8] * 0.99f;
                            return a;
                        }),
                new Mutant("adam bias correction one step late", Family.ADAM, "adamStep", a -> {
                    a[12] = (int) a[12] + 1;
                    return a;
                }),
                new Mutant("adam eps 1% too large", Family.ADAM, "adamStep", a -> {
                    a[9] = (float) a[9] * 1.01f;
                    return a;
                }),
                new Mutant("sgd never treats a step as the first", Family.SGD, "sgdStep", a -> {
                    a[9] = false;
                    return a;
                }),
                new Mutant("softmax of the whole row but one", Family.SOFTMAX, "softmax", a -> {
                    if ((int) a[2] == 1 && (int) a[4] == 1 && (int) a[3] > 2) {
                        a[3] = (int) a[3] - 1; // the last output is then wrong (left unwritten)
                    }
                    return a;
                }),
                new Mutant("log-softmax computed as softmax", Family.SOFTMAX, "softmax", a -> {
                    a[5] = false;
                    return a;
                }),
                new Mutant("normal fill one counter late", Family.RANDOM, "randomNormal", a -> {
                    a[3] = (long) a[3] + 1;
                    return a;
                }),
                new Mutant("uniform fill with high 1e-4 too large", Family.RANDOM, "randomUniform", a -> {
                    a[5] = (float) a[5] + 1e-4f;
                    return a;
                }),
                new Mutant("host write lands one element late", Family.TRANSFERS, "write", a -> {
                    if ((long) a[1] > 0) {
                        a[1] = (long) a[1] + 1;
                    }
                    return a;
                }),
                new Mutant("im2col windows one row up (a padding row moved from bottom to top)", Family.IM2COL, "im2col",
                        a -> {
                            a[0] = shiftedUp((ConvSpec) a[0]);
                            return a;
                        }),
                new Mutant("col2im windows one row up (a padding row moved from bottom to top)", Family.COL2IM, "col2im",
                        a -> {
                            a[0] = shiftedUp((ConvSpec) a[0]);
                            return a;
                        }),
                new Mutant("batch-norm statistics skip the last sample", Family.BATCH_NORM_STATS, "batchNormStats",
                        a -> {
                            if ((int) a[6] > 1) {
                                a[6] = (int) a[6] - 1;
                            }
                            return a;
                        }),
                new Mutant("batch-norm forward with eps 10 times larger", Family.BATCH_NORM_FORWARD, "batchNormForward",
                        a -> {
                            a[5] = (double) a[5] * 10;
                            return a;
                        }),
                new Mutant("batch-norm weight gradient with eps 100 times larger", Family.BATCH_NORM_BACKWARD_REDUCE,
                        "batchNormBackwardReduce", a -> {
                            a[4] = (double) a[4] * 100;
                            return a;
                        }),
                new Mutant("batch-norm training input gradient computed as evaluation's", Family.BATCH_NORM_BACKWARD,
                        "batchNormBackward", a -> {
                            a[5] = null;
                            a[6] = null;
                            return a;
                        }),
                new Mutant("max pooling takes the dense window a dilated one spans", Family.MAX_POOL2D, "maxPool2d",
                        a -> {
                    a[0] = withPool((PoolSpec) a[0], true, false);
                    return a;
                }),
                new Mutant("max pooling gradient gathers from windows one row short", Family.MAX_POOL2D_BACKWARD,
                        "maxPool2dBackward", a -> {
                            PoolSpec s = (PoolSpec) a[0];
                            if (s.kernelH() > 1 && s.padH() <= (s.kernelH() - 1) / 2
                                    && PoolSpec.outputSize(s.height(), s.kernelH() - 1, s.padH(), s.strideH(),
                                    s.dilationH(), s.ceilMode()) == s.outHeight()) {
                                a[0] = new PoolSpec(s.planes(), s.height(), s.width(), s.kernelH() - 1, s.kernelW(),
                                        s.strideH(), s.strideW(), s.padH(), s.padW(), s.dilationH(), s.dilationW(),
                                        s.ceilMode(), s.countIncludePad(), s.divisorOverride());
                            }
                            return a;
                        }),
                new Mutant("avg pooling with count_include_pad flipped", Family.AVG_POOL2D, "avgPool2d", a -> {
                    a[0] = withPool((PoolSpec) a[0], false, true);
                    return a;
                }),
                new Mutant("avg pooling gradient with count_include_pad flipped", Family.AVG_POOL2D_BACKWARD,
                        "avgPool2dBackward", a -> {
                            a[0] = withPool((PoolSpec) a[0], false, true);
                            return a;
                        }),
                new Mutant("copyInto writes the last column of a strided destination one element early",
                        Family.COPY_INTO, "copyInto", a -> {
                            StridedView d = (StridedView) a[1];
                            if (d.rank() > 0 && d.strides()[d.rank() - 1] > 1) {
                                int[] st = d.strides().clone();
                                st[d.rank() - 1] -= 1;
                                a[1] = new StridedView(d.buffer(), d.offset(), d.shape(), st);
                            }
                            return a;
                        }),
                new Mutant("gather ignores the view offset of self", Family.GATHER, "gather", a -> {
                    StridedView v = (StridedView) a[1];
                    a[1] = new StridedView(v.buffer(), 0, v.shape(), v.strides());
                    return a;
                }),
                new Mutant("scatter_add replaces instead of adding", Family.SCATTER, "scatter", a -> {
                    a[6] = false;
                    return a;
                }),
                new Mutant("where swaps x and y", Family.WHERE, "where", a -> {
                    Object x = a[1];
                    a[1] = a[2];
                    a[2] = x;
                    return a;
                }),
                new Mutant("int32 x - s computed as s - x", Family.BINARY_SCALAR_INT, "binaryScalarInt", a -> {
                    a[3] = !(boolean) a[3];
                    return a;
                }),
                new Mutant("int32 maximum computed as minimum", Family.BINARY_I32, "binary", a -> {
                    a[0] = a[0] == BinaryOp.MAXIMUM ? BinaryOp.MINIMUM : a[0];
                    return a;
                }),
                new Mutant("int32 argmax of a row but its last element", Family.REDUCE_I32, "reduce", a -> {
                    if (a[0] == ReduceOp.ARGMAX && (int) a[5] == 1 && (int) a[4] > 1) {
                        a[4] = (int) a[4] - 1;
                    }
                    return a;
                }),
                new Mutant("cumsum of the whole row but its last element", Family.CUMSUM, "cumsum", a -> {
                    if ((int) a[2] == 1 && (int) a[4] == 1 && (int) a[3] > 1) {
                        a[3] = (int) a[3] - 1; // the last running sum is then left unwritten
                    }
                    return a;
                }),
                new Mutant("argsort of a row but its last element", Family.ARGSORT, "argsort", a -> {
                    if ((int) a[2] == 1 && (int) a[4] == 1 && (int) a[3] > 1) {
                        a[3] = (int) a[3] - 1; // the last rank is then left unwritten
                    }
                    return a;
                })).map(m -> Arguments.of(m));
    }

    /** The spec with one padding row moved from the bottom to the top: same sizes, windows one row up. */
    private static ConvSpec shiftedUp(ConvSpec s) {
        if (s.padBottom() == 0) {
            return s;
        }
        return new ConvSpec(s.batch(), s.channels(), s.groups(), s.height(), s.width(), s.kernelH(), s.kernelW(),
                s.strideH(), s.strideW(), s.padTop() + 1, s.padBottom() - 1, s.padLeft(), s.padRight(), s.dilationH(),
                s.dilationW());
    }

    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource("mutants")
    void mutantIsCaught(Mutant m) {
        Backend cpu = Backends.cpu();
        Backend mutant = (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[] {Backend.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("id")) {
                        return "cpu-mutant"; // keeps the mutants' lines apart from the real cpu's
                    }
                    Object[] a = args;
                    if (method.getName().equals(m.method())) {
                        a = m.change().apply(args.clone());
                    }
                    try {
                        return method.invoke(cpu, a);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        assertThrows(AssertionFailedError.class, () -> Checker.mutantAgainstReference(mutant, m.family().cases(), m.what()),
                "the suite did not notice: " + m.what());
    }

    /**
     * The spec with each dilated window replaced by the dense window it spans (same output size), and
     * count_include_pad flipped, as asked.
     */
    private static PoolSpec withPool(PoolSpec s, boolean dense, boolean flipCountIncludePad) {
        int kh = dense ? (s.kernelH() - 1) * s.dilationH() + 1 : s.kernelH();
        int kw = dense ? (s.kernelW() - 1) * s.dilationW() + 1 : s.kernelW();
        return new PoolSpec(s.planes(), s.height(), s.width(), kh, kw, s.strideH(), s.strideW(), s.padH(), s.padW(),
                dense ? 1 : s.dilationH(), dense ? 1 : s.dilationW(), s.ceilMode(),
                s.countIncludePad() ^ flipCountIncludePad, s.divisorOverride());
    }
}
