package io.clgrad.backend.opencl;

import static org.jocl.CL.clReleaseProgram;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.clgrad.Device;
import io.clgrad.TestDevices;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.stream.Stream;
import org.jocl.cl_program;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10 item 5: every kernel family is built after the prelude kernels-cl/common.cl, each
 * family compiles on its own together with the prelude (with its {@code #ifndef} defaults), build
 * errors cite the file and line they belong to, and the prelude is part of the program cache key.
 */
class KernelPreludeTest {
    @TempDir
    Path tmp;

    /** The repository's kernels-cl/ (the tests run in the module folder clgrad/, beside it). */
    private static final Path KERNELS = Paths.get("..", "kernels-cl");

    /** A kernel source as in the repository. */
    private static String file(String name) throws IOException {
        return Files.readString(KERNELS.resolve(name + ".cl"), StandardCharsets.UTF_8);
    }

    /** The kernel families as the files in kernels-cl/ say (every .cl file but the prelude). */
    private static List<String> families() throws IOException {
        try (Stream<Path> files = Files.list(KERNELS)) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".cl"))
                    .map(n -> n.substring(0, n.length() - 3)).filter(n -> !n.equals("common")).sorted().toList();
        }
    }

    @Test
    void theBackendBuildsEveryKernelFileAndNoOther() throws IOException {
        List<String> files = families();
        assertTrue(files.size() >= 8, "kernel files found: " + files);
        assertEquals(files, openCl().families().stream().sorted().toList(),
                "the op classes of the OpenCL backend (one FamilyOps per kernels-cl file) against the files");
    }

    private static OpenClBackend openCl() {
        if (TestDevices.opencl().isEmpty()) {
            if ("1".equals(System.getenv("CLGRAD_REQUIRE_OPENCL"))) {
                fail("CLGRAD_REQUIRE_OPENCL=1 but no OpenCL device initialised");
            }
            Assumptions.abort("no OpenCL device");
        }
        return (OpenClBackend) Device.opencl(0).backend();
    }

    @Test
    void thePreludeShipsAsAResourceAndPrecedesEveryFamily() throws IOException {
        assertNotNull(ProgramCache.class.getClassLoader().getResource("kernels-cl/common.cl"),
                "common.cl is packaged with the other kernel sources");
        String prelude = file("common");
        for (String family : families()) {
            String expected = "#line 1 \"kernels-cl/common.cl\"\n" + prelude
                    + (prelude.endsWith("\n") ? "" : "\n")
                    + "#line 1 \"kernels-cl/" + family + ".cl\"\n" + file(family);
            assertEquals(expected, ProgramCache.source(family), family);
        }
    }

    @Test
    void everyFamilyCompilesOnItsOwnWithThePreludeAndItsDefaults() throws IOException {
        OpenClBackend backend = openCl();
        ClDevice dev = backend.clDevice();
        try (BufferPool pool = new BufferPool(dev, backend);
                ProgramCache pc = new ProgramCache(dev, new ProgramDiskCache(null), pool)) {
            for (String family : families()) {
                cl_program p = pc.fromSource(family, ProgramCache.source(family), "");
                clReleaseProgram(p);
            }
        }
    }

    @Test
    void aBuildErrorCitesTheFileAndLineItBelongsTo() {
        OpenClBackend backend = openCl();
        ClDevice dev = backend.clDevice();
        String body = "/* line 1 */\n\n__kernel void broken(__global float* x) { x[0] = ; }\n";
        String source = ProgramCache.compose("/* a prelude */\ninline float clg_one(void) { return 1.0f; }\n",
                "broken", body);
        try (BufferPool pool = new BufferPool(dev, backend);
                ProgramCache pc = new ProgramCache(dev, new ProgramDiskCache(null), pool)) {
            OpenClException e = assertThrows(OpenClException.class, () -> pc.fromSource("broken", source, ""));
            // clang-based compilers (PoCL, most others) write "file:line:col", some "file(line)"
            assertTrue(e.getMessage().matches("(?s).*kernels-cl/broken\\.cl(:3:|\\(3\\)).*"),
                    () -> "the build log names the family file and its own line 3:\n" + e.getMessage());
            String badPrelude = ProgramCache.compose("/* a prelude */\ninline float clg_one(void) { return ; }\n",
                    "fine", "__kernel void fine(__global float* x) { x[0] = clg_one(); }\n");
            OpenClException p = assertThrows(OpenClException.class, () -> pc.fromSource("fine", badPrelude, ""));
            assertTrue(p.getMessage().matches("(?s).*kernels-cl/common\\.cl(:2:|\\(2\\)).*"),
                    () -> "an error in the prelude names the prelude's line 2:\n" + p.getMessage());
        }
    }

    @Test
    void aChangedPreludeChangesTheDiskKeyOfEveryFamily() throws IOException {
        OpenClBackend backend = openCl();
        ClDevice dev = backend.clDevice();
        ProgramDiskCache disk = new ProgramDiskCache(tmp.resolve("opencl"));
        String prelude = file("common");
        for (String family : families()) {
            String body = file(family);
            String key = disk.key(dev, family, ProgramCache.compose(prelude, family, body), "");
            String changed = disk.key(dev, family, ProgramCache.compose(prelude + "/* edited */\n", family, body), "");
            assertNotEquals(key, changed, family);
            assertEquals(key, disk.key(dev, family, ProgramCache.source(family), ""),
                    family + ": the key of the shipped source is the key of prelude + family file");
        }
    }
}
