package io.clgrad.backend.opencl;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Says what the OpenCL ICD loader tried when it found no platform: which folder of {@code .icd}
 * files it read ({@code OCL_ICD_VENDORS} or {@code /etc/OpenCL/vendors}), the files there, the
 * driver library each names and whether that library exists where the dynamic loader looks, and
 * the libraries of {@code OCL_ICD_FILENAMES}. The loader itself reports nothing, so without this a
 * user who pointed {@code OCL_ICD_VENDORS} elsewhere would be told to install a driver they have.
 */
final class IcdReport {
    static final Path DEFAULT_VENDORS = Path.of("/etc/OpenCL/vendors");
    private static final String INSTALL_HINT = "install a driver with scripts/install-opencl (PoCL) or your GPU vendor's";

    private IcdReport() {
    }

    /**
     * One sentence (without a leading capital or final period) on what the loader read and why it
     * found no driver.
     *
     * @param env the environment ({@code System.getenv()}, or a map in tests)
     * @param defaultVendors the loader's default folder ({@link #DEFAULT_VENDORS}, or a folder in tests)
     */
    static String describe(Map<String, String> env, Path defaultVendors) {
        List<String> parts = new ArrayList<>();
        String vendors = env.get("OCL_ICD_VENDORS");
        boolean custom = vendors != null && !vendors.isBlank();
        Path dir = custom ? Path.of(vendors) : defaultVendors;
        String where = custom ? "OCL_ICD_VENDORS=" + vendors : dir.toString();
        if (custom && Files.isRegularFile(dir)) {
            parts.add(where + " is a file: " + describeIcd(dir));
        } else if (!Files.isDirectory(dir)) {
            parts.add(where + " does not exist, so the loader had no driver list"
                    + (custom ? alsoDefault(defaultVendors) : "; " + INSTALL_HINT));
        } else {
            List<Path> icds = icdFiles(dir);
            if (icds.isEmpty()) {
                parts.add(custom
                        ? where + " holds no .icd file, and the loader reads it instead of " + defaultVendors
                                + alsoDefault(defaultVendors)
                        : dir + " holds no .icd file (no driver is registered); " + INSTALL_HINT);
            } else {
                List<String> each = new ArrayList<>();
                for (Path icd : icds) {
                    each.add(describeIcd(icd));
                }
                parts.add("the loader read " + where + ": " + String.join("; ", each));
            }
        }
        String filenames = env.get("OCL_ICD_FILENAMES");
        if (filenames != null && !filenames.isBlank()) {
            List<String> each = new ArrayList<>();
            for (String lib : filenames.split(":")) {
                if (!lib.isBlank()) {
                    each.add(describeLibrary(lib.trim()));
                }
            }
            parts.add("OCL_ICD_FILENAMES lists " + String.join("; ", each));
        }
        return String.join("; ", parts);
    }

    /** ", unset it to use /etc/OpenCL/vendors, which registers pocl.icd" or similar. */
    private static String alsoDefault(Path defaultVendors) {
        List<Path> icds = Files.isDirectory(defaultVendors) ? icdFiles(defaultVendors) : List.of();
        if (icds.isEmpty()) {
            return "";
        }
        List<String> names = new ArrayList<>();
        icds.forEach(p -> names.add(p.getFileName().toString()));
        return " (unset it to use " + defaultVendors + ", which registers " + String.join(", ", names) + ")";
    }

    private static List<Path> icdFiles(Path dir) {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.icd")) {
            ds.forEach(out::add);
        } catch (IOException | RuntimeException e) {
            // unreadable folder: reported as holding none
        }
        out.sort(null);
        return out;
    }

    /** "pocl.icd names libpocl.so.2 (found at /usr/lib/...)". */
    private static String describeIcd(Path icd) {
        String lib;
        try {
            lib = Files.readString(icd).strip();
        } catch (IOException | RuntimeException e) {
            return icd.getFileName() + " is unreadable (" + e.getMessage() + ")";
        }
        if (lib.isEmpty()) {
            return icd.getFileName() + " is empty (it should name a driver library)";
        }
        int nl = lib.indexOf('\n');
        return icd.getFileName() + " names " + describeLibrary(nl < 0 ? lib : lib.substring(0, nl).strip());
    }

    /** "/x/libfoo.so (not found)" or "libpocl.so (found at /usr/lib/..., yet it gave no platform)". */
    private static String describeLibrary(String lib) {
        Path found = OpenClLibraryProbe.locate(lib);
        return found == null
                ? lib + " (not found" + (lib.contains("/") ? "" : " in the library path") + ")"
                : lib + " (found at " + found + ", yet it gave no platform: it failed to load or has no devices)";
    }
}
