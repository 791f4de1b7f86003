package io.clgrad;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/**
 * The classes the ArchUnit layering rules ({@code LayeringTest}, and {@code CliLayeringTest} in the
 * CLI module) are checked on. Production classes are taken from the class-path entries that hold
 * given classes (a module's {@code classes} folder, or its jar when Maven resolves it from the local
 * repository), so no test class and no test jar is ever imported, whatever the build folder is called.
 */
final class LayeringClasses {
    private LayeringClasses() {
    }

    /** The classes of the class-path entries (folder or jar) that hold {@code anchors}. */
    static JavaClasses production(Class<?>... anchors) {
        List<Location> locations = new ArrayList<>();
        for (Class<?> anchor : anchors) {
            locations.add(locationOf(anchor));
        }
        return new ClassFileImporter().importLocations(locations);
    }

    /**
     * {@link #production} plus the {@code *LayeringFixture} classes (deliberate violations) compiled
     * beside {@code test}; the other test classes there are left out.
     */
    static JavaClasses withFixtures(Class<?> test, Class<?>... anchors) {
        Location tests = locationOf(test);
        String testRoot = tests.asURI().toString();
        List<Location> locations = new ArrayList<>(List.of(tests));
        for (Class<?> anchor : anchors) {
            locations.add(locationOf(anchor));
        }
        return new ClassFileImporter()
                .withImportOption(l -> !l.asURI().toString().startsWith(testRoot) || l.contains("LayeringFixture"))
                .importLocations(locations);
    }

    /** Asserts that {@code rule} reports a violation by {@code fixture} (a rule that cannot fail proves nothing). */
    static void assertCatches(String name, ArchRule rule, String fixture, JavaClasses classes) {
        assertTrue(classes.contain(fixture), fixture + " was not imported");
        EvaluationResult result = rule.evaluate(classes);
        assertTrue(result.hasViolation(), name + " reported nothing for " + fixture);
        List<String> details = result.getFailureReport().getDetails();
        assertTrue(details.stream().anyMatch(d -> d.contains("<" + fixture)),
                name + " did not name " + fixture + ":\n" + String.join("\n", details));
    }

    /** Asserts that each of {@code rules} is the rule (second argument) of at least one of {@code violations}. */
    static void assertEveryRuleHasAFixture(List<ArchRule> rules, Stream<Arguments> violations) {
        List<Object> covered = violations.map(a -> a.get()[1]).toList();
        for (ArchRule rule : rules) {
            assertTrue(covered.contains(rule), "no fixture shows this rule failing: " + rule.getDescription());
        }
    }

    /** The class-path entry {@code c} was loaded from: a classes folder or a jar. */
    static Location locationOf(Class<?> c) {
        try {
            Path entry = Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (Files.isDirectory(entry)) {
                return Location.of(entry);
            }
            try (JarFile jar = new JarFile(entry.toFile())) {
                return Location.of(jar);
            }
        } catch (URISyntaxException e) {
            throw new IllegalStateException("the class-path entry of " + c.getName() + " is no file URI", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the class-path entry of " + c.getName(), e);
        }
    }
}
