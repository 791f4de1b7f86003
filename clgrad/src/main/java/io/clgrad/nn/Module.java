package io.clgrad.nn;

import io.clgrad.Autograd;
import io.clgrad.DType;
import io.clgrad.Device;
import io.clgrad.Tensor;
import io.clgrad.Tensors;
import io.clgrad.nn.init.Init;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Base class for all neural network modules, as PyTorch's {@code torch.nn.Module}. A module owns
 * parameters (tensors that require grad), buffers (state that does not) and child modules, all
 * registered by name in the order the constructor registers them.
 *
 * <p>Subclasses register their parts in the constructor and implement {@link #forward(Tensor)}.
 * Java has no {@code __setattr__}, so registration is explicit: assign the value that
 * {@link #register(String, Module)} returns to a field of the same name. The names become the
 * dotted keys of {@link #namedParameters()} and {@link #stateDict()} ({@code layer_1.weight}) and
 * the lines of {@link #toString()}.
 *
 * <pre>{@code
 * import io.clgrad.nn.Module;   // by name: io.clgrad.nn.* would clash with java.lang.Module
 *
 * class SimpleNet extends Module<SimpleNet> {
 *     final Linear layer_1 = register("layer_1", new Linear(2, 10));
 *     final ReLU relu = register("relu", new ReLU());
 *     final Linear layer_2 = register("layer_2", new Linear(10, 1));
 *
 *     public Tensor forward(Tensor x) {
 *         return layer_2.forward(relu.forward(layer_1.forward(x)));
 *     }
 * }
 * SimpleNet model = new SimpleNet().to(Device.best());   // to/train/eval return the subclass's type
 * System.out.println(model);      // SimpleNet(\n  (layer_1): Linear(in_features=2, ...) ...
 * }</pre>
 *
 * <p>Parameters and buffers: a module reads its own tensors with {@link #parameter(String)} /
 * {@link #buffer(String)} rather than caching them in fields, because {@link #to(Device)}
 * replaces them with tensors on the new device (a tensor cannot change device in place).
 * {@link #loadStateDict(Map)} copies values into the existing tensors, so an optimizer built on
 * {@link #parameters()} keeps working after it.
 *
 * <p>The type parameter is the subclass itself ({@code class Net extends Module<Net>}), as in
 * {@code Enum<E>}: it lets {@link #to(Device)}, {@link #train()}, {@link #eval()} and
 * {@link #apply} return the receiver's own type, so {@code Net model = new Net().to(device)}
 * compiles as {@code model = Net().to(device)} reads in PyTorch. Code that holds modules of any
 * type writes {@code Module<?>}.
 *
 * <p>Modules are not thread-safe: one thread at a time may call {@code forward}, {@code to},
 * {@code loadStateDict} and so on on a module (two threads training two separate models is fine;
 * see docs/design-notes.md, "Threads"). A module is in training mode when constructed.
 *
 * @param <M> the subclass itself
 */
@SuppressWarnings("try")   // scopes opened for their effect (noGrad, tensor scopes)
public abstract class Module<M extends Module<M>> {
    private final Map<String, Tensor> params = new LinkedHashMap<>();
    private final Map<String, Tensor> buffers = new LinkedHashMap<>();
    private final Map<String, Module<?>> children = new LinkedHashMap<>();
    private boolean training = true;

    /** Creates a module with no parameters, buffers or children, in training mode. */
    protected Module() {
    }

    /**
     * This module as its declared subclass type {@code M}, for the methods that return the receiver.
     *
     * @return {@code this}
     */
    @SuppressWarnings("unchecked")   // safe when the subclass declares itself as M, as documented
    protected final M self() {
        return (M) this;
    }

    /**
     * Defines the computation performed at every call. Subclasses override it; call it directly
     * ({@code model.forward(x)}) as PyTorch's {@code model(x)}.
     *
     * @param x the input
     * @return the output
     */
    public abstract Tensor forward(Tensor x);

    // ------------------------------------------------------------------ registration

    /**
     * Registers a child module under {@code name} and returns it, so a constructor can write
     * {@code layer_1 = register("layer_1", new Linear(2, 10))}. Registering a name again replaces
     * the child in its original position, as assigning an attribute twice does in PyTorch.
     *
     * @param name the attribute name: non-empty, without {@code "."}, not used by a parameter or buffer
     * @param m    the child module (not null)
     * @param <C>  the child's type
     * @return {@code m}
     * @throws IllegalArgumentException on a bad or already used name
     */
    protected <C extends Module<?>> C register(String name, C m) {
        checkName("module", name);
        if (m == null) {
            throw new IllegalArgumentException("register: module \"" + name + "\" is null");
        }
        if (m == this) {
            throw new IllegalArgumentException("register: a module cannot be its own child (\"" + name + "\")");
        }
        checkUnused("register", children, name);
        children.put(name, m);
        return m;
    }

    /**
     * Registers {@code t} as a parameter: marks it {@code requiresGrad(true)}, takes it out of
     * every open {@link io.clgrad.TensorScope} (parameters live as long as the module), and keeps
     * registration order. A {@code null} tensor registers nothing (PyTorch's
     * {@code register_parameter("bias", None)}), and {@link #parameter(String)} then returns null.
     *
     * @param name the attribute name: non-empty, without {@code "."}, not used by a child or buffer
     * @param t    a float32 leaf tensor, or null
     * @return {@code t}
     * @throws IllegalArgumentException on a bad or already used name
     * @throws IllegalStateException    when {@code t} is not a float32 leaf
     */
    protected Tensor registerParameter(String name, Tensor t) {
        return registerTensor("registerParameter", "parameter", params, name, t,
                p -> Tensors.keep(p.requiresGrad(true)));
    }

    /**
     * Registers {@code t} as a buffer: state that is saved in {@link #stateDict()} and moved by
     * {@link #to(Device)} but is not a parameter (PyTorch's {@code register_buffer}). A null
     * tensor registers nothing.
     *
     * @param name the attribute name: non-empty, without {@code "."}, not used by a child or parameter
     * @param t    the tensor, or null
     * @return {@code t}
     * @throws IllegalArgumentException on a bad or already used name
     */
    protected Tensor registerBuffer(String name, Tensor t) {
        return registerTensor("registerBuffer", "buffer", buffers, name, t, Tensors::keep);
    }

    /**
     * Puts {@code t}, after {@code adopt}, into {@code own} (the parameters or the buffers) under
     * {@code name}, or removes the name for a null {@code t}; returns {@code t}.
     */
    private Tensor registerTensor(String op, String kind, Map<String, Tensor> own, String name, Tensor t,
                                  UnaryOperator<Tensor> adopt) {
        checkName(kind, name);
        checkUnused(op, own, name);
        if (t == null) {
            own.remove(name);
            return null;
        }
        own.put(name, adopt.apply(t));
        return t;
    }

    /**
     * This module's own parameter {@code name} (not a child's), or null when none is registered.
     *
     * @param name the name given to {@link #registerParameter(String, Tensor)}
     * @return the current tensor (it changes after {@link #to(Device)})
     */
    protected Tensor parameter(String name) {
        return params.get(name);
    }

    /**
     * This module's own buffer {@code name}, or null when none is registered.
     *
     * @param name the name given to {@link #registerBuffer(String, Tensor)}
     * @return the current tensor (it changes after {@link #to(Device)})
     */
    protected Tensor buffer(String name) {
        return buffers.get(name);
    }

    /**
     * Refuses {@code name} when an attribute of another kind than {@code own} (the map it is about
     * to go into) has it: children, parameters and buffers share one namespace, as in PyTorch.
     */
    private void checkUnused(String op, Map<String, ?> own, String name) {
        String taken = own != children && children.containsKey(name) ? "child module"
                : own != params && params.containsKey(name) ? "parameter"
                : own != buffers && buffers.containsKey(name) ? "buffer"
                : null;
        if (taken != null) {
            throw new IllegalArgumentException(op + ": attribute \"" + name + "\" already exists as a " + taken);
        }
    }

    private static void checkName(String kind, String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException(kind + " name can't be empty");
        }
        if (name.contains(".")) {
            throw new IllegalArgumentException(kind + " name can't contain \".\", got: \"" + name + "\"");
        }
    }

    // ------------------------------------------------------------------ traversal

    /**
     * The direct children, by registration name, in registration order.
     *
     * @return an unmodifiable view
     */
    public Map<String, Module<?>> namedChildren() {
        return Collections.unmodifiableMap(children);
    }

    /**
     * The direct children in registration order.
     *
     * @return a new list
     */
    public List<Module<?>> children() {
        return new ArrayList<>(children.values());
    }

    /**
     * This module and every descendant by dotted path, depth first in registration order; this
     * module's path is {@code ""} (PyTorch's {@code named_modules()}). A module reachable twice is
     * listed once.
     *
     * @return a new insertion-ordered map
     */
    public Map<String, Module<?>> namedModules() {
        Map<String, Module<?>> out = new LinkedHashMap<>();
        Set<Module<?>> seen = Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        collectModules("", out, seen);
        return out;
    }

    private void collectModules(String path, Map<String, Module<?>> out, Set<Module<?>> seen) {
        if (!seen.add(this)) {
            return;
        }
        out.put(path, this);
        for (Map.Entry<String, Module<?>> e : children.entrySet()) {
            e.getValue().collectModules(path.isEmpty() ? e.getKey() : path + "." + e.getKey(), out, seen);
        }
    }

    /**
     * This module and every descendant, in the order of {@link #namedModules()}.
     *
     * @return a new list
     */
    public List<Module<?>> modules() {
        return new ArrayList<>(namedModules().values());
    }

    /**
     * Calls {@code fn} on every descendant (children first) and then on this module, as PyTorch's
     * {@code apply}; typically used to initialise weights:
     * {@code model.apply(m -> { if (m instanceof Linear l) Init.xavierUniform(l.weight()); })}.
     *
     * @param fn the function
     * @return this module
     */
    public M apply(java.util.function.Consumer<Module<?>> fn) {
        for (Module<?> c : children.values()) {
            c.apply(fn);
        }
        fn.accept(this);
        return self();
    }

    /**
     * Every parameter of this module and its descendants, in the order of
     * {@link #namedParameters()}; pass it to an optimizer. A tensor shared by two modules appears once.
     *
     * @return a new list
     */
    public List<Tensor> parameters() {
        return new ArrayList<>(namedParameters().values());
    }

    /**
     * The number of scalars in this module's parameters, each shared tensor counted once, as
     * PyTorch's {@code sum(p.numel() for p in model.parameters())}.
     *
     * @param trainableOnly count only parameters that require grad
     * @return the count
     */
    public long numParameters(boolean trainableOnly) {
        long n = 0;
        for (Tensor p : parameters()) {
            if (!trainableOnly || p.requiresGrad()) {
                n += p.numel();
            }
        }
        return n;
    }

    /**
     * The number of scalars in this module's parameters; the same as {@code numParameters(false)}.
     *
     * @return the count, e.g. 41 for SimpleNet(2, 10, 1)
     */
    public long numParameters() {
        return numParameters(false);
    }

    /**
     * Every parameter by dotted path ({@code layer_1.weight}, {@code 0.bias}): this module's own
     * first, then each child's in registration order, depth first, as PyTorch's
     * {@code named_parameters()}. A tensor reachable twice is listed under its first path.
     *
     * @return a new insertion-ordered map
     */
    public Map<String, Tensor> namedParameters() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        Set<Tensor> seen = Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        collect("", out, seen, true, false);
        return out;
    }

    /**
     * Every buffer by dotted path, in the order of {@link #namedParameters()}.
     *
     * @return a new insertion-ordered map
     */
    public Map<String, Tensor> namedBuffers() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        Set<Tensor> seen = Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        collect("", out, seen, false, true);
        return out;
    }

    private void collect(String prefix, Map<String, Tensor> out, Set<Tensor> seen, boolean withParams,
                         boolean withBuffers) {
        if (withParams) {
            for (Map.Entry<String, Tensor> e : params.entrySet()) {
                if (seen.add(e.getValue())) {
                    out.put(prefix + e.getKey(), e.getValue());
                }
            }
        }
        if (withBuffers) {
            for (Map.Entry<String, Tensor> e : buffers.entrySet()) {
                if (seen.add(e.getValue())) {
                    out.put(prefix + e.getKey(), e.getValue());
                }
            }
        }
        for (Map.Entry<String, Module<?>> e : children.entrySet()) {
            e.getValue().collect(prefix + e.getKey() + ".", out, seen, withParams, withBuffers);
        }
    }

    /** Every (path, own tensor) pair for the state dict, parameters then buffers per module, no dedup. */
    private void stateEntries(String prefix, Map<String, Tensor> out) {
        for (Map.Entry<String, Tensor> e : params.entrySet()) {
            out.put(prefix + e.getKey(), e.getValue());
        }
        for (Map.Entry<String, Tensor> e : buffers.entrySet()) {
            out.put(prefix + e.getKey(), e.getValue());
        }
        for (Map.Entry<String, Module<?>> e : children.entrySet()) {
            e.getValue().stateEntries(prefix + e.getKey() + ".", out);
        }
    }

    // ------------------------------------------------------------------ state dict

    /**
     * The module's state: every parameter and buffer by dotted path, as PyTorch's
     * {@code state_dict()}. The values are {@linkplain Tensor#detach() detached} views that share
     * memory with the parameters (they do not require grad); copy them to keep a snapshot.
     *
     * @return a new insertion-ordered map
     */
    public Map<String, Tensor> stateDict() {
        Map<String, Tensor> own = new LinkedHashMap<>();
        stateEntries("", own);
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : own.entrySet()) {
            out.put(e.getKey(), e.getValue().detach());
        }
        return out;
    }

    /**
     * Copies values from {@code state} into this module's parameters and buffers, in place and on
     * each tensor's own device, as PyTorch's {@code load_state_dict(state, strict=True)}: the keys
     * must match {@link #stateDict()}'s exactly and each shape must match. Nothing is copied
     * unless everything matches. The source tensors are not modified; int32 values are converted
     * (into float32 parameters and buffers; int32 buffers, such as BatchNorm's
     * {@code num_batches_tracked}, take int32 values, and float32 ones truncated).
     *
     * @param state tensors by dotted path, on any device
     * @throws IllegalArgumentException listing every missing key, unexpected key and size mismatch
     *                                  (with the key and both shapes)
     */
    public void loadStateDict(Map<String, Tensor> state) {
        loadStateDict(state, true);
    }

    /**
     * Copies values from {@code state} into this module's parameters and buffers, as PyTorch's
     * {@code load_state_dict(state, strict)}. With {@code strict} false, missing and unexpected
     * keys are reported in the result instead of thrown; size mismatches always throw.
     *
     * @param state  tensors by dotted path, on any device
     * @param strict whether missing or unexpected keys are an error
     * @return the missing and unexpected keys (both empty after a strict load)
     * @throws IllegalArgumentException on size mismatches, or on key mismatches when strict
     */
    public IncompatibleKeys loadStateDict(Map<String, Tensor> state, boolean strict) {
        if (state == null) {
            throw new IllegalArgumentException("loadStateDict: state dict is null");
        }
        Map<String, Tensor> own = new LinkedHashMap<>();
        stateEntries("", own);
        List<String> missing = new ArrayList<>();
        List<String> unexpected = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : own.entrySet()) {
            Tensor src = state.get(e.getKey());
            if (src == null) {
                missing.add(e.getKey());
            } else if (!Arrays.equals(src.shape(), e.getValue().shape())) {
                errors.add("size mismatch for " + e.getKey() + ": copying a param with shape "
                        + Arrays.toString(src.shape()) + " from checkpoint, the shape in current model is "
                        + Arrays.toString(e.getValue().shape()) + ".");
            }
        }
        for (String k : new LinkedHashSet<>(state.keySet())) {
            if (!own.containsKey(k)) {
                unexpected.add(k);
            }
        }
        if (strict) {
            if (!unexpected.isEmpty()) {
                errors.add(0, "Unexpected key(s) in state_dict: " + quoted(unexpected) + ".");
            }
            if (!missing.isEmpty()) {
                errors.add(0, "Missing key(s) in state_dict: " + quoted(missing) + ".");
            }
        }
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException("Error(s) in loading state_dict for " + typeName() + ":\n\t"
                    + String.join("\n\t", errors));
        }
        try (Autograd.Mode g = Autograd.noGrad()) {
            for (Map.Entry<String, Tensor> e : own.entrySet()) {
                Tensor src = state.get(e.getKey());
                if (src != null && e.getValue().dtype() == DType.INT32) {
                    e.getValue().copyFrom(src);   // an int32 buffer (BatchNorm's num_batches_tracked)
                } else if (src != null) {
                    Init.copy(e.getValue(), src);
                }
            }
        }
        return new IncompatibleKeys(List.copyOf(missing), List.copyOf(unexpected));
    }

    private static String quoted(List<String> keys) {
        StringBuilder sb = new StringBuilder();
        for (String k : keys) {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append('"').append(k).append('"');
        }
        return sb.toString();
    }

    /**
     * The keys a non-strict {@link #loadStateDict(Map, boolean)} could not match, as PyTorch's
     * {@code _IncompatibleKeys}.
     *
     * @param missingKeys    keys of the module absent from the state dict
     * @param unexpectedKeys keys of the state dict the module does not have
     */
    public record IncompatibleKeys(List<String> missingKeys, List<String> unexpectedKeys) {
    }

    // ------------------------------------------------------------------ modes, devices, gradients

    /**
     * Sets training mode on this module and every descendant (it changes {@link Dropout}).
     *
     * @return this module
     */
    public M train() {
        return train(true);
    }

    /**
     * Sets training mode ({@code true}) or evaluation mode ({@code false}) recursively.
     *
     * @param mode whether to train
     * @return this module
     */
    public M train(boolean mode) {
        training = mode;
        for (Module<?> c : children.values()) {
            c.train(mode);
        }
        return self();
    }

    /**
     * Sets evaluation mode recursively; the same as {@code train(false)}.
     *
     * @return this module
     */
    public M eval() {
        return train(false);
    }

    /**
     * Whether this module is in training mode.
     *
     * @return true after construction and {@link #train()}, false after {@link #eval()}
     */
    public boolean isTraining() {
        return training;
    }

    /**
     * Moves every parameter and buffer of this module and its descendants to {@code device}, as
     * PyTorch's {@code module.to(device)}. Each parameter not already there is replaced by a new
     * leaf on {@code device} that requires grad (its gradient is dropped); tensors already there
     * are kept. Build the optimizer after moving the model, as in PyTorch. The old tensors are
     * not closed (a caller may still hold them); the garbage collector reclaims them.
     *
     * @param device the target device
     * @return this module
     */
    public M to(Device device) {
        if (device == null) {
            throw new IllegalArgumentException("to: device is null");
        }
        try (Autograd.Mode g = Autograd.noGrad()) {
            for (Map.Entry<String, Tensor> e : params.entrySet()) {
                Tensor p = e.getValue();
                if (p.device() != device) {
                    e.setValue(Tensors.keep(p.to(device).requiresGrad(p.requiresGrad())));   // a frozen parameter stays frozen, as in PyTorch
                }
            }
            for (Map.Entry<String, Tensor> e : buffers.entrySet()) {
                Tensor b = e.getValue();
                if (b.device() != device) {
                    e.setValue(Tensors.keep(b.to(device)));
                }
            }
        }
        for (Module<?> c : children.values()) {
            c.to(device);
        }
        return self();
    }

    /** Drops the gradient of every parameter, as PyTorch's {@code zero_grad(set_to_none=True)}. */
    public void zeroGrad() {
        for (Tensor p : parameters()) {
            p.zeroGrad();
        }
    }

    // ------------------------------------------------------------------ printing

    /**
     * The one-line description inside this module's parentheses, e.g.
     * {@code in_features=2, out_features=10, bias=True}; empty by default (PyTorch's {@code extra_repr}).
     *
     * @return the description, possibly with several lines
     */
    protected String extraRepr() {
        return "";
    }

    /**
     * The name printed for this module: the class's simple name (for an anonymous class, its
     * superclass's), as PyTorch's {@code _get_name()}.
     *
     * @return the name
     */
    protected String typeName() {
        Class<?> c = getClass();
        while (c.getSimpleName().isEmpty() && c.getSuperclass() != null) {
            c = c.getSuperclass();
        }
        return c.getSimpleName();
    }

    /**
     * PyTorch's nested format: {@code Name(extra)} for a leaf, else one {@code "  (name): Child(...)"}
     * line per child (nested children indented by two more spaces), e.g.
     * <pre>
     * SimpleNet(
     *   (layer_1): Linear(in_features=2, out_features=10, bias=True)
     *   (relu): ReLU()
     *   (layer_2): Linear(in_features=10, out_features=1, bias=True)
     * )
     * </pre>
     */
    @Override
    public String toString() {
        List<String> lines = new ArrayList<>();
        String extra = extraRepr();
        List<String> extraLines = extra == null || extra.isEmpty() ? List.of() : Arrays.asList(extra.split("\n", -1));
        lines.addAll(extraLines);
        for (Map.Entry<String, Module<?>> e : children.entrySet()) {
            lines.add("(" + e.getKey() + "): " + indent(e.getValue().toString()));
        }
        StringBuilder sb = new StringBuilder(typeName()).append('(');
        if (!lines.isEmpty()) {
            if (extraLines.size() == 1 && children.isEmpty()) {
                sb.append(extraLines.get(0));
            } else {
                sb.append("\n  ").append(String.join("\n  ", lines)).append('\n');
            }
        }
        return sb.append(')').toString();
    }

    /** Indents every line but the first by two spaces (PyTorch's {@code _addindent}). */
    private static String indent(String s) {
        return s.replace("\n", "\n  ");
    }

    /** PyTorch's spelling of a boolean in {@code extra_repr}: {@code True} / {@code False}. */
    static String py(boolean b) {
        return b ? "True" : "False";
    }
}
