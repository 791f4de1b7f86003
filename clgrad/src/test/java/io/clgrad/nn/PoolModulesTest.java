package io.clgrad.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clgrad.Tensor;
import org.junit.jupiter.api.Test;

/**
 * MaxPool2d, AvgPool2d and AdaptiveAvgPool2d: PyTorch's print format (strings printed by PyTorch
 * 1.13, sizes shown as given: an int or a tuple), its defaults (stride = kernel_size), no
 * parameters, and None in an adaptive output size keeping the input's size.
 */
class PoolModulesTest {

    @Test
    void printAsPyTorch() {
        assertEquals("MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)",
                new MaxPool2d(2).toString());
        assertEquals("MaxPool2d(kernel_size=(2, 3), stride=(2, 3), padding=0, dilation=1, ceil_mode=False)",
                new MaxPool2d(new int[] {2, 3}, null, new int[] {0}, new int[] {1}, false, false).toString());
        assertEquals("MaxPool2d(kernel_size=3, stride=2, padding=1, dilation=2, ceil_mode=True)",
                new MaxPool2d(3, 2, 1, 2, true, true).toString());
        assertEquals("AvgPool2d(kernel_size=2, stride=2, padding=0)", new AvgPool2d(2).toString());
        assertEquals("AvgPool2d(kernel_size=(2, 3), stride=1, padding=(1, 0))",
                new AvgPool2d(new int[] {2, 3}, new int[] {1}, new int[] {1, 0}, true, false, 3).toString());
        assertEquals("AdaptiveAvgPool2d(output_size=1)", new AdaptiveAvgPool2d(1).toString());
        assertEquals("AdaptiveAvgPool2d(output_size=(5, 7))", new AdaptiveAvgPool2d(5, 7).toString());
        assertEquals("AdaptiveAvgPool2d(output_size=(None, 7))", new AdaptiveAvgPool2d(null, 7).toString());
        assertEquals("Sequential(\n  (0): MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)\n"
                + "  (1): AvgPool2d(kernel_size=2, stride=2, padding=0)\n)",
                new Sequential(new MaxPool2d(2), new AvgPool2d(2)).toString());
    }

    @Test
    void defaultsAndShapes() {
        Tensor x = Tensor.randn(2, 3, 9, 8);
        assertArrayEquals(new int[] {2, 3, 4, 4}, new MaxPool2d(2).forward(x).shape());
        assertArrayEquals(new int[] {2, 3, 5, 4}, new MaxPool2d(2, 2, 0, 1, false, true).forward(x).shape());
        assertArrayEquals(new int[] {2, 3, 3, 2}, new AvgPool2d(3).forward(x).shape());
        assertArrayEquals(new int[] {2, 3, 9, 2}, new AdaptiveAvgPool2d(null, 2).forward(x).shape());
        assertTrue(new MaxPool2d(2).parameters().isEmpty());
        assertTrue(new MaxPool2d(2, 2, 0, 1, true, false).returnIndices());
        assertArrayEquals(new MaxPool2d(2).forward(x).toFloatArray(),
                new MaxPool2d(2).forwardWithIndices(x).values().toFloatArray());
    }
}
