package io.clgrad.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.clgrad.Device;
import io.clgrad.Functional;
import io.clgrad.Tensor;
import io.clgrad.nn.BCEWithLogitsLoss;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The chapter's SimpleNet(2, 10, 1) has PyTorch's parameter count: (2*10 + 10) + (10*1 + 1); its
 * fused forward (Linear+ReLU as one product) gives the same bits as the unfused
 * {@code layer_2(relu(layer_1(x)))}, loss and gradients, on every device.
 */
class SimpleNetTest {

    @Test
    void numParametersMatchesPyTorch() {
        assertEquals(41, new SimpleNet(2, 10, 1).numParameters());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void fusedForwardEqualsUnfusedBitForBit(Device d) {
        Tensor.manualSeed(7);
        SimpleNet model = new SimpleNet(2, 10, 1);
        model.to(d);
        List<Tensor> p = model.parameters();
        List<Tensor> q = List.of(p.get(0).detach().copy().requiresGrad(true), p.get(1).detach().copy().requiresGrad(true),
                p.get(2).detach().copy().requiresGrad(true), p.get(3).detach().copy().requiresGrad(true));
        // 67 rows: negative and positive pre-activations, several work-groups
        Tensor x = Tensor.randn(d, 67, 2).mul(3f);
        Tensor y = Tensor.randint(0, 2, 67, 1).toFloat().to(d);
        BCEWithLogitsLoss criterion = new BCEWithLogitsLoss();

        Tensor fused = criterion.forward(model.forward(x), y);
        fused.backward();
        Tensor hidden = Functional.linear(x, q.get(0), q.get(1)).relu();
        Tensor plain = criterion.forward(Functional.linear(hidden, q.get(2), q.get(3)), y);
        plain.backward();

        assertBits(plain, fused, "loss on " + d);
        String[] names = {"layer_1.weight", "layer_1.bias", "layer_2.weight", "layer_2.bias"};
        for (int i = 0; i < 4; i++) {
            assertBits(q.get(i).grad(), p.get(i).grad(), names[i] + ".grad on " + d);
        }
    }

    private static void assertBits(Tensor expected, Tensor actual, String what) {
        float[] e = expected.toFloatArray();
        float[] a = actual.toFloatArray();
        assertEquals(e.length, a.length, what + ": element count");
        for (int i = 0; i < e.length; i++) {
            if (Float.floatToRawIntBits(e[i]) != Float.floatToRawIntBits(a[i])) {
                throw new AssertionError(what + ": element " + i + ": fused " + a[i] + ", unfused " + e[i]);
            }
        }
    }
}
