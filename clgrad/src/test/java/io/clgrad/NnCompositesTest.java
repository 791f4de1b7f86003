package io.clgrad;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clgrad.autograd.GradCheck;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * layer_norm, group_norm, embedding, conv_transpose2d and adaptive_max_pool2d: gradients by finite differences on every
 * device (input, weight and bias; the embedding's weight, its padding row without gradient), output
 * shapes, the messages of bad arguments, and flat device memory over repeated steps.
 */
class NnCompositesTest {

    private static Tensor r(Device d, int... shape) {
        return Tensor.randn(d, shape).mul(0.5f);
    }

    private static int[] ip(int... v) {
        return v;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void layerAndGroupNormGradients(Device d) {
        Tensor.manualSeed(21);
        GradCheck.check("layer_norm last dim", xs -> Functional.layerNorm(xs[0], ip(5), xs[1], xs[2], 1e-5),
                r(d, 3, 5), r(d, 5), r(d, 5));
        GradCheck.check("layer_norm two dims", xs -> Functional.layerNorm(xs[0], ip(3, 4), xs[1], xs[2], 1e-5),
                r(d, 2, 3, 4), r(d, 3, 4), r(d, 3, 4));
        GradCheck.check("layer_norm no affine", xs -> Functional.layerNorm(xs[0], ip(6), null, null, 1e-3),
                r(d, 2, 2, 6));
        GradCheck.check("group_norm 2 groups", xs -> Functional.groupNorm(xs[0], 2, xs[1], xs[2], 1e-5),
                r(d, 2, 4, 3, 2), r(d, 4), r(d, 4));
        try (Tensor one = Functional.layerNorm(r(d, 3, 1), ip(1), null, Tensor.full(d, 0.25f, 1), 1e-5)) {
            assertArrayEquals(new float[] {0.25f, 0.25f, 0.25f}, one.toFloatArray(), "layer_norm over one element on " + d);
        }
        GradCheck.check("group_norm 3-D no affine", xs -> Functional.groupNorm(xs[0], 1, null, null, 1e-5),
                r(d, 2, 3, 4));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void embeddingGradientSkipsThePaddingRow(Device d) {
        Tensor.manualSeed(22);
        Tensor idx = Tensor.of(d, new int[] {1, 3, 3, 0, 4, 1}, 2, 3);
        GradCheck.check("embedding", xs -> Functional.embedding(idx, xs[0], null), r(d, 5, 3));
        Tensor w = r(d, 5, 3).requiresGrad(true);
        Tensor y = Functional.embedding(idx, w, 3);
        assertArrayEquals(new int[] {2, 3, 3}, y.shape());
        assertArrayEquals(w.get(3).toFloatArray(), y.get(0, 1).toFloatArray(), "the padding row is looked up as is");
        y.mul(y).sum().backward();
        float[] g = w.grad().toFloatArray();
        float[] wv = w.toFloatArray();
        int[] count = {1, 2, 0, 2, 1};   // uses of each row; row 3 is padding
        for (int row = 0; row < 5; row++) {
            for (int j = 0; j < 3; j++) {
                float want = row == 3 ? 0f : 2 * count[row] * wv[row * 3 + j];
                assertEquals(want, g[row * 3 + j], 1e-5, "embedding weight.grad[" + row + ", " + j + "] on " + d);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void convTranspose2dGradients(Device d) {
        Tensor.manualSeed(23);
        GradCheck.check("conv_transpose2d 3x3", xs -> Functional.convTranspose2d(xs[0], xs[1], xs[2], ip(1), ip(0),
                ip(0), 1, ip(1)), r(d, 2, 3, 4, 3), r(d, 3, 2, 3, 3), r(d, 2));
        GradCheck.check("conv_transpose2d stride 2 padding 1 output_padding 1", xs -> Functional.convTranspose2d(xs[0],
                xs[1], xs[2], ip(2), ip(1), ip(1), 1, ip(1)), r(d, 1, 2, 3, 4), r(d, 2, 3, 3, 3), r(d, 3));
        GradCheck.check("conv_transpose2d groups 2 dilation 2 no bias", xs -> Functional.convTranspose2d(xs[0], xs[1],
                null, ip(1, 2), ip(1, 0), ip(0, 1), 2, ip(2)), r(d, 2, 4, 3, 3), r(d, 4, 1, 2, 3));
        GradCheck.check("conv_transpose2d output_padding >= stride (< dilation), unbatched",
                xs -> Functional.convTranspose2d(xs[0], xs[1], xs[2], ip(1), ip(1), ip(1), 1, ip(2)),
                r(d, 2, 3, 3), r(d, 2, 2, 3, 3), r(d, 2));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void adaptiveMaxPool2dGradients(Device d) {
        Tensor.manualSeed(24);
        GradCheck.check("adaptive_max_pool2d 7x5 -> 3x2", xs -> Functional.adaptiveMaxPool2d(xs[0], ip(3, 2)),
                r(d, 2, 2, 7, 5));
        GradCheck.check("adaptive_max_pool2d 3x4 -> 5x6 (overlapping)", xs -> Functional.adaptiveMaxPool2d(xs[0],
                ip(5, 6)), r(d, 1, 2, 3, 4));
        GradCheck.check("adaptive_max_pool2d 6x4 -> 2 (divides), unbatched", xs -> Functional.adaptiveMaxPool2d(xs[0],
                ip(2)), r(d, 2, 6, 4));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void shapesAndMessages(Device d) {
        try (TensorScope s = Tensors.scope()) {
            Tensor x = Tensor.randn(d, 2, 16, 7, 7);
            Tensor w = Tensor.randn(d, 16, 4, 3, 3);
            assertArrayEquals(new int[] {2, 8, 14, 14},
                    Functional.convTranspose2d(x, w, null, ip(2), ip(1), ip(1), 2, ip(1)).shape());
            refuses("conv_transpose2d: output padding must be smaller than either stride or dilation",
                    () -> Functional.convTranspose2d(x, w, null, ip(2), ip(1), ip(2), 1, ip(1)));
            refuses("layer_norm: Given normalized_shape=[7, 6]", () -> Functional.layerNorm(x, ip(7, 6), null, null, 1e-5));
            refuses("divisible by num_groups", () -> Functional.groupNorm(x, 3, null, null, 1e-5));
            refuses("embedding", () -> Functional.embedding(x, Tensor.randn(d, 4, 2), null));
            refuses("Padding_idx must be within num_embeddings",
                    () -> Functional.embedding(Tensor.of(d, new int[] {1}, 1), Tensor.randn(d, 4, 2), 4));
        }
    }

    private static void refuses(String part, org.junit.jupiter.api.function.Executable call) {
        String m = assertThrows(IllegalArgumentException.class, call).getMessage();
        assertTrue(m.contains(part), m);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void repeatedStepsKeepMemoryFlat(Device d) {
        try (TensorScope outer = Tensors.scope()) {
            Tensor x = leaf(d, 2, 4, 5, 5);
            Tensor wt = leaf(d, 4, 6, 3, 3);
            Tensor b = leaf(d, 6);
            Tensor table = leaf(d, 9, 6);
            Tensor idx = Tensor.of(d, new int[] {1, 2, 0, 8, 2, 2}, 6);
            Tensor[] all = {x, wt, b, table};
            MemoryBaseline.assertFlat(d, "conv_transpose2d, group_norm, layer_norm, embedding and adaptive_max_pool2d", 20,
                    () -> step(d, x, wt, b, table, idx, all));
        }
    }

    private static Tensor leaf(Device d, int... shape) {
        return Tensor.randn(d, shape).requiresGrad(true);
    }

    private static void step(Device d, Tensor x, Tensor wt, Tensor b, Tensor table, Tensor idx, Tensor[] all) {
        try (TensorScope s = Tensors.scope()) {
            Tensor h = Functional.convTranspose2d(x, wt, null, ip(2), ip(1), ip(1), 1, ip(1));   // [2, 6, 10, 10]
            h = Functional.groupNorm(h, 2, b, b, 1e-5);
            h = Functional.layerNorm(h, ip(10), null, null, 1e-5);
            Tensor e = Functional.embedding(idx, table, 0);   // [6, 6]
            Tensor p = Functional.adaptiveMaxPool2d(h, ip(3, 4));
            try (Autograd.Mode m = Autograd.noGrad()) {
                Functional.adaptiveMaxPool2dWithIndices(h, ip(3, 4)).close();   // the unrecorded path
            }
            h.sum().add(e.sum()).add(p.sum()).backward();
        }
        for (Tensor t : all) {
            t.zeroGrad();
        }
        d.synchronize();
    }
}
