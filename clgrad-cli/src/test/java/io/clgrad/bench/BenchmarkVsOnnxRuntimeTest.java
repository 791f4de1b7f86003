package io.clgrad.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clgrad.Device;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code clgrad bench --vs-onnxruntime}: the infer workloads are sent to the ONNX Runtime side (a child
 * JVM running the script with the jar on its class path, here a stand-in that answers 1000 us for the
 * mlp and an error for the cnn), and each answered one gets a latency ratio line against it computed
 * from the two lines; an error answer is reported and the bench goes on in step; a missing jar or a
 * failed export is reported with what to do.
 */
class BenchmarkVsOnnxRuntimeTest {
    private static final Pattern CLGRAD_INFER = Pattern.compile("(?m)^infer (mlp|cnn) batch=(\\d+): ([0-9.]+) us$");

    @Test
    void everyAnsweredInferLineGetsALatencyRatioAgainstOnnxRuntime(@TempDir Path tmp) throws Exception {
        Path script = Path.of(getClass().getResource("fake-onnxruntime.java").toURI());
        Path jar = emptyJar(tmp.resolve("onnxruntime-stand-in.jar"));
        // "python" exits 0 without writing models: the export step is PyTorch's, not under test here
        Benchmark.Options o = new Benchmark.Options(java.util.List.of(Device.cpu()), true, false, false, false,
                "/bin/true", Path.of("scripts/bench-pytorch.py"), 2, Path.of("/nonexistent"),
                new Benchmark.OnnxRuntime(jar, script));
        StringWriter text = new StringWriter();
        new Benchmark(o, new PrintWriter(text, true)).run();
        String out = text.toString();
        assertTrue(out.contains("onnxruntime device: fake (test stand-in)"), out);
        Matcher m = CLGRAD_INFER.matcher(out);
        int lines = 0;
        while (m.find()) {
            String workload = "infer " + m.group(1) + " batch=" + m.group(2);
            if (m.group(1).equals("cnn")) {
                assertTrue(out.contains("onnxruntime: cnn batch=" + m.group(2) + " not run: bench-onnxruntime.java: "
                        + "the stand-in runs no cnn"), out);
                assertFalse(out.contains("ratio clgrad/onnxruntime " + workload), out);
                continue;
            }
            double ratio = Double.parseDouble(m.group(3)) / 1000.0;
            assertTrue(out.contains("onnxruntime " + workload + ": 1000.0 us"), out);
            assertTrue(out.contains(String.format(Locale.ROOT, "ratio clgrad/onnxruntime %s: %.2fx (latency: lower is better)",
                    workload, ratio)), workload + " in:\n" + out);
            lines++;
        }
        assertEquals(InferenceWorkloads.CASES.stream().filter(c -> c.model().equals("mlp")).count(), lines, out);
        assertFalse(out.contains("ratio clgrad/pytorch"), "no --vs-pytorch, so no PyTorch ratios:\n" + out);
        assertTrue(out.contains("\nbench time: "), "the bench ran to its end:\n" + out);
    }

    @Test
    void aMissingJarSaysWhatToSet(@TempDir Path tmp) {
        Path script = tmp.resolve("bench-onnxruntime.java");
        IOException e = assertThrows(IOException.class,
                () -> ComparisonProcess.onnxRuntime(tmp.resolve("absent.jar"), script, 2, tmp));
        assertTrue(e.getMessage().contains("absent.jar") && e.getMessage().contains("CLGRAD_BENCH_ONNXRUNTIME_JAR"),
                e.getMessage());
        IOException none = assertThrows(IOException.class, () -> ComparisonProcess.onnxRuntime(null, script, 2, tmp));
        assertTrue(none.getMessage().contains("--onnxruntime-jar"), none.getMessage());
    }

    @Test
    void aFailingExportNamesTheScriptAndItsLastLine(@TempDir Path tmp) throws Exception {
        Path fakePython = tmp.resolve("python");
        Files.writeString(fakePython, "#!/bin/sh\necho 'ModuleNotFoundError: No module named torch'\nexit 1\n");
        assertTrue(fakePython.toFile().setExecutable(true));
        IOException e = assertThrows(IOException.class,
                () -> OnnxModels.export(fakePython.toString(), Path.of("scripts/bench-pytorch.py")));
        assertTrue(e.getMessage().contains("--export-onnx failed: ModuleNotFoundError: No module named torch"),
                e.getMessage());
    }

    private static Path emptyJar(Path path) throws IOException {
        try (OutputStream os = Files.newOutputStream(path); JarOutputStream j = new JarOutputStream(os, new Manifest())) {
            j.flush();
        }
        return path;
    }
}
