package io.clgrad;

import io.clgrad.backend.Backend;
import io.clgrad.backend.BinaryOp;
import io.clgrad.backend.Buffer;
import io.clgrad.backend.ReduceOp;
import io.clgrad.backend.StridedView;
import io.clgrad.backend.UnaryOp;

/**
 * An n-dimensional array of float32 (or int32) values on a {@link Device}: the CPU backend or an
 * OpenCL device. Ops run eagerly on the tensor's device; nothing waits for the device until a
 * value is read ({@link #item()}, {@link #toFloatArray()}, {@link #toString()}).
 *
 * <p>Shapes follow PyTorch: row-major, broadcasting by NumPy rules, negative dims count from the
 * end. Views ({@link #reshape}, {@link #transpose}, {@link #t()}, {@link #select}, {@link #get(String)}
 * for {@code x[:, 1:5]}, see {@link Index}) share memory with their source.
 *
 * <p>Memory: {@link #close()} frees device memory now (a storage shared by views is freed when the
 * last of them closes); a {@link Tensors#scope()} closes everything created inside it; tensors
 * never closed are reclaimed after the garbage collector finds them unreachable.
 *
 * <pre>{@code
 * Tensor x = Tensor.randn(5, 2).to(Device.best());
 * Tensor w = Tensor.randn(2, 10).to(x.device());
 * Tensor y = x.matmul(w).relu();            // [5, 10]
 * System.out.println(y.sum().item());
 * }</pre>
 *
 * <p>This class stays thin: each method delegates to the op class that implements it.
 */
public final class Tensor implements AutoCloseable {
    private final Storage storage;
    private final int offset;
    private final int[] shape;
    private final int[] strides;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
    private boolean requiresGrad;
    /** Set on the implicit 1 that {@link #backward()} seeds a scalar with; see {@link #isImplicitOne()}. */
    private boolean implicitOne;
    private Node gradFn;
    private Tensor grad;
    /** Gradient hooks of a leaf (those of a recorded op's result live on its node); null until one is added. */
    private Hooks hooks;
    private PostAccumulateHooks postHooks;
    /** The scope that will close this tensor, or null; read and written only on that scope's thread. */
    TensorScope scope;
    /** This tensor's slot in {@link #scope}'s list. */
    int scopeSlot;

    Tensor(Storage storage, int offset, int[] shape, int[] strides) {
        Shape.checkLimits("tensor", shape);
        this.storage = storage;
        this.offset = offset;
        this.shape = shape;
        this.strides = strides;
        TensorScope.register(this);
    }

    /** A new uninitialised contiguous tensor. */
    static Tensor empty(Device device, DType dtype, int[] shape) {
        Storage s = Storage.allocate(device, dtype, Shape.numel(shape));
        return new Tensor(s, 0, shape.clone(), StridedView.contiguousStrides(shape));
    }

    /** A view on the same storage with another geometry. */
    Tensor restride(int newOffset, int[] newShape, int[] newStrides) {
        checkOpen("view");
        storage.retain();
        return new Tensor(storage, newOffset, newShape, newStrides);
    }

    // ------------------------------------------------------------------ factories

    /**
     * A float32 tensor on the CPU holding {@code data} in row-major order. An empty {@code shape}
     * (none given, or {@code new int[0]}: Java cannot tell the two apart) means {@code [data.length]};
     * for a 0-d tensor use {@link #scalar(float)} or {@code reshape()} with no sizes.
     */
    public static Tensor of(float[] data, int... shape) {
        return Factories.of(Device.cpu(), data, shape);
    }

    /** An int32 tensor on the CPU holding {@code data} (labels, indices). */
    public static Tensor of(int[] data, int... shape) {
        return Factories.of(Device.cpu(), data, shape);
    }

    /** A float32 tensor on {@code device} holding {@code data}. */
    public static Tensor of(Device device, float[] data, int... shape) {
        return Factories.of(device, data, shape);
    }

    /** An int32 tensor on {@code device} holding {@code data}. */
    public static Tensor of(Device device, int[] data, int... shape) {
        return Factories.of(device, data, shape);
    }

    /** A float32 scalar (shape {@code []}) on the CPU. */
    public static Tensor scalar(float value) {
        return Factories.full(Device.cpu(), value, new int[0]);
    }

    /** Zeros of the given shape on the CPU. */
    public static Tensor zeros(int... shape) {
        return Factories.full(Device.cpu(), 0f, shape);
    }

    /** Zeros of the given shape on {@code device}. */
    public static Tensor zeros(Device device, int... shape) {
        return Factories.full(device, 0f, shape);
    }

    /** Ones of the given shape on the CPU. */
    public static Tensor ones(int... shape) {
        return Factories.full(Device.cpu(), 1f, shape);
    }

    /** Ones of the given shape on {@code device}. */
    public static Tensor ones(Device device, int... shape) {
        return Factories.full(device, 1f, shape);
    }

    /** A tensor filled with {@code value} on {@code device}. */
    public static Tensor full(Device device, float value, int... shape) {
        return Factories.full(device, value, shape);
    }

    /**
     * A tensor filled with {@code value} on the CPU, as PyTorch's {@code torch.full(shape, value)}.
     *
     * @param value the fill value
     * @param shape the shape (sizes >= 0)
     * @return a new float32 tensor
     */
    public static Tensor full(float value, int... shape) {
        return Factories.full(Device.cpu(), value, shape);
    }

    /** Samples of N(0, 1) on the CPU, from the global generator (see {@link #manualSeed}). */
    public static Tensor randn(int... shape) {
        return RandomState.randn(Device.cpu(), shape);
    }

    /** Samples of N(0, 1) generated on {@code device}; the same numbers as on the CPU for the same seed. */
    public static Tensor randn(Device device, int... shape) {
        return RandomState.randn(device, shape);
    }

    /** Samples of U[0, 1) on the CPU. */
    public static Tensor rand(int... shape) {
        return RandomState.rand(Device.cpu(), shape);
    }

    /** Samples of U[0, 1) generated on {@code device}. */
    public static Tensor rand(Device device, int... shape) {
        return RandomState.rand(device, shape);
    }

    /** Uniform random integers in [low, high) as an int32 tensor on the CPU. */
    public static Tensor randint(int low, int high, int... shape) {
        return RandomState.randint(Device.cpu(), low, high, shape);
    }

    /**
     * Uniform random integers in [low, high) as an int32 tensor generated on {@code device}; the
     * same numbers as on the CPU for the same seed.
     *
     * @param device where to generate them
     * @param low    the smallest value
     * @param high   one past the largest value (greater than {@code low})
     * @param shape  the shape
     * @return a new int32 tensor
     */
    public static Tensor randint(Device device, int low, int high, int... shape) {
        return RandomState.randint(device, low, high, shape);
    }

    /** {@code [0, 1, ..., n-1]} as an int32 tensor on the CPU (PyTorch's integer {@code arange}). */
    public static Tensor arange(int n) {
        return Factories.arange(Device.cpu(), n);
    }

    /** Seeds the global generator used by {@link #rand}, {@link #randn} and {@link #randint}. */
    public static void manualSeed(long seed) {
        RandomState.manualSeed(seed);
    }

    // ------------------------------------------------------------------ metadata

    /** The shape, e.g. {@code [5, 2]} (a copy). */
    public int[] shape() {
        return shape.clone();
    }

    /** The size of one dimension (negative counts from the end). */
    public int shape(int dim) {
        return shape[Shape.normalizeDim("shape", dim, shape)];
    }

    /** The strides in elements (a copy). */
    public int[] strides() {
        return strides.clone();
    }

    /** Number of dimensions. */
    public int dim() {
        return shape.length;
    }

    /** Number of elements. */
    public int numel() {
        return (int) Shape.numel(shape);
    }

    /** The device holding the data. */
    public Device device() {
        return storage.device();
    }

    /** The element type. */
    public DType dtype() {
        return storage.dtype();
    }

    /** Whether the elements are laid out row-major without gaps. */
    public boolean isContiguous() {
        int[] rowMajor = StridedView.contiguousStrides(shape);
        for (int d = 0; d < shape.length; d++) {
            if (shape[d] != 1 && strides[d] != rowMajor[d]) {   // a size-1 dimension's stride is never used
                return false;
            }
        }
        return true;
    }

    /**
     * How many in-place writes this tensor's data has had, PyTorch's {@code _version}: shared by a
     * tensor and its views (and {@link #detach()}ed tensors), bumped by {@link #copyFrom}, the
     * {@code nn.init} fills and the optimizers' steps. Autograd saves it with the tensors a backward
     * reads and refuses to run that backward once it changed (see docs/autograd.md).
     */
    public int version() {
        return storage.version();
    }

