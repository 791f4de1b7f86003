package io.clgrad;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * int32 and bool through the public API on every device, against values computed here in Java:
 * the accuracy idiom {@code pred.argmax(1).eq(labels).sum()}, masks in float arithmetic and
 * gradients, wrapping int32 overflow, int32 reductions long enough for the work-group kernels, bool
 * tensors through views and transfers, float32 ops with an int scalar, and the errors for
 * combinations PyTorch refuses. (The promotion table itself is checked against PyTorch by
 * {@code golden.TypePromotionGoldenTest}.)
 */
class TypePromotionTest {
    private static String suffix(Device d) {
        return d.isCpu() ? "" : ", device='" + d.id() + "'";
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void accuracyIdiomCountsTheHits(Device d) {
        int classes = 10;
        int[] labels = new Random(8).ints(1000, 0, classes).toArray();
        int n = labels.length;
        float[] logits = HostRef.randomFloats(new Random(7), n * classes);
        int hits = 0;
        for (int i = 0; i < n; i++) {
            int best = 0;
            for (int c = 1; c < classes; c++) {
                best = logits[i * classes + c] > logits[i * classes + best] ? c : best;
            }
            hits += best == labels[i] ? 1 : 0;
        }
        try (TensorScope s = Tensors.scope()) {
            Tensor pred = Tensor.of(d, logits, n, classes);
            Tensor y = Tensor.of(d, labels, n);
            Tensor correct = pred.argmax(1).eq(y).sum();
            assertEquals(DType.INT32, correct.dtype());
            assertEquals(0, correct.dim());
            assertEquals(hits, (int) correct.item());
            assertEquals("tensor(" + hits + suffix(d) + ", dtype=int32)", correct.toString());
            assertEquals(DType.BOOL, pred.argmax(1).eq(y).dtype());
            // the same count from a float comparison and along a dim
            assertArrayEquals(new int[] {hits}, pred.argmax(1, true).eq(y.unsqueeze(1)).sum(0).toIntArray());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void masksMultiplyAsZeroOrOneAndPassGradients(Device d) {
        float[] v = {-2f, 0f, 3f, -0.5f, 4f, Float.NaN};
        try (TensorScope s = Tensors.scope()) {
            Tensor x = Tensor.of(d, v, 2, 3).requiresGrad(true);
            Tensor mask = x.gt(0f);
            assertEquals(DType.BOOL, mask.dtype());
            assertEquals("tensor([[False, False,  True],\n        [False,  True, False]]" + suffix(d) + ")", mask.toString());
            Tensor y = x.mul(mask);
            assertEquals(DType.FLOAT32, y.dtype());
            y.sum().backward();
            assertArrayEquals(new float[] {0, 0, 1, 0, 1, 0}, x.grad().toFloatArray());
            assertEquals(2f, mask.sum().item());
            assertEquals(DType.FLOAT32, mask.toFloat().dtype());
            assertArrayEquals(new int[] {0, 0, 1, 0, 1, 0}, mask.toInt().toIntArray());
            // bool stays bool through views, copies and devices
            assertEquals(DType.BOOL, mask.t().contiguous().dtype());
            assertEquals(DType.BOOL, mask.to(Device.cpu()).dtype());
            assertArrayEquals(mask.toFloatArray(), mask.to(Device.cpu()).to(d).toFloatArray());
            // toBool: non-zero (NaN too) is True
            assertArrayEquals(new float[] {1, 0, 1, 1, 1, 1}, Tensor.of(d, v, 6).toBool().toFloatArray());
            assertArrayEquals(new float[] {1, 0, 1}, Tensor.of(d, new int[] {-3, 0, 9}).toBool().toFloatArray());
            // bool and bool: logical or, logical and
            Tensor other = x.lt(1f);
            assertArrayEquals(new float[] {1, 1, 1, 1, 1, 0}, mask.add(other).toFloatArray());
            assertArrayEquals(new float[] {0, 0, 0, 0, 0, 0}, mask.mul(other).toFloatArray());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void int32ArithmeticWrapsAsJavaInts(Device d) {
        int max = Integer.MAX_VALUE;
        int min = Integer.MIN_VALUE;
        int[] a = {max, min, 46341, -7, 0};
        int[] b = {1, -1, 46341, 3, min};
        try (TensorScope s = Tensors.scope()) {
            Tensor ta = Tensor.of(d, a);
            Tensor tb = Tensor.of(d, b);
            int[] sum = new int[5];
            int[] prod = new int[5];
            int[] neg = new int[5];
            int[] abs = new int[5];
            for (int i = 0; i < 5; i++) {
                sum[i] = a[i] + b[i];
                prod[i] = a[i] * b[i];
                neg[i] = -b[i];
                abs[i] = Math.abs(b[i]);
            }
            assertArrayEquals(sum, ta.add(tb).toIntArray());
            assertArrayEquals(prod, ta.mul(tb).toIntArray());
            assertArrayEquals(neg, tb.neg().toIntArray());
            assertArrayEquals(abs, tb.abs().toIntArray());
            assertArrayEquals(new int[] {max + max, min + max, 46341 + max, max - 7, max}, ta.add(max).toIntArray());
            assertEquals(DType.FLOAT32, ta.div(tb).dtype());
            assertEquals(DType.FLOAT32, ta.div(2).dtype());
            assertEquals(DType.FLOAT32, ta.add(0.5f).dtype());
            assertEquals(DType.FLOAT32, ta.exp().dtype());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void int32ReductionsOfLongRows(Device d) {
        int rows = 3;
        int len = 5000;   // past the work-group threshold, with few outputs: split rows on OpenCL
        int[] v = new Random(3).ints(rows * len).toArray();   // full range: the sums wrap
        int[] sums = new int[rows];
        int[] maxs = new int[rows];
        int[] arg = new int[rows];
        for (int i = 0; i < rows; i++) {
            maxs[i] = v[i * len];
            for (int l = 0; l < len; l++) {
                sums[i] += v[i * len + l];
                if (v[i * len + l] > maxs[i]) {
                    maxs[i] = v[i * len + l];
                    arg[i] = l;
                }
            }
        }
        try (TensorScope s = Tensors.scope()) {
            Tensor t = Tensor.of(d, v, rows, len);
            assertArrayEquals(sums, t.sum(1).toIntArray());
            assertArrayEquals(maxs, t.max(1, false).toIntArray());
            assertArrayEquals(arg, t.argmax(1).toIntArray());
            int total = 0;
            for (int x : sums) {
                total += x;
            }
            assertEquals(total, t.sum().toIntArray()[0]);
            assertArrayEquals(sums, t.t().sum(0).toIntArray());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void floatOpsWithAnIntScalarAreTheFloatOps(Device d) {
        try (TensorScope s = Tensors.scope()) {
            Tensor x = Tensor.of(d, new float[] {0.5f, -1.5f, 2f}).requiresGrad(true);
            Tensor y = x.mul(3).add(1).sub(2).div(4);
            assertEquals(DType.FLOAT32, y.dtype());
            assertArrayEquals(x.mul(3f).add(1f).sub(2f).div(4f).toFloatArray(), y.toFloatArray());
            assertEquals("DivBackward1", y.gradFn().name());
            y.sum().backward();
            assertArrayEquals(new float[] {0.75f, 0.75f, 0.75f}, x.grad().toFloatArray());
            // a float tensor against an int32 tensor: float32, with the gradient to the float operand
            Tensor z = x.mul(Tensor.of(d, new int[] {2, 3, 4}));
            assertEquals(DType.FLOAT32, z.dtype());
            x.zeroGrad();
            z.sum().backward();
            assertArrayEquals(new float[] {2, 3, 4}, x.grad().toFloatArray());
        }
    }

    private static void assertRefused(String expected, Executable op) {
        String msg = assertThrows(IllegalArgumentException.class, op).getMessage();
        assertTrue(msg.startsWith(expected), msg);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void unsupportedCombinationsNameTheOpAndTheDtypes(Device d) {
        try (TensorScope s = Tensors.scope()) {
            Tensor ints = Tensor.of(d, new int[] {1, 2, 3});
            Tensor mask = ints.gt(1);
            assertRefused("pow: not supported for int32 and int32 (convert with toFloat())", () -> ints.pow(ints));
            assertRefused("mean: could not infer output dtype. Input dtype must be a floating point dtype, got int32",
                    ints::mean);
            assertRefused("mean(dim=0): could not infer output dtype. Input dtype must be a floating point dtype, got bool",
                    () -> mask.mean(0));
            assertRefused("sub: subtraction, the `-` operator, with a bool tensor is not supported", () -> mask.sub(mask));
            assertRefused("sub: subtraction, the `-` operator, with a bool tensor is not supported", () -> ints.sub(mask));
            assertRefused("neg: negation, the `-` operator, on a bool tensor is not supported", mask::neg);
            assertRefused("abs: not supported for a bool tensor", mask::abs);
            assertRefused("argmax: not supported for a bool tensor", mask::argmax);
            assertThrows(IllegalStateException.class, () -> ints.requiresGrad(true));
            assertThrows(IllegalStateException.class, () -> mask.requiresGrad(true));
        }
    }
}
