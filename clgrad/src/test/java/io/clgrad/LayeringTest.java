package io.clgrad;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The package layering of the library module, checked on its compiled production classes
 * (docs/design-notes.md, "Layering"):
 *
 * <pre>
 * data  ->  nn, optim, io  ->  core (io.clgrad, io.clgrad.autograd)
 *     ->  backend SPI (io.clgrad.backend)  <-  backend.opencl, backend.cpu
 * </pre>
 *
 * <p>cli, bench and examples sit on top, in the clgrad-cli module; the rules about them are that
 * module's {@code CliLayeringTest}. That the library never depends on the CLI module, Maven already
 * enforces (clgrad-cli depends on clgrad, never the reverse); {@code CliLayeringTest} checks it on
 * packages as well.
 *
 * <p>Each rule is also evaluated on the production classes plus a tiny violating fixture (test
 * classes named {@code *LayeringFixture} in the packages concerned), and must report that fixture:
 * a rule that cannot fail proves nothing.
 */
class LayeringTest {
    private static final String OPENCL = "io.clgrad.backend.opencl..";
    private static final String CPU = "io.clgrad.backend.cpu..";

    /** data -> nn/optim/io -> core -> SPI <- concrete backends; nothing skips the core. */
    static final ArchRule LAYERS = layeredArchitecture().consideringOnlyDependenciesInLayers()
            .layer("Data").definedBy("io.clgrad.data..")
            .layer("Library").definedBy("io.clgrad.nn..", "io.clgrad.optim..", "io.clgrad.io..")
            .layer("Core").definedBy("io.clgrad", "io.clgrad.autograd..")
            .layer("SPI").definedBy("io.clgrad.backend", "io.clgrad.backend.conformance..")
            .layer("OpenCL backend").definedBy(OPENCL)
            .layer("CPU backend").definedBy(CPU)
            .whereLayer("Data").mayNotBeAccessedByAnyLayer()
            .whereLayer("Library").mayOnlyBeAccessedByLayers("Data")
            .whereLayer("Core").mayOnlyBeAccessedByLayers("Library", "Data")
            .whereLayer("SPI").mayOnlyBeAccessedByLayers("Core", "OpenCL backend", "CPU backend")
            .whereLayer("OpenCL backend").mayNotBeAccessedByAnyLayer()   // not even by the other backend: peers
            .whereLayer("CPU backend").mayNotBeAccessedByAnyLayer();

    /** Only the OpenCL backend touches JOCL. */
    static final ArchRule ONLY_OPENCL_USES_JOCL = noClasses().that().resideOutsideOfPackage(OPENCL)
            .should().dependOnClassesThat().resideInAPackage("org.jocl..")
            .because("the OpenCL backend is the one place that talks to the driver");

    /** The backends (SPI and implementations) never reach above the SPI. */
    static final ArchRule BACKENDS_STAY_BELOW_THE_SPI = noClasses().that().resideInAPackage("io.clgrad.backend..")
            .should().dependOnClassesThat().resideInAnyPackage("io.clgrad", "io.clgrad.autograd..", "io.clgrad.nn..",
                    "io.clgrad.optim..", "io.clgrad.io..", "io.clgrad.data..")
            .because("a backend knows buffers, not tensors, modules or files");

    /** {@code io} reads and writes state-dict maps: it knows no module, optimizer, data set or CLI. */
    static final ArchRule IO_TAKES_STATE_DICTS = noClasses().that().resideInAPackage("io.clgrad.io..")
            .should().dependOnClassesThat().resideInAnyPackage("io.clgrad.nn..", "io.clgrad.optim..",
                    "io.clgrad.data..")
            .because("checkpoints take Map<String, Tensor> state dicts, not Module or Optimizer");

    /** Every package its own slice, the root package {@code io.clgrad} included. */
    private static final SliceAssignment EVERY_PACKAGE = new SliceAssignment() {
        @Override
        public SliceIdentifier getIdentifierOf(JavaClass c) {
            String p = c.getPackageName();
            return p.equals("io.clgrad") || p.startsWith("io.clgrad.") ? SliceIdentifier.of(p) : SliceIdentifier.ignore();
        }

        @Override
        public String getDescription() {
            return "every package under io.clgrad";
        }
    };

