package io.clgrad.backend.opencl;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The results of {@code clgrad tune} for one device: a properties file under
 * {@code <cache>/tuning/} (the cache folder of {@link ProgramDiskCache}: {@code -Dclgrad.cacheDir},
 * {@code $CLGRAD_CACHE_DIR} or {@code ~/.cache/clgrad}) named after the device and a hash of its
 * platform, name, vendor, OpenCL version and driver version, so a driver update starts untuned.
 *
 * <p>Key {@code matmul}: overrides of the device's {@link DeviceTuning} row in the
 * {@code -Dclgrad.opencl.tuning} syntax ({@code mmKernel=direct,mvRows=6,...}); comments record
 * when and how it was measured. A file that cannot be read or parsed is logged with its path and
 * ignored: the built-in row applies.
 */
final class TuningFile {
    private static final Logger LOG = LoggerFactory.getLogger(TuningFile.class);
    static final String MATMUL_KEY = "matmul";

    private final Path path;

    private TuningFile(Path path) {
        this.path = path;
    }

    /** The file for a device, or one whose {@link #path()} is null when the cache is disabled. */
    static TuningFile forDevice(String platform, String platformVersion, String name, String vendor, String version,
                                String driverVersion) {
        Path base = ProgramDiskCache.cacheBase();
        if (base == null) {
            return new TuningFile(null);
        }
        String slug = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
        if (slug.length() > 48) {
            slug = slug.substring(0, 48);
        }
        String hash = sha256(String.join("\0", "clgrad tuning 1", platform, platformVersion, name, vendor, version,
                driverVersion)).substring(0, 16);
        return new TuningFile(base.resolve("tuning").resolve(slug + "-" + hash + ".properties"));
    }

    /** A tuning file at an explicit path (tests). */
    static TuningFile at(Path path) {
        return new TuningFile(path);
    }

    /** Where the file lives (null when the cache is disabled). */
    Path path() {
        return path;
    }

    /**
     * The saved matmul overrides, or "" when there are none or the file is unusable or untrusted
     * (logged). Its values become kernel build options, so the file is read only from a private
     * folder of this user's and only when it is a regular file of this user's that others cannot
     * write (the rules of the program cache, {@link PrivateCacheDir}).
     */
    String matmulOverrides() {
        if (path == null || !Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return "";
        }
        try {
            PrivateCacheDir dir = privateFolder();
            String why = dir == null ? "its folder is not private (see the warning above)" : dir.distrust(path);
            if (why != null) {
                LOG.warn("ignoring the tuning file {}: {}; the built-in tuning applies", path, why);
                return "";
            }
        } catch (IOException e) {
            LOG.warn("ignoring the tuning file {}: {}", path, e.toString());
            return "";
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException | IllegalArgumentException e) {
            LOG.warn("ignoring the tuning file {}: {}", path, e.toString());
            return "";
        }
        return p.getProperty(MATMUL_KEY, "").trim();
    }

    /** Writes the matmul overrides (atomically: temporary file, then rename) with comment lines. */
    void saveMatmul(String overrides, String comment) throws IOException {
        if (path == null) {
            throw new IOException("the clgrad cache is disabled (clgrad.cacheDir or CLGRAD_CACHE_DIR is empty)");
        }
        PrivateCacheDir dir = privateFolder();
        if (dir == null) {
            throw new IOException(path.getParent() + ": the tuning folder is not private to this user (see the warning"
                    + " above); set CLGRAD_CACHE_DIR to a folder of your own");
        }
        Path tmp = dir.createTempFile(path.getFileName().toString());
        try {
            Properties p = new Properties();
            p.setProperty(MATMUL_KEY, overrides);
            try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                p.store(w, comment);
            }
            try {
                Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** The tuning folder, created or checked as private ({@code 0700}, ours), or null after a warning. */
    private PrivateCacheDir privateFolder() {
        return PrivateCacheDir.open(path.getParent(), PrivateCacheDir.currentUser(), "tuning folder",
                "the built-in tuning applies", false);
    }

        /** Deletes the file; true when there was one. */
    boolean delete() throws IOException {
        return path != null && Files.deleteIfExists(path);
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }
}
