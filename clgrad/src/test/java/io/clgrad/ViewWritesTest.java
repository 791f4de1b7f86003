package io.clgrad;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The indexing views share storage and the in-place version counter with their base, as PyTorch's
 * do: a write through a view ({@code copyFrom}) lands in the base and bumps the version every view
 * sees; a write to the base shows through the views; a backward that saved the base refuses to run
 * after such a write; a view of a tensor that requires grad cannot be written while recording.
 */
class ViewWritesTest {

    /** [3, 4] holding 0..11. */
    private static Tensor grid(Device d) {
        return Tensor.of(d, new float[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, 3, 4);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void writesThroughAViewReachTheBaseAndBumpTheSharedVersion(Device d) {
        Tensor x = grid(d);
        Tensor row = x.select(0, 1);
        Tensor cols = x.get(":, ::2");
        assertEquals(0, x.version());
        row.copyFrom(Tensor.of(new float[] {-1, -2, -3, -4}));
        assertArrayEquals(new float[] {0, 1, 2, 3, -1, -2, -3, -4, 8, 9, 10, 11}, x.toFloatArray());
        assertEquals(1, x.version(), "the base sees the view's write");
        assertEquals(1, cols.version(), "another view sees it too");
        cols.copyFrom(Tensor.of(new float[] {20, 21, 22, 23, 24, 25}, 3, 2));
        assertArrayEquals(new float[] {20, 1, 21, 3, 22, -2, 23, -4, 24, 9, 25, 11}, x.toFloatArray());
        assertArrayEquals(new float[] {22, -2, 23, -4}, row.toFloatArray(), "the row view reads the new values");
        assertEquals(2, row.version());
        // a column of a transposed view: strided in both directions
        x.t().get(1).copyFrom(Tensor.of(new float[] {7, 8, 9}));
        assertArrayEquals(new float[] {20, 7, 21, 3, 22, 8, 23, -4, 24, 9, 25, 11}, x.toFloatArray());
        // an int32 base, through a stepped slice
        Tensor a = Tensor.arange(10).to(d);
        a.slice(0, 1, 10, 4).copyFrom(Tensor.of(new int[] {-1, -2, -3}));
        assertArrayEquals(new int[] {0, -1, 2, 3, 4, -2, 6, 7, 8, -3}, a.toIntArray());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void writesToTheBaseShowThroughTheViewsAndPiecesOutliveIt(Device d) {
        Tensor x = grid(d);
        List<Tensor> pieces = x.split(3, 1);
        Tensor last = x.get("-1");
        x.copyFrom(grid(d).mul(10));
        assertArrayEquals(new float[] {30, 70, 110}, pieces.get(1).toFloatArray());
        assertArrayEquals(new float[] {80, 90, 100, 110}, last.toFloatArray());
        x.close();
        assertArrayEquals(new float[] {0, 10, 20, 40, 50, 60, 80, 90, 100}, pieces.get(0).toFloatArray(),
                "a view keeps the storage alive after its base is closed");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void aBackwardThatSavedTheBaseRefusesAfterAWriteThroughAView(Device d) {
        Tensor w = Tensor.randn(d, 3, 4).requiresGrad(true);
        Tensor x = grid(d);
        Tensor y = w.mul(x).sum();   // w's gradient is x
        x.get("2, 1:3").copyFrom(Tensor.zeros(2));
        IllegalStateException e = assertThrows(IllegalStateException.class, y::backward);
        assertTrue(e.getMessage().contains("modified by an in-place operation"), e.getMessage());
        // and a view that was saved sees writes to its base
        Tensor v = x.select(0, 0);
        Tensor z = w.select(0, 0).mul(v).sum();
        x.copyFrom(grid(d));
        assertThrows(IllegalStateException.class, z::backward);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void aViewOfATensorThatRequiresGradIsWrittenOnlyWithoutRecording(Device d) {
        Tensor w = Tensor.zeros(d, 2, 3).requiresGrad(true);
        Tensor row = w.get(1);
        assertEquals("SelectBackward0", row.gradFn().name());
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> row.copyFrom(Tensor.ones(3)));
        assertTrue(e.getMessage().contains("SelectBackward0") && e.getMessage().contains("noGrad"), e.getMessage());
        try (Autograd.Mode m = Autograd.noGrad()) {
            w.get(1).copyFrom(Tensor.ones(3));
        }
        assertArrayEquals(new float[] {0, 0, 0, 1, 1, 1}, w.toFloatArray());
        assertEquals(1, w.version());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void copiesBetweenViewsOfOneStorageReadTheOldValues(Device d) {
        Tensor x = grid(d);
        x.get(0).copyFrom(x.get(2));
        assertArrayEquals(new float[] {8, 9, 10, 11, 4, 5, 6, 7, 8, 9, 10, 11}, x.toFloatArray());
        Tensor y = grid(d);
        y.get(":, 1:").copyFrom(y.get(":, :-1"));   // overlapping: a shift right by one column
        assertArrayEquals(new float[] {0, 0, 1, 2, 4, 4, 5, 6, 8, 8, 9, 10}, y.toFloatArray());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void anExpandedViewCannotBeWritten(Device d) {
        Tensor x = Tensor.zeros(d, 1, 3).expand(4, 3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> x.copyFrom(Tensor.ones(4, 3)));
        assertTrue(e.getMessage().contains("more than one element of the written-to tensor"), e.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void nodesAreNamedAsPyTorchNamesThem(Device d) {
        Tensor x = Tensor.randn(d, 4, 6).requiresGrad(true);
        assertEquals("SelectBackward0", x.get(0).gradFn().name());
        assertEquals("SliceBackward0", x.get("1:3").gradFn().name());
        assertEquals("SliceBackward0", x.narrow(1, 0, 2).gradFn().name());
        assertEquals("UnsqueezeBackward0", x.get("0, None").gradFn().name());
        assertEquals("AliasBackward0", x.get("...").gradFn().name());
        assertEquals("SplitBackward0", x.split(2).get(0).gradFn().name());
        assertEquals("SplitWithSizesBackward0", x.split(new int[] {1, 3}).get(1).gradFn().name());
        assertEquals("SplitBackward0", x.chunk(2, 1).get(1).gradFn().name());
        assertEquals("UnbindBackward0", x.unbind(1).get(5).gradFn().name());
    }
}
