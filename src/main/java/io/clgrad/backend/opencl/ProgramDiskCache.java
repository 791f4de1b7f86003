package io.clgrad.backend.opencl;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Program binaries on disk, one file per (device, driver, source, options), under
 * {@code $CLGRAD_CACHE_DIR/opencl/} or {@code ~/.cache/clgrad/opencl/} (the system property
 * {@code clgrad.cacheDir} overrides both; an empty value disables the cache).
 *
 * <p>File name: {@code <family>-<first 40 hex digits of the key>.bin}, where the key is the SHA-256
 * of the platform name and version, device name, vendor and version, driver version, build options
 * and source text. File layout: the magic {@code CLGRADPB}, a format version (int), the payload
 * length (long), the payload's SHA-256 (32 bytes), the payload (the driver's binary). A file whose
 * header, length or checksum does not match is logged, deleted and treated as a miss, so a truncated
 * or corrupt entry never reaches the driver. Writes go to a temporary file that is then renamed.
 * While a binary is handed to the driver a {@code .loading} marker sits beside it (see
 * {@link #beginLoad}), so a binary that crashes the driver is dropped by the next process.
 */
final class ProgramDiskCache {
    private static final Logger LOG = LoggerFactory.getLogger(ProgramDiskCache.class);
    private static final byte[] MAGIC = "CLGRADPB".getBytes(StandardCharsets.US_ASCII);
    private static final int FORMAT = 1;
    private static final int HEADER = MAGIC.length + 4 + 8 + 32;

    private final Path dir;

    /** A cache in {@code dir}, or a disabled one when {@code dir} is null. */
    ProgramDiskCache(Path dir) {
        this.dir = dir;
    }

    /** The configured location: {@link #cacheBase()} plus "opencl". */
    static ProgramDiskCache fromEnvironment() {
        Path base = cacheBase();
        return new ProgramDiskCache(base == null ? null : base.resolve("opencl"));
    }

    /** clgrad's cache folder: -Dclgrad.cacheDir, else $CLGRAD_CACHE_DIR, else ~/.cache/clgrad; null when set empty. */
    static Path cacheBase() {
        String base = System.getProperty("clgrad.cacheDir");
        if (base == null) {
            base = System.getenv("CLGRAD_CACHE_DIR");
        }
        if (base == null) {
            base = Paths.get(System.getProperty("user.home"), ".cache", "clgrad").toString();
        }
        return base.isBlank() ? null : Paths.get(base);
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
                "clgrad program cache " + FORMAT, family, device.info().platform(), device.platformVersion(),
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

    /** The cached binary, or null on a miss or a bad entry (which is deleted). */
    byte[] load(String family, String key) {
        Path file = fileFor(family, key);
        if (file == null) {
            return null;
        }
        byte[] all;
        try {
            all = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            LOG.warn("program cache entry {} unreadable ({}); rebuilding", file, e.toString());
            return null;
        }
        String problem = validate(all);
        if (problem != null) {
            LOG.warn("program cache entry {} is corrupt ({}); deleting it and rebuilding", file, problem);
            delete(family, key);
            return null;
        }
        return Arrays.copyOfRange(all, HEADER, all.length);
    }

    private static String validate(byte[] all) {
        if (all.length < HEADER) {
            return "only " + all.length + " bytes";
        }
        ByteBuffer bb = ByteBuffer.wrap(all);
        byte[] magic = new byte[MAGIC.length];
        bb.get(magic);
        if (!Arrays.equals(magic, MAGIC)) {
            return "bad magic";
        }
        int format = bb.getInt();
        if (format != FORMAT) {
            return "format " + format + ", expected " + FORMAT;
        }
        long length = bb.getLong();
        if (length != all.length - HEADER) {
            return "payload is " + (all.length - HEADER) + " bytes, header says " + length;
        }
        byte[] sum = new byte[32];
        bb.get(sum);
        if (!Arrays.equals(sum, sha256(all, HEADER, all.length - HEADER))) {
            return "checksum mismatch";
        }
        return null;
    }

    /** Writes an entry atomically (temporary file, then rename); failures are logged, never thrown. */
    void store(String family, String key, byte[] binary) {
        Path file = fileFor(family, key);
        if (file == null) {
            return;
        }
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(HEADER + binary.length);
            DataOutputStream out = new DataOutputStream(bytes);
            out.write(MAGIC);
            out.writeInt(FORMAT);
            out.writeLong(binary.length);
            out.write(sha256(binary, 0, binary.length));
            out.write(binary);
            out.flush();
            tmp = Files.createTempFile(dir, family + "-", ".tmp");
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
        if (marker == null) {
            return true;
        }
        try {
            Files.createFile(marker);
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

    private static byte[] sha256(byte[] data, int off, int len) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(data, off, len);
            return md.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }
}
