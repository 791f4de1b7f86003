package io.clgrad.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The inference lines of the bench: {@code infer M batch=B: X us}, made and parsed back (also with
 * the {@code pytorch } prefix), their workload words for scripts/bench-pytorch.py, and their ratio
 * lines, which are latency ratios (clgrad over PyTorch, lower is better) and say so.
 */
class InferBenchLinesTest {

    @Test
    void inferLinesParseBackToTheirWorkloadAndLatency() {
        String line = BenchLines.infer("mlp", 1, 61.26);
        assertEquals("infer mlp batch=1: 61.3 us", line);
        assertEquals("infer mlp batch=1", BenchLines.workload(line));
        assertEquals(61.3, BenchLines.value(line));
        assertEquals("infer cnn batch=1", BenchLines.workload("pytorch infer cnn batch=1: 1432.5 us"));
        assertEquals(1432.5, BenchLines.value("pytorch infer cnn batch=1: 1432.5 us"));
        assertEquals("infer mlp batch=128", BenchLines.workload(BenchLines.infer("mlp", 128, 2500)));
        assertNull(BenchLines.workload("infer mlp batch=1: fast"));
    }

    @Test
    void latencyRatiosAreClgradOverPyTorchAndSayLowerIsBetter() {
        assertTrue(BenchLines.isLatency("infer mlp batch=1"));
        assertFalse(BenchLines.isLatency("gemm n=1024"));
        assertEquals("ratio clgrad/pytorch infer mlp batch=1: 0.20x (latency: lower is better)",
                BenchLines.ratio("infer mlp batch=1", 80, 400));
        assertEquals("ratio clgrad/pytorch gemm n=1024: 0.50x", BenchLines.ratio("gemm n=1024", 50, 100));
    }

    @Test
    void latencyRatiosGetTheirMedianAndKeepTheirNote() {
        RatioMedians medians = new RatioMedians();
        medians.accept("device: cpu (Java CPU backend (2 threads))");
        for (double us : new double[] {60, 50, 90}) {
            medians.accept(BenchLines.ratio("infer mlp batch=1", us, 400));
        }
        assertEquals(List.of("median of 3 runs, cpu: ratio clgrad/pytorch infer mlp batch=1: 0.15x "
                + "(0.15x, 0.13x, 0.23x) (latency: lower is better)"), medians.lines(3));
    }

    @Test
    void casesAreTheMlpAtBatchOneAndOneTwentyEightAndTheCnnAtOne() {
        assertEquals("[mlp:1, mlp:128, cnn:1]", InferenceWorkloads.CASES.stream()
                .map(c -> c.model() + ":" + c.batch()).toList().toString());
        assertEquals("infer:mlp:1:200:1.0:4.0", InferenceWorkloads.CASES.get(0).pytorchWord(200, 1.0, 4.0));
        assertThrows(IllegalArgumentException.class, () -> InferenceWorkloads.model(io.clgrad.Device.cpu(), "rnn"));
    }
}
