package io.clgrad.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The bench lines of the CNN: {@code conv2d SHAPE: X GFLOP/s} and {@code fmnist cnn epoch E: ...}, made and parsed. */
class CnnBenchLinesTest {

    @Test
    void conv2dLinesNameTheShapeAndParseBack() {
        List<Workloads.ConvShape> cnn = Workloads.ConvShape.CNN;
        assertEquals("128x1x28x28 w=32x1x3x3 pad=1", cnn.get(0).label());
        assertEquals("128x32x14x14 w=64x32x3x3 pad=1", cnn.get(1).label());
        assertEquals("128:32:14:14:64:3:1", cnn.get(1).numbers());
        // forward, input gradient and weight gradient: 3 x 2 x 128·64·32·9·14·14 multiply-adds
        assertEquals(3 * 2.0 * 128 * 64 * 32 * 9 * 14 * 14, cnn.get(1).flops());
        String line = BenchLines.conv2d(cnn.get(1).label(), 8.23);
        assertEquals("conv2d 128x32x14x14 w=64x32x3x3 pad=1: 8.2 GFLOP/s", line);
        assertEquals("conv2d 128x32x14x14 w=64x32x3x3 pad=1", BenchLines.workload("pytorch " + line));
        assertEquals(8.2, BenchLines.value(line));
        assertEquals("ratio clgrad/pytorch conv2d 128x32x14x14 w=64x32x3x3 pad=1: 0.34x",
                BenchLines.ratio(BenchLines.workload(line), 8.2, 23.9));
    }

    @Test
    void cnnEpochLinesAreTheirOwnWorkload() {
        String cnn = BenchLines.fmnistEpoch("cnn", 1, 95.123, 630.8, 0.87341);
        assertEquals("fmnist cnn epoch 1: 95.12 s (631 samples/s), test acc 0.8734", cnn);
        assertEquals("fmnist cnn epoch 1", BenchLines.workload(cnn));
        assertEquals(631, BenchLines.value("pytorch " + cnn));
        assertEquals("fmnist mlp epoch 1", BenchLines.workload(BenchLines.fmnistEpoch(1, 9.0, 6666, 0.84)));
    }
}
