package io.clgrad.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clgrad.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Safetensors#save} writes through a symbolic link, as {@code torch.save} does: it used to
 * replace the link with a regular file and leave the file the link pointed to unchanged.
 */
class SafetensorsSymlinkTest {

    private static void save(Path path, float value) throws IOException {
        try (Tensor t = Tensor.of(new float[] {value, value + 1}, 2)) {
            Safetensors.save(path, Map.of("w", t), Map.of("v", Float.toString(value)));
        }
    }

    private static float[] read(Path path) throws IOException {
        SafetensorsFile f = Safetensors.load(path);
        try {
            return f.tensors().get("w").toFloatArray();
        } finally {
            f.tensors().values().forEach(Tensor::close);
        }
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void saveToALinkReplacesTheFileItPointsToAndKeepsTheLink(@TempDir Path dir) throws IOException {
        Path models = Files.createDirectory(dir.resolve("models"));
        Path real = models.resolve("v2.safetensors");
        save(real, 1);
        Files.setPosixFilePermissions(real, PosixFilePermissions.fromString("rw-------"));
        Path link = Files.createSymbolicLink(dir.resolve("latest.safetensors"), Path.of("models/v2.safetensors"));

        save(link, 5);
        assertTrue(Files.isSymbolicLink(link), "the link was replaced by a file");
        assertEquals(Path.of("models/v2.safetensors"), Files.readSymbolicLink(link));
        assertArrayEquals(new float[] {5, 6}, read(real));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(real)));
        assertEquals(List.of("latest.safetensors", "models"), names(dir));   // no temporary file left
        assertEquals(List.of("v2.safetensors"), names(models));
    }

    @Test
    void aLinkToAMissingFileCreatesItAndAChainOfLinksIsFollowed(@TempDir Path dir) throws IOException {
        Path out = Files.createDirectory(dir.resolve("out"));
        Path dangling = Files.createSymbolicLink(dir.resolve("a.safetensors"), out.resolve("model.safetensors"));
        Path chain = Files.createSymbolicLink(dir.resolve("b.safetensors"), Path.of("a.safetensors"));
        save(chain, 3);
        assertTrue(Files.isSymbolicLink(chain) && Files.isSymbolicLink(dangling));
        assertTrue(Files.isRegularFile(out.resolve("model.safetensors"), java.nio.file.LinkOption.NOFOLLOW_LINKS));
        assertArrayEquals(new float[] {3, 4}, read(chain));
        assertEquals(List.of("model.safetensors"), names(out));
    }

    @Test
    void aLoopOfLinksOrALinkToADirectoryIsRefusedNamingThePath(@TempDir Path dir) throws IOException {
        Path a = dir.resolve("a.safetensors");
        Path b = dir.resolve("b.safetensors");
        Files.createSymbolicLink(a, b.getFileName());
        Files.createSymbolicLink(b, a.getFileName());
        ModelFileException e = assertThrows(ModelFileException.class, () -> save(a, 1));
        assertEquals(a + ": can't be written: more than 40 symbolic links in a row (a loop of links?)", e.getMessage());

        Path sub = Files.createDirectory(dir.resolve("sub"));
        Path toDir = Files.createSymbolicLink(dir.resolve("d.safetensors"), sub);
        e = assertThrows(ModelFileException.class, () -> save(toDir, 1));
        assertTrue(e.getMessage().startsWith(toDir + ": can't be written: it is a directory"), e.getMessage());
        assertTrue(Files.isSymbolicLink(toDir));

        Path intoMissingDir = Files.createSymbolicLink(dir.resolve("m.safetensors"), dir.resolve("nowhere/m.safetensors"));
        e = assertThrows(ModelFileException.class, () -> save(intoMissingDir, 1));
        assertEquals(intoMissingDir + ": can't be written: directory " + dir.resolve("nowhere") + " does not exist ("
                + intoMissingDir + " is a symbolic link to " + dir.resolve("nowhere/m.safetensors") + ")", e.getMessage());
        assertEquals(List.of(), names(sub));
    }
}
