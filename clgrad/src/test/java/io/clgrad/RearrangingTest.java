package io.clgrad;

import static io.clgrad.JoiningTest.assertMessage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.clgrad.autograd.GradCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code repeat}, {@code roll} and {@code flip}: values against the host reference {@link JoinRef}
 * on every device (strided inputs, int32, empty and 0-d tensors, the rank-8 repeat that needs more
 * than eight view axes), gradients by finite differences, and PyTorch's errors.
 */
class RearrangingTest {

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void repeatMatchesTheReference(Device dev) {
        JoinRef.Input in = JoinRef.input(dev, 4, 2, 3, 4);
        for (int[] reps : new int[][] {{1, 1, 1}, {2, 1, 3}, {3, 2, 1, 2}, {2, 1, 1, 1, 1}, {1, 0, 2}}) {
            Tensor out = in.tensor().repeat(reps);
            HostRef.assertClose(JoinRef.repeat(in.values(), in.shape(), reps), out.toFloatArray(), 0,
                    "repeat " + java.util.Arrays.toString(reps));
        }
        // a transposed input, and int32
        Tensor tt = in.tensor().transpose(0, 2);                                  // [4, 3, 2]
        float[] xt = tt.contiguous().toFloatArray();
        HostRef.assertClose(JoinRef.repeat(xt, new int[] {4, 3, 2}, new int[] {2, 2, 1}),
                tt.repeat(2, 2, 1).toFloatArray(), 0, "repeat of a transpose");
        Tensor ints = Tensor.of(dev, new int[] {1, 2}, 2).repeat(2, 3);
        assertEquals(DType.INT32, ints.dtype());
        assertArrayEquals(new int[] {1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2}, ints.toIntArray());
        assertArrayEquals(new float[] {7, 7, 7}, Tensor.scalar(7).to(dev).repeat(3).toFloatArray());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void repeatOfEightDimsTilesOneDimAtATime(Device dev) {
        JoinRef.Input in = JoinRef.input(dev, 5, 2, 2, 2, 2, 2, 2, 2, 2);
        int[] reps = {2, 1, 2, 1, 1, 2, 1, 2};      // 4 repeat axes + 8 size axes: more than a view holds
        Tensor out = in.tensor().repeat(reps);
        HostRef.assertClose(JoinRef.repeat(in.values(), in.shape(), reps), out.toFloatArray(), 0, "rank-8 repeat");
        GradCheck.check("repeat rank 8", xs -> xs[0].repeat(2, 1, 1, 1, 1, 1, 1, 3), Tensor.randn(dev, 1, 2, 1, 1, 2,
                1, 1, 2));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void rollMatchesTheReference(Device dev) {
        JoinRef.Input in = JoinRef.input(dev, 6, 3, 4, 5);
        int[][][] cases = {{{1}, {0}}, {{-2}, {2}}, {{7}, {-1}}, {{1, 2}, {0, 2}}, {{2, -3, 11}, {0, 1, 2}},
            {{5}, {1}}, {{0}, {1}}};
        for (int[][] c : cases) {
            HostRef.assertClose(JoinRef.roll(in.values(), in.shape(), c[0], c[1]),
                    in.tensor().roll(c[0], c[1]).toFloatArray(), 0,
                    "roll " + java.util.Arrays.toString(c[0]) + " " + java.util.Arrays.toString(c[1]));
        }
        // a dim named twice rolls by the sum; no dims rolls the flattened tensor
        HostRef.assertClose(JoinRef.roll(in.values(), in.shape(), new int[] {3}, new int[] {1}),
                in.tensor().roll(new int[] {1, 2}, new int[] {1, 1}).toFloatArray(), 0, "roll of a dim named twice");
        HostRef.assertClose(JoinRef.roll(in.values(), new int[] {60}, new int[] {13}, new int[] {0}),
                in.tensor().roll(13).toFloatArray(), 0,
                "roll of the flattened tensor");
        Tensor tt = in.tensor().transpose(0, 2);
        HostRef.assertClose(JoinRef.roll(tt.contiguous().toFloatArray(), new int[] {5, 4, 3}, new int[] {2, 1},
                new int[] {0, 2}), tt.roll(new int[] {2, 1}, new int[] {0, 2}).toFloatArray(), 0, "roll of a transpose");
        assertArrayEquals(new int[] {3, 1, 2}, Tensor.of(dev, new int[] {1, 2, 3}, 3).roll(1).toIntArray());
        assertArrayEquals(new int[] {0, 3}, Tensor.zeros(dev, 0, 3).roll(1, 0).shape());
        assertArrayEquals(new float[] {4}, Tensor.scalar(4).to(dev).roll(3).toFloatArray());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void flipMatchesTheReference(Device dev) {
        JoinRef.Input in = JoinRef.input(dev, 7, 3, 4, 5);
        for (int[] dims : new int[][] {{0}, {-1}, {0, 2}, {2, 1, 0}, {}}) {
            HostRef.assertClose(JoinRef.flip(in.values(), in.shape(), dims), in.tensor().flip(dims).toFloatArray(), 0,
                    "flip " + java.util.Arrays.toString(dims));
        }
        Tensor tt = in.tensor().permute(2, 0, 1);
        HostRef.assertClose(JoinRef.flip(tt.contiguous().toFloatArray(), new int[] {5, 3, 4}, 0, 2),
                tt.flip(0, 2).toFloatArray(), 0, "flip of a permutation");
        assertArrayEquals(new int[] {3, 2, 1}, Tensor.of(dev, new int[] {1, 2, 3}, 3).flip(0).toIntArray());
        assertArrayEquals(new float[] {5}, Tensor.scalar(5).to(dev).flip(0).toFloatArray());
        assertArrayEquals(new int[] {2, 0}, Tensor.zeros(dev, 2, 0).flip(0, 1).shape());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void gradientsMatchFiniteDifferences(Device dev) {
        GradCheck.check("repeat (2, 1, 3)", xs -> xs[0].repeat(2, 1, 3), Tensor.randn(dev, 2, 3, 2));
        GradCheck.check("repeat with a new leading dim", xs -> xs[0].repeat(3, 2, 1), Tensor.randn(dev, 2, 3));
        GradCheck.check("repeat of a transpose", xs -> xs[0].t().repeat(2, 2), Tensor.randn(dev, 3, 2));
        GradCheck.check("roll two dims", xs -> xs[0].roll(new int[] {1, -2}, new int[] {0, 1}), Tensor.randn(dev, 3, 4));
        GradCheck.check("roll flattened", xs -> xs[0].roll(5), Tensor.randn(dev, 3, 4));
        GradCheck.check("flip", xs -> xs[0].flip(0, 2), Tensor.randn(dev, 2, 3, 4));
    }

    @Test
    void errorsAsPyTorch() {
        Tensor a = Tensor.zeros(2, 3);
        assertMessage("repeat: number of dimensions of repeat dims (1) can not be smaller than number of dimensions of"
                + " tensor (2, shape [2, 3])", () -> a.repeat(2));
        assertMessage("repeat: repeats must be at least 0, got -1 at position 1 of [2, -1]", () -> a.repeat(2, -1));
        assertMessage("roll: shifts required", () -> a.roll(new int[0], new int[0]));
        assertMessage("roll: shifts and dimensions must align. shifts: 2, dims: 1",
                () -> a.roll(new int[] {1, 2}, new int[] {0}));
        assertMessage("roll: shifts and dimensions must align. shifts: 2, dims: 0",
                () -> a.roll(new int[] {1, 2}, new int[0]));
        assertMessage("roll: dimension 5 out of range for shape [2, 3] (expected in [-2, 1])", () -> a.roll(1, 5));
        assertMessage("roll: dimension specified as 0 but tensor has no dimensions", () -> Tensor.scalar(1).roll(1, 0));
        assertMessage("flip: dim 1 appears multiple times in the list of dims [-1, 1]", () -> a.flip(-1, 1));
        assertMessage("flip: dimension 2 out of range for shape [2, 3] (expected in [-2, 1])", () -> a.flip(2));
    }
}