    /** No two packages depend on each other, directly or around a loop (a sub-package counts as its own). */
    static final ArchRule NO_PACKAGE_CYCLES = slices().assignedFrom(EVERY_PACKAGE).should().beFreeOfCycles();

    /** The library's rules; {@code CliLayeringTest} also checks them over both modules. */
    static final List<ArchRule> RULES = List.of(LAYERS, ONLY_OPENCL_USES_JOCL, BACKENDS_STAY_BELOW_THE_SPI,
            IO_TAKES_STATE_DICTS, NO_PACKAGE_CYCLES);

    private static JavaClasses production;
    private static JavaClasses withFixtures;

    /** The library's production classes (the class-path entry that holds {@code Tensor}). */
    private static synchronized JavaClasses production() {
        if (production == null) {
            production = LayeringClasses.production(Tensor.class);
        }
        return production;
    }

    private static synchronized JavaClasses withFixtures() {
        if (withFixtures == null) {
            withFixtures = LayeringClasses.withFixtures(LayeringTest.class, Tensor.class);
        }
        return withFixtures;
    }

    @Test
    void importsTheProductionClassesAndNoTestClass() {
        JavaClasses classes = production();
        assertTrue(classes.contain(Tensor.class), "io.clgrad.Tensor was not imported: the rules would check nothing");
        assertTrue(classes.contain("io.clgrad.backend.opencl.OpenClBackend"), "the OpenCL backend was not imported");
        assertFalse(classes.contain(LayeringTest.class), "test classes were imported");
        assertFalse(classes.contain("io.clgrad.nn.UpwardLayeringFixture"), "a fixture was imported");
    }

    @Test
    void layers() {
        LAYERS.check(production());
    }

    @Test
    void onlyTheOpenClBackendUsesJocl() {
        ONLY_OPENCL_USES_JOCL.check(production());
    }

    @Test
    void backendsStayBelowTheSpi() {
        BACKENDS_STAY_BELOW_THE_SPI.check(production());
    }

    @Test
    void ioTakesStateDicts() {
        IO_TAKES_STATE_DICTS.check(production());
    }

    @Test
    void noPackageCycles() {
        NO_PACKAGE_CYCLES.check(production());
    }

    /** Each rule with a fixture that breaks it (a rule may have several). */
    static Stream<Arguments> violations() {
        return Stream.of(
                Arguments.of("layers", LAYERS, "io.clgrad.nn.UpwardLayeringFixture"),
                Arguments.of("layers", LAYERS, "io.clgrad.data.SpiLayeringFixture"),
                Arguments.of("layers", LAYERS, "io.clgrad.backend.cpu.AboveSpiLayeringFixture"),
                Arguments.of("layers", LAYERS, "io.clgrad.backend.opencl.PeerBackendLayeringFixture"),
                Arguments.of("only opencl uses JOCL", ONLY_OPENCL_USES_JOCL, "io.clgrad.backend.cpu.JoclLayeringFixture"),
                Arguments.of("backends stay below the SPI", BACKENDS_STAY_BELOW_THE_SPI,
                        "io.clgrad.backend.cpu.AboveSpiLayeringFixture"),
                Arguments.of("io takes state dicts", IO_TAKES_STATE_DICTS, "io.clgrad.io.ModuleLayeringFixture"),
                Arguments.of("no package cycles", NO_PACKAGE_CYCLES, "io.clgrad.data.CycleLayeringFixture"));
    }

    @ParameterizedTest(name = "{0} catches {2}")
    @MethodSource("violations")
    void eachRuleCatchesItsFixture(String name, ArchRule rule, String fixture) {
        LayeringClasses.assertCatches(name, rule, fixture, withFixtures());
    }

    @Test
    void everyRuleHasAFixture() {
        LayeringClasses.assertEveryRuleHasAFixture(RULES, violations());
    }
}
