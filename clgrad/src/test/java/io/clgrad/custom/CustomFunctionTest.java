package io.clgrad.custom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clgrad.Autograd;
import io.clgrad.Device;
import io.clgrad.Function;
import io.clgrad.Tensor;
import io.clgrad.autograd.GradCheck;
import io.clgrad.nn.Linear;
import io.clgrad.nn.Module;
import io.clgrad.nn.Sequential;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The public custom-op API ({@link Function}, issue 10 item 4) used from a package outside
 * {@code io.clgrad}, as a user's own layer would: SiLU written with tensor ops, checked against a
 * double reference and finite differences on every device, and the errors for a saved tensor
 * written in place and for a backward that returns the wrong gradients.
 */
@SuppressWarnings("try")   // noGrad scopes opened for their effect
class CustomFunctionTest {

    /** SiLU, {@code x · sigmoid(x)}, as docs/autograd.md shows it. */
    static final class SiLU extends Function {
        boolean recordedInForward;
        boolean recordedInBackward;

        @Override
        protected Tensor forward(Context ctx, Tensor... inputs) {
            recordedInForward = Autograd.isEnabled();
            Tensor x = inputs[0];
            Tensor s = x.sigmoid();
            ctx.saveForBackward(x, s);
            return x.mul(s);
        }

        @Override
        protected Tensor[] backward(Context ctx, Tensor gradOutput) {
            recordedInBackward = Autograd.isEnabled();
            Tensor x = ctx.savedTensors()[0];
            Tensor s = ctx.savedTensors()[1];
            return new Tensor[] {gradOutput.mul(s).mul(x.mul(s.neg().add(1f)).add(1f))};
        }
    }

    /** {@code a · b} with a non-tensor value in the context and a gradient only where one is needed. */
    static final class Mul extends Function {
        @Override
        protected Tensor forward(Context ctx, Tensor... inputs) {
            ctx.saveForBackward(inputs[0], inputs[1]);
            ctx.put("shape", inputs[0].shape());
            return inputs[0].mul(inputs[1]);
        }

        @Override
        protected Tensor[] backward(Context ctx, Tensor gradOutput) {
            Tensor[] saved = ctx.savedTensors();
            int[] shape = ctx.get("shape");
            assertArrayEquals(shape, gradOutput.shape());
            return new Tensor[] {
                ctx.needsInputGrad(0) ? gradOutput.mul(saved[1]) : null,
                ctx.needsInputGrad(1) ? gradOutput.mul(saved[0]) : null};
        }
    }

    /** The layer, as docs/autograd.md shows it: a module that applies the function. */
    static final class SiLULayer extends Module<SiLULayer> {
        private final SiLU silu = new SiLU();

        @Override
        public Tensor forward(Tensor x) {
            return silu.apply(x);
        }
    }

    /** The same layer from built-in ops, as the reference. */
    static final class BuiltInSiLU extends Module<BuiltInSiLU> {
        @Override
        public Tensor forward(Tensor x) {
            return x.mul(x.sigmoid());
        }
    }

    private static final float[] XS = {-8f, -3.5f, -1f, -0.25f, 0f, 0.3f, 1f, 2.5f, 9f};

