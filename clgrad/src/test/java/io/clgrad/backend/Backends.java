package io.clgrad.backend;

import io.clgrad.backend.conformance.Family;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.provider.Arguments;

/**
 * Argument sources for the parameterised suites: every backend of the registry, named by its id
 * so that the test log reads "cpu", "opencl:0", ...
 *
 * <p>{@link Backend} is {@link AutoCloseable}, and JUnit closes AutoCloseable arguments after each
 * invocation by default: every {@code @ParameterizedTest} over backends must say
 * {@code autoCloseArguments = false}, or the first test closes the shared registry backends.
 */
final class Backends {
    /** {@code @MethodSource} reference for {@link #all()}. */
    static final String ALL = "io.clgrad.backend.Backends#all";
    /** {@code @MethodSource} reference for {@link #nonCpu()}. */
    static final String NON_CPU = "io.clgrad.backend.Backends#nonCpu";

    private Backends() {
    }

    /** Every backend, CPU first. Fails loudly (with the registry's problems) when there is none. */
    static Stream<Named<Backend>> all() {
        List<Backend> list = BackendRegistry.get().backends();
        if (list.isEmpty()) {
            throw new IllegalStateException("no backend initialised; problems: " + BackendRegistry.get().problems());
        }
        return list.stream().map(b -> Named.of(b.id(), b));
    }

    /** Every backend other than the Java CPU one (the OpenCL devices); may be empty. */
    static Stream<Named<Backend>> nonCpu() {
        return BackendRegistry.get().backends().stream()
                .filter(b -> !b.id().equals("cpu"))
                .map(b -> Named.of(b.id(), b));
    }

    /** Every OpenCL backend combined with every op family, for the cross-backend suite. */
    static Stream<Arguments> nonCpuTimesFamilies() {
        return nonCpu().flatMap(b -> Stream.of(Family.values()).map(f -> Arguments.of(b, f)));
    }

    /** The Java CPU backend, the twin every other backend is compared with. */
    static Backend cpu() {
        Backend cpu = BackendRegistry.get().byId("cpu");
        if (cpu == null) {
            throw new IllegalStateException("the cpu backend is missing; problems: " + BackendRegistry.get().problems());
        }
        return cpu;
    }
}
