package io.clgrad;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.clgrad.backend.MemoryStats;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Device memory stays flat over many steps of the index ops, forward and backward, read through
 * the allocator's counters as in {@link PoolMemoryTest}: the dense index copies, the one-element
 * fill values of masked_fill and where, the index tensors masked_select makes (kept for its
 * backward) and the gradients all go back to the pool.
 */
class IndexMemoryTest {

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void indexStepsKeepBytesInUseFlat(Device d) {
        try (TensorScope outer = Tensors.scope()) {
            Tensor x = Tensor.randn(d, 6, 5).requiresGrad(true);
            Tensor src = Tensor.randn(d, 4, 5).requiresGrad(true);
            Tensor rows = Tensor.of(d, new int[] {5, 0, 5, 2}, 4);
            Tensor idx = Tensor.randint(d, 0, 6, 4, 5);
            Tensor labels = Tensor.randint(d, 0, 5, 7);
            loop(d, 20, x, src, rows, idx, labels);   // warm the pool
            long before = MemoryBaseline.settle(d);
            long buffersBefore = d.memoryStats().buffersInUse();
            long peakAfterWarmup = d.memoryStats().peakBytesInUse();
            loop(d, 300, x, src, rows, idx, labels);
            MemoryStats after = d.memoryStats();
            assertEquals(before, after.bytesInUse(), "bytes in use changed over 300 index steps on " + d);
            assertEquals(buffersBefore, after.buffersInUse(), "buffers in use changed on " + d);
            assertEquals(peakAfterWarmup, after.peakBytesInUse(), "peak grew after warm-up on " + d);
        }
    }

    private static void loop(Device d, int iterations, Tensor x, Tensor src, Tensor rows, Tensor idx, Tensor labels) {
        for (int i = 0; i < iterations; i++) {
            try (TensorScope s = Tensors.scope()) {
                Tensor mask = x.gt(0f);
                Tensor a = x.indexSelect(0, rows).sum();
                Tensor b = x.gather(0, idx).sum();
                Tensor c = x.scatterAdd(0, idx, src).sum().add(x.scatter(0, idx, src).sum());
                Tensor e = x.maskedFill(mask, 1f).sum().add(Tensor.where(mask, x, src.sum(0)).sum());
                Tensor f = x.maskedSelect(mask).sum().add(x.get(mask).sum());
                Tensor g = Functional.oneHot(labels, 5).toFloat().sum();
                a.add(b).add(c).add(e).add(f).add(g).backward();
            }
            x.zeroGrad();
            src.zeroGrad();
        }
        d.synchronize();
    }
}
