package io.clgrad.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clgrad.Device;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code scripts/bench --vs-pytorch} on a machine without PyTorch still prints clgrad's own lines,
 * and says what is missing instead of failing.
 */
class BenchmarkWithoutPyTorchTest {

    @Test
    void aMissingPythonIsReportedAndClgradStillRuns() throws Exception {
        StringWriter text = new StringWriter();
        Benchmark.Options o = new Benchmark.Options(List.of(Device.cpu()), true, false, false, true,
                "/nonexistent/python3", Path.of("scripts/bench-pytorch.py"), 2, Path.of("/nonexistent"));
        new Benchmark(o, new PrintWriter(text, true)).run();
        String out = text.toString();
        assertTrue(out.contains("pytorch: not run, so no ratios:"), out);
        assertTrue(out.contains("apt-get install python3-torch"), out);
        assertTrue(out.matches("(?s).*\\ngemm n=256: [0-9.]+ GFLOP/s\\n.*"), out);
        assertTrue(out.matches("(?s).*\\nsimplenet batch=64: [0-9]+ steps/s\\n.*"), out);
        assertTrue(!out.contains("ratio clgrad/pytorch"), out);
    }
}
