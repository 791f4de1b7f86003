package io.clgrad.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clgrad.Device;
import io.clgrad.MemoryBaseline;
import io.clgrad.Tensor;
import io.clgrad.TensorScope;
import io.clgrad.Tensors;
import io.clgrad.nn.BCEWithLogitsLoss;
import io.clgrad.optim.Adam;
import io.clgrad.optim.Optimizer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * 10,000 SimpleNet training steps keep device memory flat, read through the allocator's counters:
 * with a scope per step, and written exactly as in PyTorch with no scope and no close().
 */
class TrainingMemoryTest {
    private static final int STEPS = 10_000;

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void scopedStepsKeepMemoryFlat(Device d) {
        Setup s = new Setup(d);
        for (int i = 0; i < 50; i++) {                       // warm the pool and the optimizer state
            scopedStep(s);
        }
        long before = MemoryBaseline.settle(d);              // set-up temporaries nobody closed
        long buffers = d.memoryStats().buffersInUse();
        long highest = 0;
        for (int i = 0; i < STEPS; i++) {
            scopedStep(s);
            highest = Math.max(highest, d.memoryStats().bytesInUse());
        }
        assertEquals(before, d.memoryStats().bytesInUse(), "bytes in use changed over " + STEPS + " steps on " + d);
        assertEquals(buffers, d.memoryStats().buffersInUse(), "buffers in use changed on " + d);
        assertTrue(highest - before < (64 << 10), "in-step memory grew by " + (highest - before) + " bytes on " + d);
    }

    private static void scopedStep(Setup s) {
        try (TensorScope scope = Tensors.scope()) {
            s.optimizer.zeroGrad();
            Tensor loss = s.criterion.forward(s.model.forward(s.x), s.y);
            loss.backward();
            s.optimizer.step();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void pytorchStyleLoopWithoutCloseStaysBounded(Device d) {
        Setup s = new Setup(d);
        long before = MemoryBaseline.settle(d);
        long highest = 0;
        for (int i = 0; i < STEPS; i++) {
            s.optimizer.zeroGrad();                          // exactly the PyTorch loop
            Tensor output = s.model.forward(s.x);
            Tensor loss = s.criterion.forward(output, s.y);
            loss.backward();
            s.optimizer.step();
            highest = Math.max(highest, d.memoryStats().bytesInUse());
        }
        // Dropped tensors are reclaimed by the GC safety net; the pool never holds more than the bound.
        assertTrue(highest - before < (80L << 20), "memory in use grew to " + (highest - before) + " bytes on " + d);
        s.optimizer.zeroGrad();
        long after = MemoryBaseline.settle(d);               // every dropped step reclaimed
        assertTrue(after - before < (16 << 10), "after " + STEPS + " unscoped steps, " + (after - before)
                + " bytes are still in use on " + d + " (graph or buffer leak)");
    }

    /** SimpleNet(2, 10, 1), BCEWithLogitsLoss, Adam(lr=0.01), a batch of 5 samples on the device. */
    private static final class Setup {
        final SimpleNet model = new SimpleNet(2, 10, 1);
        final BCEWithLogitsLoss criterion = new BCEWithLogitsLoss();
        final Optimizer optimizer;
        final Tensor x;
        final Tensor y;

        Setup(Device d) {
            model.to(d);
            optimizer = new Adam(model.parameters(), 0.01);
            x = Tensor.randn(d, 5, 2);
            y = Tensor.randint(0, 2, 5, 1).toFloat().to(d);
        }
    }
}
