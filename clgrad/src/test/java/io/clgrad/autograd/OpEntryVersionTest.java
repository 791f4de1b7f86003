package io.clgrad.autograd;

import static io.clgrad.autograd.OpEntryGradCheckTest.SHAPE;
import static io.clgrad.autograd.OpEntryGradCheckTest.invoke;
import static io.clgrad.autograd.OpEntryGradCheckTest.method;
import static io.clgrad.autograd.OpEntryGradCheckTest.sample;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clgrad.Autograd;
import io.clgrad.Device;
import io.clgrad.Tensor;
import io.clgrad.TensorScope;
import io.clgrad.Tensors;
import io.clgrad.backend.BinaryOp;
import io.clgrad.backend.Domain;
import io.clgrad.backend.UnaryOp;
import java.lang.reflect.Method;
import java.util.function.Function;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What each elementwise op's gradient rule says its backward reads is what it reads: for every op
 * entry (found through its {@code Tensor} method, as in {@link OpEntryGradCheckTest}), each operand
 * and the output is written in place after the forward; backward must then either refuse (the
 * version check: the rule declared it reads that tensor) or give exactly the gradient it gives
 * without the write (the rule does not read it). A rule that reads a tensor it did not declare
 * gives a different gradient and fails here; nothing here names an op.
 */
class OpEntryVersionTest {
    /**
     * Runs {@code f} on copies of the leaves (so the operands are non-leaf tensors that may be
     * written), writes operand {@code target} (an index into the operands, or -1 for the output)
     * with {@code replacement} after the forward, and returns the leaves' gradients, or null when
     * backward refused with the in-place error.
     */
    private static float[][] gradients(Function<Tensor[], Tensor> f, Tensor[] leaves, int target, Tensor[] replacement) {
        Tensor[] xs = new Tensor[leaves.length];
        Tensor[] operands = new Tensor[leaves.length];
        for (int i = 0; i < leaves.length; i++) {
            xs[i] = leaves[i].detach().requiresGrad(true);
            operands[i] = xs[i].mul(1f);   // MulBackward1 saves nothing: the write below is the op's alone
        }
        Tensor out = f.apply(operands);
        Tensor loss = out.sum();
        if (replacement != null) {
            Tensor written = target < 0 ? out : operands[target];
            try (Autograd.Mode m = Autograd.noGrad()) {
                written.copyFrom(replacement[target < 0 ? replacement.length - 1 : target]);
            }
        }
        try {
            loss.backward();
        } catch (IllegalStateException e) {
            assertTrue(e.getMessage().contains("modified by an in-place operation"), e.getMessage());
            return null;
        }
        float[][] g = new float[leaves.length][];
        for (int i = 0; i < leaves.length; i++) {
            g[i] = xs[i].grad().toFloatArray();
        }
        return g;
    }

    /** Every operand and the output, written in turn: refused, or the unwritten gradient exactly. */
    private static void check(String what, Function<Tensor[], Tensor> f, Tensor[] leaves, Tensor[] replacement) {
        float[][] reference = gradients(f, leaves, 0, null);
        for (int target = -1; target < leaves.length; target++) {
            float[][] got = gradients(f, leaves, target, replacement);
            if (got != null) {
                String name = target < 0 ? "the output" : "operand " + target;
                for (int i = 0; i < leaves.length; i++) {
                    assertArrayEquals(reference[i], got[i], what + " on " + leaves[0].device() + ": after a write into "
                            + name + " the gradient of operand " + i + " changed, so backward reads " + name
                            + " without saying so (its rule in io.clgrad.Elementwise)");
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void unaryRulesDeclareWhatTheyRead(Device d) throws NoSuchMethodException {
        for (UnaryOp op : UnaryOp.values()) {
            Method m = Tensor.class.getMethod(op.opName());
            try (TensorScope s = Tensors.scope()) {
                Tensor x = sample(d, op.facts().gradDomain(), op.ordinal() + 1, SHAPE);
                Tensor other = sample(d, op.facts().gradDomain(), op.ordinal() + 101, SHAPE);
                check(op.opName(), xs -> invoke(m, xs[0]), new Tensor[] {x}, new Tensor[] {other, other});
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void binaryRulesDeclareWhatTheyRead(Device d) throws NoSuchMethodException {
        for (BinaryOp op : BinaryOp.ofKind(BinaryOp.Kind.ARITHMETIC)) {
            Method m = Tensor.class.getMethod(op.opName(), Tensor.class);
            try (TensorScope s = Tensors.scope()) {
                Tensor a = sample(d, op.facts().domainA(), 10 + op.ordinal(), SHAPE);
                Tensor b = sample(d, op.facts().domainB(), 40 + op.ordinal(), SHAPE[1]);
                Tensor a2 = sample(d, op.facts().domainA(), 70 + op.ordinal(), SHAPE);
                Tensor b2 = sample(d, op.facts().domainB(), 90 + op.ordinal(), SHAPE[1]);
                Tensor out2 = sample(d, op.facts().domainA(), 110 + op.ordinal(), SHAPE);
                check(op.opName(), xs -> invoke(m, xs[0], xs[1]), new Tensor[] {a, b}, new Tensor[] {a2, b2, out2});
                Method ms = method(op.opName(), float.class);
                if (ms != null) {
                    float sv = b.toFloatArray()[0];
                    check(op.opName() + " with a scalar", xs -> invoke(ms, xs[0], sv), new Tensor[] {a},
                            new Tensor[] {a2, out2});
                }
            }
        }
    }
}
