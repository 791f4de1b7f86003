package io.clgrad;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clgrad.autograd.GradCheck;
import io.clgrad.backend.IndexOutOfRangeException;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * index_select, gather, scatter, scatter_add, masked_fill, where, masked_select, {@code x[mask]} and
 * one_hot in the core: gradients by finite differences on every device, values and shapes on small
 * hand-worked cases (negative dims, 0-d, int32 data, int32 and float32 masks), out-of-range
 * indices raised with PyTorch's message on every device (OpenCL: at the next read, and the device
 * stays usable), scatter_add bit for bit equal across devices and runs, and argument errors named
 * after the op.
 */
class IndexingTest {

    private static Tensor idx(Device d, int[] v, int... shape) {
        return Tensor.of(d, v, shape);
    }

    private static Tensor f(Device d, float[] v, int... shape) {
        return Tensor.of(d, v, shape);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void gradientsMatchFiniteDifferences(Device d) {
        Tensor rows = idx(d, new int[] {2, 0, 2, 3}, 4);
        GradCheck.check("index_select dim 0 (repeats)", xs -> xs[0].indexSelect(0, rows), Tensor.randn(d, 5, 3));
        GradCheck.check("index_select dim -1", xs -> xs[0].indexSelect(-1, rows), Tensor.randn(d, 2, 3, 4));
        Tensor g3 = idx(d, new int[] {1, 0, 4, 4, 2, 3, 0, 1, 2, 2, 4, 0}, 2, 3, 2);
        GradCheck.check("gather dim 1 (3-D, repeats, smaller off dim)", xs -> xs[0].gather(1, g3),
                Tensor.randn(d, 3, 5, 4));
        GradCheck.check("gather dim -1", xs -> xs[0].gather(-1, idx(d, new int[] {0, 0, 2, 1, 1, 2}, 3, 2)),
                Tensor.randn(d, 3, 3));
        Tensor distinct = idx(d, new int[] {2, 0, 1, 0, 3, 2, 1, 2, 0}, 3, 3);   // distinct down each column
        GradCheck.check("scatter dim 0 (self and src; src larger than index)", xs -> xs[0].scatter(0, distinct, xs[1]),
                Tensor.randn(d, 4, 3), Tensor.randn(d, 4, 4));
        Tensor repeats = idx(d, new int[] {1, 1, 0, 3, 3, 3, 2, 0}, 2, 4);
        GradCheck.check("scatter_add dim 1 (repeats)", xs -> xs[0].scatterAdd(1, repeats, xs[1]),
                Tensor.randn(d, 2, 5), Tensor.randn(d, 2, 4));
        GradCheck.check("scatter value", xs -> xs[0].scatter(1, repeats, 2.5f), Tensor.randn(d, 3, 5));
        Tensor mask = f(d, new float[] {1, 0, 0, 1, 1, 0}, 2, 1, 3);
        GradCheck.check("masked_fill (broadcast mask)", xs -> xs[0].maskedFill(mask, -1f), Tensor.randn(d, 2, 4, 3));
        GradCheck.check("where (x and y broadcast)", xs -> Tensor.where(mask, xs[0], xs[1]),
                Tensor.randn(d, 4, 1), Tensor.randn(d, 1, 3));
        GradCheck.check("masked_select", xs -> xs[0].maskedSelect(mask), Tensor.randn(d, 2, 4, 3));
        Tensor rowMask = idx(d, new int[] {0, 1, 1, 0, 1}, 5);
        GradCheck.check("get(row mask)", xs -> xs[0].get(rowMask), Tensor.randn(d, 5, 2, 3));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void valuesAndShapes(Device d) {
        Tensor x = f(d, new float[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, 3, 4);
        assertArrayEquals(new float[] {8, 9, 10, 11, 0, 1, 2, 3, 8, 9, 10, 11},
                x.indexSelect(0, idx(d, new int[] {2, 0, 2}, 3)).toFloatArray());
        assertArrayEquals(new int[] {3, 1}, x.indexSelect(-1, idx(d, new int[] {1}, 1)).shape());
        assertArrayEquals(new int[] {3, 1}, x.indexSelect(1, Tensor.of(d, new int[] {3}, new int[0]).reshape())
                .shape());
        assertArrayEquals(new float[] {3, 0, 5, 5}, x.gather(1, idx(d, new int[] {3, 0, 1, 1}, 2, 2)).toFloatArray());
        assertArrayEquals(new float[] {8, 1, 6, 3}, x.gather(0, idx(d, new int[] {2, 0, 1, 0}, 1, 4)).toFloatArray());
        Tensor src = f(d, new float[] {10, 20, 30, 40, 50, 60}, 2, 3);
        Tensor z = Tensor.zeros(d, 3, 4);
        Tensor i2 = idx(d, new int[] {1, 1, 3, 0, 2, 0}, 2, 3);
        assertArrayEquals(new float[] {0, 20, 0, 30, 60, 0, 50, 0, 0, 0, 0, 0},   // row 0: 10 then 20 at column 1
                z.scatter(1, i2, src).toFloatArray());
        assertArrayEquals(new float[] {0, 30, 0, 30, 100, 0, 50, 0, 0, 0, 0, 0},
                z.scatterAdd(1, i2, src).toFloatArray());
        assertArrayEquals(new float[] {0, 1, 2, -1, -1, 5, 6, 7, 8, 9, 10, 11},
                x.scatter(1, idx(d, new int[] {3, 0}, 2, 1), -1f).toFloatArray());
        assertEquals(DType.INT32, x.toInt().scatterAdd(0, idx(d, new int[] {0, 0, 0, 0}, 1, 4),
                Tensor.of(d, new int[] {1, 1, 1, 1}, 1, 4)).dtype());
        assertArrayEquals(new int[] {1, 2, 3, 4, 4, 5, 6, 7, 8, 9, 10, 11}, x.toInt().scatterAdd(0,
                idx(d, new int[] {0, 0, 0, 0}, 1, 4), Tensor.of(d, new int[] {1, 1, 1, 1}, 1, 4)).toIntArray());
        // masks: float (NaN true, -0.0 false) and int
        Tensor fm = f(d, new float[] {Float.NaN, -0.0f, 2f, 0f}, 4);
        Tensor v = f(d, new float[] {1, 2, 3, 4}, 4);
        assertArrayEquals(new float[] {9, 2, 9, 4}, v.maskedFill(fm, 9f).toFloatArray());
        assertArrayEquals(new float[] {1, 3}, v.maskedSelect(fm).toFloatArray());
        assertArrayEquals(new float[] {1, 3}, v.get(fm).toFloatArray());
        Tensor im = idx(d, new int[] {0, 1, 0, -3}, 4);
        assertArrayEquals(new float[] {-1, 2, -1, 4}, Tensor.where(im, v, Tensor.full(d, -1f, 1)).toFloatArray());
        assertArrayEquals(new float[] {-1, 2, -1, 4}, v.where(im, Tensor.full(d, -1f)).toFloatArray());
        assertEquals(DType.FLOAT32, Tensor.where(im, Tensor.of(d, new int[] {1, 2, 3, 4}, 4), v).dtype());
        Tensor rows = x.get(idx(d, new int[] {1, 0, 1}, 3));
        assertArrayEquals(new int[] {2, 4}, rows.shape());
        assertArrayEquals(new float[] {0, 1, 2, 3, 8, 9, 10, 11}, rows.toFloatArray());
        assertArrayEquals(new int[] {0, 4}, x.get(Tensor.zeros(d, 3)).shape());
        assertArrayEquals(new float[] {5, 6, 7}, x.get(x.gt(4.5f).mul(x.lt(7.5f))).toFloatArray());
        // one_hot: int32, every label position, inferred class count
        Tensor oh = Functional.oneHot(idx(d, new int[] {2, 0, 1, 2}, 2, 2), 3);
        assertEquals(DType.INT32, oh.dtype());
        assertArrayEquals(new int[] {2, 2, 3}, oh.shape());
        assertArrayEquals(new int[] {0, 0, 1, 1, 0, 0, 0, 1, 0, 0, 0, 1}, oh.toIntArray());
        assertArrayEquals(new int[] {4, 4}, Functional.oneHot(idx(d, new int[] {3, 0, 1, 1}, 4), -1).shape());
        assertArrayEquals(new int[] {0, 1, 0}, Functional.oneHot(Tensor.of(d, new int[] {1}, 1).reshape(), 3)
                .toIntArray());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void stridedInputsAreReadThroughTheirStrides(Device d) {
        Tensor x = Tensor.randn(d, 5, 6);
        Tensor xt = x.t();                                           // [6, 5], not contiguous
        Tensor i = idx(d, new int[] {4, 0, 2, 2, 1, 3, 0, 4}, 2, 4);
        assertArrayEquals(xt.contiguous().gather(1, i).toFloatArray(), xt.gather(1, i).toFloatArray());
        Tensor col = idx(d, new int[] {5, 0, 5}, 3);
        assertArrayEquals(xt.contiguous().indexSelect(0, col).toFloatArray(), xt.indexSelect(0, col).toFloatArray());
        Tensor src = Tensor.randn(d, 4, 2).t();                      // [2, 4], not contiguous
        assertArrayEquals(xt.contiguous().scatterAdd(1, i, src.contiguous()).toFloatArray(),
                xt.scatterAdd(1, i, src).toFloatArray());
    }

    /** Raises for an out-of-range index on the CPU at the call and on OpenCL at the read; returns it. */
    private static IndexOutOfRangeException raised(Supplier<Tensor> op) {
        return assertThrows(IndexOutOfRangeException.class, () -> op.get().toFloatArray());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void outOfRangeIndicesRaisePyTorchsMessage(Device d) {
        Tensor x = Tensor.randn(d, 5, 3);
        IndexOutOfRangeException e = raised(() -> x.indexSelect(0, idx(d, new int[] {1, 7, 2}, 3)));
        assertTrue(e.getMessage().startsWith("index_select: index 7 is out of bounds for dimension 0 with size 5"),
                e.getMessage());
        assertEquals(1, e.detail().position());
        e = raised(() -> x.gather(1, idx(d, new int[] {0, 1, -1, 2}, 2, 2)));
        assertTrue(e.getMessage().startsWith("gather: index -1 is out of bounds for dimension 1 with size 3"),
                e.getMessage());
        assertEquals(2, e.detail().position());
        e = raised(() -> x.scatter(0, idx(d, new int[] {0, 5, 1}, 1, 3), Tensor.ones(d, 1, 3)));
        assertTrue(e.getMessage().startsWith("scatter: index 5 is out of bounds for dimension 0 with size 5"),
                e.getMessage());
        e = raised(() -> x.scatterAdd(-1, idx(d, new int[] {3}, 1, 1), Tensor.ones(d, 1, 1)));
        assertTrue(e.getMessage().startsWith("scatter_add: index 3 is out of bounds for dimension 1 with size 3"),
                e.getMessage());
        e = raised(() -> Functional.oneHot(idx(d, new int[] {1, 10}, 2), 10).toFloat());
        assertTrue(e.getMessage().startsWith("one_hot: index 10 is out of bounds for dimension 1 with size 10"),
                e.getMessage());
        if (!d.isCpu()) {
            assertTrue(e.getMessage().contains("raised at the next read"), e.getMessage());
        }
        // the error was raised once: the device goes on working
        assertArrayEquals(x.toFloatArray(), x.indexSelect(0, idx(d, new int[] {0, 1, 2, 3, 4}, 5)).toFloatArray());
        // gradients too: a backward whose gather is out of range raises as well
        Tensor w = Tensor.randn(d, 4, 2).requiresGrad(true);
        Tensor bad = idx(d, new int[] {4}, 1);
        assertThrows(IndexOutOfRangeException.class, () -> {
            w.indexSelect(0, bad).sum().backward();
            w.grad().toFloatArray();
        });
    }

    @Test
    void scatterAddIsTheSameBitsOnEveryDeviceAndRun() {
        java.util.Random r = new java.util.Random(11);
        int n = 3000;
        int[] targets = new int[n];
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            targets[i] = r.nextInt(7);
            values[i] = (float) (r.nextGaussian() * Math.pow(10, r.nextInt(7) - 3));   // sums that round
        }
        float[] first = null;
        for (Device d : Device.all()) {
            for (int run = 0; run < 2; run++) {
                float[] got = Tensor.zeros(d, 1, 7).scatterAdd(1, Tensor.of(d, targets, 1, n), Tensor.of(d, values, 1, n))
                        .toFloatArray();
                if (first == null) {
                    first = got;
                }
                assertArrayEquals(first, got, "scatter_add on " + d + " run " + run + " differs in some bit");
            }
        }
    }

    @Test
    void argumentErrorsNameTheOp() {
        Tensor x = Tensor.randn(3, 4);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> x.gather(0, Tensor.of(new int[] {0}, 1)))
                .getMessage().startsWith("gather(): Index tensor must have the same number of dimensions"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> x.gather(0, Tensor.zeros(1, 5).toInt())).getMessage()
                .contains("Size does not match at dimension 1 expected index [1, 5] to be smaller than self [3, 4]"
                        + " apart from dimension 0"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> x.gather(0, Tensor.zeros(1, 4))).getMessage()
                .startsWith("gather: index must be an int32 tensor"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> x.indexSelect(0, Tensor.zeros(2, 2).toInt())).getMessage()
                .startsWith("index_select(): Index is supposed to be a vector"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> x.scatterAdd(1, Tensor.zeros(3, 4).toInt(), Tensor.ones(3, 2))).getMessage()
                .contains("expected index [3, 4] to be smaller than src [3, 2]"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> x.maskedFill(Tensor.ones(2, 3, 4), 0f)).getMessage()
                .startsWith("masked_fill: mask of shape [2, 3, 4] does not broadcast to the input's shape [3, 4]"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> x.get(Tensor.ones(4))).getMessage()
                .contains("The shape of the mask [4] at index 0 does not match the shape of the indexed tensor [3, 4]"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> x.gather(2, Tensor.zeros(1, 1).toInt()))
                .getMessage().startsWith("gather: dimension 2 out of range"));
    }
}
