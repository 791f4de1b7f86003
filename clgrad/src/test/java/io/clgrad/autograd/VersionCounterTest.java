package io.clgrad.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clgrad.Autograd;
import io.clgrad.Device;
import io.clgrad.Tensor;
import io.clgrad.nn.CrossEntropyLoss;
import io.clgrad.nn.Linear;
import io.clgrad.nn.ReLU;
import io.clgrad.nn.Sequential;
import io.clgrad.nn.init.Init;
import io.clgrad.optim.Adam;
import io.clgrad.optim.Optimizer;
import io.clgrad.optim.SGD;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * PyTorch's version counter (issue 9, item 2): in-place writes bump a version shared by a tensor
 * and its views; backward refuses to use a saved tensor written since it was saved, and only
 * those: what a backward does not read (add's operands) may change, and the usual training loop
 * is untouched.
 */
@SuppressWarnings("try")   // noGrad scopes opened for their effect
class VersionCounterTest {

    private static IllegalStateException modified(Runnable backward) {
        IllegalStateException e = assertThrows(IllegalStateException.class, backward::run);
        assertTrue(e.getMessage().contains("one of the tensors needed for gradient computation has been modified by"
                + " an in-place operation"), e.getMessage());
        return e;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void issueExampleThrowsNamingTheOpAndVersions(Device d) {
        Tensor w = Tensor.of(d, new float[] {1, 2, 3}).requiresGrad(true);
        Tensor x = Tensor.of(d, new float[] {4, 5, 6});
        Tensor y = w.mul(x).sum();
        x.copyFrom(Tensor.zeros(3));        // used to give w.grad = [0, 0, 0] silently
        IllegalStateException e = modified(y::backward);
        assertTrue(e.getMessage().contains("MulBackward0 saved its input 1 (float32 [3]) at version 0, and it is"
                + " now at version 1"), e.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void whatBackwardDoesNotReadMayChange(Device d) {
        Tensor w = Tensor.of(d, new float[] {1, 2, 3}).requiresGrad(true);
        Tensor x = Tensor.of(d, new float[] {4, 5, 6});
        Tensor y = x.add(w);                 // AddBackward0 saves nothing, as in PyTorch
        x.copyFrom(Tensor.zeros(3));
        try (var g = Autograd.noGrad()) {
            w.copyFrom(Tensor.ones(3));
        }
        y.sum().backward();
        assertArrayEquals(new float[] {1, 1, 1}, w.grad().toFloatArray());
        // mul saves each factor only for the other's gradient: c is saved for v, v is not saved at all
        Tensor v = Tensor.of(d, new float[] {2, 2, 2}).requiresGrad(true);
        Tensor c = Tensor.of(d, new float[] {3, 3, 3});
        Tensor u = v.mul(c).sum();
        try (var g = Autograd.noGrad()) {
            v.copyFrom(Tensor.ones(3));
        }
        u.backward();
        assertArrayEquals(new float[] {3, 3, 3}, v.grad().toFloatArray());
        // when both need gradients, both are saved
        Tensor p = Tensor.of(d, new float[] {1, 1}).requiresGrad(true);
        Tensor q = Tensor.of(d, new float[] {2, 2}).requiresGrad(true);
        Tensor pq = p.mul(q).sum();
        try (var g = Autograd.noGrad()) {
            p.copyFrom(Tensor.zeros(2));
        }
        IllegalStateException e = modified(pq::backward);
        assertTrue(e.getMessage().contains("MulBackward0 saved its input 0"), e.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void savedOutputsAndViewsAreWatchedToo(Device d) {
        Tensor x = Tensor.of(d, new float[] {0f, 1f, 2f, 3f}).requiresGrad(true);
        Tensor e = x.exp();                  // ExpBackward0 reads its output
        Tensor loss = e.sum();
        try (var g = Autograd.noGrad()) {
            e.reshape(2, 2).copyFrom(Tensor.zeros(2, 2));   // through a view: the version is the storage's
        }
        assertEquals(1, e.version());
        IllegalStateException err = modified(loss::backward);
        assertTrue(err.getMessage().contains("ExpBackward0 saved its output"), err.getMessage());

        Tensor data = Tensor.of(d, new float[] {1, 2, 3, 4});
        Tensor dataView = data.view(2, 2);
        Tensor s = x.mul(data).sum();
        Init.normal(dataView, 0, 1);         // nn.init writes in place too
        assertEquals(1, data.version());
        modified(s::backward);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void aClosedSavedTensorIsNamedByTheNode(Device d) {
        Tensor x = Tensor.of(d, new float[] {1, 2}).requiresGrad(true);
        Tensor c = Tensor.of(d, new float[] {3, 4});
        Tensor loss = x.mul(c).sum();
        c.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, loss::backward);
        assertTrue(e.getMessage().startsWith("backward: MulBackward0 needs its input 1 (float32 [2]), which was closed"),
                e.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void copyFromIntoAGraphResultIsRefusedWhileRecording(Device d) {
        Tensor x = Tensor.of(d, new float[] {1, 2}).requiresGrad(true);
        Tensor y = x.mul(2f);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> y.copyFrom(Tensor.zeros(2)));
        assertTrue(e.getMessage().contains("the result of MulBackward1"), e.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void trainingLoopsKeepWorkingAndAStepBeforeBackwardIsCaught(Device d) {
        Tensor.manualSeed(7);
        Sequential model = new Sequential(new Linear(4, 8), new ReLU(), new Linear(8, 3));
        model.to(d);
        Tensor x = Tensor.randn(d, 5, 4);
        Tensor y = Tensor.of(d, new int[] {0, 1, 2, 1, 0}, 5);
        CrossEntropyLoss ce = new CrossEntropyLoss();
        for (Optimizer opt : new Optimizer[] {new Adam(model.parameters(), 1e-2), new SGD(model.parameters(), 0.1)}) {
            for (int step = 0; step < 3; step++) {           // loss.backward(); opt.step()
                opt.zeroGrad();
                ce.forward(model.forward(x), y).backward();
                opt.step();
            }
            // two forwards, the parameters updated between them, each backwarded after its own forward
            opt.zeroGrad();
            ce.forward(model.forward(x), y).backward();
            opt.step();
            ce.forward(model.forward(x), y).backward();
            opt.step();
            // a step between a forward and its backward changes the weights the backward needs
            Tensor stale = ce.forward(model.forward(x), y);
            opt.step();
            IllegalStateException e = modified(stale::backward);
            assertTrue(e.getMessage().contains("AddmmBackward0"), e.getMessage());
        }
    }
}