    /**
     * Records an in-place write to this tensor's data (see {@link #version()}); a step being recorded
     * notes it, so that each replay, which writes the data again, bumps the version again.
     */
    void bumpVersion() {
        storage.bumpVersion();
        StepRecording r = StepRecording.current();
        if (r != null) {
            r.noteWrite(storage);
        }
    }

    /** Whether {@link #close()} has been called. */
    public boolean isClosed() {
        return closed.get();
    }

    // ------------------------------------------------------------------ data movement

    /**
     * The single value of a one-element tensor (int32 values are converted). Waits for the device.
     *
     * @throws IllegalArgumentException when the tensor has more than one element
     */
    public float item() {
        return Transfers.item(this);
    }

    /** The values as a row-major float array (int32 values converted). Waits for the device. */
    public float[] toFloatArray() {
        return Transfers.toFloatArray(this);
    }

    /** The values of an int32 tensor as a row-major int array. Waits for the device. */
    public int[] toIntArray() {
        return Transfers.toIntArray(this);
    }

    /**
     * This tensor on another device (a copy), or this tensor itself when it is already there, as
     * PyTorch's {@code to} does.
     */
    public Tensor to(Device target) {
        return Transfers.to(this, target);
    }

    /** A float32 copy (or this tensor when it already is float32). */
    public Tensor toFloat() {
        return Transfers.cast(this, DType.FLOAT32);
    }

    /** An int32 copy, truncating toward zero (or this tensor when it already is int32). */
    public Tensor toInt() {
        return Transfers.cast(this, DType.INT32);
    }

    /**
     * A bool copy, {@code True} where this tensor is non-zero (NaN included), as PyTorch's
     * {@code bool()}; this tensor when it already is bool.
     */
    public Tensor toBool() {
        return Transfers.cast(this, DType.BOOL);
    }

    /** A contiguous tensor with the same values: this tensor when it already is, else a copy. */
    public Tensor contiguous() {
        return Layouts.contiguous(this);
    }

    /**
     * Copies {@code src}'s values into this tensor, in place (PyTorch's {@code copy_}): same shape,
     * converting dtype and moving across devices as needed. This tensor may be a view
     * ({@code x.get(0).copyFrom(row)}): the values then land in the viewed elements of its storage. Not recorded by autograd: a tensor that
     * requires grad can only be written inside {@link Autograd#noGrad()}. Bumps {@link #version()},
     * so a backward that needs the old values refuses to run. Returns this tensor.
     */
    public Tensor copyFrom(Tensor src) {
        return Transfers.copyInto(this, src);
    }

    /** A contiguous copy that owns its memory. */
    public Tensor copy() {
        return Layouts.recordedCopy(this);
    }

    /** A tensor sharing this one's data, cut from the autograd graph (it does not require grad). */
    public Tensor detach() {
        return restride(offset, shape.clone(), strides.clone());
    }

