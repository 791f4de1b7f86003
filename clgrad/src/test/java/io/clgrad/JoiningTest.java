package io.clgrad;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.clgrad.autograd.GradCheck;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code Tensor.cat} and {@code Tensor.stack}: values against the host reference {@link JoinRef}
 * on every device (every dim, negative dims, strided and broadcast inputs, int32, mixed dtypes),
 * gradients by finite differences, empty tensors as PyTorch treats them, and the errors naming
 * the tensor and the shapes.
 */
class JoiningTest {
    private static final double EXACT = 0;

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void catMatchesTheReferenceAlongEveryDim(Device dev) {
        Random r = new Random(1);
        int[][] base = {{3, 4, 5}, {3, 4, 5}, {3, 4, 5}};
        int[] extra = {2, 7, 1};
        for (int d = 0; d < 3; d++) {
            int[][] shapes = new int[3][];
            float[][] data = new float[3][];
            Tensor[] ts = new Tensor[3];
            for (int k = 0; k < 3; k++) {
                shapes[k] = base[k].clone();
                shapes[k][d] = extra[k];
                data[k] = JoinRef.randn(r, shapes[k]);
                ts[k] = Tensor.of(dev, data[k], shapes[k]);
            }
            Tensor out = Tensor.cat(ts, d - 3 * (d % 2));   // dims 0, -2, 2
            HostRef.assertClose(JoinRef.cat(data, shapes, d), out.toFloatArray(), EXACT, "cat dim " + d);
            assertEquals(dev, out.device());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void catReadsStridedAndBroadcastInputsThroughTheirViews(Device dev) {
        Random r = new Random(2);
        float[] a = JoinRef.randn(r, new int[] {5, 3});
        float[] b = JoinRef.randn(r, new int[] {1, 3});
        Tensor at = Tensor.of(dev, a, 5, 3).t();                   // [3, 5], strides [1, 3]
        Tensor bt = Tensor.of(dev, b, 1, 3).t().expand(3, 4);      // [3, 4], strides [1, 0]
        float[] aT = new float[15];
        float[] bT = new float[12];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 5; j++) {
                aT[i * 5 + j] = a[j * 3 + i];
            }
            for (int j = 0; j < 4; j++) {
                bT[i * 4 + j] = b[i];
            }
        }
        Tensor out = Tensor.cat(List.of(at, bt), 1);
        HostRef.assertClose(JoinRef.cat(new float[][] {aT, bT}, new int[][] {{3, 5}, {3, 4}}, 1), out.toFloatArray(),
                EXACT, "cat of a transpose and a broadcast");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void catOfInt32AndMixedTypesPromotesAsPyTorch(Device dev) {
        Tensor i1 = Tensor.of(dev, new int[] {1, 2, 3}, 1, 3);
        Tensor i2 = Tensor.of(dev, new int[] {4, 5, 6}, 1, 3);
        Tensor ints = Tensor.cat(List.of(i1, i2), 0);
        assertEquals(DType.INT32, ints.dtype());
        assertArrayEquals(new int[] {1, 2, 3, 4, 5, 6}, ints.toIntArray());
        Tensor f = Tensor.of(dev, new float[] {0.5f, 1.5f, 2.5f}, 1, 3);
        Tensor mixed = Tensor.cat(List.of(i1, f), 0);
        assertEquals(DType.FLOAT32, mixed.dtype());
        assertArrayEquals(new float[] {1, 2, 3, 0.5f, 1.5f, 2.5f}, mixed.toFloatArray());
        Tensor st = Tensor.stack(List.of(f, i2), 1);
        assertEquals(DType.FLOAT32, st.dtype());
        assertArrayEquals(new int[] {1, 2, 3}, st.shape());
        assertArrayEquals(new float[] {0.5f, 1.5f, 2.5f, 4, 5, 6}, st.toFloatArray());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void stackMatchesTheReferenceAtEveryPosition(Device dev) {
        Random r = new Random(3);
        int[] shape = {2, 3, 4};
        float[][] data = new float[3][];
        Tensor[] ts = new Tensor[3];
        for (int k = 0; k < 3; k++) {
            data[k] = JoinRef.randn(r, shape);
            ts[k] = Tensor.of(dev, data[k], shape);
        }
        for (int d = -4; d <= 3; d++) {
            Tensor out = Tensor.stack(ts, d);
            int nd = d < 0 ? d + 4 : d;
            HostRef.assertClose(JoinRef.stack(data, shape, nd), out.toFloatArray(), EXACT, "stack dim " + d);
        }
        Tensor scalars = Tensor.stack(List.of(Tensor.scalar(1).to(dev), Tensor.scalar(2).to(dev)));
        assertArrayEquals(new int[] {2}, scalars.shape());
        assertArrayEquals(new float[] {1, 2}, scalars.toFloatArray());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void gradientsMatchFiniteDifferences(Device dev) {
        Tensor a = Tensor.randn(dev, 2, 3);
        Tensor b = Tensor.randn(dev, 2, 4);
        Tensor c = Tensor.randn(dev, 2, 1);
        GradCheck.check("cat dim 1", xs -> Tensor.cat(xs, 1), a, b, c);
        GradCheck.check("cat dim 0 of transposes", xs -> Tensor.cat(List.of(xs[0].t(), xs[1].t()), 0), a, b);
        GradCheck.check("cat of one input used twice", xs -> Tensor.cat(List.of(xs[0], xs[0].mul(2f)), -1), a);
        GradCheck.check("stack dim 1", xs -> Tensor.stack(xs, 1), a, Tensor.randn(dev, 2, 3));
        GradCheck.check("stack dim -1", xs -> Tensor.stack(List.of(xs[0], xs[1]), -1), b, Tensor.randn(dev, 2, 4));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void emptyTensorsAsPyTorch(Device dev) {
        Tensor a = Tensor.randn(dev, 2, 3);
        // PyTorch's legacy rule: a 1-D empty tensor is skipped whatever the other shapes
        Tensor skipped = Tensor.cat(List.of(Tensor.zeros(dev, 0), a), 1);
        assertArrayEquals(new int[] {2, 3}, skipped.shape());
        assertArrayEquals(a.toFloatArray(), skipped.toFloatArray());
        assertArrayEquals(new int[] {2, 3}, Tensor.cat(List.of(a, Tensor.zeros(dev, 2, 0)), 1).shape());
        assertArrayEquals(new int[] {2, 3}, Tensor.cat(List.of(Tensor.zeros(dev, 0, 3), a), 0).shape());
        assertArrayEquals(new int[] {0}, Tensor.cat(List.of(Tensor.zeros(dev, 0), Tensor.zeros(dev, 0)), 0).shape());
        assertArrayEquals(new int[] {2, 0, 5}, Tensor.stack(List.of(Tensor.zeros(dev, 0, 5), Tensor.zeros(dev, 0, 5)))
                .shape());
        // the skipped input still gets its (empty) gradient
        Tensor e = Tensor.zeros(dev, 0).requiresGrad(true);
        Tensor x = Tensor.randn(dev, 2, 3).requiresGrad(true);
        Tensor.cat(List.of(e, x), 0).sum().backward();
        assertArrayEquals(new int[] {0}, e.grad().shape());
        assertArrayEquals(new float[] {1, 1, 1, 1, 1, 1}, x.grad().toFloatArray());
    }

    @Test
    void errorsNameTheTensorAndTheShapes() {
        Tensor a = Tensor.zeros(2, 3);
        assertMessage("cat: sizes of tensors must match except in dimension 0: expected size 3 but got size 4 for"
                + " tensor number 1 in the list (shapes [2, 3] and [2, 4])", () -> Tensor.cat(List.of(a,
                Tensor.zeros(2, 4)), 0));
        assertMessage("cat: tensors must have the same number of dimensions: got 2 (tensor 0, shape [2, 3]) and 3"
                + " (tensor 1, shape [2, 3, 1])", () -> Tensor.cat(List.of(a, Tensor.zeros(2, 3, 1)), 0));
        assertMessage("cat: expected a non-empty list of tensors", () -> Tensor.cat(List.of(), 0));
        assertMessage("cat: zero-dimensional tensor (at position 0) cannot be concatenated",
                () -> Tensor.cat(List.of(Tensor.scalar(1), Tensor.scalar(2)), 0));
        assertMessage("cat: dimension 2 out of range for shape [2, 3] (expected in [-2, 1])",
                () -> Tensor.cat(List.of(a, a), 2));
        assertMessage("cat: tensor 1 of the list is null", () -> Tensor.cat(new Tensor[] {a, null}, 0));
        assertMessage("stack: stack expects each tensor to be equal size, but got [2, 3] at entry 0 and [2, 4] at"
                + " entry 1", () -> Tensor.stack(List.of(a, Tensor.zeros(2, 4)), 0));
        assertMessage("stack: expected a non-empty list of tensors", () -> Tensor.stack(List.of(), 0));
        assertMessage("stack: dimension 3 out of range for the result of rank 3 (inputs of shape [2, 3]; expected in"
                + " [-3, 2])", () -> Tensor.stack(List.of(a, a), 3));
        Tensor closed = Tensor.zeros(2, 3);
        closed.close();
        assertEquals("cat: tensor [2, 3] was closed; it cannot be used after close()",
                assertThrows(IllegalStateException.class, () -> Tensor.cat(List.of(a, closed), 0)).getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#opencl")
    void devicesMustMatch(Device dev) {
        assertMessage("cat: expected all tensors to be on the same device, but tensor 1 is on " + dev
                + " and tensor 0 on cpu (move it with .to(device))",
                () -> Tensor.cat(List.of(Tensor.zeros(2), Tensor.zeros(dev, 2)), 0));
    }

    static void assertMessage(String want, org.junit.jupiter.api.function.Executable call) {
        assertEquals(want, assertThrows(IllegalArgumentException.class, call).getMessage());
    }
}
