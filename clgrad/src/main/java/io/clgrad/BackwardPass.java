package io.clgrad;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One walk of the graph backwards from some outputs: {@link Tensor#backward} (gradients added into
 * the leaves' {@code grad()}) or {@link Autograd#grad} (gradients of chosen tensors returned, no
 * {@code grad()} touched, only the nodes that lead to them run). Nodes run in reverse topological
 * order with recording off, each on the sum of the gradients that reached it after its output's
 * hooks ran; the graph is released afterwards unless retained. As in PyTorch 1.13,
 * {@code Autograd.grad} returns a wanted tensor's gradient as it arrived (before that tensor's own
 * hooks, which still run on what flows further down) and calls no leaf's hooks.
 *
 * <p>Ownership: a gradient made by a node's backward belongs to this pass, which closes it once it
 * has been passed on (or gives it to a leaf). The callers' output gradients, and every tensor a
 * hook saw or returned (the user may hold it), are never closed here and are copied before they
 * become anyone's own.
 */
final class BackwardPass {
    private final Tensor[] roots;
    private final Tensor[] gradients;
    private final boolean retainGraph;
    /** The tensors whose gradients {@link Autograd#grad} returns, or null for a backward(). */
    private final Tensor[] wanted;

    private final Map<Node, Tensor> pending = new IdentityHashMap<>();
    /** Leaves whose gradient is summed first, then hooked and delivered at the end (insertion order kept). */
    private final Map<Tensor, Tensor> leafPending = new IdentityHashMap<>();
    private final List<Tensor> leafOrder = new ArrayList<>();
    /** Tensors this pass may not close: the callers' gradients, whatever hooks saw or returned, captured results. */
    private final Set<Tensor> foreign = Collections.newSetFromMap(new IdentityHashMap<>());
    /** Gradients already owned by some destination: handing one out again needs a copy. */
    private final Set<Tensor> handedOut = Collections.newSetFromMap(new IdentityHashMap<>());
    private final Map<Node, Integer> wantedNodes = new IdentityHashMap<>();
    private final Map<Tensor, Integer> wantedLeaves = new IdentityHashMap<>();
    private Tensor[] captured;
    /**
     * Edges still to run into each leaf that has post-accumulate-grad hooks, or null when no tensor
     * has such hooks (then the pass does none of this bookkeeping).
     */
    private Map<Tensor, int[]> edgesLeft;
    /** Leaves with post-accumulate-grad hooks that got a gradient in this pass, in arrival order; then those whose hooks ran. */
    private Set<Tensor> received;   // Tensor keeps Object's identity equals
    private Set<Tensor> fired;

    BackwardPass(Tensor[] roots, Tensor[] gradients, boolean retainGraph, Tensor[] wanted) {
        this.roots = roots;
        this.gradients = gradients;
        this.retainGraph = retainGraph;
        this.wanted = wanted;
    }

