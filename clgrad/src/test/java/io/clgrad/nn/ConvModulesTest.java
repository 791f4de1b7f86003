package io.clgrad.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clgrad.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Conv2d and Conv1d as modules: PyTorch's parameter names and shapes, the initialisation's bounds
 * and spread (U(-1/√fan_in, 1/√fan_in) for weight and bias), argument checks, and the print format
 * of a CNN's first layer (the golden test checks the format over every option).
 */
class ConvModulesTest {

    @Test
    void parametersAndInitFollowPyTorch() {
        Tensor.manualSeed(3);
        Conv2d c = new Conv2d(32, 64, 3, 1, 1);
        assertEquals(List.of("weight", "bias"), List.copyOf(c.namedParameters().keySet()));
        assertArrayEquals(new int[] {64, 32, 3, 3}, c.weight().shape());
        assertArrayEquals(new int[] {64}, c.bias().shape());
        double bound = 1 / Math.sqrt(32 * 9);
        float[] w = c.weight().toFloatArray();
        double max = 0;
        double sumSq = 0;
        for (float v : w) {
            max = Math.max(max, Math.abs(v));
            sumSq += v * v;
        }
        assertTrue(max <= bound && max > 0.99 * bound, "weight bound " + max + " vs " + bound);
        // U(-b, b) has variance b²/3
        assertEquals(bound * bound / 3, sumSq / w.length, 0.05 * bound * bound / 3);
        for (float v : c.bias().toFloatArray()) {
            assertTrue(Math.abs(v) <= bound, "bias " + v + " outside ±" + bound);
        }
        Conv1d d = new Conv1d(4, 6, 5, 1, 0, 1, 2, false, io.clgrad.Device.cpu());
        assertArrayEquals(new int[] {6, 2, 5}, d.weight().shape());
        assertEquals(null, d.bias());
        assertEquals("Conv1d(4, 6, kernel_size=(5,), stride=(1,), groups=2, bias=False)", d.toString());
    }

    @Test
    void optionsAreTheArgumentsAsPyTorchsAttributes() {
        ConvOptions o = new Conv2d(4, 8, new int[] {3, 5}, new int[] {2}, new int[] {1, 0}, new int[] {1}, 2, true,
                io.clgrad.Device.cpu()).options();
        assertEquals(new ConvOptions(4, 8, List.of(3, 5), List.of(2, 2), List.of(1, 0), null, List.of(1, 1), 2, null), o);
        assertThrows(UnsupportedOperationException.class, () -> o.stride().set(0, 1));
        ConvOptions same = new Conv1d(2, 2, 3, 1, "same", 1, 1, true, io.clgrad.Device.cpu()).options();
        assertEquals("same", same.paddingString());
        assertEquals(null, same.padding());
        assertEquals(List.of(0, 0), new ConvTranspose2d(2, 3, 3, 2, 1, 0).options().outputPadding());
    }

    @Test
    void printsAsPyTorch() {
        assertEquals("Conv2d(1, 32, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))",
                new Conv2d(1, 32, 3, 1, 1).toString());
    }

    @Test
    void badArgumentsAreNamed() {
        assertEquals("Conv2d: in_channels must be divisible by groups (in_channels=3, groups=2)",
                assertThrows(IllegalArgumentException.class, () -> new Conv2d(3, 4, 3, 1, 0, 1, 2, true)).getMessage());
        assertEquals("Conv2d: padding='same' is not supported for strided convolutions",
                assertThrows(IllegalArgumentException.class, () -> new Conv2d(3, 4, new int[] {3}, new int[] {2},
                        "same", new int[] {1}, 1, true, io.clgrad.Device.cpu())).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new Conv2d(3, 4, new int[] {3}, new int[] {1},
                "full", new int[] {1}, 1, true, io.clgrad.Device.cpu())).getMessage().contains("invalid padding string"));
    }
}
