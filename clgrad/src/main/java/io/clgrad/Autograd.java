package io.clgrad;

/**
 * Switches gradient recording on and off for the current thread, like PyTorch's
 * {@code torch.no_grad()}. Recording is on by default.
 *
 * <pre>{@code
 * try (var g = Autograd.noGrad()) {
 *     Tensor prediction = model.forward(x);   // records no graph
 * }
 * }</pre>
 */
public final class Autograd {
    private static final ThreadLocal<boolean[]> ENABLED = ThreadLocal.withInitial(() -> new boolean[] {true});

    private Autograd() {
    }

    /** A scope in which ops record no graph; closing it restores the previous mode. */
    public static Mode noGrad() {
        return set(false);
    }

    /** A scope in which ops record a graph again (inside a {@link #noGrad()} block). */
    public static Mode enableGrad() {
        return set(true);
    }

    /** Whether ops on this thread currently record a graph. */
    public static boolean isEnabled() {
        return ENABLED.get()[0];
    }

    /**
     * The gradients of a one-element {@code output} with respect to {@code inputs}, like PyTorch's
     * {@code torch.autograd.grad(output, inputs)}: no leaf's {@code grad()} is touched, and only
     * the part of the graph that leads to the inputs runs; the graph is freed afterwards.
     *
     * <pre>{@code
     * Tensor x = Tensor.of(new float[] {1, 2, 3}).requiresGrad(true);
     * Tensor[] g = Autograd.grad(x.mul(x).sum(), x);   // g[0] = 2x; x.grad() stays null
     * }</pre>
     *
     * @param output a one-element tensor that requires grad
     * @param inputs tensors that require grad (leaves or results of recorded ops) that {@code output} depends on
     * @return one gradient per input, each of that input's shape
     * @throws IllegalStateException when an input does not require grad, or was not used to compute the output
     */
    public static Tensor[] grad(Tensor output, Tensor... inputs) {
        return grad(new Tensor[] {output}, inputs, null, false, false, false);
    }

    /**
     * Sums the gradients of {@code outputs} (each weighted by its {@code gradOutputs} entry) with
     * respect to each of {@code inputs} and returns them, like PyTorch's
     * {@code torch.autograd.grad(outputs, inputs, grad_outputs, retain_graph, create_graph,
     * allow_unused=...)}: {@code Σ_i gradOutputs[i] · d outputs[i] / d inputs[j]}. Leaves'
     * {@code grad()} are not touched, and hooks on the inputs and on tensors between them and the
     * outputs run as in a backward.
     *
     * <pre>{@code
     * Tensor h = x.matmul(w);                 // an intermediate tensor
     * Tensor y = h.relu();
     * Tensor[] g = Autograd.grad(new Tensor[] {y}, new Tensor[] {h, w}, new Tensor[] {Tensor.ones(y.device(), y.shape())},
     *         false, false, false);           // dy/dh and dy/dw, weighted by ones
     * }</pre>
     *
     * @param outputs     tensors that require grad
     * @param inputs      tensors that require grad, whose gradients are returned
     * @param gradOutputs one gradient per output (its shape, dtype and device), or null (or null
     *                    entries) for one-element outputs, which get an implicit 1
     * @param retainGraph keep the graph for another backward or grad (PyTorch's {@code retain_graph})
     * @param createGraph must be false: gradients of gradients are not supported (PyTorch's {@code create_graph})
     * @param allowUnused return null for an input the outputs do not depend on, instead of throwing
     * @return one gradient per input (null for an unused one when {@code allowUnused})
     * @throws IllegalStateException      on an input or output that does not require grad, an unused
     *                                    input without {@code allowUnused}, or a freed graph
     * @throws IllegalArgumentException   on a gradOutput of the wrong shape, dtype or device
     * @throws UnsupportedOperationException when {@code createGraph} is true
     */
    public static Tensor[] grad(Tensor[] outputs, Tensor[] inputs, Tensor[] gradOutputs, boolean retainGraph,
                                boolean createGraph, boolean allowUnused) {
        return Gradients.of(outputs, inputs, gradOutputs, retainGraph, createGraph, allowUnused);
    }

    private static Mode set(boolean enabled) {
        boolean[] flag = ENABLED.get();
        Mode m = new Mode(flag, flag[0]);
        flag[0] = enabled;
        return m;
    }

    /** The previous mode, restored by {@link #close()}. */
    public static final class Mode implements AutoCloseable {
        private final boolean[] flag;
        private final boolean previous;

        private Mode(boolean[] flag, boolean previous) {
            this.flag = flag;
            this.previous = previous;
        }

        /** Restores the mode that was active when this scope opened. */
        @Override
        public void close() {
            flag[0] = previous;
        }
    }
}
