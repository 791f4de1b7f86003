package io.clgrad;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
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

    /** Runs backward from {@code root} with the given output gradient (not consumed). */
    static void backward(Tensor root, Tensor gradient) {
        List<Node> order = topologicalOrder(root.gradFn());
        Map<Node, Tensor> pending = new IdentityHashMap<>();
        pending.put(root.gradFn(), gradient);
        Set<Tensor> handedOut = Collections.newSetFromMap(new IdentityHashMap<>());
        handedOut.add(gradient);
        try (Autograd.Mode m = Autograd.noGrad()) {
            for (int i = order.size() - 1; i >= 0; i--) {
                Node node = order.get(i);
                Tensor g = pending.remove(node);
                if (g == null) {
                    continue;   // no gradient flows into this node (e.g. through a non-differentiable input)
                }
                Tensor[] inputs = node.inputs();
                Tensor[] grads = apply(node, g);
                for (int k = 0; k < inputs.length; k++) {
                    Tensor in = inputs[k];
                    Tensor gi = k < grads.length ? grads[k] : null;
                    if (in == null || gi == null || !in.requiresGrad()) {
                        continue;
                    }
                    // A gradient object may be handed to several inputs; each destination owns its own.
                    Tensor owned = handedOut.add(gi) ? gi : gi.copy();
                    if (in.gradFn() == null) {
                        in.accumulateGrad(owned);
                    } else {
                        Tensor before = pending.get(in.gradFn());
                        if (before == null) {
                            pending.put(in.gradFn(), owned);
                        } else {
                            pending.put(in.gradFn(), before.add(owned));
                            release(before, gradient);
                            release(owned, gradient);
                        }
                    }
                }
                if (!contains(grads, g)) {
                    release(g, gradient);
                }
            }
        } finally {
            for (Node n : order) {
                n.release();
            }
            for (Tensor t : pending.values()) {
                release(t, gradient);
            }
        }
    }

    /** Runs a node's backward inside a scope, so its temporaries are closed and only the results kept. */
    private static Tensor[] apply(Node node, Tensor g) {
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

    private static boolean contains(Tensor[] arr, Tensor t) {
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

    /** Nodes reachable from {@code root}, each after all nodes that feed it (iterative DFS, no recursion limit). */
    private static List<Node> topologicalOrder(Node root) {
        List<Node> order = new ArrayList<>();
        Set<Node> visited = Collections.newSetFromMap(new IdentityHashMap<>());
        ArrayDeque<Object[]> stack = new ArrayDeque<>();
        stack.push(new Object[] {root, 0});
        visited.add(root);
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
        return order;   // post-order: every node after its inputs' nodes; backward walks it from the end
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
