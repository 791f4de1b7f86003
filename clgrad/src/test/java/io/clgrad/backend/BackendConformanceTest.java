package io.clgrad.backend;

import io.clgrad.backend.conformance.Family;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every backend in the registry ("cpu", "opencl:0", ...) against the double-precision reference,
 * one test per backend and op family, every {@link Family} (so a new family is tested with no edit
 * here). Inputs come from seeded {@link java.util.Random}s; sizes include 1, 7, 33 and 1000; the
 * tolerance rule is {@link io.clgrad.backend.conformance.Tolerance}'s. A failure lists every bad
 * case with the op, geometry, index, got and expected values.
 */
class BackendConformanceTest {

    /** Every backend combined with every op family. */
    static Stream<Arguments> backendsTimesFamilies() {
        return Backends.all().flatMap(b -> Stream.of(Family.values()).map(f -> Arguments.of(b, f)));
    }

    @ParameterizedTest(name = "{0}: {1}", autoCloseArguments = false)
    @MethodSource("backendsTimesFamilies")
    void againstReference(Backend b, Family family) {
        Checker.againstReference(b, family.cases());
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
