package io.clgrad.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clgrad.DType;
import io.clgrad.Device;
import io.clgrad.TestDevices;
import io.clgrad.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The safetensors format: round trips, the numpy-written fixture, and every rejection of a bad file. */
class SafetensorsTest {
    @TempDir
    Path dir;

    @Test
    void saveRefusesToReplaceAFolderOrAFifo() throws Exception {
        Map<String, Tensor> sd = Map.of("w", Tensor.of(new float[] {1, 2, 3}, 3));
        Path folder = Files.createDirectory(dir.resolve("m.safetensors"));
        ModelFileException e = assertThrows(ModelFileException.class, () -> Safetensors.save(folder, sd, null));
        assertTrue(e.getMessage().contains("it is a directory, and saving replaces the file"), e.getMessage());
        assertTrue(Files.isDirectory(folder), "the empty folder was replaced by the rename");

        Path fifo = dir.resolve("pipe.safetensors");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        e = assertThrows(ModelFileException.class, () -> Safetensors.save(fifo, sd, null));
        assertTrue(e.getMessage().contains("not a regular file (a device, FIFO or socket)"), e.getMessage());
        assertTrue(Files.exists(fifo) && !Files.isRegularFile(fifo), "the FIFO was replaced by a regular file");
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(2, s.count(), "no temporary file left");
        }
    }

    // ------------------------------------------------------------------ round trip

    @Test
    void roundTripKeepsValuesShapesDtypesOrderAndMetadata() throws IOException {
        Map<String, Tensor> in = new LinkedHashMap<>();
        in.put("w", Tensor.of(new float[] {1.5f, -2f, Float.MIN_VALUE, Float.MAX_VALUE, -0f, 0.1f}, 2, 3));
        in.put("labels", Tensor.of(new int[] {0, -1, Integer.MAX_VALUE, Integer.MIN_VALUE}, 4));
        in.put("scalar", Tensor.scalar(3.25f));
        in.put("iscalar", Tensor.of(new int[] {42}, 1).reshape());
        in.put("empty", Tensor.of(new float[0], 0));
        in.put("empty2d", Tensor.of(new int[0], 3, 0));
        in.put("nan", Tensor.of(new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}, 3));
        in.put("transposed", Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3).t());
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("clgrad.model", "Sequential(\n  (0): Linear(in_features=2, out_features=1, bias=True)\n)");
        meta.put("unicode \"quoted\" ✓ \\ \u0001", "é😀");
        meta.put("empty", "");
        Path p = dir.resolve("model.safetensors");
        Safetensors.save(p, in, meta);

        SafetensorsFile f = Safetensors.load(p);
        assertEquals(List.copyOf(in.keySet()), List.copyOf(f.tensors().keySet()));
        assertEquals(meta, f.metadata());
        for (Map.Entry<String, Tensor> e : in.entrySet()) {
            Tensor a = e.getValue();
            Tensor b = f.tensors().get(e.getKey());
            assertEquals(Device.cpu(), b.device(), e.getKey());
            assertEquals(a.dtype(), b.dtype(), e.getKey());
            assertArrayEquals(a.shape(), b.shape(), e.getKey());
            if (a.dtype() == DType.INT32) {
                assertArrayEquals(a.toIntArray(), b.toIntArray(), e.getKey());
            } else {
                assertArrayEquals(bits(a.toFloatArray()), bits(b.toFloatArray()), e.getKey());
            }
        }
        assertEquals(0, f.tensors().get("scalar").dim());
        assertEquals(3.25f, f.tensors().get("scalar").item());
        assertEquals(42, f.tensors().get("iscalar").toIntArray()[0]);
        assertEquals(0, f.tensors().get("iscalar").dim());
        assertEquals(meta, Safetensors.readMetadata(p));
        assertEquals(meta, Checkpoints.readMetadata(p));
    }

    @Test
    void layoutFollowsTheSpecHeaderPaddedDataPackedInHeaderOrder() throws IOException {
        Map<String, Tensor> in = new LinkedHashMap<>();
        in.put("b", Tensor.of(new float[] {1, 2, 3}, 3));
        in.put("a", Tensor.of(new int[] {7}, 1));
        Path p = dir.resolve("x.safetensors");
        Safetensors.save(p, in, Map.of("k", "v"));
        byte[] bytes = Files.readAllBytes(p);
        ByteBuffer bb = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long n = bb.getLong();
        assertEquals(0, n % 8);
        String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
        assertEquals("{\"__metadata__\":{\"k\":\"v\"},\"b\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,12]},"
                + "\"a\":{\"dtype\":\"I32\",\"shape\":[1],\"data_offsets\":[12,16]}}", header.stripTrailing());
        assertTrue(header.endsWith("}") || header.endsWith(" "));
        assertEquals(8 + n + 16, bytes.length);
        bb.position((int) (8 + n));
        assertEquals(1f, bb.getFloat());
        assertEquals(2f, bb.getFloat());
        assertEquals(3f, bb.getFloat());
        assertEquals(7, bb.getInt());
    }

    @Test
    void noMetadataWritesNoMetadataKey() throws IOException {
        Path p = dir.resolve("plain.safetensors");
        Safetensors.save(p, Map.of("x", Tensor.of(new float[] {1}, 1)), null);
        assertFalse(new String(Files.readAllBytes(p), StandardCharsets.UTF_8).contains("__metadata__"));
        assertEquals(Map.of(), Safetensors.load(p).metadata());
        Safetensors.save(p, Map.of(), Map.of());
        assertEquals(0, Safetensors.load(p).tensors().size());
    }

    static Stream<Device> devices() {
        return TestDevices.all().stream();
    }

    @ParameterizedTest
    @MethodSource("devices")
    void savesTensorsOnAnyDevice(Device device) throws IOException {
        Map<String, Tensor> in = new LinkedHashMap<>();
        in.put("f", Tensor.of(device, new float[] {1, 2, 3, 4}, 2, 2));
        in.put("i", Tensor.of(device, new int[] {5, 6}, 2));
        Path p = dir.resolve("dev.safetensors");
        Safetensors.save(p, in, null);
        SafetensorsFile f = Safetensors.load(p);
        assertArrayEquals(new float[] {1, 2, 3, 4}, f.tensors().get("f").toFloatArray());
        assertArrayEquals(new int[] {5, 6}, f.tensors().get("i").toIntArray());
        assertEquals(Device.cpu(), f.tensors().get("f").device());
    }

    @Test
    void rejectsBadArgumentsBeforeTouchingTheFile() {
        Path p = dir.resolve("bad.safetensors");
        assertThrows(IllegalArgumentException.class,
                () -> Safetensors.save(p, Map.of("__metadata__", Tensor.scalar(1)), null));
        Map<String, Tensor> withNull = new LinkedHashMap<>();
        withNull.put("x", null);
        assertThrows(IllegalArgumentException.class, () -> Safetensors.save(p, withNull, null));
        Map<String, String> nullValue = new LinkedHashMap<>();
        nullValue.put("k", null);
        assertThrows(IllegalArgumentException.class, () -> Safetensors.save(p, Map.of(), nullValue));
        assertFalse(Files.exists(p));
        Path nowhere = dir.resolve("no/such/dir/m.safetensors");
        assertEquals(nowhere + ": can't be written: directory " + nowhere.getParent() + " does not exist",
                assertThrows(ModelFileException.class, () -> Safetensors.save(nowhere, Map.of(), null)).getMessage());
    }

    // ------------------------------------------------------------------ atomic save

    @Test
    void failedSaveLeavesTheOldFileAndNoTemporaryFile() throws IOException {
        Path p = dir.resolve("model.safetensors");
        Safetensors.save(p, Map.of("x", Tensor.of(new float[] {1, 2}, 2)), Map.of("v", "1"));
        byte[] before = Files.readAllBytes(p);

        Tensor closed = Tensor.of(new float[1000], 1000);
        closed.close();
        Map<String, Tensor> in = new LinkedHashMap<>();
        in.put("first", Tensor.of(new float[300_000], 300_000));   // more than one write chunk lands first
        in.put("broken", closed);
        assertThrows(RuntimeException.class, () -> Safetensors.save(p, in, Map.of("v", "2")));

        assertArrayEquals(before, Files.readAllBytes(p));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(p), files.toList());
        }
        assertEquals("1", Safetensors.load(p).metadata().get("v"));
    }

    @Test
    void saveReplacesAnExistingFile() throws IOException {
        Path p = dir.resolve("m.safetensors");
        Safetensors.save(p, Map.of("x", Tensor.of(new float[] {1}, 1)), null);
        Safetensors.save(p, Map.of("y", Tensor.of(new float[] {2, 3}, 2)), null);
        assertEquals(List.of("y"), List.copyOf(Safetensors.load(p).tensors().keySet()));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(1, files.count());
        }
    }

    // ------------------------------------------------------------------ independent writer

    @Test
    void numpyWrittenFixtureLoadsWithTheRightValues() throws Exception {
        Path p = resource("numpy-written.safetensors");
        Map<?, ?> expected;
        try (InputStream in = getClass().getResourceAsStream("/safetensors/numpy-written.expected.json")) {
            expected = (Map<?, ?>) Json.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        SafetensorsFile f = Safetensors.load(p);
        assertEquals(expected.get("metadata"), f.metadata());
        Map<?, ?> tensors = (Map<?, ?>) expected.get("tensors");
        assertEquals(tensors.keySet(), f.tensors().keySet());
        for (Map.Entry<?, ?> e : tensors.entrySet()) {
            String name = (String) e.getKey();
            Map<?, ?> want = (Map<?, ?>) e.getValue();
            Tensor t = f.tensors().get(name);
            List<?> shape = (List<?>) want.get("shape");
            assertArrayEquals(shape.stream().mapToInt(o -> ((Long) o).intValue()).toArray(), t.shape(), name);
            List<?> values = (List<?>) want.get("values");
            if (want.get("clgrad_dtype").equals("int32")) {
                assertEquals(DType.INT32, t.dtype(), name);
                assertArrayEquals(values.stream().mapToInt(o -> ((Long) o).intValue()).toArray(), t.toIntArray(), name);
            } else {
                assertEquals(DType.FLOAT32, t.dtype(), name);
                float[] w = new float[values.size()];
                for (int i = 0; i < w.length; i++) {
                    w[i] = ((Number) values.get(i)).floatValue();
                }
                assertArrayEquals(bits(w), bits(t.toFloatArray()), name);
            }
        }
        assertEquals(0, f.tensors().get("scalar").dim());
        assertEquals(2.5f, f.tensors().get("scalar").item());
    }

    private Path resource(String name) throws IOException {
        Path p = dir.resolve(name);
        try (InputStream in = getClass().getResourceAsStream("/safetensors/" + name)) {
            Files.write(p, in.readAllBytes());
        }
        return p;
    }

    @Test
    void halfPrecisionConversionIsExact() {
        assertEquals(1f, Safetensors.halfToFloat((short) 0x3c00));
        assertEquals(-2f, Safetensors.halfToFloat((short) 0xc000));
        assertEquals(65504f, Safetensors.halfToFloat((short) 0x7bff));
        assertEquals(0x1p-24f, Safetensors.halfToFloat((short) 0x0001));
        assertEquals(0x1p-14f, Safetensors.halfToFloat((short) 0x0400));
        assertEquals(Float.NEGATIVE_INFINITY, Safetensors.halfToFloat((short) 0xfc00));
        assertTrue(Float.isNaN(Safetensors.halfToFloat((short) 0x7e00)));
        assertEquals(Float.floatToIntBits(-0f), Float.floatToIntBits(Safetensors.halfToFloat((short) 0x8000)));
    }

    @Test
    void otherIntegerDtypesConvertWhenTheyFit() throws IOException {
        ByteBuffer data = ByteBuffer.allocate(8 * 2 + 2 + 4 * 2 + 8).order(ByteOrder.LITTLE_ENDIAN);
        data.putLong(-5).putLong(1L << 31);
        data.put((byte) 1).put((byte) 0);
        data.putInt(-1).putInt(7);
        data.putLong(3);
        String h = "{\"big\":{\"dtype\":\"I64\",\"shape\":[2],\"data_offsets\":[0,16]},"
                + "\"flags\":{\"dtype\":\"BOOL\",\"shape\":[2],\"data_offsets\":[16,18]},"
                + "\"u32\":{\"dtype\":\"U32\",\"shape\":[2],\"data_offsets\":[18,26]},"
                + "\"i64\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[26,34]}}";
        Path p = file("ints.safetensors", h, data.array());
        String msg = assertThrows(ModelFileException.class, () -> Safetensors.load(p)).getMessage();
        assertEquals(p + ": tensor \"big\" (I64) holds 2147483648 at index 1, outside the int32 range that clgrad"
                + " reads I64 tensors into", msg);

        data.putLong(8, 9);
        data.putInt(18, 4);
        Path q = file("ints2.safetensors", h, data.array());
        SafetensorsFile f = Safetensors.load(q);
        assertArrayEquals(new int[] {-5, 9}, f.tensors().get("big").toIntArray());
        assertArrayEquals(new int[] {1, 0}, f.tensors().get("flags").toIntArray());
        assertArrayEquals(new int[] {4, 7}, f.tensors().get("u32").toIntArray());
        assertArrayEquals(new int[] {3}, f.tensors().get("i64").toIntArray());
    }

    // ------------------------------------------------------------------ rejections

    /** A file with an exact header text (not padded) and data. */
    private Path file(String name, String header, byte[] data) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer bb = ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        bb.putLong(h.length).put(h).put(data);
        Path p = dir.resolve(name);
        Files.write(p, bb.array());
        return p;
    }

    private String rejection(String header, int dataBytes) throws IOException {
        Path p = file("bad.safetensors", header, new byte[dataBytes]);
        ModelFileException e = assertThrows(ModelFileException.class, () -> Safetensors.load(p));
        assertEquals(p, e.file());
        assertTrue(e.getMessage().startsWith(p + ": "), e.getMessage());
        assertThrows(ModelFileException.class, () -> Safetensors.readMetadata(p));
        return e.problem();
    }

    private static String tensor(String dtype, String shape, String offsets) {
        return "{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":" + offsets + "}";
    }

    @Test
    void rejectsFilesShorterThanTheLengthPrefix() throws IOException {
        Path p = dir.resolve("short.safetensors");
        Files.write(p, new byte[] {1, 2, 3});
        assertEquals(p + ": file is 3 bytes, too short for a safetensors file (it starts with an 8-byte header length)",
                assertThrows(ModelFileException.class, () -> Safetensors.load(p)).getMessage());
        Files.write(p, new byte[0]);
        assertThrows(ModelFileException.class, () -> Safetensors.load(p));
    }

    @Test
    void rejectsAHeaderLongerThanTheFile() throws IOException {
        Path p = dir.resolve("model.safetensors");
        ByteBuffer bb = ByteBuffer.allocate(2048).order(ByteOrder.LITTLE_ENDIAN).putLong(123456789L);
        Files.write(p, bb.array());
        assertEquals(p + ": header length 123456789 is larger than the file (2048 bytes); the file is truncated or"
                + " not a safetensors file", assertThrows(ModelFileException.class, () -> Safetensors.load(p)).getMessage());
        // unsigned: 0xffff... must not wrap to a negative length
        bb.putLong(0, -1L);
        Files.write(p, bb.array());
        assertTrue(assertThrows(ModelFileException.class, () -> Safetensors.load(p)).getMessage()
                .contains("header length 18446744073709551615 is larger than the file"));
    }

    @Test
    void rejectsAHeaderOverTheLimitWithoutReadingIt() throws IOException {
        Path p = dir.resolve("huge.safetensors");
        try (var ch = java.nio.channels.FileChannel.open(p, java.nio.file.StandardOpenOption.CREATE_NEW,
                java.nio.file.StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(100_000_001L).flip());
            ch.write(ByteBuffer.wrap(new byte[] {' '}), 8 + 100_000_001L);   // sparse: the file is big enough
        }
        assertEquals(p + ": header length 100000001 exceeds the limit of 100000000 bytes",
                assertThrows(ModelFileException.class, () -> Safetensors.load(p)).getMessage());
    }

    @Test
    void rejectsTruncatedFiles() throws IOException {
        Path p = dir.resolve("t.safetensors");
        Safetensors.save(p, Map.of("x", Tensor.of(new float[] {1, 2, 3, 4}, 4)), Map.of("a", "b"));
        byte[] all = Files.readAllBytes(p);
        Files.write(p, java.util.Arrays.copyOf(all, all.length - 4));
        assertEquals(p + ": tensor \"x\" has data_offsets [0,16], outside the data section of 12 bytes (they must"
                + " satisfy 0 <= begin <= end <= 12); the file is truncated or corrupt",
                assertThrows(ModelFileException.class, () -> Safetensors.load(p)).getMessage());
        Files.write(p, java.util.Arrays.copyOf(all, 20));
        assertTrue(assertThrows(ModelFileException.class, () -> Safetensors.load(p)).getMessage()
                .contains("is larger than the file (20 bytes)"));
    }

    @Test
    void rejectsHeadersThatAreNotUtf8JsonObjects() throws IOException {
        Path p = dir.resolve("bad.safetensors");
        ByteBuffer bb = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).putLong(4);
        bb.put(new byte[] {'{', (byte) 0xff, '}', ' '});
        Files.write(p, bb.array());
        assertEquals("header is not valid UTF-8",
                assertThrows(ModelFileException.class, () -> Safetensors.load(p)).problem());
        assertEquals("header is not valid JSON: expected a string key, got 'x' at character 1", rejection("{x}", 0));
        assertEquals("header is not valid JSON: unexpected end of JSON at character 0", rejection("", 0));
        assertEquals("header is not valid JSON: unexpected ',' after the JSON value at character 2", rejection("{},", 0));
        assertEquals("header is not a JSON object but a list", rejection("[]   ", 0));
        assertEquals("header is not valid JSON: JSON nested deeper than 64 levels at character 64",
                rejection("[".repeat(100) + "]".repeat(100), 0));
        assertEquals("header is not valid JSON: duplicate key \"x\" at character 54",
                rejection("{\"x\":" + tensor("F32", "[0]", "[0,0]") + ",\"x\":" + tensor("F32", "[0]", "[0,0]") + "}", 0));
    }

    @Test
    void rejectsEntriesWithoutDtypeShapeOrOffsets() throws IOException {
        assertEquals("tensor \"w\" has no \"dtype\"", rejection("{\"w\":{\"shape\":[1],\"data_offsets\":[0,4]}}", 4));
        assertEquals("tensor \"w\" has no \"shape\"", rejection("{\"w\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", 4));
        assertEquals("tensor \"w\" has no \"data_offsets\"", rejection("{\"w\":{\"dtype\":\"F32\",\"shape\":[1]}}", 4));
        assertEquals("tensor \"w\" must be an object with dtype, shape and data_offsets, but it is a number",
                rejection("{\"w\":3}", 0));
        assertEquals("tensor \"w\": dtype must be a string, but it is a number",
                rejection("{\"w\":" + tensor("F32", "[1]", "[0,4]").replace("\"F32\"", "32") + "}", 4));
    }

    @Test
    void rejectsUnknownDtypesNamingThem() throws IOException {
        assertEquals("tensor \"w\" has unknown dtype \"F33\"", rejection("{\"w\":" + tensor("F33", "[1]", "[0,4]") + "}", 4));
        assertTrue(rejection("{\"w\":" + tensor("F8_E4M3", "[1]", "[0,1]") + "}", 1)
                .startsWith("tensor \"w\" has dtype F8_E4M3, which clgrad does not support"));
    }

    @Test
    void rejectsBadShapes() throws IOException {
        String expect = "tensor \"w\": shape must be a list of non-negative integers, got ";
        assertEquals(expect + "[-1]", rejection("{\"w\":" + tensor("F32", "[-1]", "[0,4]") + "}", 4));
        assertEquals(expect + "[1.5]", rejection("{\"w\":" + tensor("F32", "[1.5]", "[0,4]") + "}", 4));
        assertEquals(expect + "[\"2\"]", rejection("{\"w\":" + tensor("F32", "[\"2\"]", "[0,4]") + "}", 4));
        assertEquals("tensor \"w\": shape must be a list of integers, but it is a number",
                rejection("{\"w\":" + tensor("F32", "4", "[0,4]") + "}", 4));
        assertEquals("tensor \"w\" has shape [65536,65536], more than 2147483647 elements",
                rejection("{\"w\":" + tensor("F32", "[65536,65536]", "[0,4]") + "}", 4));
        assertEquals("tensor \"w\" has shape [2147483648], a dimension larger than 2147483647",
                rejection("{\"w\":" + tensor("F32", "[2147483648]", "[0,4]") + "}", 4));
        assertEquals("tensor \"w\" has shape [99999999999999999999999], a dimension larger than 2147483647",
                rejection("{\"w\":" + tensor("F32", "[99999999999999999999999]", "[0,4]") + "}", 4));
        // a zero dimension makes a big shape empty: fine
        Path ok = file("ok.safetensors", "{\"w\":" + tensor("F32", "[0,65536,65536]", "[0,0]") + "}", new byte[0]);
        assertArrayEquals(new int[] {0, 65536, 65536}, Safetensors.load(ok).tensors().get("w").shape());
    }

    @Test
    void rejectsOffsetsOutOfRange() throws IOException {
        assertEquals("tensor \"w\" has data_offsets [0,8], outside the data section of 4 bytes (they must satisfy"
                + " 0 <= begin <= end <= 4); the file is truncated or corrupt",
                rejection("{\"w\":" + tensor("F32", "[2]", "[0,8]") + "}", 4));
        assertTrue(rejection("{\"w\":" + tensor("F32", "[1]", "[4,0]") + "}", 4).contains("outside the data section"));
        assertTrue(rejection("{\"w\":" + tensor("F32", "[0]", "[-4,-4]") + "}", 4).contains("outside the data section"));
        assertTrue(rejection("{\"w\":" + tensor("F32", "[1]", "[0,99999999999999999999]") + "}", 4)
                .contains("outside the data section"));
        assertEquals("tensor \"w\": data_offsets must be [begin, end], two integers, got [0]",
                rejection("{\"w\":" + tensor("F32", "[1]", "[0]") + "}", 4));
        assertEquals("tensor \"w\": data_offsets must be [begin, end], two integers, got [0,4.0]",
                rejection("{\"w\":" + tensor("F32", "[1]", "[0,4.0]") + "}", 4));
    }

    @Test
    void rejectsAByteLengthThatDoesNotMatchTheShape() throws IOException {
        assertEquals("tensor \"w\" has 8 bytes of data (data_offsets [0,8]), but its shape [3] and dtype F32 need 12",
                rejection("{\"w\":" + tensor("F32", "[3]", "[0,8]") + "}", 16));
    }

    @Test
    void rejectsOverlapsButAllowsGapsAndEmptyTensorsAnywhere() throws IOException {
        assertEquals("tensors \"a\" [0, 8) and \"b\" [4, 12) overlap in the data section",
                rejection("{\"a\":" + tensor("F32", "[2]", "[0,8]") + ",\"b\":" + tensor("I32", "[2]", "[4,12]") + "}", 12));
        assertTrue(rejection("{\"a\":" + tensor("F32", "[2]", "[0,8]") + ",\"b\":" + tensor("F32", "[2]", "[0,8]") + "}", 8)
                .contains("overlap"));
        ByteBuffer data = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putFloat(0, 1f).putFloat(12, 2f);
        Path p = file("gaps.safetensors", "{\"b\":" + tensor("F32", "[1]", "[12,16]") + ",\"a\":"
                + tensor("F32", "[1]", "[0,4]") + ",\"e\":" + tensor("F32", "[0]", "[2,2]") + "}", data.array());
        SafetensorsFile f = Safetensors.load(p);
        assertEquals(List.of("b", "a", "e"), List.copyOf(f.tensors().keySet()));
        assertEquals(2f, f.tensors().get("b").item());
        assertEquals(1f, f.tensors().get("a").item());
    }

    @Test
    void rejectsMetadataThatIsNotAStringMap() throws IOException {
        assertEquals("\"__metadata__\" must map strings to strings, but \"epoch\" is a number",
                rejection("{\"__metadata__\":{\"epoch\":3}}", 0));
        assertEquals("\"__metadata__\" must map strings to strings, but it is a list",
                rejection("{\"__metadata__\":[\"a\"]}", 0));
    }

    @Test
    void rejectsMissingFilesAndDirectories() {
        Path p = dir.resolve("missing.safetensors");
        assertEquals(p + ": no such file", assertThrows(ModelFileException.class, () -> Safetensors.load(p)).getMessage());
        assertEquals(dir + ": is a directory, not a safetensors file",
                assertThrows(ModelFileException.class, () -> Safetensors.load(dir)).getMessage());
    }

    private static int[] bits(float[] a) {
        int[] out = new int[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = Float.floatToRawIntBits(a[i]);
        }
        return out;
    }
}
