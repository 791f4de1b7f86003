package io.clgrad;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * The autograd engine: records nodes as ops run, and {@link #backward} walks them in reverse
 * topological order, accumulating into the leaves' {@code grad()} and releasing the graph.
 */
final class Graph {
    private Graph() {
    }

    /** {@link #shouldRecord(Tensor...)} for one input, without the varargs array (ops check this first). */
    static boolean shouldRecord(Tensor a) {
        return Autograd.isEnabled() && a != null && a.requiresGrad();
    }

    /** {@link #shouldRecord(Tensor...)} for two inputs, without the varargs array. */
    static boolean shouldRecord(Tensor a, Tensor b) {
        return Autograd.isEnabled() && (a != null && a.requiresGrad() || b != null && b.requiresGrad());
    }

    /** {@link #shouldRecord(Tensor...)} for three inputs, without the varargs array. */
    static boolean shouldRecord(Tensor a, Tensor b, Tensor c) {
        return Autograd.isEnabled()
                && (a != null && a.requiresGrad() || b != null && b.requiresGrad() || c != null && c.requiresGrad());
    }

    /**
     * Whether an op on these inputs should record a node. Ops whose saved-tensor list or node name
     * costs allocations check this first and return their result unrecorded when it is false.
     */
    static boolean shouldRecord(Tensor... inputs) {
        if (!Autograd.isEnabled()) {
            return false;
        }
        for (Tensor t : inputs) {
            if (t != null && t.requiresGrad()) {
                return true;
            }
        }
        return false;
    }

    private static final Tensor[] NONE = new Tensor[0];

    /**
     * Makes {@code out} the result of a recorded op whose backward reads no tensor's values (only
     * the incoming gradient and shapes, e.g. add or a view) when any input requires grad; returns {@code out}.
     */
    static Tensor record(Tensor out, String name, Tensor[] inputs, Node.Backward backward) {
        return record(out, name, inputs, NONE, backward);
    }

    /**
     * Makes {@code out} the result of a recorded op when any input requires grad; returns
     * {@code out}. {@code saved} lists the tensors whose values the backward reads (inputs or
     * {@code out}; null entries are skipped): their versions are saved now and checked before
     * the backward runs (see {@link Tensor#version()}).
     */
    static Tensor record(Tensor out, String name, Tensor[] inputs, Tensor[] saved, Node.Backward backward) {
        if (shouldRecord(inputs)) {
            out.setGradFn(new Node(name, inputs, saved, backward));
        }
        return out;
    }

    /** Runs backward from {@code root} with the given output gradient (not consumed), then frees the graph. */
    static void backward(Tensor root, Tensor gradient) {
        backward(root, gradient, false);
    }

    /**
     * Runs backward from {@code root} with the given output gradient (not consumed), accumulating
     * into the leaves' {@code grad()}; frees the graph unless {@code retainGraph}.
     */
    static void backward(Tensor root, Tensor gradient, boolean retainGraph) {
        new BackwardPass(new Tensor[] {root}, new Tensor[] {gradient}, retainGraph, null).run();
    }

    private static final ThreadLocal<boolean[]> RETAINING = ThreadLocal.withInitial(() -> new boolean[1]);

    /**
     * Whether the backward pass running on this thread keeps the graph for another pass: a node's
     * backward that owns tensors of its own (a fused loss's saved gradient, BatchNorm's batch
     * statistics) closes or hands them out only when it is not.
     */
    static boolean retainingGraph() {
        return RETAINING.get()[0];
    }

    /** Sets {@link #retainingGraph()} for this thread; returns the previous value. */
    static boolean setRetainingGraph(boolean value) {
        boolean[] flag = RETAINING.get();
        boolean previous = flag[0];
        flag[0] = value;
        return previous;
    }

    /** Runs a node's backward inside a scope, so its temporaries are closed and only the results kept. */
    static Tensor[] apply(Node node, Tensor g) {
        try (TensorScope s = Tensors.scope()) {
            Tensor[] grads = node.apply(g);
            for (Tensor t : grads) {
                if (t != null) {
                    s.keep(t);
                }
            }
            return grads;
        }
    }

    static boolean contains(Tensor[] arr, Tensor t) {
        for (Tensor x : arr) {
            if (x == t) {
                return true;
            }
        }
        return false;
    }

    private static void release(Tensor t, Tensor callerGradient) {
        if (t != callerGradient) {
            t.close();
        }
    }

    /**
     * Nodes reachable from {@code roots} (null entries skipped), each after all nodes that feed it
     * (iterative DFS, no recursion limit).
     */
    static List<Node> topologicalOrder(Node... roots) {
        List<Node> order = new ArrayList<>();
        Set<Node> visited = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Node root : roots) {
            if (root != null && visited.add(root)) {
                depthFirst(root, visited, order);
            }
        }
        return order;   // post-order: every node after its inputs' nodes; backward walks it from the end
    }

    private static void depthFirst(Node root, Set<Node> visited, List<Node> order) {
        ArrayDeque<Object[]> stack = new ArrayDeque<>();
        stack.push(new Object[] {root, 0});
        while (!stack.isEmpty()) {
            Object[] frame = stack.peek();
            Node node = (Node) frame[0];
            Tensor[] inputs = node.inputs();
            int next = (Integer) frame[1];
            if (next < inputs.length) {
                frame[1] = next + 1;
                Tensor in = inputs[next];
                Node child = in == null ? null : in.gradFn();
                if (child != null && visited.add(child)) {
                    stack.push(new Object[] {child, 0});
                }
            } else {
                stack.pop();
                order.add(node);
            }
        }
    }

    /**
     * Sums a broadcast gradient back to {@code shape}: over the leading dims it added and over the
     * dims where {@code shape} has size 1.
     */
    static Tensor sumTo(Tensor g, int[] shape) {
        int[] gs = g.shapeRef();
        if (java.util.Arrays.equals(gs, shape)) {
            return g;
        }
        Tensor r = g;
        int lead = gs.length - shape.length;
        for (int i = 0; i < lead; i++) {
            Tensor next = r.sum(0, false);
            release(r, g);
            r = next;
        }
        for (int d = 0; d < shape.length; d++) {
            if (shape[d] == 1 && r.shapeRef()[d] != 1) {
                Tensor next = r.sum(d, true);
                release(r, g);
                r = next;
            }
        }
        return r;
    }
}
