package io.clgrad;

import static io.clgrad.JoiningTest.assertMessage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.clgrad.autograd.GradCheck;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code Functional.pad} in its four modes: values against the host reference {@link JoinRef} on
 * every device (1, 2 and 3 padded dims, batched and unbatched, strided input, int32 constant
 * padding), cropping by negative padding, gradients by finite differences (reflect and replicate
 * with paddings that reach an element several times), and PyTorch's limits with their messages.
 * The negative paddings of the non-constant modes follow PyTorch's own index rule, checked by the
 * PyTorch fixtures (JoinGoldenTest).
 */
class PaddingTest {
    private static final String[] MODES = {"constant", "reflect", "replicate", "circular"};

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void everyModeMatchesTheReference(Device dev) {
        Random r = new Random(8);
        Object[][] cases = {
            {new int[] {2, 3, 5}, new int[] {2, 3}},
            {new int[] {3, 5}, new int[] {4, 1}},
            {new int[] {1, 2, 4, 5}, new int[] {1, 2, 3, 0}},
            {new int[] {2, 4, 5}, new int[] {0, 4, 2, 2}},
            {new int[] {1, 2, 3, 4, 5}, new int[] {1, 1, 2, 0, 2, 1}},
            {new int[] {2, 3, 4, 5}, new int[] {3, 3, 1, 2, 2, 2}},
        };
        for (Object[] c : cases) {
            int[] shape = (int[]) c[0];
            int[] pad = (int[]) c[1];
            float[] x = JoinRef.randn(r, shape);
            Tensor t = Tensor.of(dev, x, shape);
            for (String mode : MODES) {
                double value = mode.equals("constant") ? 1.5 : 0;
                Tensor out = Functional.pad(t, pad, mode, value);
                HostRef.assertClose(JoinRef.pad(x, shape, pad, mode, value), out.toFloatArray(), 0,
                        mode + " pad " + java.util.Arrays.toString(pad) + " of " + java.util.Arrays.toString(shape));
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void constantPaddingOfAnyRankCropsWithNegativeValues(Device dev) {
        JoinRef.Input in = JoinRef.input(dev, 9, 3, 4, 5);
        // every dim, the first one cropped: [-1 .. 3) of dim 0
        Tensor out = Functional.pad(in.tensor(), new int[] {1, 0, 0, 2, -1, 0});
        assertArrayEquals(new int[] {2, 6, 6}, out.shape());
        float[] got = out.toFloatArray();
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 6; j++) {
                for (int k = 0; k < 6; k++) {
                    float want = j < 4 && k >= 1 ? in.values()[((i + 1) * 4 + j) * 5 + k - 1] : 0f;
                    assertEquals(want, got[(i * 6 + j) * 6 + k], "element " + i + "," + j + "," + k);
                }
            }
        }
        // a strided input, and an int32 tensor with a value cast to int as PyTorch does
        Tensor tt = in.tensor().transpose(0, 2);
        HostRef.assertClose(JoinRef.pad(tt.contiguous().toFloatArray(), new int[] {5, 4, 3}, new int[] {2, 1}, "reflect",
                0), Functional.pad(tt, new int[] {2, 1}, "reflect", 0).toFloatArray(), 0, "reflect of a transpose");
        Tensor ints = Functional.pad(Tensor.of(dev, new int[] {1, 2}, 1, 2), new int[] {1, 1}, "constant", 2.5);
        assertEquals(DType.INT32, ints.dtype());
        assertArrayEquals(new int[] {2, 1, 2, 2}, ints.toIntArray());
        assertArrayEquals(new int[] {2, 0}, Functional.pad(Tensor.zeros(dev, 2, 5), new int[] {-2, -3}).shape());
        assertArrayEquals(new float[] {7, 7}, Functional.pad(Tensor.zeros(dev, 2, 0), new int[] {1, 0}, "constant", 7)
                .toFloatArray());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void gradientsMatchFiniteDifferences(Device dev) {
        Tensor x1 = Tensor.randn(dev, 2, 2, 4);
        Tensor x2 = Tensor.randn(dev, 1, 2, 3, 4);
        Tensor x3 = Tensor.randn(dev, 1, 3, 3, 3);
        for (String mode : MODES) {
            GradCheck.check(mode + " 1-D (3, 2)", xs -> Functional.pad(xs[0], new int[] {3, 2}, mode, 0), x1);
            GradCheck.check(mode + " 2-D (2, 1, 2, 2)", xs -> Functional.pad(xs[0], new int[] {2, 1, 2, 2}, mode, 0), x2);
            GradCheck.check(mode + " 3-D (1, 1, 2, 0, 1, 2)", xs -> Functional.pad(xs[0], new int[] {1, 1, 2, 0, 1, 2},
                    mode, 0), x3);
            GradCheck.check(mode + " cropping (-1, 2)", xs -> Functional.pad(xs[0], new int[] {-1, 2}, mode, 0), x1);
        }
        GradCheck.check("replicate far beyond the edge", xs -> Functional.pad(xs[0], new int[] {6, 5}, "replicate", 0),
                Tensor.randn(dev, 1, 3));
    }

    @Test
    void errorsAsPyTorch() {
        Tensor x = Tensor.zeros(1, 2, 3);
        assertMessage("pad: padding length must be divisible by 2, got 3 values [1, 1, 1]",
                () -> Functional.pad(x, new int[] {1, 1, 1}));
        assertMessage("pad: padding length too large: 8 values pad 4 dimensions, but the input [1, 2, 3] has 3",
                () -> Functional.pad(x, new int[] {1, 1, 1, 1, 1, 1, 1, 1}));
        assertMessage("pad: the input size 3, plus negative padding -2 and -2 resulted in a negative output size, which"
                + " is invalid. Check dimension 2 of your input [1, 2, 3]", () -> Functional.pad(x, new int[] {-2, -2}));
        assertMessage("pad: unrecognised padding mode 'foo' (expected 'constant', 'reflect', 'replicate' or 'circular')",
                () -> Functional.pad(x, new int[] {1, 1}, "foo", 0));
        assertMessage("pad: padding mode \"reflect\" doesn't take in value argument (got 1.0)",
                () -> Functional.pad(x, new int[] {1, 1}, "reflect", 1));
        assertMessage("pad: padding size should be less than the corresponding input dimension, but got: padding"
                + " (3, 1) at dimension 2 of input [1, 2, 3]", () -> Functional.pad(x, new int[] {3, 1}, "reflect", 0));
        assertMessage("pad: padding value causes wrapping around more than once: padding (4, 0) at dimension 2 of input"
                + " [1, 2, 3]", () -> Functional.pad(x, new int[] {4, 0}, "circular", 0));
        assertMessage("pad: input (W: 3) is too small for padding (-2, -1). Calculated output W: 0",
                () -> Functional.pad(x, new int[] {-2, -1}, "replicate", 0));
        assertMessage("pad: mode 'reflect' pads the last 1, 2 or 3 dimensions of a 2-D to 5-D input: padding of length"
                + " 2 needs a 2-D or 3-D input, 4 a 3-D or 4-D, 6 a 4-D or 5-D; got padding of length 4 for an input of"
                + " shape [2, 3]", () -> Functional.pad(Tensor.zeros(2, 3), new int[] {1, 1, 1, 1}, "reflect", 0));
        assertMessage("pad: expected a 2-D or 3-D (batch mode) tensor with possibly 0 batch size and other non-zero"
                + " dimensions for input, but got: [1, 2, 0]",
                () -> Functional.pad(Tensor.zeros(1, 2, 0), new int[] {1, 1}, "replicate", 0));
        assertMessage("pad: expected a float32 tensor, got int32 with shape [1, 2, 3] (convert with toFloat())",
                () -> Functional.pad(x.toInt(), new int[] {1, 1}, "reflect", 0));
        // a batch of 0 is fine, as in PyTorch
        assertArrayEquals(new int[] {0, 2, 5}, Functional.pad(Tensor.zeros(0, 2, 3), new int[] {1, 1}, "reflect", 0)
                .shape());
    }
}
