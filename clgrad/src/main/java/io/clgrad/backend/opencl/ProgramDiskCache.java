package io.clgrad.backend.opencl;

import io.clgrad.backend.PrivateCacheDir;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.UserPrincipal;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Program binaries on disk, one file per (device, driver, source, options), under
 * {@code $CLGRAD_CACHE_DIR/opencl/} or {@code ~/.cache/clgrad/opencl/} (the system property
 * {@code clgrad.cacheDir} overrides both; an empty value disables the cache).
 *
 * <p>The folder is private ({@link PrivateCacheDir}: {@code 0700}, ours, files {@code 0600}); a
 * folder of another user is not used, and a file that is a link, belongs to another user or that
 * others may write is ignored and logged, since a binary handed to the driver can crash the JVM.
 *
 * <p>File name: {@code <family>-<first 40 hex digits of the key>.bin}, where the key is the SHA-256
 * of the platform name and version, device name, vendor and version, driver version, build options
 * and source text (the prelude {@code common.cl} and the family file, see {@link ProgramCache#source}).
 * File layout: the magic {@code CLGRADPB}, a format version (int), the full key (32 bytes), the
 * payload length (long), an HMAC-SHA256 of key and payload under the folder's secret key (32
 * bytes), the payload (the driver's binary). A file whose header, key, length or HMAC does
 * not match is logged, deleted and treated as a miss, so a truncated, corrupt, misplaced or forged
 * entry never reaches the driver. Writes go to a temporary file that is then renamed. While a binary
 * is handed to the driver a {@code .loading} marker sits beside it (see {@link #beginLoad}), so a
 * binary that crashes the driver anyway is dropped by the next process.
 */
final class ProgramDiskCache {
    private static final Logger LOG = LoggerFactory.getLogger(ProgramDiskCache.class);
    private static final byte[] MAGIC = "CLGRADPB".getBytes(StandardCharsets.US_ASCII);
    private static final int FORMAT = 2;
    private static final int HEADER = MAGIC.length + 4 + 32 + 8 + 32;
    private static final String OLD_FORMAT = "older format ";

    private final Path dir;
    private final UserPrincipal self;
    private PrivateCacheDir opened;
    private boolean openTried;

    /** A cache in {@code dir} for the current user, or a disabled one when {@code dir} is null. */
    ProgramDiskCache(Path dir) {
        this(dir, PrivateCacheDir.currentUser());
    }

    /** A cache in {@code dir} whose folder and files must belong to {@code self} (a test seam). */
    ProgramDiskCache(Path dir, UserPrincipal self) {
        this.dir = dir;
        this.self = self;
    }

    /** The checked folder, opened on first use; null when disabled or refused (logged once). */
    private synchronized PrivateCacheDir folder() {
        if (!openTried && dir != null) {
            openTried = true;
            opened = PrivateCacheDir.open(dir, self);
        }
        return opened;
    }

    /** The configured location: {@link #cacheBase()} plus "opencl". */
    static ProgramDiskCache fromEnvironment() {
        Path base = cacheBase();
        return new ProgramDiskCache(base == null ? null : base.resolve("opencl"));
    }

    /** clgrad's cache folder: -Dclgrad.cacheDir, else $CLGRAD_CACHE_DIR, else ~/.cache/clgrad; null when set empty. */
    static Path cacheBase() {
        return PrivateCacheDir.cacheBase();
    }

    /** The cache folder, or null when disabled. */
    Path dir() {
        return dir;
    }

    /** The SHA-256 key of a program on a device, in hex. */
    String key(ClDevice device, String family, String source, String options) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            String[] parts = {
                "clgrad program cache " + FORMAT, family, device.info().platform(), device.facts().platformVersion(),
                device.info().name(), device.info().vendor(), device.info().version(),
                device.info().driverVersion(), options, source,
            };
            for (String s : parts) {
                md.update(s.getBytes(StandardCharsets.UTF_8));
                md.update((byte) 0);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    /** Where an entry lives (null when disabled). */
    Path fileFor(String family, String key) {
        return dir == null ? null : dir.resolve(family + "-" + key.substring(0, 40) + ".bin");
    }

    /** The cached binary, or null on a miss, an untrusted file (ignored) or a bad entry (deleted). */
    byte[] load(String family, String key) {
        Path file = fileFor(family, key);
        PrivateCacheDir folder = file == null ? null : folder();
        if (folder == null) {
            return null;
        }
        byte[] all;
        try {
            String distrust = folder.distrust(file);
            if (distrust != null) {
                if (folder.foreign(file)) {
                    LOG.warn("ignoring program cache entry {}: {}", file, distrust);
                } else {
                    LOG.warn("program cache entry {} is not trusted ({}); deleting it and rebuilding", file, distrust);
                    delete(family, key);
                }
                return null;
            }
            all = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            LOG.warn("program cache entry {} unreadable ({}); rebuilding", file, e.toString());
            return null;
        }
        String problem = validate(all, key, folder.key());
        if (problem != null) {
            if (problem.startsWith(OLD_FORMAT)) {
                LOG.debug("program cache entry {} was written by an older clgrad; rebuilding it", file);
            } else {
                LOG.warn("program cache entry {} is not valid ({}); deleting it and rebuilding", file, problem);
            }
            delete(family, key);
            return null;
        }
        return Arrays.copyOfRange(all, HEADER, all.length);
    }

    private static String validate(byte[] all, String key, byte[] secret) {
        if (all.length < MAGIC.length + 4) {
            return "only " + all.length + " bytes";
        }
        ByteBuffer bb = ByteBuffer.wrap(all);
        byte[] magic = new byte[MAGIC.length];
        bb.get(magic);
        if (!Arrays.equals(magic, MAGIC)) {
            return "bad magic";
        }
        int format = bb.getInt();
        if (format > 0 && format < FORMAT) {
            return OLD_FORMAT + format;
        }
        if (format != FORMAT) {
            return "format " + format + ", expected " + FORMAT;
        }
        if (all.length < HEADER) {
            return "only " + all.length + " bytes";
        }
        byte[] storedKey = new byte[32];
        bb.get(storedKey);
        if (!Arrays.equals(storedKey, HexFormat.of().parseHex(key))) {
            return "it holds the program of another key";
        }
        long length = bb.getLong();
        if (length != all.length - HEADER) {
            return "payload is " + (all.length - HEADER) + " bytes, header says " + length;
        }
        byte[] mac = new byte[32];
        bb.get(mac);
        if (!MessageDigest.isEqual(mac, mac(secret, storedKey, all, HEADER, all.length - HEADER))) {
            return "its signature does not match: not written by this user's clgrad, or damaged";
        }
        return null;
    }

    /** Writes an entry atomically (temporary file, then rename); failures are logged, never thrown. */
    void store(String family, String key, byte[] binary) {
        Path file = fileFor(family, key);
        PrivateCacheDir folder = file == null ? null : folder();
        if (folder == null) {
            return;
        }
        Path tmp = null;
        try {
            byte[] keyBytes = HexFormat.of().parseHex(key);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(HEADER + binary.length);
            DataOutputStream out = new DataOutputStream(bytes);
            out.write(MAGIC);
            out.writeInt(FORMAT);
            out.write(keyBytes);
            out.writeLong(binary.length);
            out.write(mac(folder.key(), keyBytes, binary, 0, binary.length));
            out.write(binary);
            out.flush();
            tmp = folder.createTempFile(family + "-");
            Files.write(tmp, bytes.toByteArray());
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            tmp = null;
            LOG.debug("program {} cached at {} ({} bytes)", family, file, binary.length);
        } catch (IOException | RuntimeException e) {
            LOG.info("could not write program cache entry {}: {}", file, e.toString());
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort
                }
            }
        }
    }

    /**
     * Marks an entry as being handed to the driver. Some drivers crash the process on a binary they
     * cannot read; a marker left behind by such a crash makes the next process skip (and delete) the
     * entry, so a bad entry costs at most one crash, never one per start.
     *
     * @return false if a previous process left its marker (the entry is then deleted: rebuild it)
     */
    boolean beginLoad(String family, String key) {
        Path marker = markerFor(family, key);
        PrivateCacheDir folder = marker == null ? null : folder();
        if (folder == null) {
            return true;
        }
        try {
            folder.createFile(marker);
            Files.writeString(marker, Long.toString(ProcessHandle.current().pid()));
            return true;
        } catch (java.nio.file.FileAlreadyExistsException e) {
            if (ownerAlive(marker)) {
                return true;   // another live process is loading the same entry right now: not a crash
            }
            LOG.warn("program cache entry {} was being loaded when an earlier process stopped; deleting it and "
                    + "rebuilding", fileFor(family, key));
            delete(family, key);
            endLoad(family, key);
            return false;
        } catch (IOException e) {
            return true; // read-only cache folder: no marker, load anyway
        }
    }

    /** Whether the process that wrote a marker (its pid is the content) is still running. */
    private static boolean ownerAlive(Path marker) {
        try {
            long pid = Long.parseLong(Files.readString(marker).trim());
            return pid != ProcessHandle.current().pid() && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        } catch (IOException | NumberFormatException e) {
            return false;   // unreadable or empty (written by a crashed process mid-way): treat as stale
        }
    }

    /** Removes the marker of {@link #beginLoad}. */
    void endLoad(String family, String key) {
        Path marker = markerFor(family, key);
        if (marker != null) {
            try {
                Files.deleteIfExists(marker);
            } catch (IOException e) {
                LOG.debug("could not delete {}: {}", marker, e.toString());
            }
        }
    }

    private Path markerFor(String family, String key) {
        Path file = fileFor(family, key);
        return file == null ? null : file.resolveSibling(file.getFileName() + ".loading");
    }

    /** Removes an entry (best effort). */
    void delete(String family, String key) {
        Path file = fileFor(family, key);
        if (file == null) {
            return;
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.debug("could not delete {}: {}", file, e.toString());
        }
    }

    /** HMAC-SHA256 of the key bytes and the payload under the folder's secret. */
    private static byte[] mac(byte[] secret, byte[] keyBytes, byte[] data, int off, int len) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            mac.update(keyBytes);
            mac.update(data, off, len);
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
