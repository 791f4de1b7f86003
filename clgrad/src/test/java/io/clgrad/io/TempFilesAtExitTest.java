package io.clgrad.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clgrad.ChildJvm;
import io.clgrad.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A save interrupted by an orderly JVM exit (Ctrl-C, SIGTERM) leaves no temporary file: it used to
 * leave the whole {@code .NAME.<pid>.<n>.tmp} (36 MB for a Fashion-MNIST model) until the next save
 * to that path.
 */
class TempFilesAtExitTest {

    /** The child: {@code block DIR} creates a temporary file and waits; {@code loop DIR} saves a 64 MB tensor over and over. */
    public static final class Child {
        private Child() {
        }

        /** Entry point of the child JVM. */
        public static void main(String[] args) throws Exception {
            Path dir = Path.of(args[1]);
            if (args[0].equals("block")) {
                Path tmp = TempFiles.create(dir, "m.safetensors");
                System.out.println("created " + tmp);
                System.out.flush();
                Thread.sleep(600_000);
                return;
            }
            float[] data = new float[16 << 20];
            try (Tensor t = Tensor.of(data, data.length)) {
                for (int i = 0; ; i++) {
                    Safetensors.save(dir.resolve("m.safetensors"), Map.of("w", t), Map.of("i", Integer.toString(i)));
                    System.out.println("saved " + i);
                    System.out.flush();
                }
            }
        }
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /**
     * Starts the child in {@code mode}, waits until {@code ready} holds, sends it SIGTERM
     * ({@link Process#destroy()}) and waits for it to end.
     *
     * @return what the child printed
     */
    private static String runAndTerminate(String mode, Path dir, BooleanSupplier ready) throws Exception {
        return ChildJvm.terminateWhen(new ProcessBuilder(ChildJvm.command(List.of("--add-modules",
                "jdk.incubator.vector"), Child.class, mode, dir.toString())), output -> ready.getAsBoolean(),
                Duration.ofSeconds(120), Duration.ZERO, Duration.ofSeconds(60));
    }

    @Test
    void aTemporaryFileOfAJvmEndedBySigtermIsDeleted(@TempDir Path dir) throws Exception {
        String out = runAndTerminate("block", dir, () -> {
            try {
                return names(dir).stream().anyMatch(n -> n.startsWith(".m.safetensors.") && n.endsWith(".tmp"));
            } catch (IOException e) {
                return false;
            }
        });
        assertTrue(out.contains("created " + dir.resolve(".m.safetensors.")), out);
        assertEquals(List.of(), names(dir), out);
    }

    /**
     * A real save loop ended by SIGTERM. (This one held before the shutdown hook too, here: the
     * backends' own shutdown hook closes the CPU backend, so the save in progress fails reading its
     * tensor and deletes its file; it guards the whole path, while the test above checks the hook.)
     */
    @Test
    void aSaveInterruptedBySigtermLeavesTheLastCompleteFileAndNoTemporaryFile(@TempDir Path dir) throws Exception {
        Path model = dir.resolve("m.safetensors");
        // SIGTERM once two saves are done: most of the loop's time is spent writing a temporary file
        runAndTerminate("loop", dir, () -> {
            try {
                return Files.exists(model) && !"0".equals(Safetensors.readMetadata(model).get("i"));
            } catch (IOException e) {
                return false;   // read while being replaced
            }
        });
        assertEquals(List.of("m.safetensors"), names(dir));
        SafetensorsFile f = Safetensors.load(model);   // complete and valid
        try {
            assertArrayEquals(new int[] {16 << 20}, f.tensors().get("w").shape());
        } finally {
            f.tensors().values().forEach(Tensor::close);
        }
    }

    @Test
    void releasedFilesAreNoLongerRegistered(@TempDir Path dir) throws IOException {
        try (Tensor t = Tensor.of(new float[] {1, 2}, 2)) {
            Safetensors.save(dir.resolve("a.safetensors"), Map.of("w", t), null);
        }
        assertTrue(TempFiles.inFlight().stream().noneMatch(p -> p.startsWith(dir)), TempFiles.inFlight().toString());
        Path tmp = TempFiles.create(dir, "b.safetensors");
        assertTrue(TempFiles.inFlight().contains(tmp));
        TempFiles.release(tmp);
        assertTrue(!TempFiles.inFlight().contains(tmp));
        Files.delete(tmp);
    }
}
