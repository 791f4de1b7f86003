package io.clgrad.autograd;

import io.clgrad.Device;
import io.clgrad.Functional;
import io.clgrad.LossReduction;
import io.clgrad.Tensor;
import io.clgrad.TensorScope;
import io.clgrad.Tensors;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Finite-difference checks of every differentiable op's backward, on every device. */
class GradCheckTest {

    private static Tensor rnd(Device d, long seed, int... shape) {
        Random r = new Random(seed);
        int n = 1;
        for (int s : shape) {
            n *= s;
        }
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return Tensor.of(d, v, shape.length == 0 ? new int[] {1} : shape).reshape(shape);
    }

    /** Values in [0.5, 2): positive and away from zero, for log/sqrt/div/pow. */
    private static Tensor pos(Device d, long seed, int... shape) {
        Random r = new Random(seed);
        int n = 1;
        for (int s : shape) {
            n *= s;
        }
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (0.5 + 1.5 * r.nextDouble());
        }
        return Tensor.of(d, v, shape);
    }

    /** Values with |x| >= 0.2, away from relu/abs kinks. */
    private static Tensor awayFromZero(Device d, long seed, int... shape) {
        Tensor t = rnd(d, seed, shape);
        float[] v = t.toFloatArray();
        for (int i = 0; i < v.length; i++) {
            v[i] = v[i] >= 0 ? v[i] + 0.2f : v[i] - 0.2f;
        }
        return Tensor.of(d, v, shape);
    }

    private static void check(String name, Function<Tensor[], Tensor> f, Tensor... xs) {
        GradCheck.check(name, f, xs);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void elementwiseWithBroadcasting(Device d) {
        try (TensorScope s = Tensors.scope()) {
            check("add", x -> x[0].add(x[1]), rnd(d, 1, 3, 4), rnd(d, 2, 4));
            check("sub", x -> x[0].sub(x[1]), rnd(d, 3, 3, 1), rnd(d, 4, 1, 4));
            check("mul", x -> x[0].mul(x[1]), rnd(d, 5, 2, 3), rnd(d, 6, 2, 1));
            check("div", x -> x[0].div(x[1]), rnd(d, 7, 2, 3), pos(d, 8, 3));
            check("pow", x -> x[0].pow(x[1]), pos(d, 9, 2, 3), rnd(d, 10, 2, 3));
            check("maximum", x -> x[0].maximum(x[1]), rnd(d, 11, 4), rnd(d, 12, 4));
            check("minimum", x -> x[0].minimum(x[1]), rnd(d, 13, 4), rnd(d, 14, 4));
            check("scalar ops", x -> x[0].add(1.5f).sub(0.5f).mul(2f).div(3f), rnd(d, 15, 5));
            check("pow scalar", x -> x[0].pow(3f), rnd(d, 16, 5));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void matmulAllShapes(Device d) {
        try (TensorScope s = Tensors.scope()) {
            check("matmul 2-D", x -> x[0].matmul(x[1]), rnd(d, 1, 3, 4), rnd(d, 2, 4, 2));
            check("matmul A·Bᵀ", x -> x[0].matmul(x[1].t()), rnd(d, 3, 3, 4), rnd(d, 4, 5, 4));
            check("matmul 1-D·2-D", x -> x[0].matmul(x[1]), rnd(d, 5, 4), rnd(d, 6, 4, 3));
            check("matmul 2-D·1-D", x -> x[0].matmul(x[1]), rnd(d, 7, 3, 4), rnd(d, 8, 4));
            check("dot", x -> x[0].matmul(x[1]), rnd(d, 9, 5), rnd(d, 10, 5));
            check("batched broadcast", x -> x[0].matmul(x[1]), rnd(d, 11, 2, 3, 4), rnd(d, 12, 4, 2));
            // gradients made in the operand's own (transposed) layout
            check("matmul Aᵀ·B", x -> x[0].t().matmul(x[1]), rnd(d, 13, 4, 3), rnd(d, 14, 4, 2));
            check("matmul Aᵀ·Bᵀ", x -> x[0].t().matmul(x[1].t()), rnd(d, 15, 4, 3), rnd(d, 16, 5, 4));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void fusedLinear(Device d) {
        try (TensorScope s = Tensors.scope()) {
            check("linear", x -> io.clgrad.Functional.linear(x[0], x[1], x[2]),
                    rnd(d, 21, 3, 4), rnd(d, 22, 5, 4), rnd(d, 23, 5));
            check("linear, no bias, 3-D input", x -> io.clgrad.Functional.linear(x[0], x[1], null),
                    rnd(d, 24, 2, 3, 4), rnd(d, 25, 5, 4));
            check("linear with ReLU", x -> io.clgrad.Functional.linearRelu(x[0], x[1], x[2]),
                    rnd(d, 26, 6, 4), rnd(d, 27, 5, 4), rnd(d, 28, 5));
            check("linear of a transposed input", x -> io.clgrad.Functional.linear(x[0].t(), x[1], x[2]),
                    rnd(d, 29, 4, 3), rnd(d, 30, 5, 4), rnd(d, 31, 5));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void reductionsAndSoftmax(Device d) {
        try (TensorScope s = Tensors.scope()) {
            check("sum", x -> x[0].sum(), rnd(d, 1, 3, 4));
            check("sum dim", x -> x[0].sum(1, false), rnd(d, 2, 3, 4));
            check("sum keepdim", x -> x[0].sum(0, true), rnd(d, 3, 3, 4));
            check("mean", x -> x[0].mean(), rnd(d, 4, 3, 4));
            check("mean dim", x -> x[0].mean(-1, false), rnd(d, 5, 3, 4));
            check("max", x -> x[0].max(), rnd(d, 6, 3, 4));
            check("max dim", x -> x[0].max(1, false), rnd(d, 7, 3, 4));
            check("min dim keepdim", x -> x[0].min(0, true), rnd(d, 8, 3, 4));
            check("softmax", x -> x[0].softmax(1), rnd(d, 9, 3, 4));
            check("softmax dim 0", x -> x[0].softmax(0), rnd(d, 10, 3, 4));
            check("logSoftmax", x -> x[0].logSoftmax(-1), rnd(d, 11, 3, 4));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void viewsAndMoves(Device d) {
        try (TensorScope s = Tensors.scope()) {
            check("reshape", x -> x[0].reshape(4, 3).mul(x[0].reshape(4, 3)), rnd(d, 1, 3, 4));
            check("transpose", x -> x[0].transpose(0, 1).matmul(x[0]), rnd(d, 2, 3, 4));
            check("permute", x -> x[0].permute(2, 0, 1).exp(), rnd(d, 3, 2, 3, 2));
            check("unsqueeze/squeeze", x -> x[0].unsqueeze(1).squeeze(1).unsqueeze(0).tanh(), rnd(d, 4, 3, 2));
            check("expand", x -> x[0].expand(4, 3).sigmoid(), rnd(d, 5, 1, 3));
            check("contiguous/copy/flatten", x -> x[0].t().contiguous().copy().flatten().exp(), rnd(d, 6, 3, 2));
            check("to cpu", x -> x[0].to(Device.cpu()).mul(2f), rnd(d, 7, 4));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void losses(Device d) {
        try (TensorScope s = Tensors.scope()) {
            Tensor y = Tensor.of(d, new float[] {1, 0, 1, 1, 0, 0}, 3, 2);
            Tensor w = Tensor.of(d, new float[] {0.5f, 2f, 1f}, 3, 1);
            Tensor pw = Tensor.of(d, new float[] {3f, 0.5f}, 2);
            for (LossReduction r : LossReduction.values()) {
                check("bce " + r, x -> Functional.binaryCrossEntropyWithLogits(x[0], y, w, pw, r), rnd(d, 1, 3, 2));
            }
            check("bce plain", x -> Functional.binaryCrossEntropyWithLogits(x[0], y, null, null, LossReduction.MEAN),
                    rnd(d, 2, 3, 2));
            Tensor t = Tensor.of(d, new int[] {2, -100, 0, 1}, 4);
            for (LossReduction r : LossReduction.values()) {
                check("cross entropy " + r, x -> Functional.crossEntropy(x[0], t, -100, 0.1f, r), rnd(d, 3, 4, 3));
            }
        }
    }
}
