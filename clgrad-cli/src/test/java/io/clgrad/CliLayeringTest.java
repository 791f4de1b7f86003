package io.clgrad;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.lang.ArchRule;
import io.clgrad.cli.Main;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The layering rules about the CLI module's packages, checked on the library's and this module's
 * production classes together (docs/design-notes.md, "Layering"; the library's own rules are the
 * library module's {@code LayeringTest}):
 *
 * <pre>
 * cli, bench, examples  ->  data, nn, optim, io, core, backend SPI  (the library)
 * </pre>
 *
 * <p>The library never depends on this module: Maven enforces that much (clgrad-cli depends on
 * clgrad, never the reverse, so a library class naming a CLI class does not compile), and
 * {@link #LIBRARY_NEVER_USES_THE_APPLICATION} states it on packages, so a library package placed in
 * this module is caught too (its fixture is such a class). As in {@code LayeringTest}, each rule must
 * report its {@code *LayeringFixture}.
 */
class CliLayeringTest {
    private static final String CLI = "io.clgrad.cli..";
    private static final String BENCH = "io.clgrad.bench..";
    private static final String EXAMPLES = "io.clgrad.examples..";
    private static final String OPENCL = "io.clgrad.backend.opencl..";
    private static final String CPU = "io.clgrad.backend.cpu..";

    /**
     * cli, bench and examples reach devices through the SPI only: {@code Backend}, {@code DeviceInfo},
     * {@code Backend.tuner()} for {@code clgrad tune} and {@code clgrad devices}, {@code CpuThreadSettings}.
     */
    static final ArchRule APPLICATION_USES_NO_CONCRETE_BACKEND = noClasses().that()
            .resideInAnyPackage(CLI, BENCH, EXAMPLES)
            .should().dependOnClassesThat().resideInAnyPackage(OPENCL, CPU)
            .because("device diagnostics and tuning go through the backend SPI, so a new backend needs no CLI change");

    /** The library's packages never depend on the application packages (this module). */
    static final ArchRule LIBRARY_NEVER_USES_THE_APPLICATION = noClasses()
            .that().resideOutsideOfPackages(CLI, BENCH, EXAMPLES)
            .should().dependOnClassesThat().resideInAnyPackage(CLI, BENCH, EXAMPLES)
            .because("the library jar must work without the CLI module");

    /** This module's rules, each with a fixture below. */
    private static final List<ArchRule> RULES = List.of(APPLICATION_USES_NO_CONCRETE_BACKEND,
            LIBRARY_NEVER_USES_THE_APPLICATION);

    /** The library's classes (where {@code Tensor} comes from) and this module's (where {@code Main} does). */
    private static final JavaClasses PRODUCTION = LayeringClasses.production(Tensor.class, Main.class);

    @Test
    void importsBothModulesAndNoTestClass() {
        JavaClasses classes = PRODUCTION;
        assertTrue(classes.contain(Tensor.class), "the library's classes were not imported");
        assertTrue(classes.contain(Main.class), "the CLI module's classes were not imported");
        assertFalse(classes.contain(CliLayeringTest.class), "test classes were imported");
        assertFalse(classes.contain(LayeringTest.class), "the library's test classes were imported");
        assertFalse(classes.contain("io.clgrad.nn.ExamplesLayeringFixture"), "a fixture was imported");
    }

    /**
     * This module's rules, and every rule of the library's {@code LayeringTest} (layers, JOCL only in
     * backend.opencl, backends below the SPI, io on state dicts, no cycles) over both modules, so
     * code in this module is held to them too.
     */
    static Stream<ArchRule> rules() {
        return Stream.concat(RULES.stream(), LayeringTest.RULES.stream());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rules")
    void holds(ArchRule rule) {
        rule.check(PRODUCTION);
    }

    /** Each rule with a fixture that breaks it (a rule may have several). */
    static Stream<Arguments> violations() {
        return Stream.of(
                Arguments.of("application uses no concrete backend", APPLICATION_USES_NO_CONCRETE_BACKEND,
                        "io.clgrad.cli.ConcreteBackendLayeringFixture"),
                Arguments.of("application uses no concrete backend", APPLICATION_USES_NO_CONCRETE_BACKEND,
                        "io.clgrad.examples.ConcreteBackendLayeringFixture"),
                Arguments.of("library never uses the application", LIBRARY_NEVER_USES_THE_APPLICATION,
                        "io.clgrad.nn.ExamplesLayeringFixture"),
                // the library's rules reach this module's classes too
                Arguments.of("only opencl uses JOCL, in the CLI module", LayeringTest.ONLY_OPENCL_USES_JOCL,
                        "io.clgrad.cli.JoclLayeringFixture"));
    }

    @ParameterizedTest(name = "{0} catches {2}")
    @MethodSource("violations")
    void eachRuleCatchesItsFixture(String name, ArchRule rule, String fixture) {
        LayeringClasses.assertCatches(name, rule, fixture,
                LayeringClasses.withFixtures(CliLayeringTest.class, Tensor.class, Main.class));
    }

    @Test
    void everyRuleHasAFixture() {
        LayeringClasses.assertEveryRuleHasAFixture(RULES, violations());
    }
}
