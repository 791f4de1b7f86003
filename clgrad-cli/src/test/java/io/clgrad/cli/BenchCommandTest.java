package io.clgrad.cli;

import static io.clgrad.cli.TrainCommandTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clgrad.bench.BenchLines;
import io.clgrad.cli.TrainCommandTest.Run;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Runs {@code clgrad bench --quick} in-process on the CPU backend and checks the shapes of its lines. */
class BenchCommandTest {

    @Test
    void quickRunOnTheCpuPrintsTheSectionNineLineShapes() {
        Run r = run("bench", "--quick", "--no-fmnist", "--device", "cpu");
        assertEquals(0, r.code(), () -> "stderr: " + r.err());
        List<String> lines = Arrays.asList(r.out().split("\\R"));
        assertTrue(lines.get(0).startsWith("bench: --quick, a reduced set"), lines.get(0));
        assertTrue(lines.contains("device: cpu (Java CPU backend (" + threads(lines) + "))"), r.out());
        assertMatches(lines, "gemm n=256: \\d+\\.\\d GFLOP/s");
        assertMatches(lines, "gemm n=512: \\d+\\.\\d GFLOP/s");
        assertMatches(lines, "simplenet batch=64: \\d+ steps/s");
        assertMatches(lines, "simplenet batch=64 launches/step: n/a .*");
        assertMatches(lines, "simplenet batch=64 replay: \\d+ steps/s");
        assertMatches(lines, "simplenet batch=64 replay launches/step: n/a .*");
        assertMatches(lines, "bench time: \\d+\\.\\d s");
        assertTrue(lines.stream().noneMatch(l -> l.startsWith("gemm n=1024") || l.startsWith("fmnist")), r.out());
        assertTrue(lines.stream().noneMatch(l -> l.startsWith("ratio") || l.startsWith("pytorch")), r.out());
    }

    @Test
    void runsRepeatsTheWholeSetAndZeroRunsIsAUsageError() {
        Run r = run("bench", "--quick", "--no-fmnist", "--device", "cpu", "--runs", "2");
        assertEquals(0, r.code(), () -> "stderr: " + r.err());
        List<String> lines = Arrays.asList(r.out().split("\\R"));
        assertEquals(List.of("run 1 of 2", "run 2 of 2"), lines.stream().filter(l -> l.startsWith("run ")).toList());
        assertEquals(2, lines.stream().filter(l -> l.startsWith("bench time: ")).count(), r.out());
        assertEquals(2, run("bench", "--runs", "0").code());
    }

    @Test
    void theOnnxRuntimeOptionsReachTheBenchmark() {
        BenchCommand c = new BenchCommand();
        new picocli.CommandLine(c).parseArgs("--device", "cpu", "--vs-onnxruntime", "--onnxruntime-jar", "/x/ort.jar",
                "--onnxruntime-script", "/y/ort.java");
        io.clgrad.bench.Benchmark.OnnxRuntime ort = c.options().onnxRuntime();
        assertEquals(java.nio.file.Path.of("/x/ort.jar"), ort.jar());
        assertEquals(java.nio.file.Path.of("/y/ort.java"), ort.script());
        BenchCommand plain = new BenchCommand();
        new picocli.CommandLine(plain).parseArgs("--device", "cpu", "--onnxruntime-jar", "/x/ort.jar");
        assertEquals(null, plain.options().onnxRuntime(), "no --vs-onnxruntime, no comparison");
    }

    @Test
    void unknownDeviceIsAUsageError() {
        Run r = run("bench", "--quick", "--device", "tpu");
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("clgrad bench: unknown device 'tpu'"), r.err());
    }

    @Test
    void linesFormatAndParseBackInBothLanguagesShapes() {
        assertEquals("gemm n=1024: 123.5 GFLOP/s", BenchLines.gemm(1024, 123.45));
        assertEquals("simplenet batch=5: 2650 steps/s", BenchLines.simpleNet(5, 2649.6));
        String replay = BenchLines.simpleNetReplay(64, 7001.2);
        assertEquals("simplenet batch=64 replay: 7001 steps/s", replay);
        assertEquals("simplenet batch=64 replay", BenchLines.workload(replay));
        assertEquals(7001, BenchLines.value(replay));
        assertEquals("simplenet batch=64", BenchLines.pytorchWorkload(BenchLines.workload(replay)));
        assertEquals("gemm n=1024", BenchLines.pytorchWorkload("gemm n=1024"));
        String epoch = BenchLines.fmnistEpoch(2, 21.404, 2803.2, 0.83904);
        assertEquals("fmnist mlp epoch 2: 21.40 s (2803 samples/s), test acc 0.8390", epoch);
        assertEquals("ratio clgrad/pytorch gemm n=1024: 0.50x", BenchLines.ratio("gemm n=1024", 50, 100));
        assertEquals("ratio clgrad/pytorch gemm n=1024: n/a", BenchLines.ratio("gemm n=1024", 50, Double.NaN));
        assertEquals("kernel setup: cold 885 ms, warm 374 ms", BenchLines.kernelSetup(885.2, 374.4, null));

        assertEquals("fmnist mlp epoch 2", BenchLines.workload(epoch));
        assertEquals(2803, BenchLines.value(epoch));
        assertEquals("gemm n=512", BenchLines.workload("pytorch gemm n=512: 160.8 GFLOP/s"));
        assertEquals(160.8, BenchLines.value("numpy gemm n=512: 160.8 GFLOP/s"));
        assertEquals("simplenet batch=64", BenchLines.workload("pytorch simplenet batch=64: 3207 steps/s"));
        assertEquals(3207, BenchLines.value("pytorch simplenet batch=64: 3207 steps/s"));
        assertEquals(null, BenchLines.workload("device: cpu"));
        assertTrue(Double.isNaN(BenchLines.value("device: cpu")));
    }

    private static String threads(List<String> lines) {
        return lines.stream().filter(l -> l.startsWith("device: cpu (Java CPU backend ("))
                .map(l -> l.substring("device: cpu (Java CPU backend (".length(), l.length() - 2))
                .findFirst().orElse("?");
    }

    private static void assertMatches(List<String> lines, String regex) {
        assertTrue(lines.stream().anyMatch(l -> l.matches(regex)), () -> "no line matches /" + regex + "/ in:\n"
                + String.join("\n", lines));
    }
}
