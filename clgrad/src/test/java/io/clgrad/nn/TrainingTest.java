package io.clgrad.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clgrad.Autograd;
import io.clgrad.Device;
import io.clgrad.ParameterUpdates;
import io.clgrad.Tensor;
import io.clgrad.TensorScope;
import io.clgrad.Tensors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Modules inside tensor scopes, and a few plain SGD steps on a small network. */
@SuppressWarnings("try")   // scopes opened for their effect (noGrad, tensor scopes)
class TrainingTest {
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void parametersOutliveTheScopeThatBuiltThem(Device d) {
        Sequential model;
        try (TensorScope s = Tensors.scope()) {
            model = new Sequential(new Linear(2, 3, true, d), new ReLU(), new Linear(3, 1));
            model.to(d);
            model.forward(Tensor.ones(d, 4, 2));
        }
        for (Tensor p : model.parameters()) {
            assertFalse(p.isClosed(), "a scope must not close parameters");
            assertEquals(d, p.device());
        }
        assertArrayEquals(new int[] {4, 1}, model.forward(Tensor.ones(d, 4, 2)).shape());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void sgdStepsReduceTheLoss(Device d) {
        Tensor.manualSeed(3);
        Sequential model = new Sequential(new Linear(2, 8), new Tanh(), new Linear(8, 1));
        model.to(d);
        BCEWithLogitsLoss criterion = new BCEWithLogitsLoss();
        // XOR-like labels on four points.
        Tensor x = Tensor.of(d, new float[] {0, 0, 0, 1, 1, 0, 1, 1}, 4, 2);
        Tensor y = Tensor.of(d, new float[] {0, 1, 1, 0}, 4, 1);
        float first = Float.NaN;
        float last = Float.NaN;
        for (int step = 0; step < 200; step++) {
            try (TensorScope s = Tensors.scope()) {
                model.zeroGrad();
                Tensor loss = criterion.forward(model.forward(x), y);
                loss.backward();
                if (step == 0) {
                    first = loss.item();
                }
                last = loss.item();
                try (Autograd.Mode g = Autograd.noGrad()) {
                    for (Tensor p : model.parameters()) {
                        ParameterUpdates.sgd(p, p.grad(), null, 0.5, 0, 0, false, 0, false);
                    }
                }
            }
        }
        assertTrue(last < 0.5 * first, "loss falls: " + first + " -> " + last);
    }
}
