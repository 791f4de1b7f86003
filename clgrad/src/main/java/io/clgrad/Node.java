package io.clgrad;

/**
 * One recorded op in the autograd graph: its inputs and the function that turns the gradient of
 * its output into gradients of its inputs. {@link Tensor#gradFn()} returns the node that made a
 * tensor; it prints like PyTorch's {@code <MulBackward0>}.
 *
 * <p>The graph, and every tensor a node saved, is released by {@code backward()}; a second
 * backward through it is an error, as in PyTorch without {@code retain_graph}
 * ({@code backward(true)} keeps it for another pass).
 *
 * <p>A node also saves the {@link Tensor#version()} of each tensor its backward reads (for
 * {@code mul}: the other factor; for {@code exp}: its output; for {@code add}: none), and refuses
 * to run its backward when one of them was written in place since, as PyTorch does.
 */
public final class Node {
    /** Gradient function: gradients for each input (null where an input needs none). */
    @FunctionalInterface
    interface Backward {
        Tensor[] apply(Tensor gradOutput);
    }

    private final String name;
    private Tensor[] inputs;
    private Backward backward;
    /** The tensors the backward reads (entries may be null), and their versions when recorded. */
    private Tensor[] saved;
    private int[] savedVersions;
    /** The gradient hooks of the tensor this node computed ({@link Tensor#registerHook}); null until one is added. */
    private Hooks hooks;

    Node(String name, Tensor[] inputs, Tensor[] saved, Backward backward) {
        this(name, inputs, saved, versions(saved), backward);
    }

    /** A node whose saved tensors' versions were taken earlier (when a {@link Function} saved them). */
    Node(String name, Tensor[] inputs, Tensor[] saved, int[] savedVersions, Backward backward) {
        this.name = name;
        this.inputs = inputs;
        this.backward = backward;
        this.saved = saved;
        this.savedVersions = savedVersions;
    }

    private static int[] versions(Tensor[] saved) {
        int[] v = new int[saved.length];
        for (int i = 0; i < saved.length; i++) {
            v[i] = saved[i] == null ? 0 : saved[i].version();
        }
        return v;
    }

    /** PyTorch's name for the backward of this op, e.g. {@code MulBackward0}. */
    public String name() {
        return name;
    }

    Tensor[] inputs() {
        if (inputs == null) {
            throw new IllegalStateException("backward: Trying to backward through the graph a second time (or directly"
                    + " access saved tensors after they have already been freed): " + name + " was freed. Saved"
                    + " intermediate values of the graph are freed when you call backward() or Autograd.grad()."
                    + " Specify retainGraph=true (backward(true)) if you need to backward through the graph a"
                    + " second time, or run the forward pass again");
        }
        return inputs;
    }

    Tensor[] apply(Tensor gradOutput) {
        inputs();
        checkVersions();
        return backward.apply(gradOutput);
    }

    /** Throws when a tensor the backward reads was closed, or written in place after this node saved it. */
    private void checkVersions() {
        for (int i = 0; i < saved.length; i++) {
            Tensor t = saved[i];
            if (t != null && t.isClosed()) {
                throw new IllegalStateException("backward: " + name + " needs " + role(t) + " (" + t.dtype() + " "
                        + Shape.str(t.shapeRef()) + "), which was closed after the forward pass; keep the tensors of"
                        + " a graph open until its backward() has run");
            }
            if (t != null && t.version() != savedVersions[i]) {
                throw new IllegalStateException("backward: one of the tensors needed for gradient computation has"
                        + " been modified by an in-place operation: " + name + " saved " + role(t) + " ("
                        + t.dtype() + " " + Shape.str(t.shapeRef()) + ") at version " + savedVersions[i]
                        + ", and it is now at version " + t.version() + " (copyFrom, nn.init and optimizer steps"
                        + " write in place); run the forward pass again after the write, or write into a copy");
            }
        }
    }

    private String role(Tensor t) {
        for (int k = 0; k < inputs.length; k++) {
            if (inputs[k] == t) {
                return "its input " + k;
            }
        }
        return t.gradFn() == this ? "its output" : "a tensor it reads";
    }

    /** The hooks of this node's output, made on first use. */
    synchronized Hooks hooks() {
        if (hooks == null) {
            hooks = new Hooks();
        }
        return hooks;
    }

    /** The hooks of this node's output, or null when none was ever registered. */
    synchronized Hooks hooksOrNull() {
        return hooks;
    }

    /** Drops the inputs and saved tensors so they can be reclaimed. */
    void release() {
        inputs = null;
        backward = null;
        saved = null;
        savedVersions = null;
    }

    /** {@code <MulBackward0>}. */
    @Override
    public String toString() {
        return "<" + name + ">";
    }
}
