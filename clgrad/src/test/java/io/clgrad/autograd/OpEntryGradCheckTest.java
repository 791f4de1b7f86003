package io.clgrad.autograd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import io.clgrad.Device;
import io.clgrad.Tensor;
import io.clgrad.TensorScope;
import io.clgrad.Tensors;
import io.clgrad.backend.BinaryOp;
import io.clgrad.backend.Domain;
import io.clgrad.backend.UnaryOp;
import io.clgrad.backend.conformance.Tolerance;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every elementwise op entry, through its public {@code Tensor} method, found by the entry's
 * {@code opName()}: the forward against the entry's double reference, and the backward against
 * finite differences on inputs from its gradient domain. Nothing here names an op, so a new entry
 * is covered without a test edit (and fails here if it has no {@code Tensor} method).
 */
class OpEntryGradCheckTest {
    /** The shape every entry is checked at (the second operand broadcasts along its rows). */
    static final int[] SHAPE = {2, 3};

    /** Values drawn from an entry's domain with a fixed seed, as a tensor on {@code d}. */
    static Tensor sample(Device d, Domain domain, long seed, int... shape) {
        int n = 1;
        for (int s : shape) {
            n *= s;
        }
        return Tensor.of(d, domain.sample(new Random(seed), n), shape);
    }

    /** The public {@code Tensor} method of that name and parameters, or null. */
    static Method method(String name, Class<?>... params) {
        try {
            return Tensor.class.getMethod(name, params);
        } catch (NoSuchMethodException e) {
            return null;
        }
    }

    /** Calls a {@code Tensor} method, rethrowing what it threw. */
    static Tensor invoke(Method m, Tensor self, Object... args) {
        try {
            return (Tensor) m.invoke(self, args);
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The forward values against the reference, at the suite's one tolerance. */
    private static void assertMatches(String what, Tensor got, double[] ref, double[] scale) {
        float[] v = got.toFloatArray();
        assertEquals(ref.length, v.length, what + ": element count");
        for (int i = 0; i < v.length; i++) {
            if (!Tolerance.accepts(v[i], ref[i], scale[i], 1)) {
                fail(what + " on " + got.device() + ": element " + i + " is " + v[i] + ", the reference " + ref[i]);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void everyUnaryOp(Device d) {
        for (UnaryOp op : UnaryOp.values()) {
            Method m = method(op.opName());
            if (m == null) {
                fail("UnaryOp." + op + " has no Tensor." + op.opName() + "() method");
            }
            try (TensorScope s = Tensors.scope()) {
                Tensor x = sample(d, op.facts().gradDomain(), op.ordinal() + 1, SHAPE);
                float[] xv = x.toFloatArray();
                double[] ref = new double[xv.length];
                double[] scale = new double[xv.length];
                for (int i = 0; i < xv.length; i++) {
                    ref[i] = op.facts().reference().applyAsDouble(xv[i]);
                    scale[i] = op.facts().errorScale().applyAsDouble(xv[i], ref[i]);
                }
                assertMatches(op.opName(), invoke(m, x), ref, scale);
                GradCheck.check(op.opName(), xs -> invoke(m, xs[0]), x);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void everyBinaryOpWithBroadcastingAndScalars(Device d) {
        for (BinaryOp op : BinaryOp.values()) {
            if (op.kind() == BinaryOp.Kind.GRADIENT) {
                continue;   // a step of another op's backward, covered through that op
            }
            Method m = method(op.opName(), Tensor.class);
            if (m == null) {
                fail("BinaryOp." + op + " has no Tensor." + op.opName() + "(Tensor) method");
            }
            try (TensorScope s = Tensors.scope()) {
                // b broadcasts along the rows of a
                Tensor a = sample(d, op.facts().domainA(), 10 + op.ordinal(), SHAPE);
                Tensor b = sample(d, op.facts().domainB(), 40 + op.ordinal(), SHAPE[1]);
                float[] av = a.toFloatArray();
                float[] bv = b.toFloatArray();
                double[] ref = new double[av.length];
                double[] scale = new double[av.length];
                for (int i = 0; i < av.length; i++) {
                    double bi = bv[i % SHAPE[1]];
                    ref[i] = op.facts().reference().applyAsDouble(av[i], bi);
                    scale[i] = op.facts().errorScale().of(av[i], bi, ref[i]);
                }
                String what = op.opName();
                assertMatches(what, invoke(m, a, b), ref, scale);
                Method withScalar = method(op.opName(), float.class);
                float sv = bv[0];
                if (withScalar != null) {
                    double[] sref = new double[av.length];
                    double[] sscale = new double[av.length];
                    for (int i = 0; i < av.length; i++) {
                        sref[i] = op.facts().reference().applyAsDouble(av[i], sv);
                        sscale[i] = op.facts().errorScale().of(av[i], sv, sref[i]);
                    }
                    assertMatches(what + " with a scalar", invoke(withScalar, a, sv), sref, sscale);
                }
                if (op.isComparison()) {
                    Tensor leaf = a.detach().requiresGrad(true);
                    assertFalse(invoke(m, leaf, b).requiresGrad(), what + ": a comparison has no gradient");
                    continue;
                }
                GradCheck.check(what, xs -> invoke(m, xs[0], xs[1]), a, b);
                if (withScalar != null) {
                    GradCheck.check(what + " with a scalar", xs -> invoke(withScalar, xs[0], sv), a);
                }
            }
        }
    }
}
