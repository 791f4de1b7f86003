package io.clgrad.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Reads IDX files, the format of MNIST and Fashion-MNIST, gzipped ({@code .gz}, recognised by the
 * magic bytes {@code 1f 8b}, whatever the file name) or raw.
 *
 * <p>Format: a 4-byte magic {@code 00 00 <type> <ndims>}, then {@code ndims} big-endian int32
 * sizes, then the values row-major. Only type {@code 0x08} (unsigned byte) is accepted, the type of
 * every MNIST file. The payload must have exactly {@code product(sizes)} bytes.
 *
 * <pre>{@code
 * IdxArray labels = IdxReader.read(Path.of("/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz"));
 * labels.dims();                 // [10000]
 * }</pre>
 */
public final class IdxReader {
    private static final int MAX_DIMS = 8;

    private IdxReader() {
    }

    /**
     * Reads one IDX file.
     *
     * @param file the file, gzipped or raw
     * @return its dimensions and bytes
     * @throws NoSuchFileException       when the file does not exist
     * @throws java.util.zip.ZipException when a gzipped file is corrupt (the message names the file)
     * @throws IOException               on a read error, naming the file
     * @throws IllegalArgumentException  when the content is not a valid unsigned-byte IDX file: the
     *                                   message names the file and what is wrong (bad magic, element
     *                                   type, dimensions, truncated or trailing data)
     */
    public static IdxArray read(Path file) throws IOException {
        String name = file.getFileName() == null ? file.toString() : file.getFileName().toString();
        if (!Files.exists(file)) {
            throw new NoSuchFileException(file.toString(), null, "IDX file not found");
        }
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            raw.mark(2);
            int b0 = raw.read();
            int b1 = raw.read();
            raw.reset();
            boolean gzip = b0 == 0x1f && b1 == 0x8b;
            try (InputStream in = gzip ? new GZIPInputStream(raw, 1 << 16) : raw) {
                return parse(name, new DataInputStream(in));
            }
        } catch (EOFException e) {
            throw new EOFException(name + ": unexpected end of file in the gzip stream (" + e.getMessage() + ")");
        } catch (java.util.zip.ZipException e) {
            throw new java.util.zip.ZipException(name + ": corrupt gzip data: " + e.getMessage());
        }
    }

    private static IdxArray parse(String name, DataInputStream in) throws IOException {
        byte[] magic = new byte[4];
        int got = in.readNBytes(magic, 0, 4);
        if (got < 4) {
            throw new IllegalArgumentException(name + ": truncated: the file has " + got
                    + " bytes, fewer than the 4-byte IDX magic");
        }
        if (magic[0] != 0 || magic[1] != 0) {
            throw new IllegalArgumentException(String.format(
                    "%s: bad magic %02x %02x %02x %02x: an IDX file starts with 00 00 <type> <ndims>",
                    name, magic[0] & 0xFF, magic[1] & 0xFF, magic[2] & 0xFF, magic[3] & 0xFF));
        }
        int type = magic[2] & 0xFF;
        if (type != 0x08) {
            throw new IllegalArgumentException(String.format("%s: element type 0x%02x (%s) is not supported; only"
                    + " 0x08 (unsigned byte), the type of MNIST files, is", name, type, typeName(type)));
        }
        int ndims = magic[3] & 0xFF;
        if (ndims < 1 || ndims > MAX_DIMS) {
            throw new IllegalArgumentException(name + ": " + ndims + " dimensions in the header; expected 1 to " + MAX_DIMS);
        }
        byte[] header = new byte[4 * ndims];
        got = in.readNBytes(header, 0, header.length);
        if (got < header.length) {
            throw new IllegalArgumentException(name + ": truncated: the header declares " + ndims
                    + " dimensions (" + header.length + " bytes), found " + got + " bytes");
        }
        int[] dims = new int[ndims];
        long total = 1;
        for (int d = 0; d < ndims; d++) {
            int i = 4 * d;
            dims[d] = ((header[i] & 0xFF) << 24) | ((header[i + 1] & 0xFF) << 16) | ((header[i + 2] & 0xFF) << 8)
                    | (header[i + 3] & 0xFF);
            if (dims[d] < 0) {
                throw new IllegalArgumentException(name + ": dimension " + d + " is negative (" + dims[d] + ")");
            }
            total *= dims[d];
            if (total > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException(name + ": dimensions " + java.util.Arrays.toString(dims)
                        + " hold more than 2^31 values");
            }
        }
        byte[] data = new byte[(int) total];
        got = in.readNBytes(data, 0, data.length);
        if (got < data.length) {
            throw new IllegalArgumentException(name + ": truncated: expected " + total + " bytes of data, found " + got);
        }
        long extra = 0;
        byte[] skip = new byte[8192];
        int r;
        while ((r = in.read(skip)) > 0) {
            extra += r;
        }
        if (extra > 0) {
            throw new IllegalArgumentException(name + ": " + extra + " bytes after the " + total
                    + " bytes of data declared by dimensions " + java.util.Arrays.toString(dims));
        }
        return new IdxArray(dims, data);
    }

    private static String typeName(int type) {
        return switch (type) {
            case 0x09 -> "signed byte";
            case 0x0B -> "short";
            case 0x0C -> "int";
            case 0x0D -> "float";
            case 0x0E -> "double";
            default -> "unknown";
        };
    }
}
