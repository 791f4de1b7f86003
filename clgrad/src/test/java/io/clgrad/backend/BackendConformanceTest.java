package io.clgrad.backend;

import io.clgrad.backend.conformance.Family;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every backend in the registry ("cpu", "opencl:0", ...) against the double-precision reference,
 * one test per op family. Inputs come from seeded {@link java.util.Random}s; sizes include 1, 7, 33
 * and 1000; the tolerance rule is {@link Tolerance}'s. A failure lists every bad case with the op,
 * geometry, index, got and expected values.
 */
class BackendConformanceTest {

    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource(Backends.ALL)
    void unary(Backend b) {
        Checker.againstReference(b, Family.UNARY.cases());
    }

    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource(Backends.ALL)
    void binaryBroadcastingAndStrided(Backend b) {
        Checker.againstReference(b, Family.BINARY.cases());
    }

    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource(Backends.ALL)
    void comparisons(Backend b) {
        Checker.againstReference(b, Family.COMPARISONS.cases());
    }

    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource(Backends.ALL)
    void binaryScalar(Backend b) {
        Checker.againstReference(b, Family.BINARY_SCALAR.cases());
    }

    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource(Backends.ALL)
    void matmul(Backend b) {
        Checker.againstReference(b, Family.MATMUL.cases());
    }

    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource(Backends.ALL)
    void addmmFusedBiasAndRelu(Backend b) {
        Checker.againstReference(b, Family.ADDMM.cases());
    }

    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource(Backends.ALL)
    void reduce(Backend b) {
        Checker.againstReference(b, Family.REDUCE.cases());
    }

    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource(Backends.ALL)
    void softmaxAndLogSoftmax(Backend b) {
        Checker.againstReference(b, Family.SOFTMAX.cases());
    }

    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource(Backends.ALL)
    void bceWithLogits(Backend b) {
        Checker.againstReference(b, Family.BCE_WITH_LOGITS.cases());
    }

    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource(Backends.ALL)
    void bceWithLogitsFusedForwardAndBackward(Backend b) {
        Checker.againstReference(b, Family.BCE_WITH_LOGITS_FUSED.cases());
    }

    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource(Backends.ALL)
    void crossEntropyFusedForwardAndBackward(Backend b) {
        Checker.againstReference(b, Family.CROSS_ENTROPY_FUSED.cases());
    }

    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource(Backends.ALL)
    void bceWithLogitsBackward(Backend b) {
        Checker.againstReference(b, Family.BCE_WITH_LOGITS_BACKWARD.cases());
    }

    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource(Backends.ALL)
    void crossEntropy(Backend b) {
        Checker.againstReference(b, Family.CROSS_ENTROPY.cases());
    }

    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource(Backends.ALL)
    void crossEntropyBackward(Backend b) {
        Checker.againstReference(b, Family.CROSS_ENTROPY_BACKWARD.cases());
    }

    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource(Backends.ALL)
    void adam(Backend b) {
        Checker.againstReference(b, Family.ADAM.cases());
    }

    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource(Backends.ALL)
    void sgd(Backend b) {
        Checker.againstReference(b, Family.SGD.cases());
    }

    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource(Backends.ALL)
    void fill(Backend b) {
        Checker.againstReference(b, Family.FILL.cases());
    }

    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource(Backends.ALL)
    void arange(Backend b) {
        Checker.againstReference(b, Family.ARANGE.cases());
    }

    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource(Backends.ALL)
    void copyStridedViews(Backend b) {
        Checker.againstReference(b, Family.COPY.cases());
    }

    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource(Backends.ALL)
    void convert(Backend b) {
        Checker.againstReference(b, Family.CONVERT.cases());
    }

    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource(Backends.ALL)
    void randomFillsEqualCounterRng(Backend b) {
        Checker.againstReference(b, Family.RANDOM.cases());
    }

    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource(Backends.ALL)
    void hostTransfersAtOffsets(Backend b) {
        Checker.againstReference(b, Family.TRANSFERS.cases());
    }

    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource(Backends.ALL)
    void im2col(Backend b) {
        Checker.againstReference(b, Family.IM2COL.cases());
    }

    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource(Backends.ALL)
    void col2im(Backend b) {
        Checker.againstReference(b, Family.COL2IM.cases());
    }

    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource(Backends.ALL)
    void maxPool2dValuesAndIndices(Backend b) {
        Checker.againstReference(b, Family.MAX_POOL2D.cases());
    }

    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource(Backends.ALL)
    void maxPool2dBackward(Backend b) {
        Checker.againstReference(b, Family.MAX_POOL2D_BACKWARD.cases());
    }

    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource(Backends.ALL)
    void avgPool2d(Backend b) {
        Checker.againstReference(b, Family.AVG_POOL2D.cases());
    }

    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource(Backends.ALL)
    void avgPool2dBackward(Backend b) {
        Checker.againstReference(b, Family.AVG_POOL2D_BACKWARD.cases());
    }
}