    /** Runs the pass; returns the gradients of the wanted tensors (null entries where none arrived), or null. */
    @SuppressWarnings("try")   // noGrad() is opened for its effect
    Tensor[] run() {
        Node[] rootNodes = new Node[roots.length];
        for (int i = 0; i < roots.length; i++) {
            rootNodes[i] = roots[i].gradFn();
        }
        List<Node> order = Graph.topologicalOrder(rootNodes);
        Set<Node> toRun = wanted == null ? null : nodesLeadingToWanted(order);
        if (wanted == null && PostAccumulateHooks.anyRegistered()) {
            countLeafEdges(order);
        }
        List<Node> ran = new ArrayList<>();
        boolean previous = Graph.setRetainingGraph(retainGraph);
        try (Autograd.Mode m = Autograd.noGrad()) {
            for (Tensor g : gradients) {
                foreign.add(g);
                handedOut.add(g);
            }
            for (int i = 0; i < roots.length; i++) {
                Node node = roots[i].gradFn();
                if (node != null) {
                    pending.put(node, sum(pending.get(node), gradients[i]));   // the caller's own: never closed
                } else {
                    deliver(roots[i], gradients[i]);   // a leaf: gets a copy
                }
            }
            for (int i = order.size() - 1; i >= 0; i--) {
                Node node = order.get(i);
                Tensor g = pending.remove(node);
                if (g == null) {
                    settle(node);
                    continue;   // no gradient flows into this node (e.g. through a non-differentiable input)
                }
                Hooks hooks = node.hooksOrNull();
                boolean hooked = hooks != null && !hooks.isEmpty();
                boolean runs = toRun == null || toRun.contains(node);
                Integer w = wantedNodes.get(node);
                if (w != null) {
                    // before the tensor's own hooks, as PyTorch 1.13 captures it; a copy if a hook will see it
                    capture(w, hooked && runs ? g.copy() : g);
                }
                if (!runs) {
                    release(g);
                    settle(node);
                    continue;
                }
                if (hooked) {
                    g = hooks.apply("the result of " + node.name(), g, foreign);
                }
                ran.add(node);
                Tensor[] inputs = node.inputs();
                Tensor[] grads = Graph.apply(node, g);
                for (int k = 0; k < inputs.length; k++) {
                    Tensor in = inputs[k];
                    Tensor gi = k < grads.length ? grads[k] : null;
                    if (in != null && gi != null && in.requiresGrad()) {
                        deliver(in, gi);
                    }
                }
                if (!Graph.contains(grads, g)) {
                    release(g);
                }
                settle(node);
            }
            for (Tensor leaf : leafOrder) {
                Tensor g = leafPending.remove(leaf);
                if (g != null) {   // null: finished early, when its last edge ran
                    finishLeaf(leaf, g);
                }
            }
            if (received != null) {
                for (Tensor leaf : received) {   // leaves reached without a node (a root) or by edges not counted
                    if (!fired.contains(leaf)) {
                        firePostAccumulate(leaf);
                    }
                }
            }
        } finally {
            Graph.setRetainingGraph(previous);
            if (!retainGraph) {
                for (Node n : wanted == null ? order : ran) {
                    n.release();
                }
            }
            for (Tensor t : pending.values()) {
                release(t);
            }
            for (Tensor t : leafPending.values()) {
                release(t);
            }
        }
        return captured;
    }

    /** Hands gradient {@code gi} to tensor {@code in}: into its node's pending sum, or to the leaf. */
    private void deliver(Tensor in, Tensor gi) {
        // A gradient object may be handed to several inputs; each destination owns its own.
        Tensor owned = handedOut.add(gi) ? gi : gi.copy();
        handedOut.add(owned);
        Node node = in.gradFn();
        if (node != null) {
            pending.put(node, sum(pending.get(node), owned));
            return;
        }
        if (edgesLeft != null && edgesLeft.containsKey(in)) {
            received.add(in);
        }
        Hooks hooks = in.hooksOrNull();
        boolean hooked = wanted == null && hooks != null && !hooks.isEmpty();
        if (wanted == null && !hooked) {
            in.accumulateGrad(owned);   // as before hooks existed: each contribution added as it arrives
            return;
        }
        if (wanted != null && !wantedLeaves.containsKey(in)) {
            release(owned);
            return;
        }
        Tensor before = leafPending.get(in);
        if (before == null) {
            leafOrder.add(in);
        }
        leafPending.put(in, sum(before, owned));
    }

    /**
     * Counts, for every leaf with post-accumulate-grad hooks, the graph's edges into it: when the
     * last of them has run, its gradient of this pass is final ({@link #settle}).
     */
    private void countLeafEdges(List<Node> order) {
        edgesLeft = new IdentityHashMap<>();
        for (Node node : order) {
            for (Tensor in : node.inputs()) {
                if (in != null && in.gradFn() == null && in.requiresGrad()) {
                    PostAccumulateHooks h = in.postAccumulateHooksOrNull();
                    if (h != null && !h.isEmpty()) {
                        edgesLeft.computeIfAbsent(in, t -> new int[1])[0]++;
                    }
                }
            }
        }
        for (int i = 0; i < roots.length; i++) {
            if (roots[i].gradFn() == null) {
                PostAccumulateHooks h = roots[i].postAccumulateHooksOrNull();
                if (h != null && !h.isEmpty()) {
                    edgesLeft.putIfAbsent(roots[i], new int[1]);   // a leaf root: its hooks run at the end
                }
            }
        }
        received = new java.util.LinkedHashSet<>();
        fired = Collections.newSetFromMap(new IdentityHashMap<>());
    }

