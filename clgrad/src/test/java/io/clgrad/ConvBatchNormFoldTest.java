package io.clgrad;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clgrad.nn.BatchNorm2d;
import io.clgrad.nn.BatchNormOptions;
import io.clgrad.nn.Conv2d;
import io.clgrad.nn.MaxPool2d;
import io.clgrad.nn.ReLU;
import io.clgrad.nn.Sequential;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A Conv2d followed by a BatchNorm2d in evaluation mode, folded into one convolution where nothing
 * records a node ({@link ConvBatchNormFold}, through {@code Sequential} and
 * {@link Functional#conv2dBatchNorm}), against the two layers run one after the other (each checked
 * against PyTorch by the golden tests) within 1e-5, on every device: with and without affine
 * parameters and a convolution bias, groups and stride; the fold kept while nothing changes and made
 * again after any of its six tensors is written (running statistics by a training forward, γ, the
 * weight); never with gradients or in training mode; memory flat and freed with the weight.
 */
class ConvBatchNormFoldTest {

    private static void assertClose(float[] want, float[] got, String what) {
        assertEquals(want.length, got.length, what + ": length");
        for (int i = 0; i < want.length; i++) {
            assertTrue(Math.abs(got[i] - want[i]) <= 1e-5 * (1 + Math.abs(want[i])),
                    what + ": element " + i + " is " + got[i] + ", " + want[i] + " unfolded");
        }
    }

    /** The two layers one after the other (BatchNorm2d's own forward in evaluation mode). */
    private static Tensor unfolded(Conv2d conv, BatchNorm2d bn, Tensor x) {
        return bn.forward(conv.forward(x));
    }

    private static ConvBatchNormFold.Fold fold(Conv2d conv) {
        Storage s = conv.weight().storage();
        synchronized (s) {
            return s.convBatchNormFold();
        }
    }

    /** Random running statistics and affine parameters, written as a state dict load would. */
    private static void randomize(BatchNorm2d bn, Device d, int c) {
        try (Autograd.Mode m = Autograd.noGrad()) {
            bn.runningMean().copyFrom(Tensor.randn(d, c));
            bn.runningVar().copyFrom(Tensor.rand(d, c).add(0.25f));
            if (bn.weight() != null) {
                bn.weight().copyFrom(Tensor.randn(d, c));
                bn.bias().copyFrom(Tensor.randn(d, c));
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void foldedInferenceMatchesTheTwoLayers(Device d) {
        Object[][] cases = {
            {new Conv2d(3, 8, 3, 1, 1), new BatchNorm2d(8), new int[] {2, 3, 10, 9}},
            {new Conv2d(4, 6, 3, 2, 0, 1, 2, false), new BatchNorm2d(new BatchNormOptions(6, 1e-3, 0.1, false, true), Device.cpu()),
                new int[] {3, 4, 11, 12}},
            {new Conv2d(1, 32, 3, 1, 1), new BatchNorm2d(32), new int[] {1, 1, 28, 28}},
        };
        try (TensorScope s = Tensors.scope()) {
            Tensor.manualSeed(42);
            for (Object[] c : cases) {
                Conv2d conv = (Conv2d) c[0];
                BatchNorm2d bn = (BatchNorm2d) c[1];
                conv.to(d);
                bn.to(d);
                int out = conv.weight().shape()[0];
                randomize(bn, d, out);
                Sequential net = new Sequential(conv, bn, new ReLU(), new MaxPool2d(2));
                net.eval();
                Tensor x = Tensor.randn(d, (int[]) c[2]);
                String what = conv + " " + bn;
                float[] want = new MaxPool2d(2).forward(unfolded(conv, bn, x).relu()).toFloatArray();
                assertNull(fold(conv), what + ": a forward with gradients folds nothing");
                float[] got;
                try (Autograd.Mode m = Autograd.noGrad()) {
                    got = net.forward(x).toFloatArray();
                }
                assertClose(want, got, what);
                ConvBatchNormFold.Fold first = fold(conv);
                assertNotNull(first, what + ": folded in inference");
                try (Autograd.Mode m = Autograd.noGrad()) {
                    assertClose(want, net.forward(x).toFloatArray(), what + ", again");
                }
                assertSame(first, fold(conv), what + ": folded once while nothing changes");

                // with gradients (parameters require them): the two layers, bit for bit
                assertEquals(java.util.Arrays.toString(want), java.util.Arrays.toString(net.forward(x).toFloatArray()),
                        what + ": with gradients");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void theFoldFollowsEveryWrite(Device d) {
        try (TensorScope s = Tensors.scope()) {
            Tensor.manualSeed(43);
            Conv2d conv = new Conv2d(3, 5, 3, 1, 1);
            BatchNorm2d bn = new BatchNorm2d(5);
            Sequential net = new Sequential(conv, bn);
            net.to(d);
            randomize(bn, d, 5);
            Tensor x = Tensor.randn(d, 2, 3, 6, 6);
            Runnable check = () -> {
                net.eval();
                float[] want;
                try (Autograd.Mode m = Autograd.noGrad()) {
                    want = unfolded(conv, bn, x).toFloatArray();
                    assertClose(want, net.forward(x).toFloatArray(), "folded");
                }
            };
            check.run();
            ConvBatchNormFold.Fold before = fold(conv);

            net.train();   // a training forward updates the running statistics in place
            net.forward(Tensor.randn(d, 4, 3, 6, 6));
            check.run();
            assertNotSame(before, fold(conv), "folded again after the running statistics moved");
            before = fold(conv);

            try (Autograd.Mode m = Autograd.noGrad()) {
                bn.weight().copyFrom(Tensor.randn(d, 5));
            }
            check.run();
            assertNotSame(before, fold(conv), "folded again after γ changed");

            try (Autograd.Mode m = Autograd.noGrad()) {
                conv.weight().copyFrom(Tensor.randn(d, 5, 3, 3, 3));
            }
            assertNull(fold(conv), "a write to the weight drops the fold at once");
            check.run();

            net.train();
            Tensor y;
            try (Autograd.Mode m = Autograd.noGrad()) {
                y = net.forward(x);   // training mode: batch statistics, nothing folded
            }
            assertEquals(4, y.dim());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void theFoldIsMadeOnceAndFreedWithTheWeight(Device d) {
        Tensor.manualSeed(44);
        long before = MemoryBaseline.settle(d);
        Tensor w = Tensor.randn(d, 16, 8, 3, 3);
        Tensor[] stats = {Tensor.randn(d, 16), Tensor.rand(d, 16), Tensor.randn(d, 16), Tensor.randn(d, 16)};
        Tensor x = Tensor.randn(d, 1, 8, 12, 12);
        int[] one = {1};
        MemoryBaseline.assertFlat(d, "folded conv+bn inference", 20, () -> {
            try (TensorScope s = Tensors.scope(); Autograd.Mode m = Autograd.noGrad()) {
                Functional.conv2dBatchNorm(x, w, null, one, one, one, 1, stats[0], stats[1], stats[2], stats[3], 1e-5)
                        .toFloatArray();
            }
        });
        Storage s = w.storage();
        synchronized (s) {
            assertNotNull(s.convBatchNormFold(), "folded");
        }
        w.close();
        x.close();
        for (Tensor t : stats) {
            t.close();
        }
        assertEquals(before, MemoryBaseline.settle(d), "bytes in use after the tensors were closed");
    }

    /** An unbatched [C, H, W] input is refused as BatchNorm2d refuses it, with gradients or without. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void aThreeDimensionalInputIsRefusedAsBatchNorm2dRefusesIt(Device d) {
        try (TensorScope s = Tensors.scope()) {
            Sequential net = new Sequential(new Conv2d(3, 8, 3, 1, 1), new BatchNorm2d(8));
            net.to(d);
            net.eval();
            Tensor x = Tensor.randn(d, 3, 8, 8);
            IllegalArgumentException withGrad = assertThrows(IllegalArgumentException.class, () -> net.forward(x));
            assertTrue(withGrad.getMessage().contains("expected 4D input (got 3D input)"), withGrad.getMessage());
            try (Autograd.Mode m = Autograd.noGrad()) {
                IllegalArgumentException noGrad = assertThrows(IllegalArgumentException.class, () -> net.forward(x));
                assertEquals(withGrad.getMessage(), noGrad.getMessage());
                int[] one = {1};
                Conv2d conv = (Conv2d) net.get(0);
                BatchNorm2d bn = (BatchNorm2d) net.get(1);
                IllegalArgumentException direct = assertThrows(IllegalArgumentException.class, () -> Functional.conv2dBatchNorm(
                        x, conv.weight(), conv.bias(), one, one, one, 1, bn.runningMean(), bn.runningVar(), bn.weight(),
                        bn.bias(), 1e-5));
                assertTrue(direct.getMessage().contains("expected 4D input (got 3D input)"), direct.getMessage());
            }
        }
    }

    /** Bad arguments get the unfolded path's own messages. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void badStatisticsAreReportedAsBatchNormReportsThem(Device d) {
        try (TensorScope s = Tensors.scope(); Autograd.Mode m = Autograd.noGrad()) {
            Tensor x = Tensor.randn(d, 1, 2, 5, 5);
            Tensor w = Tensor.randn(d, 4, 2, 3, 3);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Functional.conv2dBatchNorm(
                    x, w, null, new int[] {1}, new int[] {1}, new int[] {1}, 1, Tensor.zeros(d, 3), Tensor.ones(d, 3),
                    null, null, 1e-5));
            assertTrue(e.getMessage().contains("3") && e.getMessage().contains("4"), e.getMessage());
        }
    }
}
