package io.clgrad;

/**
 * One recorded op in the autograd graph: its inputs and the function that turns the gradient of
 * its output into gradients of its inputs. {@link Tensor#gradFn()} returns the node that made a
 * tensor; it prints like PyTorch's {@code <MulBackward0>}.
 *
 * <p>The graph, and every tensor a node saved, is released by {@code backward()}; a second
 * backward through it is an error, as in PyTorch without {@code retain_graph}.
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

    Node(String name, Tensor[] inputs, Backward backward) {
        this.name = name;
        this.inputs = inputs;
        this.backward = backward;
    }

    /** PyTorch's name for the backward of this op, e.g. {@code MulBackward0}. */
    public String name() {
        return name;
    }

    Tensor[] inputs() {
        if (inputs == null) {
            throw new IllegalStateException("backward: trying to backward through the graph a second time ("
                    + name + " was already freed); the graph and its saved tensors are released by the first "
                    + "backward(), so run the forward pass again");
        }
        return inputs;
    }

    Tensor[] apply(Tensor gradOutput) {
        inputs();
        return backward.apply(gradOutput);
    }

    /** Drops the inputs and saved tensors so they can be reclaimed. */
    void release() {
        inputs = null;
        backward = null;
    }

    /** {@code <MulBackward0>}. */
    @Override
    public String toString() {
        return "<" + name + ">";
    }
}
