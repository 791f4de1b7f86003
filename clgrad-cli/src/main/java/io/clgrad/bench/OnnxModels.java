package io.clgrad.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The bench's infer models as ONNX files for the ONNX Runtime side, in a temporary directory that
 * lives as long as this object: {@code scripts/bench-pytorch.py --export-onnx DIR} writes {@code
 * mlp.onnx} and {@code cnn.onnx} (the PyTorch side's modules and weights) and a check file for
 * each, whose logits the ONNX Runtime side compares with its own before it times anything.
 *
 * <pre>{@code
 * try (OnnxModels models = OnnxModels.export("/usr/bin/python3", Path.of("scripts/bench-pytorch.py"))) {
 *     ComparisonProcess ort = ComparisonProcess.onnxRuntime(jar, script, 2, models.dir());
 * }
 * }</pre>
 */
final class OnnxModels implements AutoCloseable {
    private final Path dir;

    private OnnxModels(Path dir) {
        this.dir = dir;
    }

    /**
     * Exports the models into a new temporary directory: runs {@code python pytorchScript
     * --export-onnx DIR} and waits for it.
     *
     * @throws IOException when Python cannot run the export or it fails (its last output line is in
     *                     the message); the directory is deleted then
     */
    static OnnxModels export(String python, Path pytorchScript) throws IOException {
        OnnxModels models = new OnnxModels(Files.createTempDirectory("clgrad-bench-onnx"));
        try {
            run(python, pytorchScript, models.dir);
            return models;
        } catch (IOException | RuntimeException e) {
            models.close();
            throw e;
        }
    }

    /** The directory holding the models and their check files. */
    Path dir() {
        return dir;
    }

    /** Deletes the directory and the models in it. */
    @Override
    public void close() throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        }
    }

    private static void run(String python, Path pytorchScript, Path dir) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(List.of(python, pytorchScript.toString(), "--export-onnx", dir.toString()));
        pb.redirectErrorStream(true);
        pb.environment().remove("LD_PRELOAD");   // the JVM's libjsig is no business of Python's
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new IOException("cannot start " + python + " to export the ONNX models: " + e.getMessage(), e);
        }
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (p.waitFor() != 0) {
                String[] lines = text.strip().split("\\R");
                throw new IOException(pytorchScript + " --export-onnx failed: " + lines[lines.length - 1]);
            }
        } catch (InterruptedException e) {
            p.destroy();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while exporting the ONNX models", e);
        }
    }
}
