package io.clgrad;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clgrad.autograd.GradCheck;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * conv2d and conv1d: gradients of input, weight and bias by finite differences on every device
 * over stride, padding (ints and "same"), dilation, groups (depthwise included), non-square
 * kernels and unbatched inputs; the messages of bad arguments; and flat device memory over
 * repeated forward and backward passes (the patch matrices are temporaries).
 */
class ConvolutionTest {

    private static Tensor r(Device d, int... shape) {
        return Tensor.randn(d, shape).mul(0.5f);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void conv2dGradients(Device d) {
        Tensor.manualSeed(11);
        GradCheck.check("conv2d 3x3", xs -> Functional.conv2d(xs[0], xs[1], xs[2]),
                r(d, 2, 3, 6, 5), r(d, 4, 3, 3, 3), r(d, 4));
        GradCheck.check("conv2d stride 2 padding 1", xs -> Functional.conv2d(xs[0], xs[1], xs[2], 2, 1, 1, 1),
                r(d, 2, 2, 7, 6), r(d, 3, 2, 3, 3), r(d, 3));
        GradCheck.check("conv2d dilation 2 padding 2", xs -> Functional.conv2d(xs[0], xs[1], xs[2], 1, 2, 2, 1),
                r(d, 1, 2, 6, 7), r(d, 2, 2, 3, 3), r(d, 2));
        GradCheck.check("conv2d groups 2", xs -> Functional.conv2d(xs[0], xs[1], xs[2], 1, 1, 1, 2),
                r(d, 2, 4, 5, 5), r(d, 6, 2, 3, 3), r(d, 6));
        GradCheck.check("conv2d depthwise", xs -> Functional.conv2d(xs[0], xs[1], xs[2], 1, 1, 1, 3),
                r(d, 2, 3, 5, 4), r(d, 6, 1, 3, 3), r(d, 6));
        GradCheck.check("conv2d 2x3 stride (2,1) padding (1,0) dilation (1,2)",
                xs -> Functional.conv2d(xs[0], xs[1], xs[2], new int[] {2, 1}, new int[] {1, 0}, new int[] {1, 2}, 1),
                r(d, 2, 2, 7, 8), r(d, 3, 2, 2, 3), r(d, 3));
        GradCheck.check("conv2d 1x1 no bias", xs -> Functional.conv2d(xs[0], xs[1], null),
                r(d, 2, 3, 4, 4), r(d, 5, 3, 1, 1));
        GradCheck.check("conv2d same, even kernel", xs -> Functional.conv2d(xs[0], xs[1], xs[2], new int[] {1}, "same",
                new int[] {1}, 1), r(d, 1, 2, 5, 6), r(d, 2, 2, 2, 4), r(d, 2));
        GradCheck.check("conv2d unbatched", xs -> Functional.conv2d(xs[0], xs[1], xs[2], 1, 1, 1, 1),
                r(d, 2, 4, 4), r(d, 3, 2, 3, 3), r(d, 3));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void conv1dGradients(Device d) {
        Tensor.manualSeed(12);
        GradCheck.check("conv1d stride 2 padding 1 groups 2", xs -> Functional.conv1d(xs[0], xs[1], xs[2], 2, 1, 1, 2),
                r(d, 2, 4, 9), r(d, 6, 2, 3), r(d, 6));
        GradCheck.check("conv1d same dilation 2", xs -> Functional.conv1d(xs[0], xs[1], xs[2], 1, "same", 2, 1),
                r(d, 3, 8), r(d, 2, 3, 4), r(d, 2));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void shapesFollowPyTorch(Device d) {
        Tensor x = Tensor.zeros(d, 20, 16, 50, 100);
        Tensor w = Tensor.zeros(d, 33, 16, 3, 5);
        assertArrayEquals(new int[] {20, 33, 26, 100},
                Functional.conv2d(x, w, null, new int[] {2, 1}, new int[] {4, 2}, new int[] {3, 1}, 1).shape());
        assertArrayEquals(new int[] {20, 33, 50, 100},
                Functional.conv2d(x, w, null, new int[] {1}, "same", new int[] {1}, 1).shape());
        assertArrayEquals(new int[] {20, 33, 48, 96},
                Functional.conv2d(x, w, null, new int[] {1}, "valid", new int[] {1}, 1).shape());
        assertArrayEquals(new int[] {20, 33, 24},
                Functional.conv1d(Tensor.zeros(d, 20, 16, 50), Tensor.zeros(d, 33, 16, 3), null, 2, 0, 1, 1).shape());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void badArgumentsAreNamed(Device d) {
        Tensor x = Tensor.zeros(d, 2, 16, 8, 8);
        String m = assertThrows(IllegalArgumentException.class,
                () -> Functional.conv2d(x, Tensor.zeros(d, 4, 8, 3, 3), null)).getMessage();
        assertEquals("conv2d: given groups=1, weight of size [4, 8, 3, 3], expected input[2, 16, 8, 8] to have 8"
                + " channels, but got 16 channels instead", m);
        m = assertThrows(IllegalArgumentException.class,
                () -> Functional.conv2d(x, Tensor.zeros(d, 3, 8, 3, 3), null, 1, 0, 1, 2)).getMessage();
        assertTrue(m.contains("expected weight to be divisible by 2 at dimension 0"), m);
        m = assertThrows(IllegalArgumentException.class,
                () -> Functional.conv2d(x, Tensor.zeros(d, 4, 16, 9, 9), null)).getMessage();
        assertTrue(m.contains("Kernel size can't be greater than actual input size"), m);
        m = assertThrows(IllegalArgumentException.class, () -> Functional.conv2d(x, Tensor.zeros(d, 4, 16, 3, 3),
                null, new int[] {2}, "same", new int[] {1}, 1)).getMessage();
        assertEquals("conv2d: padding='same' is not supported for strided convolutions", m);
        m = assertThrows(IllegalArgumentException.class,
                () -> Functional.conv2d(x, Tensor.zeros(d, 4, 16, 3, 3), Tensor.zeros(d, 5))).getMessage();
        assertTrue(m.contains("expected bias to be 1-dimensional with 4 elements"), m);
    }

    /**
     * Repeated forward and backward passes leave the bytes in use where they were: the patch
     * matrices of the forward and of both gradients go back to the allocator within their launch.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void repeatedForwardBackwardKeepsMemoryFlat(Device d) {
        try (TensorScope outer = Tensors.scope()) {
            Tensor x = Tensor.randn(d, 4, 3, 12, 12).requiresGrad(true);
            Tensor w = Tensor.randn(d, 8, 3, 3, 3).requiresGrad(true);
            Tensor b = Tensor.randn(d, 8).requiresGrad(true);
            Tensor wg = Tensor.randn(d, 6, 4, 3, 3).requiresGrad(true);
            step(d, x, w, b, wg);   // the gradients exist from here on
            long before = MemoryBaseline.settle(d);
            long buffersBefore = d.memoryStats().buffersInUse();
            for (int i = 0; i < 20; i++) {
                step(d, x, w, b, wg);
            }
            assertEquals(before, d.memoryStats().bytesInUse(), "bytes in use changed over 20 conv steps on " + d);
            assertEquals(buffersBefore, d.memoryStats().buffersInUse(), "buffers in use changed on " + d);
        }
    }

    private static void step(Device d, Tensor x, Tensor w, Tensor b, Tensor wg) {
        try (TensorScope s = Tensors.scope()) {
            Tensor h = Functional.conv2d(x, w, b, 2, 1, 1, 1).relu();                 // [4, 8, 6, 6]
            Functional.conv2d(h, wg, null, 1, 1, 2, 2).sum().backward();             // grouped, dilated
        }
        for (Tensor t : new Tensor[] {x, w, b, wg}) {
            t.zeroGrad();
        }
        d.synchronize();
    }
}
