package io.clgrad.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clgrad.Autograd;
import io.clgrad.Device;
import io.clgrad.MemoryBaseline;
import io.clgrad.Tensor;
import io.clgrad.TensorScope;
import io.clgrad.Tensors;
import io.clgrad.nn.CrossEntropyLoss;
import io.clgrad.nn.Sequential;
import io.clgrad.optim.Adam;
import io.clgrad.optim.Optimizer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Training the tutorial's CNN ({@link CnnExample#network()}) for hundreds of steps keeps device
 * memory flat, read through the allocator's counters: convolution workspaces, pooling indices and
 * BatchNorm's saved statistics and running-statistics updates all go back, in training steps and in
 * the evaluation-mode forwards between them.
 */
class CnnTrainingMemoryTest {
    private static final int STEPS = 300;

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void cnnStepsKeepMemoryFlat(Device d) {
        Tensor.manualSeed(3);
        Sequential model = CnnExample.network().to(d);
        Optimizer optimizer = new Adam(model.parameters(), 1e-3);
        CrossEntropyLoss criterion = new CrossEntropyLoss();
        Tensor x = Tensor.randn(d, 4, 1, 28, 28);
        Tensor y = Tensor.randint(d, 0, 10, 4);
        long warmHighest = 0;
        for (int i = 0; i < 20; i++) {                       // warm the pool and the optimizer state
            warmHighest = Math.max(warmHighest, step(model, optimizer, criterion, x, y, i, d));
        }
        long before = MemoryBaseline.settle(d);
        long buffers = d.memoryStats().buffersInUse();
        long highest = 0;
        for (int i = 0; i < STEPS; i++) {
            highest = Math.max(highest, step(model, optimizer, criterion, x, y, i, d));
        }
        assertEquals(before, d.memoryStats().bytesInUse(), "bytes in use changed over " + STEPS + " CNN steps on " + d);
        assertEquals(buffers, d.memoryStats().buffersInUse(), "buffers in use changed on " + d);
        assertTrue(highest - warmHighest < (64 << 10), "the in-step peak grew from " + warmHighest + " to " + highest
                + " bytes on " + d);
        x.close();
        y.close();
    }

    /**
     * One scoped training step, and every 10th step an evaluation-mode forward; returns the highest
     * bytes in use seen during it.
     */
    private static long step(Sequential model, Optimizer optimizer, CrossEntropyLoss criterion, Tensor x, Tensor y,
                             int i, Device d) {
        long highest;
        model.train();
        try (TensorScope scope = Tensors.scope()) {
            optimizer.zeroGrad();
            Tensor loss = criterion.forward(model.forward(x), y);
            loss.backward();
            highest = d.memoryStats().bytesInUse();
            optimizer.step();
        }
        if (i % 10 == 0) {
            model.eval();
            try (TensorScope scope = Tensors.scope(); Autograd.Mode g = Autograd.noGrad()) {
                model.forward(x).argmax(1);
                highest = Math.max(highest, d.memoryStats().bytesInUse());
            }
            model.train();
        }
        return highest;
    }
}
