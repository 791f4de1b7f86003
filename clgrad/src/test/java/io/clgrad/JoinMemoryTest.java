package io.clgrad;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.clgrad.backend.MemoryStats;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Device memory stays flat over many steps of cat, stack, repeat, roll, flip and pad, forward and
 * backward, read through the allocator's counters as in {@link PoolMemoryTest}: the converted
 * int32 input of a mixed cat, the pieces of a padding's gradient and the views of cat's gradient
 * all go back to the pool.
 */
class JoinMemoryTest {

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void joinStepsKeepBytesInUseFlat(Device d) {
        try (TensorScope outer = Tensors.scope()) {
            Tensor x = Tensor.randn(d, 2, 3, 6, 5).requiresGrad(true);
            Tensor labels = Tensor.of(d, new int[] {1, 2, 3, 4, 5}, 5);
            loop(20, x, labels);   // warm the pool
            long before = MemoryBaseline.settle(d);
            long buffersBefore = d.memoryStats().buffersInUse();
            long peakAfterWarmup = d.memoryStats().peakBytesInUse();
            loop(300, x, labels);
            MemoryStats after = d.memoryStats();
            assertEquals(before, after.bytesInUse(), "bytes in use changed over 300 join steps on " + d);
            assertEquals(buffersBefore, after.buffersInUse(), "buffers in use changed on " + d);
            assertEquals(peakAfterWarmup, after.peakBytesInUse(), "peak grew after warm-up on " + d);
        }
    }

    private static void loop(int iterations, Tensor x, Tensor labels) {
        for (int i = 0; i < iterations; i++) {
            try (TensorScope s = Tensors.scope()) {
                Tensor a = Tensor.cat(List.of(x, x.mul(2f), labels.expand(2, 3, 6, 5)), 1);
                Tensor b = Tensor.stack(List.of(x, x.transpose(2, 3).transpose(2, 3)), 2);
                Tensor c = x.repeat(1, 2, 1, 3).roll(new int[] {1, -2}, new int[] {2, 3}).flip(0, 3);
                Tensor p = Functional.pad(x, new int[] {2, 1, 1, 2}, "reflect", 0);
                Tensor q = Functional.pad(x, new int[] {3, 3, 0, 1}, "replicate", 0)
                        .add(Functional.pad(x, new int[] {3, 3, 0, 1}, "circular", 0));
                Tensor r = Functional.pad(x, new int[] {1, -1, 2, 0}, "constant", 0.5);
                a.sum().add(b.sum()).add(c.sum()).add(p.sum()).add(q.sum()).add(r.sum()).backward();
            }
            x.zeroGrad();
        }
        x.device().synchronize();
    }
}
