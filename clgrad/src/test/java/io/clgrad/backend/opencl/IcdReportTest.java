package io.clgrad.backend.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.clgrad.ChildJvm;
import io.clgrad.backend.BackendRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 9 item 11: when the OpenCL loader finds no platform, the message says what it really read
 * (OCL_ICD_VENDORS or /etc/OpenCL/vendors, the .icd files, each one's library and whether it
 * exists) and that clgrad continues on the Java CPU backend; it suggests installing a driver only
 * when none is registered.
 */
class IcdReportTest {
    @TempDir
    Path tmp;

    private Path vendors(String... icds) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("vendors" + icds.length));
        for (int i = 0; i < icds.length; i += 2) {
            Files.writeString(dir.resolve(icds[i]), icds[i + 1] + "\n");
        }
        return dir;
    }

    @Test
    void vendorsVariablePointingNowhere() throws IOException {
        Path defaults = vendors("pocl.icd", "libpocl.so.2");
        String s = IcdReport.describe(Map.of("OCL_ICD_VENDORS", "/nonexistent"), defaults);
        assertEquals("OCL_ICD_VENDORS=/nonexistent does not exist, so the loader had no driver list (unset it to use "
                + defaults + ", which registers pocl.icd)", s);
    }

    @Test
    void vendorsVariablePointingToAnEmptyFolder() throws IOException {
        Path defaults = vendors("pocl.icd", "libpocl.so.2");
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        String s = IcdReport.describe(Map.of("OCL_ICD_VENDORS", empty.toString()), defaults);
        assertTrue(s.startsWith("OCL_ICD_VENDORS=" + empty + " holds no .icd file, and the loader reads it instead of "
                + defaults), s);
        assertFalse(s.contains("install"), s);
    }

    @Test
    void icdFilesNamingMissingAndPresentLibraries() throws IOException {
        Path present = Files.writeString(tmp.resolve("libpresent.so"), "not really a library");
        Path dir = vendors("a.icd", "/nonexistent/libFoo.so", "b.icd", present.toString());
        String s = IcdReport.describe(Map.of("OCL_ICD_VENDORS", dir.toString()), tmp.resolve("none"));
        assertEquals("the loader read OCL_ICD_VENDORS=" + dir + ": a.icd names /nonexistent/libFoo.so (not found); "
                + "b.icd names " + present + " (found at " + present
                + ", yet it gave no platform: it failed to load or has no devices)", s);
    }

    @Test
    void defaultFolderWithoutDriversSuggestsInstallingOne() throws IOException {
        Path defaults = Files.createDirectories(tmp.resolve("etc-vendors"));
        String s = IcdReport.describe(Map.of(), defaults);
        assertTrue(s.startsWith(defaults + " holds no .icd file (no driver is registered); install a driver"), s);
        String missing = IcdReport.describe(Map.of(), tmp.resolve("absent"));
        assertTrue(missing.contains("does not exist") && missing.contains("install a driver"), missing);
    }

    @Test
    void icdFilenamesVariableIsReportedToo() throws IOException {
        String s = IcdReport.describe(Map.of("OCL_ICD_FILENAMES", "/nonexistent/libBar.so"), vendors("pocl.icd",
                "/nonexistent/libpocl.so"));
        assertTrue(s.endsWith("; OCL_ICD_FILENAMES lists /nonexistent/libBar.so (not found)"), s);
    }

    /** End to end: a JVM started with OCL_ICD_VENDORS pointing nowhere says so, and keeps the CPU backend. */
    @Test
    void registryProblemNamesWhatTheLoaderTried() throws Exception {
        assumeTrue(OpenClLibraryProbe.locate("libOpenCL.so.1") != null, "no OpenCL ICD loader installed");
        Path nowhere = tmp.resolve("nowhere");
        ProcessBuilder pb = ChildJvm.builder(ProblemsMain.class);
        pb.environment().put("OCL_ICD_VENDORS", nowhere.toString());
        // nothing else may point the loader at a driver, nor choose the device
        pb.environment().remove("OCL_ICD_FILENAMES");
        pb.environment().remove("OPENCL_VENDOR_PATH");
        pb.environment().remove("CLGRAD_DEVICE");
        ChildJvm.Result r = ChildJvm.run(pb, Duration.ofSeconds(60));
        String out = r.output();
        assertEquals(0, r.exitCode(), out);
        assertTrue(out.contains("problem: no OpenCL platform found: OCL_ICD_VENDORS=" + nowhere
                + " does not exist, so the loader had no driver list"), out);
        assertTrue(out.contains("clgrad continues on the Java CPU backend"), out);
        assertFalse(out.lines().filter(l -> l.startsWith("problem: ")).anyMatch(l -> l.contains("install")), out);
        assertTrue(out.contains("backends: [cpu]"), out);
    }

    /** Run by {@link #registryProblemNamesWhatTheLoaderTried} in a child JVM. */
    static final class ProblemsMain {
        public static void main(String[] args) {
            BackendRegistry r = BackendRegistry.get();
            r.problems().forEach(p -> System.out.println("problem: " + p));
            System.out.println("backends: " + r.backends().stream().map(b -> b.id()).toList());
            System.exit(0);
        }
    }
}
