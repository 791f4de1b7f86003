package io.clgrad;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import java.net.URISyntaxException;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The package layering of the library, checked on the compiled production classes (docs/design-notes.md,
 * "Layering"):
 *
 * <pre>
 * cli, bench, examples  ->  data  ->  nn, optim, io  ->  core (io.clgrad, io.clgrad.autograd)
 *     ->  backend SPI (io.clgrad.backend)  <-  backend.opencl, backend.cpu
 * </pre>
 *
 * <p>The rules come in two groups: the library's (the layers from {@code data} down, JOCL, the
 * backends, {@code io}, cycles) and the application's ({@code cli}, {@code bench}, {@code examples}:
 * no concrete backend, and nothing in the library that uses them), each with its own fixtures, so the
 * second group can move to the CLI module with those packages.
 *
 * <p>Each rule is also evaluated on the production classes plus a tiny violating fixture (test
 * classes named {@code *LayeringFixture} in the packages concerned), and must report that fixture:
 * a rule that cannot fail proves nothing.
 */
class LayeringTest {
    private static final String CLI = "io.clgrad.cli..";
    private static final String BENCH = "io.clgrad.bench..";
    private static final String EXAMPLES = "io.clgrad.examples..";
    private static final String OPENCL = "io.clgrad.backend.opencl..";
    private static final String CPU = "io.clgrad.backend.cpu..";

