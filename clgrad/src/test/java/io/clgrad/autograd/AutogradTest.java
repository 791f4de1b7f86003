package io.clgrad.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clgrad.Autograd;
import io.clgrad.Device;
import io.clgrad.Tensor;
import io.clgrad.TensorScope;
import io.clgrad.Tensors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Autograd behaviour: accumulation, graph release, no-grad scopes, detach, and misuse errors. */
class AutogradTest {

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void gradientsAccumulateUntilZeroed(Device d) {
        Tensor x = Tensor.of(d, new float[] {1, 2, 3}).requiresGrad(true);
        x.mul(x).sum().backward();             // d/dx x² = 2x
        assertArrayEquals(new float[] {2, 4, 6}, x.grad().toFloatArray());
        x.mul(3f).sum().backward();            // + 3
        assertArrayEquals(new float[] {5, 7, 9}, x.grad().toFloatArray());
        x.zeroGrad();
        assertNull(x.grad());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void sharedSubexpressionsSumTheirGradients(Device d) {
        Tensor x = Tensor.of(d, new float[] {0.5f, -1f}).requiresGrad(true);
        Tensor y = x.exp();
        y.add(y).add(x).sum().backward();      // 2e^x + 1
        float[] g = x.grad().toFloatArray();
        assertEquals(2 * Math.exp(0.5) + 1, g[0], 1e-5);
        assertEquals(2 * Math.exp(-1) + 1, g[1], 1e-5);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void graphIsFreedAfterBackward(Device d) {
        Tensor x = Tensor.ones(d, 2).requiresGrad(true);
        Tensor loss = x.mul(2f).sum();
        assertEquals("SumBackward0", loss.gradFn().name());
        loss.backward();
        IllegalStateException e = assertThrows(IllegalStateException.class, loss::backward);
        assertTrue(e.getMessage().contains("backward through the graph a second time"), e.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void noGradAndDetachRecordNothing(Device d) {
        Tensor x = Tensor.ones(d, 2).requiresGrad(true);
        try (var g = Autograd.noGrad()) {
            Tensor y = x.mul(2f);
            assertFalse(y.requiresGrad());
            assertNull(y.gradFn());
        }
        assertTrue(x.mul(2f).requiresGrad());
        assertFalse(x.detach().requiresGrad());
        String expected = d.isCpu() ? "tensor([1., 1.], requires_grad=True)"
                : "tensor([1., 1.], device='" + d + "', requires_grad=True)";
        assertEquals(expected, x.toString());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void misuseIsExplained(Device d) {
        Tensor x = Tensor.ones(d, 5, 1).requiresGrad(true);
        Tensor y = x.mul(2f);
        IllegalStateException e = assertThrows(IllegalStateException.class, y::backward);
        assertTrue(e.getMessage().contains("only for scalar outputs, got shape [5, 1]"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> y.requiresGrad(false));
        assertThrows(IllegalStateException.class, () -> Tensor.ones(d, 2).sum().backward());
        assertThrows(IllegalStateException.class, () -> Tensor.of(new int[] {1}).requiresGrad(true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void gradientsSurviveTheStepScope(Device d) {
        Tensor w = Tensor.randn(d, 3, 2).requiresGrad(true);
        long before = 0;
        for (int step = 0; step < 3; step++) {
            try (TensorScope s = Tensors.scope()) {
                Tensor x = Tensor.randn(d, 4, 3);
                x.matmul(w).relu().sum().backward();
            }
            assertFalse(w.grad().isClosed());
            w.zeroGrad();
        }
        for (int round = 0; round < 2; round++) {   // the first round warms the pool, the second must not grow
            before = d.memoryStats().bytesInUse();
            steps(d, w);
        }
        assertTrue(d.memoryStats().bytesInUse() <= before, "autograd leaked device memory on " + d + ": "
                + d.memoryStats().bytesInUse() + " > " + before);
    }

    private static void steps(Device d, Tensor w) {
        for (int step = 0; step < 200; step++) {
            try (TensorScope s = Tensors.scope()) {
                Tensor x = Tensor.randn(d, 4, 3);
                x.matmul(w).relu().sum().backward();
                w.zeroGrad();
            }
        }
    }
}
