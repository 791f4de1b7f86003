package io.clgrad.nn.parallel;

import io.clgrad.Device;
import io.clgrad.Tensor;
import io.clgrad.TensorScope;
import io.clgrad.TestDevices;
import io.clgrad.Tensors;
import io.clgrad.nn.CrossEntropyLoss;
import io.clgrad.nn.Module;
import io.clgrad.optim.Adam;
import io.clgrad.optim.Optimizer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Assumptions;

/** What the data-parallel tests share: the two devices, the optimizer, the global batches. */
final class ParallelFixtures {
    private ParallelFixtures() {
    }

    /** Adam with lr 1e-2, the same for the one-device and the data-parallel run. */
    static Optimizer adam(List<Tensor> ps) {
        return new Adam(ps, 1e-2);
    }

    /** The CPU backend and the first OpenCL device (PoCL in CI); skips the test without OpenCL. */
    static List<Device> twoDevices() {
        List<Device> cl = TestDevices.opencl();
        Assumptions.assumeFalse(cl.isEmpty(), "no OpenCL device: the two-device test needs cpu + opencl:0");
        return List.of(Device.cpu(), cl.get(0));
    }

    /**
     * The global batches (seed 7), on the CPU: the same inputs for the one-device and the
     * data-parallel run.
     *
     * @param steps   how many batches
     * @param classes targets in {@code [0, classes)}
     * @param shape   the input batch's shape, {@code [N, ...]}
     * @return {x [shape], y [N]} per step
     */
    static List<Tensor[]> batches(int steps, int classes, int... shape) {
        Tensor.manualSeed(7);
        List<Tensor[]> out = new ArrayList<>();
        for (int i = 0; i < steps; i++) {
            out.add(new Tensor[] {Tensor.randn(Device.cpu(), shape), Tensor.randint(Device.cpu(), 0, classes, shape[0])});
        }
        return out;
    }

    /**
     * The reference: the model {@code factory} makes after seed 3 (replica 0's weights in a
     * {@code DataParallel} built after the same seed), trained on one device by {@link #adam} on a mean
     * cross-entropy over the global batches.
     *
     * @return the model, trained, and each step's loss
     */
    static OneDevice trainOneDevice(Supplier<? extends Module<?>> factory, List<Tensor[]> data) {
        Tensor.manualSeed(3);
        Module<?> m = factory.get();
        Optimizer opt = adam(m.parameters());
        CrossEntropyLoss ce = new CrossEntropyLoss();
        double[] losses = new double[data.size()];
        for (int i = 0; i < data.size(); i++) {
            opt.zeroGrad();
            try (TensorScope s = Tensors.scope()) {
                Tensor l = ce.forward(m.forward(data.get(i)[0]), data.get(i)[1]);
                l.backward();
                losses[i] = l.item();
            }
            opt.step();
        }
        return new OneDevice(m, losses);
    }

    /** A model trained on one device and its losses, step by step. */
    record OneDevice(Module<?> model, double[] losses) {
    }
}
