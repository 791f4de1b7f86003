package io.clgrad.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The thread sweep's thread counts (powers of two, then the processor count) and its lines, made and
 * parsed back; they must not be taken for the plain gemm and fmnist lines that ratios are made of.
 */
class ThreadSweepLinesTest {

    @Test
    void countsArePowersOfTwoThenTheProcessorCount() {
        assertEquals(List.of(1), ThreadSweep.counts(1));
        assertEquals(List.of(1, 2), ThreadSweep.counts(2));
        assertEquals(List.of(1, 2, 4, 6), ThreadSweep.counts(6));
        assertEquals(List.of(1, 2, 4, 8, 16), ThreadSweep.counts(16));
    }

    @Test
    void linesParseBackAndAreNotBenchResultLines() {
        String gemm = ThreadSweep.gemmLine(1024, 4, 290.06);
        assertEquals("gemm n=1024 threads=4: 290.1 GFLOP/s", gemm);
        assertArrayEquals(new double[] {4, 290.1}, ThreadSweep.parse(gemm));
        String mlp = ThreadSweep.mlpLine(8, 24875.4);
        assertEquals("fmnist mlp threads=8: 24875 samples/s", mlp);
        assertArrayEquals(new double[] {8, 24875}, ThreadSweep.parse(mlp));
        assertNull(ThreadSweep.parse("gemm n=1024: 290.1 GFLOP/s"));
        assertNull(BenchLines.workload(gemm));
        assertNull(BenchLines.workload(mlp));
    }
}
