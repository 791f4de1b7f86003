package io.clgrad.io;

import static io.clgrad.io.ModelFileException.shorten;

import io.clgrad.DType;
import io.clgrad.Tensor;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads and writes the <a href="https://github.com/huggingface/safetensors">safetensors</a>
 * format, the weight file of PyTorch and Hugging Face tools:
 * <pre>
 * [8 bytes]  N, the header length: unsigned 64-bit little-endian
 * [N bytes]  the header: a UTF-8 JSON object, padded with spaces
 *            {"__metadata__": {"key": "value", ...},
 *             "name": {"dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end]}, ...}
 * [rest]     the data: each tensor row-major, little-endian, at [begin, end) of this section
 * </pre>
 *
 * <pre>{@code
 * Safetensors.save(Path.of("model.safetensors"), model.stateDict(), Map.of("clgrad.model", "..."));
 * SafetensorsFile f = Safetensors.load(Path.of("model.safetensors"));
 * model.loadStateDict(f.tensors());
 * }</pre>
 *
 * <p>Writes are atomic: the file is written to a temporary file in the same directory
 * ({@code .<name>.<pid>.<random>.tmp}), flushed to disk and renamed over the target, so a crash
 * mid-save leaves the old file (or none), never a truncated one; the next save to the same path
 * removes temporary files left by writers that are gone. Reads validate the whole header before
 * allocating anything and throw
 * {@link ModelFileException} naming the file and the problem.
 *
 * <p>clgrad writes F32 and I32. It reads F32 and I32 as they are; F16, BF16 (exactly) and F64
 * (rounded to nearest) as float32; BOOL, U8, I8, U16 and I16 as int32; I64, U32 and U64 as int32
 * when every value fits, otherwise it throws. Other dtypes of the format (F8_*, ...) are refused.
 */
public final class Safetensors {
    /** The largest header accepted, as the reference implementation (100,000,000 bytes). */
    public static final long MAX_HEADER_BYTES = 100_000_000L;

    /** The key of the string map in the header. */
    public static final String METADATA_KEY = "__metadata__";

    private static final int CHUNK_BYTES = 1 << 20;

    private Safetensors() {
    }

    // ------------------------------------------------------------------ dtypes

    /** The dtypes clgrad reads, with their item sizes. */
    enum Dtype {
        BOOL(1), U8(1), I8(1), I16(2), U16(2), F16(2), BF16(2), I32(4), U32(4), F32(4), F64(8), I64(8), U64(8);

        final int itemSize;

        Dtype(int itemSize) {
            this.itemSize = itemSize;
        }

        boolean isFloat() {
            return this == F16 || this == BF16 || this == F32 || this == F64;
        }

        static Dtype parse(String s) {
            for (Dtype d : values()) {
                if (d.name().equals(s)) {
                    return d;
                }
            }
            return null;
        }
    }

    /** Dtypes of the format (and of PyTorch) that clgrad recognises but cannot hold. */
    private static final List<String> UNSUPPORTED = List.of("F8_E5M2", "F8_E4M3", "F8_E8M0", "E8M0", "F6_E2M3",
            "F6_E3M2", "F4", "C64", "C128", "U128", "I128");

    /** One tensor entry of a validated header; offsets are relative to the data section. */
    record Entry(String name, Dtype dtype, int[] shape, long begin, long end) {
        int numel() {
            long n = 1;
            for (int d : shape) {
                n *= d;
            }
            return (int) n;
        }
    }

    /** A validated header. */
    record Header(List<Entry> entries, Map<String, String> metadata, long dataStart, long dataLength) {
    }

    // ------------------------------------------------------------------ save

    /**
     * Writes {@code tensors} and {@code metadata} to {@code path} in the safetensors format,
     * atomically (temporary file in the same directory, fsync, rename over {@code path}; temporary
     * files of earlier saves to {@code path} whose process is gone are removed first). When
     * {@code path} is a symbolic link, the file it points to (at the end of a chain of links) is
     * replaced, in that file's directory, and the link is kept, as {@code torch.save} writes through
     * a link; a link to a missing file in an existing directory creates that file. The header
     * lists the tensors in the map's iteration order, and their data follows in that order without
     * gaps; the header is padded with spaces to a multiple of 8 bytes, as the reference writer does.
     * Tensors may be on any device (they are read back to the host) and any layout; they are not
     * modified.
     *
     * @param path     the file to write (replaced when it exists)
     * @param tensors  float32 or int32 tensors by name; a name may be any string but {@code "__metadata__"}
     * @param metadata strings for the header's {@code __metadata__} map, or null (none)
     * @throws IllegalArgumentException on a null or closed tensor, a null name or metadata entry, the
     *                                  name {@code "__metadata__"}, or a string that is not valid UTF-16
     * @throws IOException              when {@code path} (or the file its links lead to) exists and is not a
     *                                  regular file (a folder, FIFO or device, which the rename would replace),
     *                                  its directory does not exist, its links form a loop, or writing fails
     *                                  (the old file, if any, is left as it was)
     */
    public static void save(Path path, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        if (path == null || tensors == null) {
            throw new IllegalArgumentException("Safetensors.save: " + (path == null ? "path" : "tensors") + " is null");
        }
        byte[] header = headerBytes(tensors, metadata);
        Path target = finalTarget(path);
        Path dir = target.getParent();
        String name = target.getFileName().toString();
        if (!Files.isDirectory(dir)) {
            throw new ModelFileException(path, "can't be written: directory " + dir + " does not exist"
                    + (target.equals(path.toAbsolutePath()) ? "" : " (" + path + " is a symbolic link to " + target + ")"));
        }
        if (Files.exists(target) && !Files.isRegularFile(target)) {
            // the rename below would replace it: an empty folder, a FIFO, or (as root) a device node
            throw new ModelFileException(path, "can't be written: it is " + (Files.isDirectory(target) ? "a directory"
                    : "not a regular file (a device, FIFO or socket)") + ", and saving replaces the file;"
                    + " give a regular file name");
        }
        TempFiles.removeStale(dir, name);
        Path tmp = TempFiles.create(dir, name);
        boolean done = false;
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).flip();
                writeFully(ch, len);
                writeFully(ch, ByteBuffer.wrap(header));
                ByteBuffer buf = ByteBuffer.allocate(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
                for (Tensor t : tensors.values()) {
                    writeData(ch, t, buf);
                }
                ch.force(true);
            }
            copyPermissions(target, tmp);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            done = true;
        } finally {
            if (!done) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // the original error matters more
                }
            }
            TempFiles.release(tmp);
        }
        syncDirectory(dir);
    }

    /** The most symbolic links {@link #finalTarget} follows, as Linux's {@code open} (40). */
    private static final int MAX_LINKS = 40;

    /**
     * The file a save to {@code path} replaces: {@code path} itself (absolute), or, when it is a
     * symbolic link, the file at the end of its chain of links (which may not exist yet), so that a
     * save writes through a link as {@code torch.save} does rather than replacing the link.
     *
     * @param path the path given to {@link #save}
     * @return the absolute path of the file the save replaces or creates
     * @throws ModelFileException on a loop of links
     * @throws IOException        when a link cannot be read
     */
    public static Path saveTarget(Path path) throws IOException {
        return finalTarget(path);
    }

    private static Path finalTarget(Path path) throws IOException {
        Path p = path.toAbsolutePath();
        for (int hops = 0; Files.isSymbolicLink(p); hops++) {
            if (hops == MAX_LINKS) {
                throw new ModelFileException(path, "can't be written: more than " + MAX_LINKS
                        + " symbolic links in a row (a loop of links?)");
            }
            p = p.resolveSibling(Files.readSymbolicLink(p)).toAbsolutePath();
        }
        return p;
    }

    /** The padded header for {@code tensors}, checking every argument before anything is written. */
    private static byte[] headerBytes(Map<String, Tensor> tensors, Map<String, String> metadata) {
        Map<String, Object> header = new LinkedHashMap<>();
        if (metadata != null && !metadata.isEmpty()) {
            for (Map.Entry<String, String> e : metadata.entrySet()) {
                if (e.getKey() == null || e.getValue() == null) {
                    throw new IllegalArgumentException("Safetensors.save: metadata "
                            + (e.getKey() == null ? "has a null key" : "key \"" + e.getKey() + "\" has a null value"));
                }
            }
            header.put(METADATA_KEY, new LinkedHashMap<>(metadata));
        }
        long offset = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            String name = e.getKey();
            Tensor t = e.getValue();
            if (name == null) {
                throw new IllegalArgumentException("Safetensors.save: a tensor name is null");
            }
            if (name.equals(METADATA_KEY)) {
                throw new IllegalArgumentException("Safetensors.save: a tensor can't be named \"" + METADATA_KEY + "\"");
            }
            if (t == null) {
                throw new IllegalArgumentException("Safetensors.save: tensor \"" + name + "\" is null");
            }
            String dtype = t.dtype() == DType.INT32 ? "I32" : "F32";
            int[] shape = t.shape();
            long bytes = 4L * t.numel();
            Map<String, Object> info = new LinkedHashMap<>();
            info.put("dtype", dtype);
            List<Object> dims = new ArrayList<>();
            for (int d : shape) {
                dims.add(d);
            }
            info.put("shape", dims);
            info.put("data_offsets", List.of(offset, offset + bytes));
            header.put(name, info);
            offset += bytes;
        }
        byte[] json = Json.write(header).getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        byte[] out = Arrays.copyOf(json, padded);
        Arrays.fill(out, json.length, padded, (byte) ' ');
        return out;
    }

    private static void writeData(FileChannel ch, Tensor t, ByteBuffer buf) throws IOException {
        if (t.dtype() == DType.INT32) {
            int[] a = t.toIntArray();
            writeChunks(ch, buf, a.length, (b, at, n) -> b.asIntBuffer().put(a, at, n));
        } else {
            float[] a = t.toFloatArray();
            writeChunks(ch, buf, a.length, (b, at, n) -> b.asFloatBuffer().put(a, at, n));
        }
    }

    /** Puts elements {@code [at, at + n)} of a host array into a cleared buffer, from its start. */
    private interface ChunkPut {
        void put(ByteBuffer buf, int at, int n);
    }

    /** Writes {@code length} 4-byte elements through {@code buf}, a buffer-full at a time. */
    private static void writeChunks(FileChannel ch, ByteBuffer buf, int length, ChunkPut put) throws IOException {
        int perChunk = buf.capacity() / 4;
        for (int at = 0; at < length; at += perChunk) {
            int n = Math.min(perChunk, length - at);
            buf.clear();
            put.put(buf, at, n);
            buf.limit(4 * n);
            writeFully(ch, buf);
        }
    }

    private static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    /** Gives the new file the old file's permissions, or rw-r--r-- less the umask's usual bits. */
    private static void copyPermissions(Path target, Path tmp) {
        try {
            Set<PosixFilePermission> perms = Files.exists(target)
                    ? Files.getPosixFilePermissions(target)
                    : PosixFilePermissions.fromString("rw-r--r--");
            Files.setPosixFilePermissions(tmp, perms);
        } catch (UnsupportedOperationException | IOException ignored) {
            // not a POSIX file system: keep the default
        }
    }

    /** Flushes the directory entry of the rename, where the platform allows it. */
    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | RuntimeException ignored) {
            // some platforms cannot open a directory; the rename itself is still atomic
        }
    }

    // ------------------------------------------------------------------ load

    /**
     * Reads every tensor and the metadata of a safetensors file. Tensors come back on the CPU,
     * float32 or int32 (see the class documentation for the conversions), in header order.
     *
     * @param path the file
     * @return the tensors and the {@code __metadata__} map (empty when absent)
     * @throws ModelFileException naming the file and the problem when the file is missing,
     *                            truncated or malformed
     * @throws IOException        when reading fails
     */
    public static SafetensorsFile load(Path path) throws IOException {
        try (FileChannel ch = open(path)) {
            Header h = readHeader(path, ch);
            Map<String, Tensor> out = new LinkedHashMap<>();
            boolean ok = false;
            try {
                for (Entry e : h.entries()) {
                    out.put(e.name(), readTensor(path, ch, h, e));
                }
                ok = true;
            } finally {
                if (!ok) {
                    out.values().forEach(Tensor::close);
                }
            }
            return new SafetensorsFile(Collections.unmodifiableMap(out), h.metadata());
        }
    }

    /**
     * Reads only the {@code __metadata__} map of a safetensors file (the header is validated, the
     * tensor data is not read).
     *
     * @param path the file
     * @return the metadata, empty when the file has none
     * @throws ModelFileException when the file is missing, truncated or malformed
     */
    public static Map<String, String> readMetadata(Path path) throws IOException {
        try (FileChannel ch = open(path)) {
            return readHeader(path, ch).metadata();
        }
    }

    /**
     * Reads the tensors' shapes from a safetensors file's header, without reading tensor data: enough
     * to check that a file fits a model before anything sized by the file is allocated. The whole
     * header is validated, so each shape's data is present in the file.
     *
     * @param path the file
     * @return each tensor's shape by name, in header order
     * @throws ModelFileException when the file is missing, truncated or malformed
     */
    public static Map<String, int[]> readShapes(Path path) throws IOException {
        try (FileChannel ch = open(path)) {
            Map<String, int[]> out = new LinkedHashMap<>();
            for (Entry e : readHeader(path, ch).entries()) {
                out.put(e.name(), e.shape().clone());
            }
            return Collections.unmodifiableMap(out);
        }
    }

    static FileChannel open(Path path) throws IOException {
        if (path == null) {
            throw new IllegalArgumentException("Safetensors: path is null");
        }
        if (Files.isDirectory(path)) {
            throw new ModelFileException(path, "is a directory, not a safetensors file");
        }
        try {
            return FileChannel.open(path, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new ModelFileException(path, "no such file", e);
        }
    }

    /** Reads and validates the header; allocates nothing sized by the file before checking it. */
    static Header readHeader(Path path, FileChannel ch) throws IOException {
        long size = ch.size();
        if (size < 8) {
            throw new ModelFileException(path, "file is " + size + " bytes, too short for a safetensors file"
                    + " (it starts with an 8-byte header length)");
        }
        ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        readFully(path, ch, lenBuf, 0);
        long n = lenBuf.flip().getLong();
        String nText = Long.toUnsignedString(n);
        if (n < 0 || n > size - 8) {
            throw new ModelFileException(path, "header length " + nText + " is larger than the file (" + size
                    + " bytes); the file is truncated or not a safetensors file");
        }
        if (n > MAX_HEADER_BYTES) {
            throw new ModelFileException(path, "header length " + nText + " exceeds the limit of "
                    + MAX_HEADER_BYTES + " bytes");
        }
        ByteBuffer hb = ByteBuffer.allocate((int) n);
        readFully(path, ch, hb, 8);
        hb.flip();
        String text;
        try {
            CharsetDecoder dec = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT);
            CharBuffer cb = dec.decode(hb);
            text = cb.toString();
        } catch (CharacterCodingException e) {
            throw new ModelFileException(path, "header is not valid UTF-8", e);
        }
        Object parsed;
        try {
            parsed = Json.parse(text);
        } catch (Json.ParseException e) {
            throw new ModelFileException(path, "header is not valid JSON: " + e.getMessage(), e);
        }
        if (!(parsed instanceof Map)) {
            throw new ModelFileException(path, "header is not a JSON object but " + kind(parsed));
        }
        long dataLength = size - 8 - n;
        Map<String, String> metadata = Map.of();
        List<Entry> entries = new ArrayList<>();
        for (Map.Entry<?, ?> me : ((Map<?, ?>) parsed).entrySet()) {
            String name = (String) me.getKey();
            if (name.equals(METADATA_KEY)) {
                metadata = metadata(path, me.getValue());
            } else {
                entries.add(entry(path, name, me.getValue(), dataLength));
            }
        }
        checkOverlaps(path, entries);
        return new Header(Collections.unmodifiableList(entries), metadata, 8 + n, dataLength);
    }

    private static Map<String, String> metadata(Path path, Object v) throws ModelFileException {
        if (!(v instanceof Map)) {
            throw new ModelFileException(path, "\"" + METADATA_KEY + "\" must map strings to strings, but it is "
                    + kind(v));
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
            if (!(e.getValue() instanceof String)) {
                throw new ModelFileException(path, "\"" + METADATA_KEY + "\" must map strings to strings, but \""
                        + shorten((String) e.getKey()) + "\" is " + kind(e.getValue()));
            }
            out.put((String) e.getKey(), (String) e.getValue());
        }
        return Collections.unmodifiableMap(out);
    }

    private static Entry entry(Path path, String name, Object v, long dataLength) throws ModelFileException {
        String what = "tensor \"" + shorten(name) + "\"";
        if (!(v instanceof Map)) {
            throw new ModelFileException(path, what + " must be an object with dtype, shape and data_offsets, but it is "
                    + kind(v));
        }
        Map<?, ?> m = (Map<?, ?>) v;
        for (String field : List.of("dtype", "shape", "data_offsets")) {
            if (!m.containsKey(field)) {
                throw new ModelFileException(path, what + " has no \"" + field + "\"");
            }
        }
        if (!(m.get("dtype") instanceof String)) {
            throw new ModelFileException(path, what + ": dtype must be a string, but it is " + kind(m.get("dtype")));
        }
        String dtypeName = (String) m.get("dtype");
        Dtype dtype = Dtype.parse(dtypeName);
        if (dtype == null) {
            if (UNSUPPORTED.contains(dtypeName)) {
                throw new ModelFileException(path, what + " has dtype " + dtypeName
                        + ", which clgrad does not support (it reads F32, F16, BF16, F64, I32, I64, I16, I8, U8, U16,"
                        + " U32, U64 and BOOL)");
            }
            throw new ModelFileException(path, what + " has unknown dtype \"" + shorten(dtypeName) + "\"");
        }
        if (!(m.get("shape") instanceof List)) {
            throw new ModelFileException(path, what + ": shape must be a list of integers, but it is "
                    + kind(m.get("shape")));
        }
        List<?> dims = (List<?>) m.get("shape");
        if (dims.size() > 64) {
            throw new ModelFileException(path, what + " has " + dims.size() + " dimensions; at most 64 are supported");
        }
        int[] shape = new int[dims.size()];
        for (int i = 0; i < shape.length; i++) {
            Object d = dims.get(i);
            if (!isInteger(d) || signum(d) < 0) {
                throw new ModelFileException(path, what + ": shape must be a list of non-negative integers, got "
                        + shortJson(dims));
            }
            if (!(d instanceof Long) || (Long) d > Integer.MAX_VALUE) {
                throw new ModelFileException(path, what + " has shape " + shortJson(dims)
                        + ", a dimension larger than " + Integer.MAX_VALUE);
            }
            shape[i] = (int) (long) (Long) d;
        }
        long numel = 1;
        for (int d : shape) {
            if (d == 0) {
                numel = 0;
            }
        }
        for (int i = 0; i < shape.length && numel != 0; i++) {
            numel *= shape[i];
            if (numel > Integer.MAX_VALUE) {
                throw new ModelFileException(path, what + " has shape " + shortJson(dims) + ", more than "
                        + Integer.MAX_VALUE + " elements");
            }
        }
        Object offs = m.get("data_offsets");
        if (!(offs instanceof List) || ((List<?>) offs).size() != 2 || !isInteger(((List<?>) offs).get(0))
                || !isInteger(((List<?>) offs).get(1))) {
            throw new ModelFileException(path, what + ": data_offsets must be [begin, end], two integers, got "
                    + shortJson(offs));
        }
        Object b = ((List<?>) offs).get(0);
        Object e = ((List<?>) offs).get(1);
        if (signum(b) < 0 || signum(e) < 0 || !(b instanceof Long) || !(e instanceof Long)
                || (Long) b > (Long) e || (Long) e > dataLength) {
            throw new ModelFileException(path, what + " has data_offsets " + shortJson(offs)
                    + ", outside the data section of " + dataLength + " bytes (they must satisfy 0 <= begin <= end <= "
                    + dataLength + "); the file is truncated or corrupt");
        }
        long begin = (Long) b;
        long end = (Long) e;
        long expected = numel * dtype.itemSize;
        if (end - begin != expected) {
            throw new ModelFileException(path, what + " has " + (end - begin) + " bytes of data (data_offsets "
                    + shortJson(offs) + "), but its shape " + Arrays.toString(shape) + " and dtype " + dtype
                    + " need " + expected);
        }
        return new Entry(name, dtype, shape, begin, end);
    }

    private static void checkOverlaps(Path path, List<Entry> entries) throws ModelFileException {
        List<Entry> sorted = new ArrayList<>();
        for (Entry e : entries) {
            if (e.end() > e.begin()) {
                sorted.add(e);
            }
        }
        sorted.sort(Comparator.comparingLong(Entry::begin));
        for (int i = 1; i < sorted.size(); i++) {
            Entry a = sorted.get(i - 1);
            Entry c = sorted.get(i);
            if (c.begin() < a.end()) {
                throw new ModelFileException(path, "tensors \"" + shorten(a.name()) + "\" [" + a.begin() + ", "
                        + a.end() + ") and \"" + shorten(c.name()) + "\" [" + c.begin() + ", " + c.end()
                        + ") overlap in the data section");
            }
        }
    }

    private static boolean isInteger(Object o) {
        return o instanceof Long || o instanceof BigInteger;
    }

    private static int signum(Object o) {
        return o instanceof Long ? Long.signum((Long) o) : ((BigInteger) o).signum();
    }

    private static String kind(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof Map) {
            return "an object";
        }
        if (v instanceof List) {
            return "a list";
        }
        if (v instanceof String) {
            return "a string";
        }
        if (v instanceof Boolean) {
            return "a boolean";
        }
        return "a number";
    }

    private static String shortJson(Object v) {
        String s;
        try {
            s = Json.write(v);
        } catch (IllegalArgumentException e) {
            s = String.valueOf(v);
        }
        return shorten(s);
    }

    private static void readFully(Path path, FileChannel ch, ByteBuffer b, long position) throws IOException {
        long p = position;
        while (b.hasRemaining()) {
            int r = ch.read(b, p);
            if (r < 0) {
                throw new ModelFileException(path, "file ended early at byte " + p + " (it changed while being read?)");
            }
            p += r;
        }
    }

    // ------------------------------------------------------------------ data

    private static Tensor readTensor(Path path, FileChannel ch, Header h, Entry e) throws IOException {
        int numel = e.numel();
        boolean toFloat = e.dtype().isFloat();
        float[] f = toFloat ? new float[numel] : null;
        int[] ints = toFloat ? null : new int[numel];
        int item = e.dtype().itemSize;
        int perChunk = CHUNK_BYTES / item;
        ByteBuffer buf = ByteBuffer.allocate((int) Math.min(CHUNK_BYTES, Math.max(8, (long) numel * item)))
                .order(ByteOrder.LITTLE_ENDIAN);
        long pos = h.dataStart() + e.begin();
        int done = 0;
        while (done < numel) {
            int count = Math.min(perChunk, numel - done);
            buf.clear().limit(count * item);
            readFully(path, ch, buf, pos);
            buf.flip();
            pos += (long) count * item;
            decode(path, e, buf, count, done, f, ints);
            done += count;
        }
        int[] shape = e.shape();
        if (shape.length == 0) {
            if (toFloat) {
                return Tensor.scalar(f[0]);
            }
            try (Tensor one = Tensor.of(ints, 1)) {
                return one.reshape();
            }
        }
        return toFloat ? Tensor.of(f, shape) : Tensor.of(ints, shape);
    }

    private static void decode(Path path, Entry e, ByteBuffer b, int count, int at, float[] f, int[] ints)
            throws ModelFileException {
        switch (e.dtype()) {
            case F32 -> b.asFloatBuffer().get(f, at, count);
            case I32 -> b.asIntBuffer().get(ints, at, count);
            case F64 -> {
                for (int i = 0; i < count; i++) {
                    f[at + i] = (float) b.getDouble();
                }
            }
            case F16 -> {
                for (int i = 0; i < count; i++) {
                    f[at + i] = halfToFloat(b.getShort());
                }
            }
            case BF16 -> {
                for (int i = 0; i < count; i++) {
                    f[at + i] = Float.intBitsToFloat((b.getShort() & 0xffff) << 16);
                }
            }
            case BOOL -> {
                for (int i = 0; i < count; i++) {
                    int v = b.get() & 0xff;
                    if (v > 1) {
                        throw new ModelFileException(path, "tensor \"" + shorten(e.name()) + "\" (BOOL) holds "
                                + v + " at index " + (at + i) + "; booleans must be 0 or 1");
                    }
                    ints[at + i] = v;
                }
            }
            case U8 -> {
                for (int i = 0; i < count; i++) {
                    ints[at + i] = b.get() & 0xff;
                }
            }
            case I8 -> {
                for (int i = 0; i < count; i++) {
                    ints[at + i] = b.get();
                }
            }
            case I16 -> {
                for (int i = 0; i < count; i++) {
                    ints[at + i] = b.getShort();
                }
            }
            case U16 -> {
                for (int i = 0; i < count; i++) {
                    ints[at + i] = b.getShort() & 0xffff;
                }
            }
            case U32 -> {
                for (int i = 0; i < count; i++) {
                    long v = b.getInt() & 0xffffffffL;
                    ints[at + i] = narrow(path, e, v, at + i, false);
                }
            }
            case I64 -> {
                for (int i = 0; i < count; i++) {
                    ints[at + i] = narrow(path, e, b.getLong(), at + i, false);
                }
            }
            case U64 -> {
                for (int i = 0; i < count; i++) {
                    ints[at + i] = narrow(path, e, b.getLong(), at + i, true);
                }
            }
            default -> throw new IllegalStateException("unhandled dtype " + e.dtype());
        }
    }

    private static int narrow(Path path, Entry e, long v, int index, boolean unsigned) throws ModelFileException {
        if ((unsigned && (v < 0 || v > Integer.MAX_VALUE)) || v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new ModelFileException(path, "tensor \"" + shorten(e.name()) + "\" (" + e.dtype() + ") holds "
                    + (unsigned ? Long.toUnsignedString(v) : Long.toString(v)) + " at index " + index
                    + ", outside the int32 range that clgrad reads " + e.dtype() + " tensors into");
        }
        return (int) v;
    }

    /** IEEE 754 binary16 to float32, exactly (subnormals, infinities and NaN included). */
    static float halfToFloat(short h) {
        int bits = h & 0xffff;
        int sign = (bits & 0x8000) << 16;
        int exp = (bits >>> 10) & 0x1f;
        int mant = bits & 0x3ff;
        if (exp == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        }
        if (exp == 0) {
            if (mant == 0) {
                return Float.intBitsToFloat(sign);
            }
            float v = mant * 0x1p-24f;
            return sign != 0 ? -v : v;
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }

    /**
     * How many bytes the name of {@link #save}'s temporary file, {@code .NAME.<pid>.<random>.tmp},
     * adds to the target's file name NAME: a target whose name is longer than the file system's
     * limit (255 bytes on Linux) minus this can't be saved.
     *
     * @return the bytes added in this process (its process id is part of the name)
     */
    public static int tempNameOverhead() {
        return TempFiles.nameOverhead();
    }
}
