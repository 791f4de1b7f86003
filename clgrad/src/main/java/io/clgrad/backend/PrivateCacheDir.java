package io.clgrad.backend;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.security.SecureRandom;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A folder that only the current user can read or write, for files that clgrad hands to an OpenCL
 * driver (a crafted program binary can crash the driver, which runs inside the JVM) and for the
 * results of {@code clgrad tune} ({@link TuningFile}, both backends). It lives in the SPI package so
 * that both backends use this one implementation; it is not meant for applications. On POSIX file
 * systems: the folder is created {@code 0700}; an existing folder that we own but that group or
 * others may use is tightened to {@code 0700}; a folder owned by someone else, or one that is not a
 * folder, is not used at all. Files are created {@code 0600}, and a file is trusted only when it is
 * a regular file (not a link) owned by us that group and others cannot write. It also keeps a
 * random 32-byte key ({@code .key}, {@code 0600}) with which entries are signed, so a file that
 * this user's clgrad did not write is never taken for an entry. Without POSIX attributes (Windows)
 * only the key applies.
 *
 * <pre>{@code
 * PrivateCacheDir dir = PrivateCacheDir.open(PrivateCacheDir.cacheBase().resolve("tuning"),
 *         PrivateCacheDir.currentUser(), "tuning folder", "the built-in tuning applies", false);
 * String why = dir == null ? "not private" : dir.distrust(file);   // null: the file may be read
 * }</pre>
 */
public final class PrivateCacheDir {
    private static final Logger LOG = LoggerFactory.getLogger(PrivateCacheDir.class);
    private static final Set<PosixFilePermission> DIR_PERMS = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> FILE_PERMS = PosixFilePermissions.fromString("rw-------");
    private static final String KEY_FILE = ".key";
    private static final int KEY_BYTES = 32;

    private final Path dir;
    private final UserPrincipal self;
    private final byte[] key;

    private PrivateCacheDir(Path dir, UserPrincipal self, byte[] key) {
        this.dir = dir;
        this.self = self;
        this.key = key;
    }

    /**
     * Creates or checks {@code dir} and its key.
     *
     * @param self the user that must own the folder and its files: {@link #currentUser()}, or
     *             another principal in tests; null skips the owner and permission checks
     * @return the folder, or null (after a warning naming the folder and the reason) when it must
     *         not be used
     */
    public static PrivateCacheDir open(Path dir, UserPrincipal self) {
        return open(dir, self, "OpenCL program cache folder", "kernels are compiled in each process", true);
    }

