package io.clgrad;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The global generator's position can be saved and restored (for checkpoints), and read back from text. */
class RngStateTest {
    @Test
    void restoringAPositionRepeatsTheNumbers() {
        Tensor.manualSeed(11);
        Tensor.randn(4).close();
        RngState s = RngState.get();
        assertEquals(new RngState(11, 1), s);
        float[] a = Tensor.randn(5).toFloatArray();
        float[] b = Tensor.rand(3).toFloatArray();
        Tensor.manualSeed(99);
        s.restore();
        assertArrayEquals(a, Tensor.randn(5).toFloatArray());
        assertArrayEquals(b, Tensor.rand(3).toFloatArray());
        assertFalse(Arrays.equals(a, Tensor.randn(5).toFloatArray()));
    }

    @Test
    void textFormRoundTripsAndBadTextIsRefused() {
        RngState s = new RngState(-42, 7);
        assertEquals("-42,7", s.toString());
        assertEquals(s, RngState.parse("-42,7"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RngState.parse("1;2"));
        assertEquals("RngState: expected \"seed,calls\" (two integers), got \"1;2\"", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> RngState.parse("1,-2"));
        assertThrows(IllegalArgumentException.class, () -> RngState.parse(null));
    }
}
