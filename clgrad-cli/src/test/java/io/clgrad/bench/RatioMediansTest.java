package io.clgrad.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class RatioMediansTest {
    @Test
    void medianPerDeviceAndWorkloadOverRuns() {
        RatioMedians m = new RatioMedians();
        double[][] runs = {{1.50, 0.40}, {0.90, 0.60}, {1.20, 0.50}};
        for (double[] r : runs) {
            m.accept("device: cpu (Java CPU backend (2 threads))");
            m.accept("gemm n=1024: 300.0 GFLOP/s");
            m.accept(BenchLines.ratio("gemm n=1024", r[0] * 100, 100));
            m.accept("device: opencl:0 (pthread)");
            m.accept(BenchLines.ratio("gemm n=1024", r[1] * 100, 100));
            m.accept(BenchLines.ratio("simplenet batch=64", 1, 0));   // n/a: not a number, left out
        }
        assertEquals(List.of(
                "median of 3 runs, cpu: ratio clgrad/pytorch gemm n=1024: 1.20x (1.50x, 0.90x, 1.20x)",
                "median of 3 runs, opencl:0: ratio clgrad/pytorch gemm n=1024: 0.50x (0.40x, 0.60x, 0.50x)"),
                m.lines(3));
    }

    @Test
    void evenCountTakesTheMeanOfTheMiddleTwo() {
        assertEquals(2.5, RatioMedians.median(new double[] {4, 1, 3, 2}), 0);
        assertEquals(7, RatioMedians.median(new double[] {7}), 0);
    }
}