    /**
     * Creates or checks {@code dir} and its key, as {@link #open(Path, UserPrincipal)}, naming the
     * folder's use and what happens without it in the warning.
     *
     * @param what        what the folder is, e.g. "OpenCL program cache folder"
     * @param consequence what clgrad does instead, e.g. "kernels are compiled in each process"
     * @param signed      whether the folder's files are signed: only then is its key read or created
     */
    public static PrivateCacheDir open(Path dir, UserPrincipal self, String what, String consequence, boolean signed) {
        boolean posix = self != null && FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
        try {
            if (posix) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(DIR_PERMS));
                PosixFileAttributes a = Files.readAttributes(dir, PosixFileAttributes.class);
                if (!a.isDirectory()) {
                    return refuse(dir, "it is not a folder", what, consequence);
                }
                if (!a.owner().equals(self)) {
                    return refuse(dir, "it belongs to " + a.owner().getName() + ", not to " + self.getName(), what,
                            consequence);
                }
                if (!a.permissions().equals(DIR_PERMS)) {
                    Files.setPosixFilePermissions(dir, DIR_PERMS);
                    LOG.info("{} {} had permissions {}; set them to rwx------ (only you may use it)", what, dir,
                            PosixFilePermissions.toString(a.permissions()));
                }
            } else {
                Files.createDirectories(dir);
            }
            PrivateCacheDir d = new PrivateCacheDir(dir, posix ? self : null, null);
            return signed ? new PrivateCacheDir(dir, d.self, d.readOrCreateKey()) : d;
        } catch (IOException | RuntimeException e) {
            return refuse(dir, "cannot create or check it (" + e + ")", what, consequence);
        }
    }

    private static PrivateCacheDir refuse(Path dir, String why, String what, String consequence) {
        LOG.warn("not using the {} {}: {}; {} (set CLGRAD_CACHE_DIR to a folder of your own)", what, dir, why,
                consequence);
        return null;
    }

    /**
     * clgrad's cache folder, under which the OpenCL program cache and the tuning files live: the
     * system property {@code clgrad.cacheDir}, else {@code $CLGRAD_CACHE_DIR}, else
     * {@code ~/.cache/clgrad}.
     *
     * @return the folder, or null when the property or variable is set empty (caching disabled)
     */
    public static Path cacheBase() {
        String base = System.getProperty("clgrad.cacheDir");
        if (base == null) {
            base = System.getenv("CLGRAD_CACHE_DIR");
        }
        if (base == null) {
            base = Path.of(System.getProperty("user.home"), ".cache", "clgrad").toString();
        }
        return base.isBlank() ? null : Path.of(base);
    }

    /** The user this process runs as (the owner of /proc/self, else user.name), or null when unknown. */
    public static UserPrincipal currentUser() {
        try {
            Path proc = Path.of("/proc/self");
            if (Files.exists(proc)) {
                return Files.getOwner(proc);
            }
            return FileSystems.getDefault().getUserPrincipalLookupService()
                    .lookupPrincipalByName(System.getProperty("user.name"));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The folder. */
    public Path path() {
        return dir;
    }

    /** The secret key entries are signed with. */
    public byte[] key() {
        if (key == null) {
            throw new IllegalStateException(dir + " was opened without a signing key");
        }
        return key.clone();
    }

    /**
     * Why {@code file} must not be read (a link, not a regular file, another owner, writable by
     * others), or null when it may be; also null when it does not exist.
     */
    public String distrust(Path file) throws IOException {
        if (self == null) {
            return Files.isSymbolicLink(file) ? "it is a symbolic link" : null;
        }
        PosixFileAttributes a;
        try {
            a = Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (java.nio.file.NoSuchFileException e) {
            return null;
        }
        if (a.isSymbolicLink()) {
            return "it is a symbolic link";
        }
        if (!a.isRegularFile()) {
            return "it is not a regular file";
        }
        if (!a.owner().equals(self)) {
            return "it belongs to " + a.owner().getName() + ", not to " + self.getName();
        }
        if (a.permissions().contains(PosixFilePermission.GROUP_WRITE)
                || a.permissions().contains(PosixFilePermission.OTHERS_WRITE)) {
            return "others may write it (" + PosixFilePermissions.toString(a.permissions()) + ")";
        }
        return null;
    }

    /** Whether {@code file} is owned by someone else (so this user cannot and must not remove it). */
    public boolean foreign(Path file) {
        try {
            return self != null && !Files.getOwner(file, LinkOption.NOFOLLOW_LINKS).equals(self);
        } catch (IOException e) {
            return false;
        }
    }

    /** A new empty file in the folder, {@code 0600}. */
    public Path createTempFile(String prefix) throws IOException {
        return self == null ? Files.createTempFile(dir, prefix, ".tmp")
                : Files.createTempFile(dir, prefix, ".tmp", fileAttribute());
    }

    /** Creates {@code file} ({@code 0600}); fails if it exists. */
    public void createFile(Path file) throws IOException {
        if (self == null) {
            Files.createFile(file);
        } else {
            Files.createFile(file, fileAttribute());
        }
    }

    private static FileAttribute<Set<PosixFilePermission>> fileAttribute() {
        return PosixFilePermissions.asFileAttribute(FILE_PERMS);
    }

    /** The folder's key: read when present and trusted, else made (atomically, so concurrent processes agree). */
    private byte[] readOrCreateKey() throws IOException {
        Path file = dir.resolve(KEY_FILE);
        for (int attempt = 0; attempt < 3; attempt++) {
            String problem = distrust(file);
            if (problem == null && Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
                byte[] k = Files.readAllBytes(file);
                if (k.length == KEY_BYTES) {
                    return k;
                }
                problem = k.length + " bytes instead of " + KEY_BYTES;
            }
            if (problem != null) {
                if (foreign(file)) {
                    throw new IOException("its key file " + file + " is not ours: " + problem);
                }
                LOG.warn("program cache key {} is unusable ({}); replacing it, which invalidates every entry",
                        file, problem);
                Files.deleteIfExists(file);
            }
            byte[] k = new byte[KEY_BYTES];
            new SecureRandom().nextBytes(k);
            Path tmp = createTempFile("key-");
            try {
                Files.write(tmp, k);
                try {
                    Files.createLink(file, tmp);   // fails if another process made one first: read that one
                } catch (UnsupportedOperationException e) {
                    Files.move(tmp, file);          // no hard links here: not atomic, but still refuses to replace
                }
                return k;
            } catch (java.nio.file.FileAlreadyExistsException e) {
                // loop: read the other process's key
            } finally {
                Files.deleteIfExists(tmp);
            }
        }
        throw new IOException("could not create or read " + file);
    }
}
