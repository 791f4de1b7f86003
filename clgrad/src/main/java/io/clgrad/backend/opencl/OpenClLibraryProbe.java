package io.clgrad.backend.opencl;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Looks for {@code libOpenCL.so.1} where the Linux dynamic loader would, before JOCL is touched.
 * JOCL's native code prints "Could not load libOpenCL.so.1" to the process's stdout when the
 * library is missing, which would corrupt the CLI's output (e.g. {@code --json}); checking first
 * keeps stdout clean and lets us say plainly that no OpenCL runtime is installed.
 *
 * <p>Only a definite "not found" on Linux skips loading; other systems, and
 * {@code CLGRAD_OPENCL_PROBE=0}, always let JOCL try.
 */
final class OpenClLibraryProbe {
    private static final String LIBRARY = "libOpenCL.so.1";
    private static final List<String> DEFAULT_DIRS = List.of(
            "/lib", "/usr/lib", "/lib64", "/usr/lib64", "/usr/local/lib",
            "/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu",
            "/lib/aarch64-linux-gnu", "/usr/lib/aarch64-linux-gnu");

    private OpenClLibraryProbe() {
    }

    /** False only when we are on Linux and the library is certainly not where the loader looks. */
    static boolean mayBePresent() {
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")
                || "0".equals(System.getenv("CLGRAD_OPENCL_PROBE"))) {
            return true;
        }
        return locate(LIBRARY) != null;
    }

    /**
     * Where the dynamic loader would find {@code library}: the path itself when it contains a
     * slash, else the first search folder holding it; null when not found.
     */
    static Path locate(String library) {
        if (library.contains("/")) {
            Path p = Path.of(library);
            return Files.exists(p) ? p : null;
        }
        for (String dir : searchDirs()) {
            Path p = Path.of(dir, library);
            if (Files.exists(p)) {
                return p;
            }
        }
        return null;
    }

    private static Set<String> searchDirs() {
        Set<String> dirs = new LinkedHashSet<>();
        String ld = System.getenv("LD_LIBRARY_PATH");
        if (ld != null) {
            for (String d : ld.split(":")) {
                if (!d.isBlank()) {
                    dirs.add(d);
                }
            }
        }
        dirs.addAll(confDirs(Path.of("/etc/ld.so.conf"), 0));
        dirs.addAll(DEFAULT_DIRS);
        return dirs;
    }

    /** Directories listed in an ld.so.conf file, following its {@code include} globs. */
    private static List<String> confDirs(Path conf, int depth) {
        List<String> out = new ArrayList<>();
        if (depth > 4 || !Files.isReadable(conf)) {
            return out;
        }
        try {
            for (String raw : Files.readAllLines(conf)) {
                String line = raw.replaceFirst("#.*", "").trim();
                if (line.startsWith("include ")) {
                    Path pattern = Path.of(line.substring(8).trim());
                    Path parent = pattern.isAbsolute() ? pattern.getParent() : conf.getParent().resolve(pattern).getParent();
                    if (parent == null || !Files.isDirectory(parent)) {
                        continue;
                    }
                    try (DirectoryStream<Path> ds = Files.newDirectoryStream(parent, pattern.getFileName().toString())) {
                        for (Path p : ds) {
                            out.addAll(confDirs(p, depth + 1));
                        }
                    }
                } else if (!line.isEmpty()) {
                    out.add(line);
                }
            }
        } catch (IOException | RuntimeException e) {
            // An unreadable loader config only narrows the search; the default dirs still apply.
        }
        return out;
    }

    /**
     * Warns once when the JVM runs without its signal-chaining library. OpenCL compilers built on
     * LLVM (PoCL's, and others) install SIGSEGV/SIGFPE/SIGBUS handlers over the JVM's; the JVM uses
     * those signals itself (implicit null checks, safepoints), so it can later die without an
     * hs_err file. Preloading {@code libjsig.so} keeps the JVM's handlers first.
     */
    static void warnWithoutSignalChaining() {
        Path jsig = Path.of(System.getProperty("java.home", ""), "lib", "libjsig.so");
        String preload = System.getenv("LD_PRELOAD");
        if (Files.exists(jsig) && (preload == null || !preload.contains("libjsig"))) {
            org.slf4j.LoggerFactory.getLogger(OpenClLibraryProbe.class).warn(
                    "OpenCL drivers built on LLVM (such as PoCL) replace the JVM's signal handlers and can crash it;"
                    + " start Java with LD_PRELOAD={} (scripts/clgrad and the Maven tests do this)", jsig);
        }
    }
}