    /**
     * Frees this tensor's device memory now (shared storage is freed when the last view closes).
     * Idempotent; any later use of the tensor throws {@link IllegalStateException}.
     */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            storage.release();
        }
    }

    // ------------------------------------------------------------------ autograd

    /** Whether gradients are computed for this tensor. */
    public boolean requiresGrad() {
        return requiresGrad;
    }

    /**
     * Marks a leaf tensor as needing gradients (or not); returns this tensor.
     *
     * @throws IllegalStateException on a non-leaf (the result of a recorded op) or an int32 tensor
     */
    public Tensor requiresGrad(boolean value) {
        checkOpen("requiresGrad");
        if (gradFn != null) {
            throw new IllegalStateException("requiresGrad: only leaf tensors can change requiresGrad; this tensor is"
                    + " the result of " + gradFn.name() + " (use detach() to get a leaf)");
        }
        if (value && dtype() != DType.FLOAT32) {
            throw new IllegalStateException("requiresGrad: only float32 tensors can require gradients, got " + dtype());
        }
        requiresGrad = value;
        return this;
    }

    /** The accumulated gradient of a leaf after {@link #backward()}, or null. */
    public Tensor grad() {
        return grad;
    }

    /** Drops the accumulated gradient (closing it), as {@code optimizer.zero_grad()} does. */
    public void zeroGrad() {
        StepRecording r = storage.device().recordingHere();
        if (r != null) {
            r.noteGrad(this);
        }
        if (grad != null) {
            grad.close();
            grad = null;
        }
    }

    /** The node that computed this tensor, or null for a leaf. */
    public Node gradFn() {
        return gradFn;
    }

    /** Whether this tensor was created by the user rather than by a recorded op. */
    public boolean isLeaf() {
        return gradFn == null;
    }

    /**
     * Computes the gradient of this scalar with respect to every leaf that requires grad,
     * accumulating into their {@link #grad()}; then frees the graph.
     *
     * @throws IllegalStateException when the tensor is not a scalar, does not require grad, or its
     *                               graph was already freed by an earlier backward
     */
    public void backward() {
        backward(false);
    }

    /**
     * {@link #backward()}, keeping the graph when {@code retainGraph} (PyTorch's
     * {@code backward(retain_graph=True)}): its nodes and saved tensors stay, so another backward
     * through it works (and adds into the leaves' {@code grad()} again). A retained graph is
     * freed by the next backward without {@code retainGraph}, or reclaimed once unreachable.
     *
     * <pre>{@code
     * loss.backward(true);   // w.grad() = dloss/dw
     * loss.backward();       // w.grad() = 2 dloss/dw, and the graph is freed
     * }</pre>
     */
    public void backward(boolean retainGraph) {
        checkOpen("backward");
        if (numel() != 1) {
            throw new IllegalStateException("backward: grad can be implicitly created only for scalar outputs, got shape "
                    + Shape.str(shape) + "; call backward(gradient) with a gradient of that shape");
        }
        // filled only if some backward function reads it (a fused loss does not)
        try (Tensor one = Factories.fullDeferred(device(), 1f, shape)) {
            one.implicitOne = true;
            backward(one, retainGraph);
        }
    }

    /** Backward with an explicit gradient of this tensor's shape (not modified, not closed). */
    public void backward(Tensor gradient) {
        backward(gradient, false);
    }

    /**
     * {@link #backward(Tensor)}, keeping the graph for another backward when {@code retainGraph}
     * (see {@link #backward(boolean)}).
     *
     * @param gradient     the gradient of this tensor, of its shape, dtype and device (not modified, not closed)
     * @param retainGraph  whether to keep the graph and its saved tensors for another backward
     */
    public void backward(Tensor gradient, boolean retainGraph) {
        checkOpen("backward");
        if (!requiresGrad) {
            throw new IllegalStateException("backward: this tensor does not require grad and has no grad_fn"
                    + " (no input of the computation had requiresGrad(true))");
        }
        if (!java.util.Arrays.equals(gradient.shapeRef(), shape)) {
            throw new IllegalArgumentException("backward: gradient shape " + Shape.str(gradient.shapeRef())
                    + " does not match tensor shape " + Shape.str(shape));
        }
        Checks.sameDevice("backward", this, gradient);
        Graph.backward(this, gradient, retainGraph);
    }

    /**
     * Registers a backward hook, like PyTorch's {@code Tensor.register_hook}: each backward pass
     * calls {@code hook} with this tensor's gradient (the sum over every path) before it is added
     * into this leaf's {@link #grad()} or passed on to the op that made this tensor. A non-null
     * return replaces the gradient (same shape, dtype and device); null keeps it. Hooks run in
     * registration order, with recording off; the gradient a hook gets may be kept (it is not
     * closed by the engine).
     *
     * <pre>{@code
     * Tensor w = Tensor.randn(3).requiresGrad(true);
     * RemovableHandle h = w.registerHook(g -> g.mul(2f));
     * w.mul(w).sum().backward();   // w.grad() = 2 · 2w
     * h.remove();
     * }</pre>
     *
     * @param hook  gradient in, replacement gradient (or null) out
     * @return a handle whose {@code remove()} unregisters the hook
     * @throws IllegalStateException when this tensor does not require grad
     */
    public RemovableHandle registerHook(java.util.function.Function<Tensor, Tensor> hook) {
        checkHookable("registerHook", hook);
        if (gradFn != null) {
            return gradFn.hooks().add(hook);
        }
        synchronized (this) {
            if (hooks == null) {
                hooks = new Hooks();
            }
        }
        return hooks.add(hook);
    }

    /** Refuses a hook on a closed tensor, a null hook, or a tensor that does not require grad. */
    private void checkHookable(String op, Object hook) {
        checkOpen(op);
        if (hook == null) {
            throw new IllegalArgumentException(op + ": hook must not be null");
        }
        if (!requiresGrad) {
            throw new IllegalStateException(op + ": cannot register a hook on a tensor that doesn't require"
                    + " gradient (call requiresGrad(true) on a leaf first)");
        }
    }

    /** This leaf's hooks ({@link #registerHook}), or null when none was registered. */
    synchronized Hooks hooksOrNull() {
        return hooks;
    }

    /**
     * Registers a hook that runs after this leaf's gradient is complete, like PyTorch's
     * {@code Tensor.register_post_accumulate_grad_hook}: each {@link #backward()} pass calls
     * {@code hook} with this tensor (not its gradient) as soon as the pass has added its last
     * contribution into {@link #grad()} — the engine counts the edges into the leaf, so the hook
     * runs while backward is still running for the layers below. The hook may read and change
     * {@code grad()} and the tensor itself (recording is off). Hooks run in registration order;
     * {@link #registerHook} hooks on the same leaf run before the gradient is added, these after.
     * As in PyTorch: only for leaves; every pass of a retained graph calls it again;
     * {@link Autograd#grad} calls none (it adds into no {@code grad()}); a pass that sends this leaf
     * no gradient does not call it. In a recorded step ({@link Step#compile}) the hook runs through
     * {@link Step#live}, so it runs again at the same point of every replay. No cost to a backward
     * pass while no tensor has such a hook.
     *
     * <pre>{@code
     * Tensor w = Tensor.randn(3).requiresGrad(true);
     * RemovableHandle h = w.registerPostAccumulateGradHook(p -> p.grad().copyFrom(p.grad().mul(0.5f)));
     * w.mul(w).sum().backward();   // w.grad() = 0.5 · 2w, halved once the sum over both paths is in
     * h.remove();
     * }</pre>
     *
     * @param hook called with this tensor once its gradient of the pass is final
     * @return a handle whose {@code remove()} unregisters the hook
     * @throws IllegalStateException when this tensor does not require grad or is not a leaf
     */
    public RemovableHandle registerPostAccumulateGradHook(java.util.function.Consumer<Tensor> hook) {
        checkHookable("registerPostAccumulateGradHook", hook);
        if (gradFn != null) {
            throw new IllegalStateException("registerPostAccumulateGradHook: post accumulate grad hooks cannot be"
                    + " registered on non-leaf tensors (this one is the result of " + gradFn.name() + ")");
        }
        synchronized (this) {
            if (postHooks == null) {
                postHooks = new PostAccumulateHooks();
            }
        }
        return postHooks.add(hook);
    }

    /** This leaf's post-accumulate-grad hooks, or null when none was ever registered. */
    synchronized PostAccumulateHooks postAccumulateHooksOrNull() {
        return postHooks;
    }

    /**
     * Whether this is the gradient {@link #backward()} makes for a scalar (a 1 nobody else sees): a
     * fused loss then hands out its saved gradient without scaling it.
     */
    boolean isImplicitOne() {
        return implicitOne;
    }

    /**
     * Points {@link #grad()} at {@code g} without closing the old gradient: a replayed step
     * ({@link StepRecording}) restores the gradient tensors its recording left.
     */
    void restoreGrad(Tensor g) {
        grad = g;
    }

    void setGradFn(Node node) {
        gradFn = node;
        requiresGrad = true;
    }

    /** Adds {@code g} (owned by this call) into this leaf's gradient, outside every scope. */
    void accumulateGrad(Tensor g) {
        StepRecording r = storage.device().recordingHere();
        if (r != null) {
            r.noteGrad(this);
        }
        Tensor owned = g.isDense() ? g : g.copy();
        if (owned != g) {
            g.close();
        }
        if (grad == null) {
            grad = owned;
        } else {
            Tensor sum = grad.add(owned);
            grad.close();
            owned.close();
            grad = sum;
        }
        TensorScope.release(grad);
    }

    // ------------------------------------------------------------------ views

    /**
     * A tensor with the same data and a new shape; one size may be -1 (inferred). A view when the
     * layout allows it, else a copy.
     */
    public Tensor reshape(int... newShape) {
        return Layouts.reshape(this, newShape);
    }

    /**
     * A view with a new shape; one size may be -1. Unlike {@link #reshape}, never copies.
     *
     * @throws IllegalArgumentException when the layout cannot be viewed with that shape (use reshape)
     */
    public Tensor view(int... newShape) {
        return Layouts.view(this, newShape);
    }

    /** A view with dimensions {@code dim0} and {@code dim1} swapped. */
    public Tensor transpose(int dim0, int dim1) {
        return Layouts.transpose(this, dim0, dim1);
    }

    /** The transpose of a matrix (a 0-D or 1-D tensor is returned as is, as in PyTorch). */
    public Tensor t() {
        return Layouts.t(this);
    }

    /** A view with the dimensions reordered. */
    public Tensor permute(int... dims) {
        return Layouts.permute(this, dims);
    }

    /** A view with a size-1 dimension inserted at {@code dim}. */
    public Tensor unsqueeze(int dim) {
        return Layouts.unsqueeze(this, dim);
    }

    /** A view without the size-1 dimension {@code dim} (unchanged when its size is not 1). */
    public Tensor squeeze(int dim) {
        return Layouts.squeeze(this, dim);
    }

    /** A 1-D view (or copy) of all elements. */
    public Tensor flatten() {
        return Layouts.reshape(this, new int[] {-1});
    }

    /** A view broadcasting size-1 dimensions to {@code sizes} (-1 keeps a size), without copying. */
    public Tensor expand(int... sizes) {
        return Layouts.expand(this, sizes);
    }

    // ------------------------------------------------------------------ indexing and slicing (views)

    /**
     * The slice at {@code index} of dimension {@code dim}, which is removed: PyTorch's
     * {@code select}, {@code x[:, index]} for dim 1. A view: it shares this tensor's storage and
     * version counter, so {@code x.select(0, 1).copyFrom(y)} writes row 1 of {@code x}. The
     * gradient flows into the selected positions (zeros elsewhere).
     *
     * <pre>{@code
     * Tensor x = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
     * x.select(1, -1);   // tensor([3., 6.])
     * }</pre>
     *
     * @param dim   the dimension (negative counts from the end)
     * @param index the position along it, in {@code [-size, size)} (negative counts from the end)
     * @return a view of shape {@code shape} without {@code dim}
     * @throws IndexOutOfBoundsException when {@code index} is out of range
     */
    public Tensor select(int dim, int index) {
        return Slicing.select(this, dim, index);
    }

    /**
     * Positions {@code start .. start+length-1} of dimension {@code dim}: PyTorch's {@code narrow},
     * {@code x[start:start+length]} for dim 0, as a view (shared storage and version).
     *
     * @param dim    the dimension (negative counts from the end)
     * @param start  the first position, in {@code [-size, size]} (negative counts from the end)
     * @param length how many positions, with {@code start + length <= size}
     * @return a view whose dimension {@code dim} has size {@code length}
     * @throws IllegalArgumentException when the range does not fit the dimension
     */
    public Tensor narrow(int dim, int start, int length) {
        return Slicing.narrow(this, dim, start, length);
    }

    /**
     * Python's {@code x[start:end]} along {@code dim}, as a view: negative bounds count from the
     * end and bounds past either end are clamped (an empty result, never an error), as PyTorch's
     * slicing does. {@code end = Integer.MAX_VALUE} means "to the end".
     *
     * @param dim   the dimension (negative counts from the end)
     * @param start the first position
     * @param end   one past the last position
     * @return a view whose dimension {@code dim} has size {@code max(0, end - start)} after clamping
     */
    public Tensor slice(int dim, int start, int end) {
        return Slicing.slice(this, dim, start, end, 1);
    }

    /**
     * Python's {@code x[start:end:step]} along {@code dim}, as a view: positions
     * {@code start, start+step, ...} below {@code end}, bounds clamped as in {@link #slice(int, int, int)}.
     *
     * <pre>{@code
     * Tensor.arange(10).slice(0, 1, Integer.MAX_VALUE, 3);   // tensor([1, 4, 7], dtype=int32)
     * }</pre>
     *
     * @param dim   the dimension (negative counts from the end)
     * @param start the first position
     * @param end   one past the last position ({@code Integer.MAX_VALUE}: to the end)
     * @param step  the step, at least 1 (PyTorch has no negative steps either)
     * @return a view whose dimension {@code dim} has size {@code ceil((end - start) / step)} after clamping
     * @throws IllegalArgumentException when {@code step < 1}
     */
    public Tensor slice(int dim, int start, int end, int step) {
        return Slicing.slice(this, dim, start, end, step);
    }

    /** {@link #split(int, int)} along dimension 0. */
    public java.util.List<Tensor> split(int splitSize) {
        return Slicing.split(this, splitSize, 0);
    }

    /**
     * Views of consecutive pieces of {@code splitSize} positions along {@code dim} (the last one
     * smaller when the size does not divide), PyTorch's {@code split}. Each piece shares this
     * tensor's storage; the gradients of the pieces that are used add up in this tensor's.
     *
     * <pre>{@code
     * Tensor.arange(5).split(2, 0);   // [tensor([0, 1]), tensor([2, 3]), tensor([4])]
     * }</pre>
     *
     * @param splitSize the length of each piece, at least 1 (0 only for an empty dimension)
     * @param dim       the dimension (negative counts from the end)
     * @return {@code ceil(size / splitSize)} views (one when the dimension is empty), in order
     */
    public java.util.List<Tensor> split(int splitSize, int dim) {
        return Slicing.split(this, splitSize, dim);
    }

    /** {@link #split(int[], int)} along dimension 0. */
    public java.util.List<Tensor> split(int[] sizes) {
        return Slicing.split(this, sizes, 0);
    }

    /**
     * Views of consecutive pieces of the given lengths along {@code dim}, PyTorch's
     * {@code split(split_size_or_sections=[...])} ({@code split_with_sizes}).
     *
     * @param sizes the lengths, each at least 0, summing to the size of {@code dim}
     * @param dim   the dimension (negative counts from the end)
     * @return one view per entry of {@code sizes}
     */
    public java.util.List<Tensor> split(int[] sizes, int dim) {
        return Slicing.split(this, sizes, dim);
    }

    /** {@link #chunk(int, int)} along dimension 0. */
    public java.util.List<Tensor> chunk(int chunks) {
        return Slicing.chunk(this, chunks, 0);
    }

    /**
     * {@code chunks} (or fewer) views of equal size along {@code dim}, the last smaller when the
     * size does not divide: PyTorch's {@code chunk}, a {@link #split(int, int)} with
     * {@code splitSize = ceil(size / chunks)}, so a size of 5 in 4 chunks gives 3 pieces (2, 2, 1).
     *
     * @param chunks how many pieces at most, at least 1
     * @param dim    the dimension (negative counts from the end)
     * @return the views, in order
     */
    public java.util.List<Tensor> chunk(int chunks, int dim) {
        return Slicing.chunk(this, chunks, dim);
    }

    /** {@link #unbind(int)} along dimension 0. */
    public java.util.List<Tensor> unbind() {
        return Slicing.unbind(this, 0);
    }

    /**
     * Every {@link #select(int, int)} of dimension {@code dim}, PyTorch's {@code unbind}: a list of
     * {@code size} views with that dimension removed.
     *
     * @param dim the dimension (negative counts from the end)
     * @return the views, in order
     */
    public java.util.List<Tensor> unbind(int dim) {
        return Slicing.unbind(this, dim);
    }

    /**
     * Python's {@code x[i]}, {@code x[i, j]}, ...: one integer per leading dimension, each
     * removing its dimension (negative counts from the end). A view, as {@link #get(Index...)}.
     *
     * <pre>{@code
     * Tensor row = x.get(0);        // x[0]
     * Tensor last = x.get(-1, 2);   // x[-1, 2]
     * }</pre>
     *
     * @param indices one position per leading dimension
     * @return a view with {@code indices.length} dimensions fewer
     * @throws IndexOutOfBoundsException "index 5 is out of bounds for dimension 0 with size 3", or
     *                                   too many indices
     */
    public Tensor get(int... indices) {
        Index[] idx = new Index[indices.length];
        for (int i = 0; i < indices.length; i++) {
            idx[i] = Index.at(indices[i]);
        }
        return Indexing.get(this, idx);
    }

    /**
     * Python's basic indexing written as text, {@code x.get(":, 1:5")} for {@code x[:, 1:5]}:
     * comma-separated integers, slices {@code start:stop:step} with any part omitted and negative
     * values, {@code ...}, and {@code None} (or {@code newaxis}) for a new axis; see {@link Index#parse}.
     * The result is a view sharing this tensor's storage and version counter, so
     * {@code x.get("0, ::2").copyFrom(y)} writes into {@code x}; its gradient flows into the
     * indexed positions.
     *
     * <pre>{@code
     * Tensor x = Tensor.randn(4, 6, 8);
     * x.get(":, 1:5").shape();     // [4, 4, 8]
     * x.get("..., ::2").shape();   // [4, 6, 4]
     * x.get("-1, None").shape();   // [1, 6, 8]
     * }</pre>
     *
     * @param index e.g. {@code "0"}, {@code ":, 1:5"}, {@code "..., ::2"}, {@code "-1"}, {@code "None, :3"}
     * @return the view
     * @throws IllegalArgumentException  naming the entry's position and text when the string cannot be read
     * @throws IndexOutOfBoundsException for an integer out of range or too many indices
     */
    public Tensor get(String index) {
        return Indexing.get(this, Index.parse(index));
    }

    /**
     * Basic indexing with typed entries, {@code x.get(Index.all(), Index.slice(1, 5))} for
     * {@code x[:, 1:5]}; the same rules and result as {@link #get(String)}.
     *
     * @param indices the entries, applied left to right
     * @return the view
     * @throws IndexOutOfBoundsException for an integer out of range or too many indices
     */
    public Tensor get(Index... indices) {
        return Indexing.get(this, indices);
    }

    // ------------------------------------------------------------------ elementwise

    /**
     * {@code this + other}, broadcasting. Mixed dtypes promote as PyTorch's do
     * ({@code bool < int32 < float32}): int32 + int32 is int32 (wrapping on overflow), int32 +
     * float32 is float32, bool + bool is bool (logical or); the result of each op on each pair of
     * dtypes is in docs/design-notes.md, "Types".
     *
     * <pre>{@code
     * Tensor.of(new int[] {1, 2}).add(Tensor.of(new int[] {3, 4}))   // tensor([4, 6], dtype=int32)
     * Tensor.of(new int[] {1, 2}).add(Tensor.of(new float[] {0.5f, 1})) // tensor([1.5000, 3.0000])
     * }</pre>
     */
    public Tensor add(Tensor other) {
        return Elementwise.binary(BinaryOp.ADD, this, other);
    }

    /** {@code this + value}. */
    public Tensor add(float value) {
        return Elementwise.scalar(BinaryOp.ADD, this, value);
    }

    /**
     * {@code this + value} with an int scalar: int32 on an int32 or bool tensor (wrapping on overflow, as
     * PyTorch's int32), float32 on a float32 tensor (the same as {@code add((float) value)}).
     */
    public Tensor add(int value) {
        return Elementwise.scalar(BinaryOp.ADD, this, value);
    }

    /** {@code this - other}, broadcasting. */
    public Tensor sub(Tensor other) {
        return Elementwise.binary(BinaryOp.SUB, this, other);
    }

    /** {@code this - value}. */
    public Tensor sub(float value) {
        return Elementwise.scalar(BinaryOp.SUB, this, value);
    }

    /**
     * {@code this - value} with an int scalar: int32 on an int32 or bool tensor (wrapping on overflow, as
     * PyTorch's int32), float32 on a float32 tensor (the same as {@code sub((float) value)}).
     */
    public Tensor sub(int value) {
        return Elementwise.scalar(BinaryOp.SUB, this, value);
    }

    /** {@code this * other}, broadcasting. */
    public Tensor mul(Tensor other) {
        return Elementwise.binary(BinaryOp.MUL, this, other);
    }

    /** {@code this * value}. */
    public Tensor mul(float value) {
        return Elementwise.scalar(BinaryOp.MUL, this, value);
    }

    /**
     * {@code this * value} with an int scalar: int32 on an int32 or bool tensor (wrapping on overflow, as
     * PyTorch's int32), float32 on a float32 tensor (the same as {@code mul((float) value)}).
     */
    public Tensor mul(int value) {
        return Elementwise.scalar(BinaryOp.MUL, this, value);
    }

    /** {@code this / other}, broadcasting; true division, so int32 / int32 is float32 (as in PyTorch). */
    public Tensor div(Tensor other) {
        return Elementwise.binary(BinaryOp.DIV, this, other);
    }

    /** {@code this / value}. */
    public Tensor div(float value) {
        return Elementwise.scalar(BinaryOp.DIV, this, value);
    }

    /** {@code this / value}, true division: float32 whatever this tensor's dtype (as in PyTorch). */
    public Tensor div(int value) {
        return Elementwise.scalar(BinaryOp.DIV, this, value);
    }

    /** {@code this ^ exponent}, elementwise, broadcasting. */
    public Tensor pow(Tensor exponent) {
        return Elementwise.binary(BinaryOp.POW, this, exponent);
    }

    /** {@code this ^ exponent}. */
    public Tensor pow(float exponent) {
        return Elementwise.scalar(BinaryOp.POW, this, exponent);
    }

    /** Elementwise maximum, broadcasting (NaN propagates). */
    public Tensor maximum(Tensor other) {
        return Elementwise.binary(BinaryOp.MAXIMUM, this, other);
    }

    /** Elementwise minimum, broadcasting (NaN propagates). */
    public Tensor minimum(Tensor other) {
        return Elementwise.binary(BinaryOp.MINIMUM, this, other);
    }

    /** {@code -this}. */
    public Tensor neg() {
        return Elementwise.unary(UnaryOp.NEG, this);
    }

    /** {@code e^this}. */
    public Tensor exp() {
        return Elementwise.unary(UnaryOp.EXP, this);
    }

    /** Natural logarithm. */
    public Tensor log() {
        return Elementwise.unary(UnaryOp.LOG, this);
    }

    /** Square root. */
    public Tensor sqrt() {
        return Elementwise.unary(UnaryOp.SQRT, this);
    }

    /** Absolute value. */
    public Tensor abs() {
        return Elementwise.unary(UnaryOp.ABS, this);
    }

    /** {@code max(this, 0)}. */
    public Tensor relu() {
        return Elementwise.unary(UnaryOp.RELU, this);
    }

    /** {@code 1 / (1 + e^-this)}. */
    public Tensor sigmoid() {
        return Elementwise.unary(UnaryOp.SIGMOID, this);
    }

    /** Hyperbolic tangent. */
    public Tensor tanh() {
        return Elementwise.unary(UnaryOp.TANH, this);
    }

    /** Sine, {@code sin(this)}, in radians; the gradient is {@code cos(this)}. */
    public Tensor sin() {
        return Elementwise.unary(UnaryOp.SIN, this);
    }

    /** Cosine, {@code cos(this)}, in radians; the gradient is {@code -sin(this)}. */
    public Tensor cos() {
        return Elementwise.unary(UnaryOp.COS, this);
    }

    /**
     * {@code log(1 + this)}, accurate where {@code this} is tiny (where {@code 1 + x} would round
     * to 1), as {@code torch.log1p}; the gradient is {@code 1/(1 + this)}. Int32 input gives float32.
     *
     * <pre>{@code
     * Tensor.of(new float[] {1e-10f}).log1p();   // tensor([1.0000e-10])
     * }</pre>
     */
    public Tensor log1p() {
        return Elementwise.unary(UnaryOp.LOG1P, this);
    }

    /**
     * {@code e^this - 1}, accurate where {@code this} is tiny, as {@code torch.expm1}; the gradient
     * is {@code e^this}. Int32 input gives float32.
     */
    public Tensor expm1() {
        return Elementwise.unary(UnaryOp.EXPM1, this);
    }

    /**
     * The error function {@code erf(x) = 2/√π ∫_0^x e^(-t²) dt}, as {@code torch.erf}; the
     * gradient is {@code 2/√π · e^(-x²)}. Int32 input gives float32.
     */
    public Tensor erf() {
        return Elementwise.unary(UnaryOp.ERF, this);
    }

    /**
     * The exact GELU, {@code x·Φ(x) = x/2 · (1 + erf(x/√2))}, as
     * {@code torch.nn.functional.gelu(x)} (PyTorch has it in {@code torch.nn.functional} only; the
     * tanh approximation is {@link Functional#gelu(Tensor, String)}); the gradient is
     * {@code Φ(x) + x·φ(x)}. Float32 only, as PyTorch.
     */
    public Tensor gelu() {
        return Elementwise.unary(UnaryOp.GELU, this);
    }

    /**
     * SiLU (swish), {@code x·σ(x)}, as {@code torch.nn.functional.silu}; the gradient is
     * {@code σ(x)·(1 + x·(1 - σ(x)))}. Float32 only, as PyTorch.
     */
    public Tensor silu() {
        return Elementwise.unary(UnaryOp.SILU, this);
    }

    /**
     * {@code min(max(this, min), max)}, as {@code torch.clamp(x, min, max)}: NaN stays NaN, and
     * where {@code min > max} every element is {@code max}. The gradient passes where
     * {@code min <= x <= max} (bounds included, as PyTorch's) and is 0 elsewhere.
     *
     * @param min the lower bound
     * @param max the upper bound
     * @return this shape; float32 (an int32 input is promoted by the float bounds)
     *
     * <pre>{@code
     * Tensor.of(new float[] {-2f, 0.5f, 3f}).clamp(0f, 1f);   // tensor([0.0000, 0.5000, 1.0000])
     * }</pre>
     */
    public Tensor clamp(float min, float max) {
        return Activations.clamp(this, min, max);
    }

    /**
     * {@code torch.clamp(x, min=None, max=None)}: either bound may be null (no bound that side),
     * not both.
     *
     * @param min the lower bound, or null
     * @param max the upper bound, or null
     * @return this shape
     * @throws IllegalArgumentException when both are null
     */
    public Tensor clamp(Float min, Float max) {
        return Activations.clamp(this, min, max);
    }

    /** {@code max(this, min)}, as {@code torch.clamp_min}; the gradient passes where {@code x >= min}. */
    public Tensor clampMin(float min) {
        return Activations.clamp(this, min, null);
    }

    /** {@code min(this, max)}, as {@code torch.clamp_max}; the gradient passes where {@code x <= max}. */
    public Tensor clampMax(float max) {
        return Activations.clamp(this, null, max);
    }

    /**
     * {@code True} where {@code this == other}, broadcasting: a {@link DType#BOOL} tensor, compared
     * in the promoted dtype of the operands (see {@link #add(Tensor)}). A bool tensor counts with
     * {@link #sum()} (an int32 result) and multiplies as 0/1 ({@code mask.mul(x)} is float32).
     *
     * <pre>{@code
     * Tensor hits = pred.argmax(1).eq(labels).sum();   // tensor(7, dtype=int32)
     * }</pre>
     */
    public Tensor eq(Tensor other) {
        return Elementwise.binary(BinaryOp.EQ, this, other);
    }

    /** {@code True} where {@code this == value} (bool). */
    public Tensor eq(float value) {
        return Elementwise.scalar(BinaryOp.EQ, this, value);
    }

    /** {@code True} where {@code this == value} (bool), compared exactly on an int32 tensor. */
    public Tensor eq(int value) {
        return Elementwise.scalar(BinaryOp.EQ, this, value);
    }

    /** {@code True} where {@code this != other} (bool). */
    public Tensor ne(Tensor other) {
        return Elementwise.binary(BinaryOp.NE, this, other);
    }

    /** {@code True} where {@code this != value} (bool; NaN is unequal to everything). */
    public Tensor ne(float value) {
        return Elementwise.scalar(BinaryOp.NE, this, value);
    }

    /** {@code True} where {@code this != value} (bool), compared exactly on an int32 tensor. */
    public Tensor ne(int value) {
        return Elementwise.scalar(BinaryOp.NE, this, value);
    }

    /** {@code True} where {@code this < other} (bool). */
    public Tensor lt(Tensor other) {
        return Elementwise.binary(BinaryOp.LT, this, other);
    }

    /** {@code True} where {@code this < value} (bool). */
    public Tensor lt(float value) {
        return Elementwise.scalar(BinaryOp.LT, this, value);
    }

    /** {@code True} where {@code this < value} (bool), compared exactly on an int32 tensor. */
    public Tensor lt(int value) {
        return Elementwise.scalar(BinaryOp.LT, this, value);
    }

    /** {@code True} where {@code this <= other} (bool). */
    public Tensor le(Tensor other) {
        return Elementwise.binary(BinaryOp.LE, this, other);
    }

    /** {@code True} where {@code this <= value} (bool). */
    public Tensor le(float value) {
        return Elementwise.scalar(BinaryOp.LE, this, value);
    }

    /** {@code True} where {@code this <= value} (bool), compared exactly on an int32 tensor. */
    public Tensor le(int value) {
        return Elementwise.scalar(BinaryOp.LE, this, value);
    }

    /** {@code True} where {@code this > other} (bool). */
    public Tensor gt(Tensor other) {
        return Elementwise.binary(BinaryOp.GT, this, other);
    }

    /** {@code True} where {@code this > value} (bool). */
    public Tensor gt(float value) {
        return Elementwise.scalar(BinaryOp.GT, this, value);
    }

    /** {@code True} where {@code this > value} (bool), compared exactly on an int32 tensor. */
    public Tensor gt(int value) {
        return Elementwise.scalar(BinaryOp.GT, this, value);
    }

    /** {@code True} where {@code this >= other} (bool). */
    public Tensor ge(Tensor other) {
        return Elementwise.binary(BinaryOp.GE, this, other);
    }

    /** {@code True} where {@code this >= value} (bool). */
    public Tensor ge(float value) {
        return Elementwise.scalar(BinaryOp.GE, this, value);
    }

    /** {@code True} where {@code this >= value} (bool), compared exactly on an int32 tensor. */
    public Tensor ge(int value) {
        return Elementwise.scalar(BinaryOp.GE, this, value);
    }

    // ------------------------------------------------------------------ linear algebra

    /**
     * Matrix product with PyTorch's {@code matmul} rules: 1-D·1-D is a dot product, 2-D·2-D a
     * matrix product, and higher ranks batch over the leading dimensions with broadcasting.
     *
     * @throws IllegalArgumentException naming both shapes when the inner dimensions differ
     */
    public Tensor matmul(Tensor other) {
        return Linalg.matmul(this, other);
    }

    // ------------------------------------------------------------------ reductions

    /**
     * Sum of all elements (a scalar): float32 of float32, int32 of int32 (wrapping on overflow)
     * and of bool (the count of {@code True} elements, PyTorch's int64 count).
     */
    public Tensor sum() {
        return DimReductions.all(ReduceOp.SUM, this);
    }

    /**
     * Sum along {@code dim}, which is removed from the shape (PyTorch's {@code sum(dim)}).
     *
     * @param dim the dimension (negative counts from the end)
     * @return the sums, one dimension fewer
     */
    public Tensor sum(int dim) {
        return sum(dim, false);
    }

    /** Sum along {@code dim}, keeping it as size 1 when {@code keepdim}. */
    public Tensor sum(int dim, boolean keepdim) {
        return DimReductions.along(ReduceOp.SUM, this, dim, keepdim);
    }

    /**
     * Mean of all elements; float32 tensors only: the mean of an int32 or bool tensor is refused,
     * as PyTorch refuses it (convert with {@link #toFloat()}).
     */
    public Tensor mean() {
        return DimReductions.all(ReduceOp.MEAN, this);
    }

    /**
     * Mean along {@code dim}, which is removed from the shape (PyTorch's {@code mean(dim)}).
     *
     * @param dim the dimension (negative counts from the end)
     * @return the means, one dimension fewer
     */
    public Tensor mean(int dim) {
        return mean(dim, false);
    }

    /** Mean along {@code dim}, keeping it as size 1 when {@code keepdim}. */
    public Tensor mean(int dim, boolean keepdim) {
        return DimReductions.along(ReduceOp.MEAN, this, dim, keepdim);
    }

    /** Largest element. */
    public Tensor max() {
        return DimReductions.all(ReduceOp.MAX, this);
    }

    /** Largest values along {@code dim} (use {@link #argmax(int)} for their indices). */
    public Tensor max(int dim, boolean keepdim) {
        return DimReductions.along(ReduceOp.MAX, this, dim, keepdim);
    }

    /** Smallest element. */
    public Tensor min() {
        return DimReductions.all(ReduceOp.MIN, this);
    }

    /** Smallest values along {@code dim}. */
    public Tensor min(int dim, boolean keepdim) {
        return DimReductions.along(ReduceOp.MIN, this, dim, keepdim);
    }

    /** Index of the largest element of the flattened tensor (an int32 scalar). */
    public Tensor argmax() {
        return DimReductions.all(ReduceOp.ARGMAX, this);
    }

    /** Indices (int32) of the largest values along {@code dim}; the first among ties. */
    public Tensor argmax(int dim) {
        return DimReductions.along(ReduceOp.ARGMAX, this, dim, false);
    }

    /** Indices (int32) of the largest values along {@code dim}, keeping the dim when asked. */
    public Tensor argmax(int dim, boolean keepdim) {
        return DimReductions.along(ReduceOp.ARGMAX, this, dim, keepdim);
    }

    /** {@code softmax(x)_i = e^{x_i} / Σ_j e^{x_j}} along {@code dim}. */
    public Tensor softmax(int dim) {
        return DimReductions.softmax("softmax", this, dim, false);
    }

    /** {@code log(softmax(x))} along {@code dim}, computed stably. */
    public Tensor logSoftmax(int dim) {
        return DimReductions.softmax("logSoftmax", this, dim, true);
    }

    // ------------------------------------------------------------------ indexing (see Indexing)

    /**
     * The slices along {@code dim} picked by {@code index}, as PyTorch's {@code index_select} (a copy);
     * see {@link Functional#indexSelect}.
     *
     * @param dim   the dimension (negative counts from the end)
     * @param index int32, 1-D (or 0-d), each in {@code [0, shape(dim))}
     * @return this shape with {@code dim} of size {@code index.numel()}
     */
    public Tensor indexSelect(int dim, Tensor index) {
        return IndexOps.indexSelect(this, dim, index);
    }

    /**
     * Values gathered along {@code dim}, as PyTorch's {@code gather}: for dim 1,
     * {@code out[i][j] = this[i][index[i][j]]}; see {@link Functional#gather}.
     *
     * @param dim   the indexed dimension (negative counts from the end)
     * @param index int32 of this rank, no larger than this off {@code dim}
     * @return index's shape
     */
    public Tensor gather(int dim, Tensor index) {
        return IndexOps.gather(this, dim, index);
    }

    /**
     * A copy with {@code src} written where {@code index} says along {@code dim}, as PyTorch's
     * out-of-place {@code scatter}; see {@link Functional#scatter}.
     *
     * @param dim   the indexed dimension
     * @param index int32 of this rank
     * @param src   the values, this dtype
     * @return this shape and dtype
     */
    public Tensor scatter(int dim, Tensor index, Tensor src) {
        return IndexOps.scatter(this, dim, index, src, false);
    }

    /**
     * A copy with {@code value} written where {@code index} says along {@code dim}, as PyTorch's
     * {@code scatter(dim, index, value)}.
     *
     * @param dim   the indexed dimension
     * @param index int32 of this rank, no larger than this off {@code dim}
     * @param value the value written (truncated toward zero for an int32 tensor)
     * @return this shape and dtype; the gradient is zero at the written places
     */
    public Tensor scatter(int dim, Tensor index, float value) {
        return IndexOps.scatterValue(this, dim, index, value);
    }

    /**
     * A copy with {@code src} added where {@code index} says along {@code dim}, as PyTorch's
     * out-of-place {@code scatter_add} (deterministic: see {@link Functional#scatterAdd}).
     *
     * @param dim   the indexed dimension
     * @param index int32 of this rank
     * @param src   the values to add, this dtype
     * @return this shape and dtype
     */
    public Tensor scatterAdd(int dim, Tensor index, Tensor src) {
        return IndexOps.scatter(this, dim, index, src, true);
    }

    /**
     * This tensor with {@code value} where {@code mask} is non-zero, as PyTorch's {@code masked_fill}.
     *
     * @param mask  float32 or int32 (non-zero = true; clgrad has no bool dtype), broadcastable to this shape
     * @param value the fill value
     * @return this shape and dtype
     */
    public Tensor maskedFill(Tensor mask, float value) {
        return IndexOps.maskedFill(this, mask, value);
    }

    /**
     * This tensor where {@code condition} is non-zero, else {@code other}, as PyTorch's
     * {@code x.where(condition, other)}.
     *
     * @param condition float32 or int32, non-zero = true
     * @param other     the values where false
     * @return the broadcast shape
     */
    public Tensor where(Tensor condition, Tensor other) {
        return IndexOps.where(condition, this, other);
    }

    /**
     * {@code x} where {@code condition} is non-zero, else {@code y}, broadcasting, as
     * {@code torch.where(condition, x, y)}; see {@link Functional#where}.
     *
     * @param condition float32 or int32, non-zero = true (NaN true, -0.0 false)
     * @param x         the values where true
     * @param y         the values where false
     * @return the broadcast shape
     *
     * <pre>{@code
     * Tensor clipped = Tensor.where(x.gt(1f), Tensor.ones(1), x);
     * }</pre>
     */
    public static Tensor where(Tensor condition, Tensor x, Tensor y) {
        return IndexOps.where(condition, x, y);
    }

    /**
     * The elements where {@code mask} is non-zero, as a 1-D copy, as PyTorch's {@code masked_select}
     * (mask and this broadcast); reads the mask to the host.
     *
     * @param mask float32 or int32, non-zero = true
     * @return 1-D, this dtype
     */
    public Tensor maskedSelect(Tensor mask) {
        return IndexOps.maskedSelect(this, mask);
    }

    /**
     * Boolean-mask indexing, PyTorch's {@code x[mask]}: the mask's shape must equal this tensor's
     * leading dims, and the result stacks the sub-tensors where it is set:
     * {@code [count, shape(mask.dim()), ...]} (for a mask of this tensor's shape, the 1-D
     * {@link #maskedSelect}). A copy; reads the mask to the host.
     *
     * <p>The mask is float32 or int32, true where non-zero (clgrad has no bool dtype; comparisons
     * return float32 1/0, so {@code x.get(x.gt(0f))} works as {@code x[x > 0]}). An int32 tensor is
     * read as a mask here too, not as integer-array indices as PyTorch's int64 tensors would be:
     * use {@link #indexSelect} to pick by index.
     *
     * @param mask float32 or int32 of this tensor's leading shape
     * @return {@code [count, remaining dims...]}
     *
     * <pre>{@code
     * Tensor positives = x.get(x.gt(0f));        // x[x > 0]
     * Tensor keptRows = m.get(rowMask);          // m[row_mask], rowMask of shape [m.shape(0)]
     * }</pre>
     */
    public Tensor get(Tensor mask) {
        return IndexOps.getMask(this, mask);
    }

    // ------------------------------------------------------------------ joining and rearranging

    /**
     * The tensors joined along {@code dim}, as PyTorch's {@code torch.cat}: all of one rank, with
     * equal sizes in every dim but {@code dim}, on one device (a 1-D empty tensor, shape {@code [0]},
     * is skipped, as in PyTorch). A new tensor; mixed float32 and int32 inputs give float32. The
     * gradient of each input is its slice of the result's gradient.
     *
     * <pre>{@code
     * Tensor ab = Tensor.cat(List.of(a, b), 1);   // [2, 3] and [2, 4] -> [2, 7]
     * }</pre>
     *
     * @param tensors the tensors, in order (not empty)
     * @param dim     the dimension to join along (negative counts from the end)
     * @return the joined tensor
     * @throws IllegalArgumentException naming the tensor and both shapes when shapes, ranks or devices differ
     */
    public static Tensor cat(java.util.List<Tensor> tensors, int dim) {
        return Joining.cat(tensors, dim);
    }

    /** {@link #cat(java.util.List, int)} of an array of tensors. */
    public static Tensor cat(Tensor[] tensors, int dim) {
        return Joining.cat(tensors == null ? null : java.util.Arrays.asList(tensors), dim);
    }

    /** {@link #cat(java.util.List, int)} along dim 0. */
    public static Tensor cat(java.util.List<Tensor> tensors) {
        return Joining.cat(tensors, 0);
    }

    /**
     * The tensors, all of one shape, stacked along a new dimension {@code dim}, as PyTorch's
     * {@code torch.stack}: {@code stack([a, b], 0)[i] = [a, b][i]}. A new tensor; the gradient of
     * each input is its index of the result's gradient.
     *
     * <pre>{@code
     * Tensor s = Tensor.stack(List.of(a, b, c), 0);   // three [2, 3] -> [3, 2, 3]
     * }</pre>
     *
     * @param tensors the tensors (not empty, one shape, one device)
     * @param dim     where the new dimension goes, in {@code [-(rank+1), rank]}
     * @return the stacked tensor, one dimension more than the inputs
     */
    public static Tensor stack(java.util.List<Tensor> tensors, int dim) {
        return Joining.stack(tensors, dim);
    }

    /** {@link #stack(java.util.List, int)} of an array of tensors. */
    public static Tensor stack(Tensor[] tensors, int dim) {
        return Joining.stack(tensors == null ? null : java.util.Arrays.asList(tensors), dim);
    }

    /** {@link #stack(java.util.List, int)} along a new dim 0. */
    public static Tensor stack(java.util.List<Tensor> tensors) {
        return Joining.stack(tensors, 0);
    }

    /**
     * This tensor tiled {@code sizes[i]} times along dim i, as PyTorch's {@code Tensor.repeat}: at
     * least one size per dim; extra sizes add leading dims. Result size in dim i is
     * {@code sizes[i]·shape[i]}. A new tensor; the gradient sums over the copies.
     *
     * <pre>{@code
     * Tensor.of(new float[] {1, 2}).repeat(2, 2);   // [[1, 2, 1, 2], [1, 2, 1, 2]]
     * }</pre>
     *
     * @param sizes repeats per dim (each at least 0), at least {@link #dim()} of them
     * @return the tiled tensor
     */
    public Tensor repeat(int... sizes) {
        return Rearranging.repeat(this, sizes);
    }

    /**
     * The elements shifted by {@code shifts[k]} places along {@code dims[k]}, wrapping around, as
     * PyTorch's {@code torch.roll}: {@code out[(i + s) mod n] = x[i]}. With no dims, the flattened
     * tensor is rolled and the shape restored. A new tensor; the gradient rolls back.
     *
     * @param shifts the shifts (negative: towards index 0), one per dim, or one with no dims
     * @param dims   the dims (negative counts from the end), or empty for the flattened tensor
     * @return the rolled tensor
     */
    public Tensor roll(int[] shifts, int[] dims) {
        return Rearranging.roll(this, shifts, dims);
    }

    /** {@link #roll(int[], int[])} by {@code shift} along {@code dim}. */
    public Tensor roll(int shift, int dim) {
        return Rearranging.roll(this, new int[] {shift}, new int[] {dim});
    }

    /** {@link #roll(int[], int[])} of the flattened tensor by {@code shift}, the shape kept. */
    public Tensor roll(int shift) {
        return Rearranging.roll(this, new int[] {shift}, new int[0]);
    }

    /**
     * The order of the elements reversed along each of {@code dims}, as PyTorch's {@code torch.flip}:
     * {@code out[.., i, ..] = x[.., n-1-i, ..]}. A new tensor (one strided copy, as PyTorch copies);
     * the gradient flips back.
     *
     * @param dims distinct dims (negative counts from the end)
     * @return the flipped tensor
     */
    public Tensor flip(int... dims) {
        return Rearranging.flip(this, dims);
    }

    // ------------------------------------------------------------------ more reductions (issue 11)

    /**
     * Sum over several dims at once (PyTorch's {@code sum(dim=[...], keepdim)}); an empty list
     * sums every dim.
     *
     * <pre>{@code
     * Tensor s = x.sum(new int[] {0, 2}, false);   // [A, B, C] -> [B]
     * }</pre>
     *
     * @param dims    the dims (negative count from the end), each at most once
     * @param keepdim keep the reduced dims as size 1
     * @return the sums
     * @throws IllegalArgumentException for a dim out of range or repeated
     */
    public Tensor sum(int[] dims, boolean keepdim) {
        return Statistics.sum(this, dims, keepdim);
    }

    /**
     * Mean over several dims at once (PyTorch's {@code mean(dim=[...], keepdim)}); float32 only.
     *
     * @param dims    the dims, each at most once (empty: every dim)
     * @param keepdim keep the reduced dims as size 1
     * @return the means
     */
    public Tensor mean(int[] dims, boolean keepdim) {
        return Statistics.mean(this, dims, keepdim);
    }

    /** Unbiased variance (correction 1) of all elements, PyTorch's {@code var()}. */
    public Tensor var() {
        return var(null, 1, false);
    }

    /** Unbiased variance (correction 1) along {@code dim}, which is removed. */
    public Tensor var(int dim) {
        return var(new int[] {dim}, 1, false);
    }

    /**
     * Variance {@code Σ (x - x̄)² / max(0, N - correction)} over {@code dims} (PyTorch's
     * {@code var(dim, correction=, keepdim=)}); {@code correction = 1} is the unbiased estimate,
     * 0 the population variance. N - correction ≤ 0 gives inf or NaN, as PyTorch.
     *
     * <pre>{@code
     * Tensor v = x.var(new int[] {1}, 1, true);   // [N, C] -> [N, 1]
     * }</pre>
     *
     * @param dims       the dims ({@code null} or empty: every element)
     * @param correction subtracted from the count N (at least 0)
     * @param keepdim    keep the reduced dims as size 1
     * @return the variances
     */
    public Tensor var(int[] dims, int correction, boolean keepdim) {
        return Statistics.var("var", this, dims, correction, keepdim, false);
    }

    /**
     * Standard deviation {@code sqrt(var(dims, correction, keepdim))} (PyTorch's {@code std}).
     *
     * @param dims       the dims ({@code null} or empty: every element)
     * @param correction subtracted from the count N (1: unbiased)
     * @param keepdim    keep the reduced dims as size 1
     * @return the standard deviations
     */
    public Tensor std(int[] dims, int correction, boolean keepdim) {
        return Statistics.var("std", this, dims, correction, keepdim, true);
    }

    /** Unbiased standard deviation of all elements, PyTorch's {@code std()}. */
    public Tensor std() {
        return std(null, 1, false);
    }

    /** Unbiased standard deviation along {@code dim}, which is removed. */
    public Tensor std(int dim) {
        return std(new int[] {dim}, 1, false);
    }

    /**
     * {@code log Σ exp(x)} along {@code dim}, computed stably as {@code m + log Σ exp(x - m)} with m
     * the maximum (PyTorch's {@code logsumexp}); all -inf gives -inf.
     *
     * @param dim     the dimension
     * @param keepdim keep it as size 1
     * @return the log-sum-exps
     */
    public Tensor logsumexp(int dim, boolean keepdim) {
        return Statistics.logsumexp(this, new int[] {dim}, keepdim);
    }

    /** {@link #logsumexp(int, boolean)} over several dims at once. */
    public Tensor logsumexp(int[] dims, boolean keepdim) {
        return Statistics.logsumexp(this, dims, keepdim);
    }

    /** The 2-norm {@code sqrt(Σ x²)} of all elements (PyTorch's {@code norm()}); its gradient is 0 at 0. */
    public Tensor norm() {
        return Statistics.norm(this, 2f, null, false);
    }

    /** The {@code p}-norm of all elements; see {@link #norm(float, int[], boolean)}. */
    public Tensor norm(float p) {
        return Statistics.norm(this, p, null, false);
    }

    /**
     * The vector {@code p}-norm over {@code dims} (PyTorch's {@code norm(p, dim, keepdim)}):
     * {@code p = 2} {@code sqrt(Σ x²)}, 1 {@code Σ|x|}, {@code Float.POSITIVE_INFINITY}
     * {@code max|x|}, {@code NEGATIVE_INFINITY} {@code min|x|}, 0 the count of non-zeros, any other
     * {@code (Σ|x|^p)^(1/p)}.
     *
     * <pre>{@code
     * Tensor rows = x.norm(2f, new int[] {1}, false);   // [N, D] -> [N]
     * }</pre>
     *
     * @param p       the order
     * @param dims    the dims ({@code null} or empty: every element)
     * @param keepdim keep the reduced dims as size 1
     * @return the norms
     */
    public Tensor norm(float p, int[] dims, boolean keepdim) {
        return Statistics.norm(this, p, dims, keepdim);
    }

    /**
     * Product of all elements (PyTorch's {@code prod()}); the gradient at a single zero is the
     * product of the other elements and 0 where two or more are zero, as PyTorch. int32 products
     * wrap; bool counts as int32.
     */
    public Tensor prod() {
        return Ordering.prod(this);
    }

    /**
     * Product along {@code dim} (PyTorch's {@code prod(dim, keepdim)}).
     *
     * @param dim     the dimension
     * @param keepdim keep it as size 1
     * @return the products (1 along an empty dim)
     */
    public Tensor prod(int dim, boolean keepdim) {
        return Ordering.prod(this, dim, keepdim);
    }

    /**
     * Cumulative sum {@code y_i = Σ_{j ≤ i} x_j} along {@code dim} (PyTorch's {@code cumsum});
     * float32 (accumulated more precisely than float, as PyTorch's double accumulation on the CPU).
     *
     * @param dim the dimension
     * @return the running sums, same shape
     */
    public Tensor cumsum(int dim) {
        return Ordering.cumsum(this, dim);
    }

    /**
     * Largest values along {@code dim} with their int32 indices (PyTorch's {@code max(dim)}, a
     * (values, indices) pair); the gradient goes to the selected index.
     *
     * <pre>{@code
     * ValuesAndIndices m = x.maxWithIndices(1, false);   // m.values(), m.indices()
     * }</pre>
     *
     * @param dim     the dimension
     * @param keepdim keep it as size 1
     * @return values and indices
     */
    public ValuesAndIndices maxWithIndices(int dim, boolean keepdim) {
        return Ordering.extreme(this, dim, keepdim, true);
    }

    /** Smallest values along {@code dim} with their int32 indices (PyTorch's {@code min(dim)}). */
    public ValuesAndIndices minWithIndices(int dim, boolean keepdim) {
        return Ordering.extreme(this, dim, keepdim, false);
    }

    /** Index of the smallest element of the flattened tensor (an int32 scalar). */
    public Tensor argmin() {
        return DimReductions.all(ReduceOp.ARGMIN, this);
    }

    /**
     * Indices (int32) of the smallest values along {@code dim} (PyTorch's {@code argmin(dim, keepdim)});
     * the first among ties.
     *
     * @param dim     the dimension
     * @param keepdim keep it as size 1
     * @return the indices
     */
    public Tensor argmin(int dim, boolean keepdim) {
        return DimReductions.along(ReduceOp.ARGMIN, this, dim, keepdim);
    }

    /** {@link #argmin(int, boolean)} without keepdim. */
    public Tensor argmin(int dim) {
        return argmin(dim, false);
    }

    /**
     * Sorted along {@code dim} with the int32 indices of the sorted elements (PyTorch's
     * {@code sort(dim, descending, stable=True)}): equal elements keep their order; NaN sorts as
     * larger than every number. The values' gradient flows to the elements they came from.
     * Float32; the device work grows with L² for a sorted length L (a rank count per element).
     *
     * <pre>{@code
     * ValuesAndIndices s = x.sort(-1, true);   // largest first
     * }</pre>
     *
     * @param dim        the dimension
     * @param descending largest first
     * @return sorted values and their indices
     */
    public ValuesAndIndices sort(int dim, boolean descending) {
        return Ordering.sort("sort", this, dim, descending);
    }

    /**
     * The {@code k} largest (or smallest) elements along {@code dim} with their int32 indices
     * (PyTorch's {@code topk}); always in sorted order, which PyTorch's {@code sorted=False}
     * also allows; among equal elements the earlier comes first.
     *
     * @param k       how many, 0 to the size of {@code dim}
     * @param dim     the dimension
     * @param largest the largest (true) or the smallest
     * @param sorted  accepted for PyTorch's signature; the result is sorted either way
     * @return values and indices, {@code k} along {@code dim}
     * @throws IllegalArgumentException when k is out of range, naming k, the dim and its size
     */
    public ValuesAndIndices topk(int k, int dim, boolean largest, boolean sorted) {
        return Ordering.topk(this, k, dim, largest);
    }

    /** {@link #topk(int, int, boolean, boolean)} of the largest along the last dim. */
    public ValuesAndIndices topk(int k) {
        return Ordering.topk(this, k, -1, true);
    }

    // ------------------------------------------------------------------ printing

    /**
     * PyTorch's text form, e.g. {@code tensor([[0.1000, 0.2000]])}, with {@code device='opencl:0'}
     * when not on the CPU backend and {@code dtype=int32} for integer tensors. Reads the values.
     */
    @Override
    public String toString() {
        return TensorFormatter.format(this);
    }

    // ------------------------------------------------------------------ package internals

    /** Throws when the tensor was closed; {@code op} names the operation for the message. */
    void checkOpen(String op) {
        if (closed.get()) {
            throw new IllegalStateException(op + ": tensor " + Shape.str(shape)
                    + " was closed; it cannot be used after close()");
        }
    }

    Buffer buffer(String op) {
        checkOpen(op);
        return storage.buffer();
    }

    StridedView stridedView(String op) {
        return new StridedView(buffer(op), offset, shape, strides);
    }

    Backend backend() {
        return storage.device().backend();
    }

    Storage storage() {
        return storage;
    }

    int offset() {
        return offset;
    }

    int[] shapeRef() {
        return shape;
    }

    int[] stridesRef() {
        return strides;
    }

    /** Whether the data starts at element 0 of the buffer in row-major order (backend ops need this). */
    boolean isDense() {
        return offset == 0 && isContiguous();
    }
}
