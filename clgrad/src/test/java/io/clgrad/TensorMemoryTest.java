package io.clgrad;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clgrad.backend.MemoryStats;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Device memory stays flat over long loops of small ops, read through the allocator's counters. */
class TensorMemoryTest {

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void hundredThousandScopedOpsKeepBytesInUseFlat(Device d) {
        try (TensorScope outer = Tensors.scope()) {
            Tensor w = Tensor.randn(d, 8, 8);
            Tensor x = Tensor.randn(d, 4, 8);
            loop(d, 100, w, x);   // warm the pool
            long before = MemoryBaseline.settle(d);   // not freeing earlier tests' dropped tensors mid-loop
            long buffersBefore = d.memoryStats().buffersInUse();
            long peakAfterWarmup = d.memoryStats().peakBytesInUse();
            loop(d, 100_000 / 5, w, x);   // 5 ops per iteration
            MemoryStats after = d.memoryStats();
            assertEquals(before, after.bytesInUse(), "bytes in use changed over 100,000 ops on " + d);
            assertEquals(buffersBefore, after.buffersInUse(), "buffers in use changed on " + d);
            assertEquals(peakAfterWarmup, after.peakBytesInUse(), "peak grew after warm-up on " + d);
        }
    }

    /**
     * A fused loss keeps the gradient it makes in the forward only until its backward: scaled by an
     * upstream gradient (a loss that is not the root), it is closed there, so closing every tensor
     * the program holds returns the device to where it started.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void aFusedLossFreesItsSavedGradientInBackward(Device d) {
        Tensor logits = Tensor.randn(d, 100, 10).requiresGrad(true);
        Tensor target = Tensor.randint(0, 10, 100).to(d);
        Tensor p = Tensor.randn(d, 100, 1).requiresGrad(true);
        Tensor y = Tensor.rand(d, 100, 1);
        long before = MemoryBaseline.settle(d);
        for (int i = 0; i < 3; i++) {
            Tensor ce = Functional.crossEntropy(logits, target, -100, 0f, LossReduction.MEAN);
            Tensor bce = Functional.binaryCrossEntropyWithLogits(p, y, null, null, LossReduction.SUM);
            Tensor ce2 = ce.mul(2f);
            Tensor bceHalf = bce.mul(0.5f);
            Tensor total = ce2.add(bceHalf);
            total.backward();
            for (Tensor t : new Tensor[] {ce, bce, ce2, bceHalf, total, logits.grad(), p.grad()}) {
                t.close();
            }
            logits.zeroGrad();
            p.zeroGrad();
            d.synchronize();
            assertEquals(before, d.memoryStats().bytesInUse(), "bytes in use after step " + i + " on " + d);
        }
    }

    private static void loop(Device d, int iterations, Tensor w, Tensor x) {
        for (int i = 0; i < iterations; i++) {
            try (TensorScope s = Tensors.scope()) {
                x.matmul(w).relu().add(1f).sum(1, false).mean();
            }
        }
        d.synchronize();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void tensorsNeverClosedAreReclaimed(Device d) {
        Tensor x = Tensor.randn(d, 256, 256);   // 256 KiB per result
        long start = d.memoryStats().bytesInUse();
        long highest = 0;
        for (int i = 0; i < 3000; i++) {         // about 750 MiB allocated in total, nothing closed
            x.mul(1.0001f);
            highest = Math.max(highest, d.memoryStats().bytesInUse() - start);
        }
        // The reclaim bound is at most 512 MiB: growth stays under it (plus one result) without any close().
        assertTrue(highest < (520L << 20), "unclosed tensors were not reclaimed in time on " + d + ": "
                + highest + " bytes in use at the worst point");
        d.reclaimer().collect();
        long end = d.memoryStats().bytesInUse() - start;
        assertTrue(end < (16L << 20), "unclosed tensors still hold " + end + " bytes on " + d + " after a GC");
        x.close();
    }
}