    /**
     * {@code node} has run (or been skipped): its edges into hooked leaves are done; a leaf whose
     * last edge this was gets its gradient finished now and its post-accumulate-grad hooks called.
     */
    private void settle(Node node) {
        if (edgesLeft == null) {
            return;
        }
        for (Tensor in : node.inputs()) {
            int[] left = in == null ? null : edgesLeft.get(in);
            if (left != null && --left[0] == 0 && received.contains(in)) {
                Tensor g = leafPending.remove(in);
                if (g != null) {
                    finishLeaf(in, g);   // its registerHook hooks, then into grad()
                }
                firePostAccumulate(in);
            }
        }
    }

    /**
     * Calls a leaf's post-accumulate-grad hooks, once per pass; in a recorded step through
     * {@link Step#live}, so that they run again at this point of every replay.
     */
    private void firePostAccumulate(Tensor leaf) {
        fired.add(leaf);
        PostAccumulateHooks h = leaf.postAccumulateHooksOrNull();
        if (h == null) {
            return;
        }
        Runnable call = () -> {
            try (Autograd.Mode m = Autograd.noGrad()) {
                h.run(leaf);
            }
        };
        if (!Step.live(call)) {
            call.run();
        }
    }

    /** {@code before + g} (either may be null), closing the operands this pass owns. */
    private Tensor sum(Tensor before, Tensor g) {
        if (before == null) {
            return g;
        }
        Tensor s = before.add(g);
        handedOut.add(s);
        release(before);
        release(g);
        return s;
    }

    /**
     * A leaf's total gradient: captured as it is (PyTorch 1.13's autograd.grad runs no leaf hook),
     * or, after the leaf's hooks, added into its {@code grad()}.
     */
    private void finishLeaf(Tensor leaf, Tensor g) {
        Hooks hooks = leaf.hooksOrNull();
        if (wanted == null && hooks != null && !hooks.isEmpty()) {
            g = hooks.apply("a leaf tensor", g, foreign);
        }
        Integer w = wantedLeaves.get(leaf);
        if (w != null) {
            capture(w, g);
        } else if (wanted == null) {
            leaf.accumulateGrad(foreign.contains(g) ? g.copy() : g);
        }
    }

    /** Keeps {@code g} as the result for wanted tensor {@code index} (a copy when the user may hold it). */
    private void capture(int index, Tensor g) {
        Tensor own = foreign.contains(g) ? g.copy() : g;
        foreign.add(own);     // the pass may still hand g on; it must not close or give away the result
        handedOut.add(own);
        captured[index] = own;
    }

    /** Which nodes must run for the wanted tensors' gradients: those with a path down to one of them. */
    private Set<Node> nodesLeadingToWanted(List<Node> order) {
        captured = new Tensor[wanted.length];
        for (int i = 0; i < wanted.length; i++) {
            if (wanted[i].gradFn() != null) {
                wantedNodes.putIfAbsent(wanted[i].gradFn(), i);
            } else {
                wantedLeaves.putIfAbsent(wanted[i], i);   // a tensor asked for twice: Autograd.grad copies the result
            }
        }
        Set<Node> needed = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Node node : order) {   // inputs' nodes first
            for (Tensor in : node.inputs()) {
                if (in == null) {
                    continue;
                }
                Node child = in.gradFn();
                if (child == null ? wantedLeaves.containsKey(in)
                        : wantedNodes.containsKey(child) || needed.contains(child)) {
                    needed.add(node);
                    break;
                }
            }
        }
        return needed;
    }

    private void release(Tensor t) {
        if (t != null && !foreign.contains(t)) {
            t.close();
        }
    }
}
