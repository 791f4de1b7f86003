package io.clgrad.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clgrad.Device;
import io.clgrad.Functional;
import io.clgrad.Tensor;
import io.clgrad.TensorScope;
import io.clgrad.Tensors;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Finite-difference checks of the composite activations (clamp, clampMin, clampMax, hardtanh,
 * leaky_relu, elu, softplus on both sides of its threshold, the tanh GELU) on every device, with
 * inputs kept away from their kinks; and the gradients finite differences cannot see: at the
 * clamp bounds (1, PyTorch's rule), at the hardtanh bounds (0), and far into the tails where a
 * discarded branch overflows (softplus and elu at x = 100 and 1000: 1, not NaN).
 */
class ActivationGradCheckTest {

    /** n values in [-3, 3] at least 0.05 from each of {@code kinks}. */
    private static Tensor away(Device d, long seed, int n, float... kinks) {
        Random r = new Random(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            float c;
            boolean near;
            do {
                c = (float) (r.nextDouble() * 6 - 3);
                near = false;
                for (float k : kinks) {
                    near |= Math.abs(c - k) < 0.05f;
                }
            } while (near);
            v[i] = c;
        }
        return Tensor.of(d, v, 3, n / 3);
    }

    private static void check(String name, Function<Tensor, Tensor> f, Tensor x) {
        GradCheck.check(name, xs -> f.apply(xs[0]), x);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void compositesMatchFiniteDifferences(Device d) {
        try (TensorScope s = Tensors.scope()) {
            check("clamp", x -> x.clamp(-0.5f, 0.75f), away(d, 1, 12, -0.5f, 0.75f));
            check("clampMin", x -> x.clampMin(0.25f), away(d, 2, 12, 0.25f));
            check("clampMax", x -> x.clampMax(-0.25f), away(d, 3, 12, -0.25f));
            check("clamp(null, 1)", x -> x.clamp(null, 1f), away(d, 4, 12, 1f));
            check("hardtanh", x -> Functional.hardtanh(x, -1f, 2f), away(d, 5, 12, -1f, 2f));
            check("leakyRelu", x -> Functional.leakyRelu(x, 0.2f), away(d, 6, 12, 0f));
            check("elu", x -> Functional.elu(x, 0.7f), away(d, 7, 12, 0f));
            check("softplus", Functional::softplus, away(d, 8, 12));
            check("softplus beta 2 threshold 2", x -> Functional.softplus(x, 2f, 2f), away(d, 9, 12, 1f));
            check("gelu tanh", x -> Functional.gelu(x, "tanh"), away(d, 10, 12));
        }
    }

    private static float[] grad(Device d, Function<Tensor, Tensor> f, float... values) {
        Tensor x = Tensor.of(d, values, values.length).requiresGrad(true);
        f.apply(x).sum().backward();
        return x.grad().toFloatArray();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void gradientsAtBoundsAndInTails(Device d) {
        try (TensorScope s = Tensors.scope()) {
            // PyTorch: clamp passes the gradient at the bounds, hardtanh does not; NaN gets 0 from both
            assertArrayEquals(new float[] {0, 1, 1, 1, 0, 0},
                    grad(d, x -> x.clamp(-1f, 1f), -2f, -1f, 0f, 1f, 2f, Float.NaN));
            assertArrayEquals(new float[] {0, 0, 1, 0, 0, 0},
                    grad(d, x -> Functional.hardtanh(x, -1f, 1f), -2f, -1f, 0f, 1f, 2f, Float.NaN));
            assertArrayEquals(new float[] {0, 1, 1}, grad(d, x -> x.clampMin(0f), -1f, 0f, 1f));
            assertArrayEquals(new float[] {1, 1, 0}, grad(d, x -> x.clampMax(0f), -1f, 0f, 1f));
            assertArrayEquals(new float[] {0, 0, 0}, grad(d, x -> x.clamp(1f, -1f), -2f, 0f, 2f));   // min > max
            // the slope at 0 is the negative one, as PyTorch's leaky_relu and elu backward
            assertArrayEquals(new float[] {0.2f, 1}, grad(d, x -> Functional.leakyRelu(x, 0.2f), 0f, 1f));
            assertArrayEquals(new float[] {0.5f, 1, 1, 1}, grad(d, x -> Functional.elu(x, 0.5f), 0f, 100f, 1000f, 1e30f));
            assertArrayEquals(new float[] {1, 1, 1}, grad(d, Functional::softplus, 100f, 1000f, 1e30f));
            float[] tail = grad(d, Functional::softplus, -100f, -1000f);
            assertTrue(tail[0] >= 0 && tail[0] < 1e-30 && tail[1] == 0, java.util.Arrays.toString(tail));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void integerInputsAsPyTorch(Device d) {
        try (TensorScope s = Tensors.scope()) {
            Tensor ints = Tensor.of(d, new int[] {-2, 0, 3}, 3);
            assertThrows(IllegalArgumentException.class, ints::gelu);
            assertThrows(IllegalArgumentException.class, ints::silu);
            assertThrows(IllegalArgumentException.class, () -> Functional.softplus(ints));
            assertThrows(IllegalArgumentException.class, () -> Functional.leakyRelu(ints));
            assertThrows(IllegalArgumentException.class, () -> Functional.elu(ints));
            assertArrayEquals(new float[] {(float) Math.log1p(-2), 0, (float) Math.log1p(3)}, ints.log1p().toFloatArray());
            assertThrows(IllegalArgumentException.class, () -> Tensor.of(d, new float[] {1f}, 1).clamp((Float) null, null));
        }
    }
}
