package io.clgrad;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clgrad.autograd.GradCheck;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * max_pool2d, avg_pool2d and adaptive_avg_pool2d in the core: gradients by finite differences on
 * every device (max on inputs whose elements are all at least 0.01 apart, so no finite-difference
 * step changes which element wins), the shapes PyTorch gives (3-D inputs, an empty batch), and the
 * errors PyTorch raises, named after the op.
 */
class PoolingTest {

    /** A [shape] tensor of distinct values 0.01 apart in random order: no ties, no near-ties. */
    private static Tensor distinct(Device d, long seed, int... shape) {
        int n = Math.toIntExact(Shape.numel(shape));
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            order.add(i);
        }
        Collections.shuffle(order, new Random(seed));
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (order.get(i) - n / 2) * 0.01f;
        }
        return Tensor.of(d, v, shape);
    }

    private static void check(String name, Function<Tensor, Tensor> f, Tensor x) {
        GradCheck.check(name, xs -> f.apply(xs[0]), x);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void maxPoolGradientsMatchFiniteDifferences(Device d) {
        check("max_pool2d k2", x -> Functional.maxPool2d(x, 2), distinct(d, 1, 2, 2, 5, 6));
        check("max_pool2d k3 s2 p1 (overlapping)", x -> Functional.maxPool2d(x, new int[] {3}, new int[] {2},
                new int[] {1}, new int[] {1}, false), distinct(d, 2, 1, 2, 7, 6));
        check("max_pool2d k(2,3) s1 d(2,1)", x -> Functional.maxPool2d(x, new int[] {2, 3}, new int[] {1},
                new int[] {0, 1}, new int[] {2, 1}, false), distinct(d, 3, 1, 1, 6, 7));
        check("max_pool2d k3 s2 p1 d2 ceil", x -> Functional.maxPool2d(x, new int[] {3}, new int[] {2},
                new int[] {1}, new int[] {2}, true), distinct(d, 4, 1, 2, 8, 7));
        check("max_pool2d with indices, 3-D input", x -> Functional.maxPool2dWithIndices(x, new int[] {2},
                new int[] {1}, new int[] {1}, new int[] {1}, true).values(), distinct(d, 5, 2, 5, 4));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void avgPoolGradientsMatchFiniteDifferences(Device d) {
        check("avg_pool2d k2", x -> Functional.avgPool2d(x, 2), Tensor.randn(d, 2, 2, 5, 6));
        for (boolean cip : new boolean[] {true, false}) {
            check("avg_pool2d k3 s2 p1 ceil count_include_pad=" + cip, x -> Functional.avgPool2d(x, new int[] {3},
                    new int[] {2}, new int[] {1}, true, cip, null), Tensor.randn(d, 1, 2, 6, 7));
        }
        check("avg_pool2d k(3,2) s(1,2) divisor_override=5", x -> Functional.avgPool2d(x, new int[] {3, 2},
                new int[] {1, 2}, new int[] {1, 0}, false, true, 5), Tensor.randn(d, 1, 1, 5, 7));
        check("avg_pool2d 3-D input", x -> Functional.avgPool2d(x, 2), Tensor.randn(d, 3, 4, 5));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void adaptiveAvgPoolGradientsMatchFiniteDifferences(Device d) {
        check("adaptive_avg_pool2d (2,3) divisible", x -> Functional.adaptiveAvgPool2d(x, new int[] {2, 3}),
                Tensor.randn(d, 2, 2, 4, 6));
        check("adaptive_avg_pool2d (3,4) overlapping windows", x -> Functional.adaptiveAvgPool2d(x, new int[] {3, 4}),
                Tensor.randn(d, 1, 2, 7, 5));
        check("adaptive_avg_pool2d 1 (global), 3-D", x -> Functional.adaptiveAvgPool2d(x, new int[] {1}),
                Tensor.randn(d, 3, 5, 4));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void adaptiveWindowsFollowPyTorchsIndexRule(Device d) {
        // H = 5 into 3 rows: [0, 2), [1, 4), [3, 5) (floor of o*5/3, ceil of (o+1)*5/3)
        Tensor x = Tensor.of(d, new float[] {1, 2, 4, 8, 16}, 1, 1, 5, 1);
        assertArrayEquals(new float[] {1.5f, 14f / 3, 12f}, Functional.adaptiveAvgPool2d(x, new int[] {3, 1})
                .toFloatArray(), 1e-6f);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void shapesAsPyTorch(Device d) {
        assertArrayEquals(new int[] {0, 3, 2, 2}, Functional.maxPool2d(Tensor.zeros(d, 0, 3, 5, 5), 2).shape());
        assertArrayEquals(new int[] {0, 3, 2, 2}, Functional.avgPool2d(Tensor.zeros(d, 0, 3, 5, 5), 2).shape());
        assertArrayEquals(new int[] {3, 2, 2}, Functional.maxPool2d(Tensor.zeros(d, 3, 5, 5), 2).shape());
        // ceil mode: 5 with k2 s2 p1 gives 3, not 4 (the 4th window would start in the right padding)
        assertArrayEquals(new int[] {1, 1, 3, 3}, Functional.maxPool2d(Tensor.zeros(d, 1, 1, 5, 5), new int[] {2},
                null, new int[] {1}, new int[] {1}, true).shape());
        // a kernel one larger than the input still fits once in ceil mode with stride 2, as in PyTorch
        assertArrayEquals(new int[] {1, 1, 1, 1}, Functional.avgPool2d(Tensor.zeros(d, 1, 1, 5, 5), new int[] {6},
                new int[] {2}, new int[] {0}, true, true, null).shape());
        assertArrayEquals(new int[] {2, 4, 0, 3}, Functional.adaptiveAvgPool2d(Tensor.zeros(d, 2, 4, 5, 5),
                new int[] {0, 3}).shape());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void maxPoolValuesAreThoseOfTheIndexedForm(Device d) {
        Tensor x = distinct(d, 9, 1, 1, 4, 4);
        ValuesAndIndices r = Functional.maxPool2dWithIndices(x, new int[] {2}, null, new int[] {0}, new int[] {1},
                false);
        assertEquals(DType.INT32, r.indices().dtype());
        Tensor y = Functional.maxPool2d(x, 2);
        assertArrayEquals(r.values().toFloatArray(), y.toFloatArray());
        assertNull(y.gradFn());
    }

    @Test
    void errorsNameTheOpAndTheProblemAsPyTorch() {
        Tensor x = Tensor.zeros(1, 1, 5, 5);
        assertMessage("max_pool2d: pad should be at most half of kernel size, but got pad=2 and kernel_size=3",
                () -> Functional.maxPool2d(x, new int[] {3}, null, new int[] {2}, new int[] {1}, false));
        assertMessage("avg_pool2d: pad must be non-negative, but got pad: -1",
                () -> Functional.avgPool2d(x, new int[] {2}, null, new int[] {-1}, false, true, null));
        assertMessage("max_pool2d: stride should not be zero", () -> Functional.maxPool2d(x, 0));
        assertMessage("max_pool2d: kernel size should be greater than zero, but got kH: 0 kW: 0",
                () -> Functional.maxPool2d(x, new int[] {0}, new int[] {1}, new int[] {0}, new int[] {1}, false));
        assertMessage("max_pool2d: stride should be greater than zero, but got dH: -1 dW: -1",
                () -> Functional.maxPool2d(x, new int[] {2}, new int[] {-1}, new int[] {0}, new int[] {1}, false));
        assertMessage("max_pool2d: dilation should be greater than zero, but got dilationH: 0 dilationW: 0",
                () -> Functional.maxPool2d(x, new int[] {2}, null, new int[] {0}, new int[] {0}, false));
        assertMessage("max_pool2d: Given input size: (1x5x5). Calculated output size: (1x0x0). Output size is too small",
                () -> Functional.maxPool2d(x, 6));
        assertMessage("avg_pool2d: divisor must be not zero",
                () -> Functional.avgPool2d(x, new int[] {2}, null, new int[] {0}, false, true, 0));
        assertMessage("max_pool2d: kernel_size must either be a single int, or a tuple of two ints, got [2, 2, 2]",
                () -> Functional.maxPool2d(x, new int[] {2, 2, 2}, null, new int[] {0}, new int[] {1}, false));
        assertMessage("max_pool2d: Expected 3D or 4D (batch mode) tensor with optional 0 dim batch size for input,"
                + " but got: [2, 0, 5, 5]", () -> Functional.maxPool2d(Tensor.zeros(2, 0, 5, 5), 2));
        assertMessage("avg_pool2d: Expected 3D or 4D (batch mode) tensor with optional 0 dim batch size for input,"
                + " but got: [5, 5]", () -> Functional.avgPool2d(Tensor.zeros(5, 5), 2));
        assertMessage("adaptive_avg_pool2d(): Expected 3D or 4D tensor, but got [5, 5]",
                () -> Functional.adaptiveAvgPool2d(Tensor.zeros(5, 5), new int[] {2}));
        assertMessage("adaptive_avg_pool2d: elements of output_size must be greater than or equal to 0 but received"
                + " {-1, 2}", () -> Functional.adaptiveAvgPool2d(x, new int[] {-1, 2}));
        assertMessage("adaptive_avg_pool2d: output_size must be 2, got [1, 2, 3]",
                () -> Functional.adaptiveAvgPool2d(x, new int[] {1, 2, 3}));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Functional.maxPool2d(Tensor.zeros(1, 1, 4, 4).toInt(), 2));
        assertTrue(e.getMessage().startsWith("max_pool2d: expected a float32 tensor"), e.getMessage());
    }

    private static void assertMessage(String want, org.junit.jupiter.api.function.Executable call) {
        assertEquals(want, assertThrows(IllegalArgumentException.class, call).getMessage());
    }
}
