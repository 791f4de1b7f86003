package io.clgrad;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.clgrad.backend.MemoryStats;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Device memory stays flat over many pooling steps, forward and backward, read through the
 * allocator's counters as in {@link TensorMemoryTest}: max pooling's indices (made for the
 * backward, not returned), the averaging matrices of a non-divisible adaptive pooling and the
 * gradients all go back to the pool.
 */
class PoolMemoryTest {

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void poolingStepsKeepBytesInUseFlat(Device d) {
        try (TensorScope outer = Tensors.scope()) {
            Tensor x = Tensor.randn(d, 4, 3, 12, 12).requiresGrad(true);
            loop(d, 20, x);   // warm the pool
            long before = MemoryBaseline.settle(d);
            long buffersBefore = d.memoryStats().buffersInUse();
            long peakAfterWarmup = d.memoryStats().peakBytesInUse();
            loop(d, 500, x);
            MemoryStats after = d.memoryStats();
            assertEquals(before, after.bytesInUse(), "bytes in use changed over 500 pooling steps on " + d);
            assertEquals(buffersBefore, after.buffersInUse(), "buffers in use changed on " + d);
            assertEquals(peakAfterWarmup, after.peakBytesInUse(), "peak grew after warm-up on " + d);
        }
    }

    private static void loop(Device d, int iterations, Tensor x) {
        for (int i = 0; i < iterations; i++) {
            try (TensorScope s = Tensors.scope()) {
                Tensor a = Functional.maxPool2d(x, new int[] {3}, new int[] {2}, new int[] {1}, new int[] {1}, true);
                Tensor b = Functional.avgPool2d(x, new int[] {2}, null, new int[] {1}, false, false, null);
                Tensor c = Functional.adaptiveAvgPool2d(x, new int[] {5, 7});   // the matmul form
                Tensor e = Functional.adaptiveAvgPool2d(x, new int[] {4});      // the avg_pool2d form
                try (ValuesAndIndices m = Functional.maxPool2dWithIndices(x, new int[] {2}, null, new int[] {0},
                        new int[] {1}, false)) {
                    a.sum().add(b.sum()).add(c.sum()).add(e.sum()).add(m.values().sum()).backward();
                }
            }
            x.zeroGrad();
        }
        d.synchronize();
    }
}
