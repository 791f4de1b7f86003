package io.clgrad.backend.opencl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.clgrad.Device;
import io.clgrad.TestDevices;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.security.MessageDigest;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 9 item 12: the kernel program cache is private (folder 0700, files 0600, another user's
 * folder or files never used) and an entry reaches the driver only when this user's clgrad wrote it
 * for exactly that key; a binary the driver refuses falls back to a build from source.
 */
class ProgramDiskCacheTest {
    private static final String KEY = "ab".repeat(32);
    private static final String OTHER_KEY = "cd".repeat(32);
    private static final byte[] BINARY = "a program binary".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path tmp;

    private static void assumePosix() {
        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"), "no POSIX permissions");
    }

    private static String perms(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void createsAPrivateFolderAndPrivateFilesAndReadsItsEntryBack() throws IOException {
        assumePosix();
        Path dir = tmp.resolve("base").resolve("opencl");
        ProgramDiskCache cache = new ProgramDiskCache(dir);
        cache.store("copy", KEY, BINARY);
        assertEquals("rwx------", perms(dir));
        assertEquals("rwx------", perms(dir.getParent()), "a folder created on the way is private too");
        Path entry = cache.fileFor("copy", KEY);
        assertEquals("rw-------", perms(entry));
        assertEquals("rw-------", perms(dir.resolve(".key")));
        assertTrue(cache.beginLoad("copy", KEY));
        try (Stream<Path> s = Files.list(dir)) {
            Path marker = s.filter(p -> p.toString().endsWith(".loading")).findFirst().orElseThrow();
            assertEquals("rw-------", perms(marker));
        }
        cache.endLoad("copy", KEY);
        assertArrayEquals(BINARY, new ProgramDiskCache(dir).load("copy", KEY), "a new process reads the entry");
    }

    @Test
    void tightensAnOpenFolderOfOurs() throws IOException {
        assumePosix();
        Path dir = Files.createDirectories(tmp.resolve("opencl"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        ProgramDiskCache cache = new ProgramDiskCache(dir);
        cache.store("copy", KEY, BINARY);
        assertEquals("rwx------", perms(dir));
        assertArrayEquals(BINARY, cache.load("copy", KEY));
    }

    @Test
    void doesNotUseAFolderOfAnotherUser() throws IOException {
        assumePosix();
        Path dir = Files.createDirectories(tmp.resolve("opencl"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        UserPrincipal someoneElse = () -> "someone-else";   // the folder's real owner is not this principal
        ProgramDiskCache cache = new ProgramDiskCache(dir, someoneElse);
        cache.store("copy", KEY, BINARY);
        assertNull(cache.load("copy", KEY));
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(0, s.count(), "nothing written into another user's folder");
        }
        assertEquals("rwxr-xr-x", perms(dir), "another user's folder is left as it is");
    }

    @Test
    void ignoresAnEntryOwnedByAnotherUser() throws IOException {
        assumePosix();
        UserPrincipal nobody;
        try {
            nobody = FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
        } catch (IOException e) {
            nobody = null;
        }
        assumeTrue(nobody != null && "root".equals(System.getProperty("user.name")),
                "changing a file's owner needs root and a user 'nobody'");
        Path dir = tmp.resolve("opencl");
        ProgramDiskCache cache = new ProgramDiskCache(dir);
        cache.store("copy", KEY, BINARY);
        Path entry = cache.fileFor("copy", KEY);
        Files.setOwner(entry, nobody);
        assertNull(cache.load("copy", KEY), "another user's entry is not read");
        assertTrue(Files.exists(entry), "and not deleted either");
    }

    @Test
    void ignoresASymbolicLinkAndAFileOthersMayWrite() throws IOException {
        assumePosix();
        Path dir = tmp.resolve("opencl");
        ProgramDiskCache cache = new ProgramDiskCache(dir);
        cache.store("copy", OTHER_KEY, BINARY);
        Path target = cache.fileFor("copy", OTHER_KEY);
        Path entry = cache.fileFor("copy", KEY);
        Files.createSymbolicLink(entry, target);
        assertNull(cache.load("copy", KEY), "a link is not followed");
        assertTrue(Files.exists(target));

        cache.store("copy", KEY, BINARY);
        Files.setPosixFilePermissions(entry, PosixFilePermissions.fromString("rw-rw-rw-"));
        assertNull(cache.load("copy", KEY), "a file others may write is not trusted");
        assertFalse(Files.exists(entry), "our own untrusted file is deleted so that it is rebuilt");
    }

    /** The format before issue 9: a SHA-256 anyone can compute let a crafted binary reach the driver. */
    @Test
    void refusesAnEntryForgedWithAValidChecksum() throws Exception {
        Path dir = tmp.resolve("opencl");
        ProgramDiskCache cache = new ProgramDiskCache(dir);
        Path entry = cache.fileFor("copy", KEY);
        Files.createDirectories(dir);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.write("CLGRADPB".getBytes(StandardCharsets.US_ASCII));
        out.writeInt(1);
        out.writeLong(BINARY.length);
        out.write(MessageDigest.getInstance("SHA-256").digest(BINARY));
        out.write(BINARY);
        Files.write(entry, bytes.toByteArray());
        assertNull(cache.load("copy", KEY), "a forged old-format entry");
        assertFalse(Files.exists(entry), "is deleted");
    }

    @Test
    void refusesAnEntrySignedWithAnotherKeyOrStoredUnderAnotherName() throws IOException {
        Path dir = tmp.resolve("opencl");
        ProgramDiskCache elsewhere = new ProgramDiskCache(tmp.resolve("elsewhere"));
        elsewhere.store("copy", KEY, BINARY);
        ProgramDiskCache cache = new ProgramDiskCache(dir);
        cache.store("copy", OTHER_KEY, BINARY);   // creates the folder and its own secret
        Files.copy(elsewhere.fileFor("copy", KEY), cache.fileFor("copy", KEY));
        assertNull(cache.load("copy", KEY), "an entry from another cache folder (another secret)");

        Files.copy(cache.fileFor("copy", OTHER_KEY), cache.fileFor("copy", KEY));
        assertNull(cache.load("copy", KEY), "our own entry of another key, renamed");
        assertArrayEquals(BINARY, cache.load("copy", OTHER_KEY), "the genuine entry still loads");
    }

    @Test
    void deletesTruncatedAndCorruptEntries() throws IOException {
        ProgramDiskCache cache = new ProgramDiskCache(tmp.resolve("opencl"));
        cache.store("copy", KEY, BINARY);
        Path entry = cache.fileFor("copy", KEY);
        byte[] good = Files.readAllBytes(entry);
        Files.write(entry, java.util.Arrays.copyOf(good, good.length - 3));
        assertNull(cache.load("copy", KEY), "truncated");
        assertFalse(Files.exists(entry));
        good[good.length - 1] ^= 1;
        Files.write(entry, good);
        assertNull(cache.load("copy", KEY), "one bit flipped");
        assertFalse(Files.exists(entry));
        Files.write(entry, new byte[0]);
        assertNull(cache.load("copy", KEY), "empty");
    }

    @Test
    void anUnusableFolderDisablesTheCacheWithoutFailing() throws IOException {
        Path file = Files.writeString(tmp.resolve("a-file"), "x");
        ProgramDiskCache cache = new ProgramDiskCache(file.resolve("opencl"));
        cache.store("copy", KEY, BINARY);   // logged, never thrown
        assertNull(cache.load("copy", KEY));
        assertTrue(cache.beginLoad("copy", KEY));
    }

    /** A signed entry whose binary the driver refuses: the program is built from source, and the entry replaced. */
    @Test
    void aBinaryTheDriverRefusesFallsBackToSource() {
        if (TestDevices.opencl().isEmpty()) {
            if ("1".equals(System.getenv("CLGRAD_REQUIRE_OPENCL"))) {
                fail("CLGRAD_REQUIRE_OPENCL=1 but no OpenCL device initialised");
            }
            Assumptions.abort("no OpenCL device");
        }
        OpenClBackend backend = (OpenClBackend) Device.opencl(0).backend();
        ClDevice dev = backend.clDevice();
        ProgramDiskCache disk = new ProgramDiskCache(tmp.resolve("opencl"));
        byte[] garbage = new byte[4096];
        new Random(1).nextBytes(garbage);
        ProgramCache first = new ProgramCache(dev, disk, new BufferPool(dev, backend));
        String options = first.defaultOptions("copy");
        String key = disk.key(dev, "copy", ProgramCache.source("copy"), options);
        disk.store("copy", key, garbage);
        try (ProgramCache pc = first) {
            assertNotNull(pc.program("copy", options));
            assertEquals(0, pc.loadedFromDisk());
            assertEquals(1, pc.builtFromSource());
        }
        try (ProgramCache pc = new ProgramCache(dev, disk, new BufferPool(dev, backend))) {
            assertNotNull(pc.program("copy", options));
            assertEquals(1, pc.loadedFromDisk(), "the rebuilt binary replaced the refused entry");
        }
    }
}