    private static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void siluMatchesADoubleReferenceAndRecordsOneNode(Device d) {
        SiLU silu = new SiLU();
        Tensor x = Tensor.of(d, XS).requiresGrad(true);
        Tensor y = silu.apply(x);
        assertEquals("<SiLUBackward>", y.gradFn().toString());
        assertTrue(y.requiresGrad());
        assertFalse(silu.recordedInForward, "forward ran with recording on");
        float[] got = y.toFloatArray();
        for (int i = 0; i < XS.length; i++) {
            double want = XS[i] * sigmoid(XS[i]);
            assertEquals(want, got[i], 1e-6 + 1e-6 * Math.abs(want), "silu(" + XS[i] + ") on " + d);
        }
        y.sum().backward();
        assertFalse(silu.recordedInBackward, "backward ran with recording on");
        float[] grad = x.grad().toFloatArray();
        for (int i = 0; i < XS.length; i++) {
            double s = sigmoid(XS[i]);
            double want = s * (1 + XS[i] * (1 - s));
            assertEquals(want, grad[i], 1e-6 + 1e-5 * Math.abs(want), "silu'(" + XS[i] + ") on " + d);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void gradientsMatchFiniteDifferences(Device d) {
        SiLU silu = new SiLU();
        GradCheck.check("SiLU", xs -> silu.apply(xs[0]), Tensor.randn(3, 4).to(d));
        // inside a larger graph, with two inputs
        Mul mul = new Mul();
        GradCheck.check("Mul", xs -> silu.apply(mul.apply(xs[0], xs[1]).add(xs[0])), Tensor.randn(2, 3).to(d),
                Tensor.randn(2, 3).to(d));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void aLayerOutsideTheLibraryGivesTheGradientsOfTheBuiltInOps(Device d) {
        Linear l1 = new Linear(4, 5, true, d);
        Linear l2 = new Linear(5, 2, true, d);
        Linear r1 = new Linear(4, 5, true, d);
        Linear r2 = new Linear(5, 2, true, d);
        r1.loadStateDict(l1.stateDict());
        r2.loadStateDict(l2.stateDict());
        Tensor x = Tensor.randn(3, 4).to(d);
        new Sequential(l1, new SiLULayer(), l2).forward(x).sum().backward();
        new Sequential(r1, new BuiltInSiLU(), r2).forward(x).sum().backward();
        float[] got = l1.weight().grad().toFloatArray();
        float[] want = r1.weight().grad().toFloatArray();
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], got[i], 1e-5 + 1e-4 * Math.abs(want[i]), "weight grad " + i + " on " + d);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void onlyInputsThatRequireGradGetOne(Device d) {
        Tensor a = Tensor.of(d, new float[] {1, 2, 3}).requiresGrad(true);
        Tensor b = Tensor.of(d, new float[] {4, 5, 6});
        new Mul().apply(a, b).sum().backward();
        assertArrayEquals(new float[] {4, 5, 6}, a.grad().toFloatArray());
        assertNull(b.grad());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void recordsNothingWithoutGradients(Device d) {
        Tensor x = Tensor.of(d, XS);
        assertNull(new SiLU().apply(x).gradFn());
        Tensor w = Tensor.of(d, XS).requiresGrad(true);
        try (var g = Autograd.noGrad()) {
            Tensor y = new SiLU().apply(w);
            assertNull(y.gradFn());
            assertFalse(y.requiresGrad());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void aSavedTensorWrittenInPlaceIsRefusedNamingTheFunction(Device d) {
        Tensor x = Tensor.of(d, XS).requiresGrad(true);
        Tensor y = new SiLU().apply(x).sum();
        try (var g = Autograd.noGrad()) {
            x.copyFrom(Tensor.zeros(XS.length));
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, y::backward);
        assertTrue(e.getMessage().contains("one of the tensors needed for gradient computation has been modified by"
                + " an in-place operation: SiLUBackward saved its input 0 (float32 [9]) at version 0, and it is now"
                + " at version 1"), e.getMessage());
    }

    /** A function whose backward returns what {@code grads} makes of the input and the output gradient. */
    private static Function returning(String name, java.util.function.BiFunction<Tensor, Tensor, Tensor[]> grads) {
        return new Function() {
            @Override
            public String name() {
                return name;
            }

            @Override
            protected Tensor forward(Context ctx, Tensor... inputs) {
                ctx.saveForBackward(inputs[0]);
                return inputs[0].mul(2f);
            }

            @Override
            protected Tensor[] backward(Context ctx, Tensor gradOutput) {
                return grads.apply(ctx.savedTensors()[0], gradOutput);
            }
        };
    }

    private static String backwardError(Device d, Function f) {
        Tensor x = Tensor.randn(2, 3).to(d).requiresGrad(true);
        Tensor y = f.apply(x).sum();
        return assertThrows(IllegalStateException.class, y::backward).getMessage();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void wrongGradientsAreRefusedNamingTheFunctionAndTheInput(Device d) {
        String count = backwardError(d, returning("TwoGrads", (x, g) -> new Tensor[] {g.mul(2f), g.mul(2f)}));
        assertEquals("TwoGradsBackward: backward returned 2 gradients, but forward took 1 input; return one per"
                + " input, null where an input gets none", count);
        String none = backwardError(d, returning("NoGrads", (x, g) -> null));
        assertTrue(none.startsWith("NoGradsBackward: backward returned null"), none);
        String shape = backwardError(d, returning("Summed", (x, g) -> new Tensor[] {g.sum(0, false)}));
        assertEquals("SummedBackward: backward returned an invalid gradient for input 0: shape [3], but the input"
                + " has shape [2, 3]", shape);
        String dtype = backwardError(d, returning("IntGrad", (x, g) -> new Tensor[] {g.toInt()}));
        assertTrue(dtype.startsWith("IntGradBackward: backward returned an invalid gradient for input 0: dtype int32"),
                dtype);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void contextMisuseIsNamed(Device d) {
        String missing = backwardError(d, new Function() {
            @Override
            public String name() {
                return "NoKey";
            }

            @Override
            protected Tensor forward(Context ctx, Tensor... inputs) {
                ctx.put("alpha", 2f);
                return inputs[0].mul(2f);
            }

            @Override
            protected Tensor[] backward(Context ctx, Tensor gradOutput) {
                float beta = ctx.get("beta");
                return new Tensor[] {gradOutput.mul(beta)};
            }
        });
        assertEquals("NoKeyBackward: no value was put under \"beta\" in forward (keys: [alpha])", missing);
        String late = backwardError(d, new Function() {
            @Override
            public String name() {
                return "Late";
            }

            @Override
            protected Tensor forward(Context ctx, Tensor... inputs) {
                return inputs[0].mul(2f);
            }

            @Override
            protected Tensor[] backward(Context ctx, Tensor gradOutput) {
                ctx.saveForBackward(gradOutput);
                return new Tensor[] {gradOutput.mul(2f)};
            }
        });
        assertEquals("LateBackward: saveForBackward can only be called in forward", late);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void aGradientThatIsASavedTensorIsCopiedNotHandedOut(Device d) {
        // d(2x)/dx = 2 here only because x = 1: the backward returns its saved x itself as the gradient
        Tensor x = Tensor.of(d, new float[] {1, 1}).requiresGrad(true);
        Function f = returning("Own", (saved, g) -> new Tensor[] {saved});
        f.apply(x).sum().backward();
        assertArrayEquals(new float[] {1, 1}, x.grad().toFloatArray());
        x.zeroGrad();   // closes the gradient: must not close x
        assertFalse(x.isClosed());
        assertArrayEquals(new float[] {1, 1}, x.toFloatArray());

        // a view of the saved tensor shares its memory just as much: the gradient must be a copy
        Tensor y = Tensor.of(d, new float[] {1, 1}).requiresGrad(true);
        returning("OwnView", (saved, g) -> new Tensor[] {saved.view(2)}).apply(y).sum().backward();
        try (var noGrad = io.clgrad.Autograd.noGrad()) {
            y.copyFrom(Tensor.of(d, new float[] {5, 7}));
        }
        assertArrayEquals(new float[] {1, 1}, y.grad().toFloatArray(), "the gradient changed with the input");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void forwardMustReturnANewTensor(Device d) {
        Function identity = new Function() {
            @Override
            protected Tensor forward(Context ctx, Tensor... inputs) {
                return inputs[0];
            }

            @Override
            protected Tensor[] backward(Context ctx, Tensor gradOutput) {
                return new Tensor[] {gradOutput};
            }
        };
        Tensor x = Tensor.of(d, XS).requiresGrad(true);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> identity.apply(x));
        assertEquals("Function.forward returned its input 0 itself; return a new tensor (x.copy() for an identity)",
                e.getMessage());
        assertTrue(x.isLeaf(), "the input became a non-leaf");
        Function viewOf = new Function() {
            @Override
            protected Tensor forward(Context ctx, Tensor... inputs) {
                return inputs[0].detach();
            }

            @Override
            protected Tensor[] backward(Context ctx, Tensor gradOutput) {
                return new Tensor[] {gradOutput};
            }
        };
        IllegalStateException v = assertThrows(IllegalStateException.class, () -> viewOf.apply(x));
        assertEquals("Function.forward returned a view of its input 0 (it shares the input's memory); return a new"
                + " tensor (x.copy() for an identity)", v.getMessage());
        assertTrue(x.isLeaf(), "the input became a non-leaf");
        IllegalArgumentException n = assertThrows(IllegalArgumentException.class, () -> new SiLU().apply(x, null));
        assertEquals("SiLU.apply: input 1 is null", n.getMessage());
    }
}
