package io.clgrad.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {
    @TempDir
    Path dir;

    /** An IDX file: magic 00 00 type ndims, big-endian dims, then the payload. */
    static byte[] idx(int type, int[] dims, byte[] payload) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.write(new byte[] {0, 0, (byte) type, (byte) dims.length});
        for (int d : dims) {
            out.writeInt(d);
        }
        out.write(payload);
        out.flush();
        return bytes.toByteArray();
    }

    static Path write(Path file, byte[] content, boolean gzip) throws IOException {
        try (OutputStream os = gzip ? new GZIPOutputStream(Files.newOutputStream(file)) : Files.newOutputStream(file)) {
            os.write(content);
        }
        return file;
    }

    @Test
    void readsGzippedFile() throws IOException {
        byte[] payload = new byte[2 * 3 * 4];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) (i * 11);
        }
        Path f = write(dir.resolve("small-images-idx3-ubyte.gz"), idx(8, new int[] {2, 3, 4}, payload), true);
        IdxArray a = IdxReader.read(f);
        assertArrayEquals(new int[] {2, 3, 4}, a.dims());
        assertArrayEquals(payload, a.data());
        assertEquals(2, a.count());
        assertEquals(12, a.itemSize());
        assertEquals(253, a.data()[23] & 0xFF);
    }

    @Test
    void readsRawFileWhateverTheName() throws IOException {
        Path f = write(dir.resolve("labels.gz"), idx(8, new int[] {3}, new byte[] {1, 2, (byte) 200}), false);
        IdxArray a = IdxReader.read(f);
        assertArrayEquals(new int[] {3}, a.dims());
        assertEquals(200, a.data()[2] & 0xFF);
    }

    @Test
    void wrongMagic() throws IOException {
        byte[] content = idx(8, new int[] {1}, new byte[] {5});
        content[0] = 0x12;
        Path f = write(dir.resolve("bad-magic.gz"), content, true);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> IdxReader.read(f));
        assertTrue(e.getMessage().startsWith("bad-magic.gz: bad magic 12 00 08 01"), e.getMessage());
    }

    @Test
    void unsupportedElementType() throws IOException {
        Path f = write(dir.resolve("floats"), idx(0x0D, new int[] {1}, new byte[4]), false);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> IdxReader.read(f));
        assertTrue(e.getMessage().contains("floats: element type 0x0d (float) is not supported"), e.getMessage());
    }

    @Test
    void truncatedData() throws IOException {
        Path f = write(dir.resolve("t10k-labels-idx1-ubyte.gz"), idx(8, new int[] {10000}, new byte[123]), true);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> IdxReader.read(f));
        assertEquals("t10k-labels-idx1-ubyte.gz: truncated: expected 10000 bytes of data, found 123", e.getMessage());
    }

    @Test
    void truncatedHeader() throws IOException {
        Path f = write(dir.resolve("short"), new byte[] {0, 0, 8, 3, 0, 0}, false);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> IdxReader.read(f));
        assertTrue(e.getMessage().startsWith("short: truncated: the header declares 3 dimensions"), e.getMessage());
    }

    @Test
    void wrongDims() throws IOException {
        Path zero = write(dir.resolve("zero-dims"), new byte[] {0, 0, 8, 0}, false);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> IdxReader.read(zero));
        assertTrue(e.getMessage().startsWith("zero-dims: 0 dimensions"), e.getMessage());
        Path negative = write(dir.resolve("negative"), idx(8, new int[] {2, -1}, new byte[0]), false);
        e = assertThrows(IllegalArgumentException.class, () -> IdxReader.read(negative));
        assertTrue(e.getMessage().contains("negative: dimension 1 is negative"), e.getMessage());
        // the dims promise fewer bytes than the file holds
        Path extra = write(dir.resolve("extra.gz"), idx(8, new int[] {2, 2}, new byte[6]), true);
        e = assertThrows(IllegalArgumentException.class, () -> IdxReader.read(extra));
        assertTrue(e.getMessage().startsWith("extra.gz: 2 bytes after the 4 bytes of data"), e.getMessage());
    }

    @Test
    void missingFile() {
        Path f = dir.resolve("nope-idx1-ubyte.gz");
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> IdxReader.read(f));
        assertTrue(e.getMessage().contains("nope-idx1-ubyte.gz"), e.getMessage());
    }

    @Test
    void corruptGzipNamesTheFile() throws IOException {
        byte[] gz;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream os = new GZIPOutputStream(bytes)) {
            os.write(idx(8, new int[] {1000}, new byte[1000]));
        }
        gz = bytes.toByteArray();
        Path f = dir.resolve("cut.gz");
        Files.write(f, java.util.Arrays.copyOf(gz, gz.length / 2));
        IOException e = assertThrows(IOException.class, () -> IdxReader.read(f));
        assertTrue(e.getMessage().contains("cut.gz"), e.getMessage());
    }
}
