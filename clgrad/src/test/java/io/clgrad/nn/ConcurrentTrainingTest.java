package io.clgrad.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.clgrad.Device;
import io.clgrad.Tensor;
import io.clgrad.optim.Adam;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Two threads training two separate models on one device at the same time (the documented
 * thread-safety contract, docs/design-notes.md "Threads") get exactly the weights that training
 * the same models one after the other gives: the device, its allocator, kernel cache and queue
 * are shared safely, and autograd state (no-grad mode, scopes) is per thread.
 */
class ConcurrentTrainingTest {
    private static final int STEPS = 60;

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void twoThreadsTrainingTwoModelsMatchSequentialTraining(Device device) throws Exception {
        List<float[]> sequential = List.of(train(device, 1), train(device, 2));
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 3; round++) {
                // models and data are built on this thread (the global generator is shared), trained on two
                Job a = new Job(device, 1);
                Job b = new Job(device, 2);
                Future<float[]> fa = pool.submit(a::run);
                Future<float[]> fb = pool.submit(b::run);
                assertArrayEquals(sequential.get(0), fa.get(), "model 1 trained beside model 2, round " + round);
                assertArrayEquals(sequential.get(1), fb.get(), "model 2 trained beside model 1, round " + round);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static float[] train(Device device, long seed) {
        return new Job(device, seed).run();
    }

    /** A small MLP, its data and its optimizer; {@link #run} trains it and returns its weights. */
    private static final class Job {
        final Sequential model;
        final Tensor x;
        final Tensor y;

        Job(Device device, long seed) {
            Tensor.manualSeed(seed);
            model = new Sequential(new Linear(8, 32), new ReLU(), new Linear(32, 3)).to(device);
            x = Tensor.randn(device, 64, 8);
            y = Tensor.randint(device, 0, 3, 64);
        }

        float[] run() {
            CrossEntropyLoss criterion = new CrossEntropyLoss();
            Adam opt = new Adam(model.parameters(), 0.01);
            for (int s = 0; s < STEPS; s++) {
                opt.zeroGrad();
                Tensor loss = criterion.forward(model.forward(x), y);
                loss.backward();
                opt.step();
            }
            List<Float> all = new ArrayList<>();
            for (Tensor p : model.parameters()) {
                for (float f : p.toFloatArray()) {
                    all.add(f);
                }
            }
            float[] out = new float[all.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = all.get(i);
            }
            assertEquals(8 * 32 + 32 + 32 * 3 + 3, out.length);
            return out;
        }
    }
}
