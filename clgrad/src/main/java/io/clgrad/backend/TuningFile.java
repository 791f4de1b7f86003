package io.clgrad.backend;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The results of {@code clgrad tune} for one device, shared by every backend's {@link Tuner}: a
 * properties file under {@code <cache>/tuning/} (the cache folder {@link PrivateCacheDir#cacheBase()}:
 * {@code -Dclgrad.cacheDir}, {@code $CLGRAD_CACHE_DIR} or {@code ~/.cache/clgrad}) named after the
 * device and a hash of what identifies it (an OpenCL device: platform, name, vendor, OpenCL version
 * and driver version, so a driver update starts untuned; the CPU backend: CPU model, architecture
 * and vector width).
 *
 * <p>Each key holds one kernel family's configuration in its backend's own syntax (the OpenCL
 * backend's {@code matmul}: {@code mmKernel=direct,mvRows=6,...}; the CPU backend's {@code gemm}:
 * {@code tile=6x2,kc=256,...}); comments record when and how it was measured. A file that cannot
 * be read, or that is not trusted, is logged with its path and ignored: the built-in configuration
 * applies. Not meant for applications; it lives in the SPI package so that both backends use it.
 *
 * <pre>{@code
 * TuningFile f = TuningFile.forDevice("AMD EPYC", List.of("cpu", "AMD EPYC", "amd64", "16"));
 * f.save("gemm", "tile=8x3,kc=192,mc=96,nc=1536", "clgrad tune");
 * String saved = f.value("gemm");   // "tile=8x3,..." in this and every later process
 * }</pre>
 */
public final class TuningFile {
    private static final Logger LOG = LoggerFactory.getLogger(TuningFile.class);

    private final Path path;

    private TuningFile(Path path) {
        this.path = path;
    }

    /**
     * The file for a device: {@code <cache>/tuning/<name as a slug>-<hash of identity>.properties}.
     *
     * @param name     the device's name, for the file name (lower-cased, non-alphanumerics as "-",
     *                 at most 48 characters)
     * @param identity what identifies the device and its driver; any change gives another file
     * @return the file, or one whose {@link #path()} is null when the cache is disabled
     */
    public static TuningFile forDevice(String name, List<String> identity) {
        Path base = PrivateCacheDir.cacheBase();
        if (base == null) {
            return new TuningFile(null);
        }
        String slug = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
        if (slug.length() > 48) {
            slug = slug.substring(0, 48);
        }
        String hash = sha256("clgrad tuning 1\0" + String.join("\0", identity)).substring(0, 16);
        return new TuningFile(base.resolve("tuning").resolve(slug + "-" + hash + ".properties"));
    }

    /**
     * A tuning file at an explicit path (tests).
     *
     * @param path the file; its folder is made private when saving
     * @return the file
     */
    public static TuningFile at(Path path) {
        return new TuningFile(path);
    }

    /**
     * Where the file lives.
     *
     * @return the path, or null when the cache is disabled
     */
    public Path path() {
        return path;
    }

    /**
     * The saved value of {@code key}. Values may become kernel build options, so the file is read
     * only from a private folder of this user's and only when it is a regular file of this user's
     * that others cannot write (the rules of {@link PrivateCacheDir}).
     *
     * @param key the kernel family's key, e.g. "matmul" or "gemm"
     * @return the trimmed value, or "" when there is none or the file is unusable or untrusted (logged
     *         with the file's path)
     */
    public String value(String key) {
        if (path == null || !Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
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
        Properties p = load();
        return p == null ? "" : p.getProperty(key, "").trim();
    }

    /**
     * Writes {@code key = value} with a comment line (atomically: temporary file, then rename),
     * keeping the file's other keys.
     *
     * @param key     the kernel family's key
     * @param value   its configuration
     * @param comment when and how it was measured
     * @throws IOException when the cache is disabled, the folder is not private or the file cannot be written
     */
    public void save(String key, String value, String comment) throws IOException {
        if (path == null) {
            throw new IOException("the clgrad cache is disabled (clgrad.cacheDir or CLGRAD_CACHE_DIR is empty)");
        }
        PrivateCacheDir dir = privateFolder();
        if (dir == null) {
            throw new IOException(path.getParent() + ": the tuning folder is not private to this user (see the warning"
                    + " above); set CLGRAD_CACHE_DIR to a folder of your own");
        }
        Properties p = dir.distrust(path) == null && Files.exists(path, LinkOption.NOFOLLOW_LINKS) ? load() : null;
        if (p == null) {
            p = new Properties();
        }
        p.setProperty(key, value);
        Path tmp = dir.createTempFile(path.getFileName().toString());
        try {
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

    /**
     * Deletes the file.
     *
     * @return true when there was one
     * @throws IOException when it cannot be deleted
     */
    public boolean delete() throws IOException {
        return path != null && Files.deleteIfExists(path);
    }

    /** The file's properties, or null after a warning naming the file when it cannot be read. */
    private Properties load() {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            p.load(r);
            return p;
        } catch (IOException | IllegalArgumentException e) {
            LOG.warn("ignoring the tuning file {}: {}", path, e.toString());
            return null;
        }
    }

    /** The tuning folder, created or checked as private ({@code 0700}, ours), or null after a warning. */
    private PrivateCacheDir privateFolder() {
        return PrivateCacheDir.open(path.getParent(), PrivateCacheDir.currentUser(), "tuning folder",
                "the built-in tuning applies", false);
    }

    /**
     * The saved value of {@code key} parsed by {@code parse}, for a tuner's resolution of its
     * configuration (e.g. {@code file.parsed("conv", v -> CpuConvConfig.parse(v, base))}).
     *
     * @param key   the kernel family's key
     * @param parse turns the value into a configuration; throws IllegalArgumentException when it cannot
     * @param <T>   the configuration type
     * @return the configuration, or null when nothing is saved under {@code key}
     * @throws IllegalArgumentException naming this file, the key and the value when the value does not parse
     */
    public <T> T parsed(String key, java.util.function.Function<String, T> parse) {
        String v = value(key);
        if (v.isEmpty()) {
            return null;
        }
        try {
            return parse.apply(v);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("ignoring the tuning file " + path + ": " + key + "=" + v + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * A tuner's configuration and where it came from ({@link #choose}).
     *
     * @param config the configuration in use
     * @param source "built-in", "tuned" or "override"
     * @param from   for display: "built-in", "tuned: FILE" or "-DPROPERTY"
     * @param <T>    the configuration type
     */
    public record Choice<T>(T config, String source, String from) {
    }

    /**
     * Resolves a kernel family's configuration the way every tuner does: {@code builtIn}, replaced by
     * the value saved under {@code key} (one that does not parse is logged as a warning naming this
     * file and ignored), then overridden key by key by the system property's value.
     *
     * <pre>{@code
     * Choice<CpuConvConfig> c = file.choose("conv", AUTO, CpuConvConfig::parse, "clgrad.cpu.conv",
     *         System.getProperty("clgrad.cpu.conv", ""), "CPU conv");
     * }</pre>
     *
     * @param key           the kernel family's key
     * @param builtIn       the configuration without tuning
     * @param parse         reads a value over a base configuration; throws IllegalArgumentException when it cannot
     * @param property      the override property's name, e.g. "clgrad.cpu.conv"
     * @param propertyValue its value ("" or null: none)
     * @param what          what is configured, for the warning, e.g. "CPU conv"
     * @param <T>           the configuration type
     * @return the configuration and its source
     * @throws IllegalArgumentException naming the property when its value does not parse
     */
    public <T> Choice<T> choose(String key, T builtIn, java.util.function.BiFunction<String, T, T> parse,
                                String property, String propertyValue, String what) {
        T c = builtIn;
        Choice<T> choice = new Choice<>(builtIn, "built-in", "built-in");
        try {
            T saved = parsed(key, v -> parse.apply(v, builtIn));
            if (saved != null) {
                c = saved;
                choice = new Choice<>(saved, "tuned", "tuned: " + path);
            }
        } catch (IllegalArgumentException e) {
            LOG.warn("{}; the built-in {} configuration applies", e.getMessage(), what);
        }
        if (propertyValue != null && !propertyValue.isBlank()) {
            try {
                choice = new Choice<>(parse.apply(propertyValue, c), "override", "-D" + property);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("-D" + property + "=" + propertyValue + ": " + e.getMessage(), e);
            }
        }
        return choice;
    }

    /**
     * How the tuners' configurations spell a value where 0 means "let the backend decide".
     *
     * @param value the value
     * @return "auto" for 0, else the number
     */
    public static String autoName(int value) {
        return value == 0 ? "auto" : Integer.toString(value);
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }
}