    // ---------------------------------------------------------------- the library's rules

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
                    "io.clgrad.optim..", "io.clgrad.io..", "io.clgrad.data..", CLI, BENCH, EXAMPLES)
            .because("a backend knows buffers, not tensors, modules or files");

    /** {@code io} reads and writes state-dict maps: it knows no module, optimizer, data set or CLI. */
    static final ArchRule IO_TAKES_STATE_DICTS = noClasses().that().resideInAPackage("io.clgrad.io..")
            .should().dependOnClassesThat().resideInAnyPackage("io.clgrad.nn..", "io.clgrad.optim..",
                    "io.clgrad.data..", CLI, BENCH, EXAMPLES)
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

    // ---------------------------------------------------------------- the application's rules
    // (cli, bench, examples: they move with those packages to the CLI module; the application may use
    // every library layer, the SPI included, but no concrete backend)

    /**
     * cli, bench and examples reach devices through the SPI only: {@code Backend}, {@code DeviceInfo},
     * {@code Backend.tuner()} for {@code clgrad tune} and {@code clgrad devices}, {@code CpuThreadSettings}.
     */
    static final ArchRule APPLICATION_USES_NO_CONCRETE_BACKEND = noClasses().that()
            .resideInAnyPackage(CLI, BENCH, EXAMPLES)
            .should().dependOnClassesThat().resideInAnyPackage(OPENCL, CPU)
            .because("device diagnostics and tuning go through the backend SPI, so a new backend needs no CLI change");

    /** The library never depends on the application packages (the future CLI module). */
    static final ArchRule LIBRARY_NEVER_USES_THE_APPLICATION = noClasses()
            .that().resideOutsideOfPackages(CLI, BENCH, EXAMPLES)
            .should().dependOnClassesThat().resideInAnyPackage(CLI, BENCH, EXAMPLES)
            .because("cli, bench and examples move to the CLI module; the library jar must not need them");

    private static final List<ArchRule> LIBRARY_RULES = List.of(LAYERS, ONLY_OPENCL_USES_JOCL,
            BACKENDS_STAY_BELOW_THE_SPI, IO_TAKES_STATE_DICTS, NO_PACKAGE_CYCLES);

    private static final List<ArchRule> APPLICATION_RULES = List.of(APPLICATION_USES_NO_CONCRETE_BACKEND,
            LIBRARY_NEVER_USES_THE_APPLICATION);

    /**
     * Where this build writes test classes ({@code target/test-classes}, or under {@code -Dclgrad.buildDir},
     * which ArchUnit's own test-location patterns do not know).
     */
    private static final String TEST_OUTPUT = testOutput();

    /** Production classes only: ArchUnit's test locations, and this build's test output folder. */
    private static final ImportOption PRODUCTION = new ImportOption() {
        private final ImportOption notTests = new ImportOption.DoNotIncludeTests();

        @Override
        public boolean includes(Location location) {
            return notTests.includes(location) && !location.asURI().toString().startsWith(TEST_OUTPUT);
        }
    };

    /** The production classes plus the {@code *LayeringFixture} test classes. */
    private static final ImportOption PRODUCTION_AND_FIXTURES =
            location -> PRODUCTION.includes(location) || location.contains("LayeringFixture");

    private static JavaClasses production;
    private static JavaClasses withFixtures;

    private static String testOutput() {
        try {
            return LayeringTest.class.getProtectionDomain().getCodeSource().getLocation().toURI().toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static synchronized JavaClasses production() {
        if (production == null) {
            production = new ClassFileImporter().withImportOption(PRODUCTION).importPackages("io.clgrad");
        }
        return production;
    }

    private static synchronized JavaClasses withFixtures() {
        if (withFixtures == null) {
            withFixtures = new ClassFileImporter().withImportOption(PRODUCTION_AND_FIXTURES).importPackages("io.clgrad");
        }
        return withFixtures;
    }

    @Test
    void importsTheProductionClassesAndNoTestClass() {
        JavaClasses classes = production();
        assertTrue(classes.contain(Tensor.class), "io.clgrad.Tensor was not imported: the rules would check nothing");
        assertTrue(classes.contain("io.clgrad.backend.opencl.OpenClBackend"), "the OpenCL backend was not imported");
        assertFalse(classes.contain(LayeringTest.class), "test classes were imported (test output " + TEST_OUTPUT + ")");
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

    @Test
    void applicationUsesNoConcreteBackend() {
        APPLICATION_USES_NO_CONCRETE_BACKEND.check(production());
    }

    @Test
    void libraryNeverUsesTheApplication() {
        LIBRARY_NEVER_USES_THE_APPLICATION.check(production());
    }

    /** Each rule with a fixture that breaks it (a rule may have several). */
    static Stream<Arguments> violations() {
        return Stream.concat(libraryViolations(), applicationViolations());
    }

    /** The library rules' fixtures. */
    static Stream<Arguments> libraryViolations() {
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

    /** The application rules' fixtures (they move to the CLI module with those rules). */
    static Stream<Arguments> applicationViolations() {
        return Stream.of(
                Arguments.of("application uses no concrete backend", APPLICATION_USES_NO_CONCRETE_BACKEND,
                        "io.clgrad.cli.ConcreteBackendLayeringFixture"),
                Arguments.of("application uses no concrete backend", APPLICATION_USES_NO_CONCRETE_BACKEND,
                        "io.clgrad.examples.ConcreteBackendLayeringFixture"),
                Arguments.of("library never uses the application", LIBRARY_NEVER_USES_THE_APPLICATION,
                        "io.clgrad.nn.ExamplesLayeringFixture"));
    }

    @ParameterizedTest(name = "{0} catches {2}")
    @MethodSource("violations")
    void eachRuleCatchesItsFixture(String name, ArchRule rule, String fixture) {
        JavaClasses classes = withFixtures();
        assertTrue(classes.contain(fixture), fixture + " was not imported");
        EvaluationResult result = rule.evaluate(classes);
        assertTrue(result.hasViolation(), name + " reported nothing for " + fixture);
        List<String> details = result.getFailureReport().getDetails();
        assertTrue(details.stream().anyMatch(d -> d.contains("<" + fixture)),
                name + " did not name " + fixture + ":\n" + String.join("\n", details));
    }

    @Test
    void everyRuleHasAFixture() {
        List<ArchRule> covered = violations().map(a -> (ArchRule) a.get()[1]).toList();
        for (ArchRule rule : Stream.concat(LIBRARY_RULES.stream(), APPLICATION_RULES.stream()).toList()) {
            assertTrue(covered.contains(rule), "no fixture shows this rule failing: " + rule.getDescription());
        }
    }
}
