package io.clgrad;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * A differentiable operation defined by the user, like PyTorch's {@code torch.autograd.Function}:
 * a forward pass and its backward pass, each written with tensor ops, recorded in the autograd
 * graph as one node. Subclass it anywhere (a layer outside {@code io.clgrad}, an {@code nn}
 * module) and call {@link #apply(Tensor...)}.
 *
 * <p>{@link #forward} runs with gradient recording off, so the ops inside it record nothing; when
 * gradients are recorded and any input {@linkplain Tensor#requiresGrad() requires grad},
 * {@code apply} makes its result the output of one node named {@code name() + "Backward"} (it
 * prints as {@code <SiLUBackward>} in {@link Tensor#gradFn()}). {@code backward()} on a later
 * result calls {@link #backward} with the gradient of that output, also with recording off, as
 * the built-in ops' backward functions run; the temporaries it creates are closed afterwards.
 *
 * <p>Tensors the backward needs go through {@link Context#saveForBackward}: their
 * {@linkplain Tensor#version() versions} are taken when saved, and writing one in place before the
 * backward runs (say {@code copyFrom}) makes the backward refuse, with the same "modified by an
 * in-place operation" error the built-in ops give, naming this function. Values that are not
 * tensors (a shape, a flag) go through {@link Context#put}; constants of the operation (a slope, an
 * axis) are simplest as fields of the subclass, set in its constructor.
 *
 * <p>Limits: one output tensor; the backward is not itself recorded, so there is no double
 * backward (gradients of gradients) through a {@code Function}; an output that is not float32 (an
 * index, a mask) is returned unrecorded, as non-differentiable.
 *
 * <p>Shape: the inputs and the output are whatever {@code forward} takes and returns; each
 * gradient {@code backward} returns must have its input's shape, dtype and device (no implicit
 * broadcast reduction: sum a broadcast gradient back yourself).
 *
 * <p>Example, SiLU ({@code x · sigmoid(x)}):
 *
 * <pre>{@code
 * final class SiLU extends Function {
 *     @Override
 *     protected Tensor forward(Context ctx, Tensor... inputs) {
 *         Tensor x = inputs[0];
 *         Tensor s = x.sigmoid();
 *         ctx.saveForBackward(x, s);
 *         return x.mul(s);
 *     }
 *
 *     @Override
 *     protected Tensor[] backward(Context ctx, Tensor gradOutput) {
 *         Tensor x = ctx.savedTensors()[0];
 *         Tensor s = ctx.savedTensors()[1];
 *         // d/dx x·s(x) = s · (1 + x·(1 - s))
 *         return new Tensor[] {gradOutput.mul(s).mul(x.mul(s.neg().add(1f)).add(1f))};
 *     }
 * }
 *
 * Tensor x = Tensor.randn(4).requiresGrad(true);
 * Tensor y = new SiLU().apply(x);   // y.gradFn() prints as <SiLUBackward>
 * y.sum().backward();               // x.grad() = s · (1 + x·(1 - s))
 * }</pre>
 */
public abstract class Function {
    private static final Tensor[] NONE = new Tensor[0];

    /** For subclasses. */
    protected Function() {
    }

    /**
     * Computes the output from the inputs, with gradient recording off. Saves what the backward
     * needs through {@code ctx}.
     *
     * @param ctx    this call's context: {@link Context#saveForBackward}, {@link Context#put}
     * @param inputs the tensors given to {@link #apply}, in order (never null)
     * @return a new tensor (not one of the inputs, not a tensor that requires grad)
     */
    protected abstract Tensor forward(Context ctx, Tensor... inputs);

    /**
     * Computes the gradient of each input from the gradient of the output, with gradient recording
     * off (so no double backward).
     *
     * @param ctx        the context {@link #forward} filled: {@link Context#savedTensors()},
     *                   {@link Context#needsInputGrad(int)}, {@link Context#get}
     * @param gradOutput the gradient of the output (its shape; do not write into it)
     * @return one gradient per input of {@code forward}, in order, each of that input's shape,
     *         dtype and device; null where an input gets none (an input that needs no gradient, or
     *         a zero gradient)
     */
    protected abstract Tensor[] backward(Context ctx, Tensor gradOutput);

    /**
     * The function's name in errors; the graph node is called {@code name() + "Backward"}. By
     * default the class's simple name ({@code "Function"} for an anonymous class).
     */
    public String name() {
        String simple = getClass().getSimpleName();
        return simple.isEmpty() ? "Function" : simple;
    }

    /**
     * Runs {@link #forward} on {@code inputs} and, when gradients are recorded and any input
     * requires grad, records one node so that {@code backward()} calls {@link #backward}.
     *
     * @param inputs the input tensors (none null); they are passed to {@code forward} as given
     * @return the output of {@code forward}; it requires grad when the node was recorded
     * @throws IllegalArgumentException when an input is null
     * @throws IllegalStateException    when {@code forward} returns null, or returns one of its
     *                                  inputs or a tensor that already requires grad while a node
     *                                  would be recorded
     */
    public final Tensor apply(Tensor... inputs) {
        String name = name();
        Tensor[] in = inputs == null ? NONE : inputs.clone();
        boolean[] needs = new boolean[in.length];
        boolean record = false;
        for (int i = 0; i < in.length; i++) {
            if (in[i] == null) {
                throw new IllegalArgumentException(name + ".apply: input " + i + " is null");
            }
            needs[i] = Autograd.isEnabled() && in[i].requiresGrad();
            record |= needs[i];
        }
        Context ctx = new Context(name + "Backward", needs);
        Tensor out;
        try (Autograd.Mode m = Autograd.noGrad()) {
            out = forward(ctx, in.clone());
        }
        ctx.inForward = false;
        if (out == null) {
            throw new IllegalStateException(name + ".forward returned null; it must return the output tensor");
        }
        if (!record || out.dtype() != DType.FLOAT32) {
            return out;
        }
        for (int i = 0; i < in.length; i++) {
            // a view or detach() of an input shares its storage: recording a node on it would let an
            // optimizer step on the output rewrite the input
            if (out.storage() == in[i].storage()) {
                throw new IllegalStateException(name + ".forward returned " + (out == in[i] ? "its input " + i
                        + " itself" : "a view of its input " + i + " (it shares the input's memory)")
                        + "; return a new tensor (x.copy() for an identity)");
            }
        }
        if (out.requiresGrad()) {
            throw new IllegalStateException(name + ".forward returned a tensor that already requires grad ("
                    + (out.gradFn() == null ? "a leaf" : "the result of " + out.gradFn().name()) + "); return a"
                    + " new tensor computed from the inputs");
        }
        out.setGradFn(new Node(ctx.nodeName, in, ctx.saved, ctx.savedVersions, g -> runBackward(ctx, in, g)));
        return out;
    }

    /** Calls {@link #backward} and checks what it returned against the inputs. */
    private Tensor[] runBackward(Context ctx, Tensor[] in, Tensor gradOutput) {
        Tensor[] grads = backward(ctx, gradOutput);
        String node = ctx.nodeName;
        if (grads == null) {
            throw new IllegalStateException(node + ": backward returned null; return one gradient per input ("
                    + in.length + "), null where an input gets none");
        }
        if (grads.length != in.length) {
            throw new IllegalStateException(node + ": backward returned " + grads.length + " gradient"
                    + (grads.length == 1 ? "" : "s") + ", but forward took " + in.length + " input"
                    + (in.length == 1 ? "" : "s") + "; return one per input, null where an input gets none");
        }
        Tensor[] checked = grads.clone();
        for (int k = 0; k < in.length; k++) {
            Tensor gk = checked[k];
            if (gk == null) {
                continue;
            }
            if (!in[k].requiresGrad()) {
                checked[k] = null;   // not needed: the enclosing scope closes it
                continue;
            }
            String where = node + ": backward returned an invalid gradient for input " + k + ": ";
            if (gk.isClosed()) {
                throw new IllegalStateException(where + "it is closed");
            }
            if (!Arrays.equals(gk.shapeRef(), in[k].shapeRef())) {
                throw new IllegalStateException(where + "shape " + Shape.str(gk.shapeRef()) + ", but the input has shape "
                        + Shape.str(in[k].shapeRef()));
            }
            if (gk.dtype() != in[k].dtype()) {
                throw new IllegalStateException(where + "dtype " + gk.dtype() + ", but the input is " + in[k].dtype());
            }
            if (!gk.device().equals(in[k].device())) {
                throw new IllegalStateException(where + "on " + gk.device() + ", but the input is on " + in[k].device());
            }
            if (ctx.isSavedOrInput(gk, in)) {
                checked[k] = gk.copy();   // the gradient becomes a leaf's grad(): never hand out a tensor the graph holds
            }
        }
        return checked;
    }

    /**
     * What one call of {@link Function#apply} hands from {@link Function#forward} to
     * {@link Function#backward}, like PyTorch's {@code ctx}: the saved tensors, which inputs need a
     * gradient, and values that are not tensors.
     */
    public static final class Context {
        private final String nodeName;
        private final boolean[] needsInputGrad;
        private Tensor[] saved = NONE;
        private int[] savedVersions = new int[0];
        private Map<String, Object> values;
        private boolean inForward = true;

        private Context(String nodeName, boolean[] needsInputGrad) {
            this.nodeName = nodeName;
            this.needsInputGrad = needsInputGrad;
        }

        /**
         * Saves tensors for {@link Function#backward} (inputs, the output, or intermediates; null
         * entries allowed), replacing what an earlier call saved, and takes their versions: a
         * tensor written in place before the backward runs makes it refuse.
         *
         * @param tensors the tensors, in the order {@link #savedTensors()} returns them
         * @throws IllegalStateException when called outside {@code forward}
         */
        public void saveForBackward(Tensor... tensors) {
            if (!inForward) {
                throw new IllegalStateException(nodeName + ": saveForBackward can only be called in forward");
            }
            saved = tensors == null ? NONE : tensors.clone();
            savedVersions = new int[saved.length];
            for (int i = 0; i < saved.length; i++) {
                savedVersions[i] = saved[i] == null ? 0 : saved[i].version();
            }
        }

        /** The tensors given to {@link #saveForBackward}, in order (empty when none were saved). */
        public Tensor[] savedTensors() {
            return saved.clone();
        }

        /**
         * Whether input {@code i} of {@code forward} needs a gradient (it requires grad and
         * gradients were recorded); {@code backward} may return null for the others.
         *
         * @throws IndexOutOfBoundsException when {@code i} is not an input's index
         */
        public boolean needsInputGrad(int i) {
            if (i < 0 || i >= needsInputGrad.length) {
                throw new IndexOutOfBoundsException(nodeName + ": needsInputGrad(" + i + "), but forward took "
                        + needsInputGrad.length + " input" + (needsInputGrad.length == 1 ? "" : "s"));
            }
            return needsInputGrad[i];
        }

        /** Keeps a value that is not a tensor (a shape, a flag) for {@code backward}, under {@code key}. */
        public void put(String key, Object value) {
            if (values == null) {
                values = new HashMap<>();
            }
            values.put(key, value);
        }

        /**
         * The value {@link #put} kept under {@code key}, as the caller's type.
         *
         * @throws IllegalStateException when nothing was put under {@code key}
         */
        @SuppressWarnings("unchecked")
        public <T> T get(String key) {
            if (values == null || !values.containsKey(key)) {
                throw new IllegalStateException(nodeName + ": no value was put under \"" + key + "\" in forward"
                        + (values == null ? "" : " (keys: " + values.keySet() + ")"));
            }
            return (T) values.get(key);
        }

        /** Whether {@code t} shares memory with a saved tensor or an input (itself, a view or a detach()). */
        private boolean isSavedOrInput(Tensor t, Tensor[] inputs) {
            for (Tensor s : saved) {
                if (s.storage() == t.storage()) {
                    return true;
                }
            }
            for (Tensor s : inputs) {
                if (s != null && s.storage() == t.storage()) {
                    return true;
                }
            }
            return false;
        }
    }
}
