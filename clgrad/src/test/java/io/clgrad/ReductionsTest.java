package io.clgrad;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clgrad.autograd.GradCheck;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The reductions of issue 11 step (3) beyond the golden fixture (golden/reductions.json): their
 * gradients by finite differences on every device (inputs free of ties), ties, NaN and infinities
 * as PyTorch, and the errors for bad dims and k.
 */
class ReductionsTest {

    /** Distinct values in (-2, 2) away from 0, seeded. */
    private static Tensor input(Device d, long seed, int... shape) {
        Random r = new Random(seed);
        float[] v = new float[(int) Shape.numel(shape)];
        for (int i = 0; i < v.length; i++) {
            v[i] = (0.3f + 1.7f * r.nextFloat()) * (r.nextBoolean() ? 1 : -1);
        }
        return Tensor.of(d, v, shape);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void gradientsMatchFiniteDifferences(Device d) {
        Tensor x = input(d, 1, 3, 4, 5);
        GradCheck.check("var dim 1", xs -> xs[0].var(new int[] {1}, 1, false), x);
        GradCheck.check("var dims [0, 2] correction 0 keepdim", xs -> xs[0].var(new int[] {0, 2}, 0, true), x);
        GradCheck.check("std all", xs -> xs[0].std(), x);
        GradCheck.check("std dim -1", xs -> xs[0].std(-1), x);
        GradCheck.check("logsumexp dim 1", xs -> xs[0].logsumexp(1, false), x);
        GradCheck.check("logsumexp dims [0, 2] keepdim", xs -> xs[0].logsumexp(new int[] {0, 2}, true), x);
        GradCheck.check("norm", xs -> xs[0].norm(), x);
        GradCheck.check("norm p 1 dim 2", xs -> xs[0].norm(1f, new int[] {2}, false), x);
        GradCheck.check("norm p inf dims [1, 2]", xs -> xs[0].norm(Float.POSITIVE_INFINITY, new int[] {1, 2}, true), x);
        GradCheck.check("norm p 3 dim 0", xs -> xs[0].norm(3f, new int[] {0}, false), x);
        GradCheck.check("cumsum dim 1", xs -> xs[0].cumsum(1), x);
        GradCheck.check("cumsum dim -1", xs -> xs[0].cumsum(-1), x);
        GradCheck.check("max(dim) values", xs -> xs[0].maxWithIndices(2, false).values(), x);
        GradCheck.check("min(dim) values", xs -> xs[0].minWithIndices(0, true).values(), x);
        GradCheck.check("sort values", xs -> xs[0].sort(1, true).values(), x);
        GradCheck.check("topk values", xs -> xs[0].topk(2, -1, false, true).values(), x);
        GradCheck.check("sum dims [2, 0]", xs -> xs[0].sum(new int[] {2, 0}, false), x);
        GradCheck.check("mean dims [-1, 1] keepdim", xs -> xs[0].mean(new int[] {-1, 1}, true), x);
        Tensor small = input(d, 2, 2, 3, 4).mul(0.8f);
        GradCheck.check("prod dim 2", xs -> xs[0].prod(2, false), small);
        GradCheck.check("prod all", xs -> xs[0].prod(), input(d, 3, 7));
        // one zero in row 0, two in row 1: the product is linear in each element, so differences are exact
        Tensor zeros = Tensor.of(d, new float[] {1.5f, 0f, -2f, 0.5f, 0f, 3f, 0f, 1.25f}, 2, 4);
        GradCheck.check("prod dim 1 with zeros", xs -> xs[0].prod(1, false), zeros);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void zeroGradientRulesAsPyTorch(Device d) {
        Tensor x = Tensor.of(d, new float[] {2f, 0f, 3f, 0f, 0f, 0f}, 2, 3).requiresGrad(true);
        x.prod(1, false).sum().backward();
        assertArrayEquals(new float[] {0f, 6f, 0f, 0f, 0f, 0f}, x.grad().toFloatArray());
        Tensor z = Tensor.zeros(d, 2, 3).requiresGrad(true);
        z.norm().backward();                      // PyTorch: 0 at a zero norm, not NaN
        assertArrayEquals(new float[6], z.grad().toFloatArray());
        Tensor y = Tensor.of(d, new float[] {3f, 4f, 0f, 0f}, 2, 2).requiresGrad(true);
        y.norm(2f, new int[] {1}, false).sum().backward();
        assertArrayEquals(new float[] {0.6f, 0.8f, 0f, 0f}, y.grad().toFloatArray(), 1e-6f);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void sortIsStableAndPutsNanLast(Device d) {
        float nan = Float.NaN;
        Tensor x = Tensor.of(d, new float[] {2f, nan, 1f, 2f, -1f, 1f}, 6);
        ValuesAndIndices up = x.sort(0, false);
        assertArrayEquals(new float[] {-1f, 1f, 1f, 2f, 2f, nan}, up.values().toFloatArray());
        assertArrayEquals(new int[] {4, 2, 5, 0, 3, 1}, up.indices().toIntArray());
        ValuesAndIndices down = x.sort(-1, true);
        assertArrayEquals(new float[] {nan, 2f, 2f, 1f, 1f, -1f}, down.values().toFloatArray());
        assertArrayEquals(new int[] {1, 0, 3, 2, 5, 4}, down.indices().toIntArray());
        ValuesAndIndices top = Tensor.of(d, new float[] {5f, 7f, 7f, 1f, 9f, 9f}, 2, 3).topk(2, 1, true, true);
        assertArrayEquals(new float[] {7f, 7f, 9f, 9f}, top.values().toFloatArray());
        assertArrayEquals(new int[] {1, 2, 1, 2}, top.indices().toIntArray());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void extremesAndDegenerateCounts(Device d) {
        float inf = Float.POSITIVE_INFINITY;
        Tensor x = Tensor.of(d, new float[] {-inf, -inf, 1000f, 1000f, inf, 0f}, 3, 2);
        float[] lse = x.logsumexp(1, false).toFloatArray();
        assertEquals(-inf, lse[0]);
        assertEquals(1000f + (float) Math.log(2), lse[1], 1e-3f);
        assertEquals(inf, lse[2]);
        assertTrue(Float.isNaN(Tensor.of(d, new float[] {4f}, 1).var().item()), "var of one element is NaN");
        assertEquals(0f, Tensor.of(d, new float[] {4f}, 1).var(null, 0, false).item());
        assertEquals(1f, Tensor.zeros(d, 2, 0).prod().item());
        assertArrayEquals(new int[] {5, 3, 9}, Tensor.of(d, new int[] {1, 5, 3, 1, 3, 3}, 3, 2).prod(1, false).toIntArray());
        assertEquals(3, Tensor.of(d, new float[] {1f, 0f, 2f, -1f}, 4).argmin().toIntArray()[0]);
        assertEquals(3f, Tensor.of(d, new float[] {1f, 0f, 2f, -1f}, 4).norm(0f).item());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void badDimsAndKAreNamed(Device d) {
        Tensor x = input(d, 4, 3, 4);
        String m = assertThrows(IllegalArgumentException.class, () -> x.sum(new int[] {1, -1}, false)).getMessage();
        assertTrue(m.contains("sum") && m.contains("appears multiple times"), m);
        m = assertThrows(IllegalArgumentException.class, () -> x.var(new int[] {2}, 1, false)).getMessage();
        assertTrue(m.contains("var") && m.contains("dimension 2 out of range"), m);
        m = assertThrows(IllegalArgumentException.class, () -> x.topk(5, 1, true, true)).getMessage();
        assertTrue(m.contains("topk") && m.contains("k (5)") && m.contains("size 4"), m);
        m = assertThrows(IllegalArgumentException.class, () -> x.std(null, -1, false)).getMessage();
        assertTrue(m.contains("std") && m.contains("correction"), m);
        m = assertThrows(IllegalArgumentException.class, () -> x.cumsum(-3)).getMessage();
        assertTrue(m.contains("cumsum") && m.contains("out of range"), m);
        m = assertThrows(IllegalArgumentException.class, () -> x.sort(5, false)).getMessage();
        assertTrue(m.contains("sort"), m);
        m = assertThrows(IllegalArgumentException.class, () -> x.toInt().logsumexp(0, false)).getMessage();
        assertTrue(m.contains("logsumexp"), m);
    }
}
