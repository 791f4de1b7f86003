package io.clgrad;

import io.clgrad.backend.Buffer;
import io.clgrad.backend.StridedView;
import java.lang.ref.Reference;
import java.util.ArrayList;
import java.util.List;

/**
 * One backend launch of an op (or read to the host), written once: after the op has checked its
 * arguments, it takes its operands here (a view that a kernel cannot read directly becomes a
 * temporary dense copy), allocates its outputs here and launches. Closing releases the temporaries, keeps every operand
 * reachable until then (so that no buffer is freed before the launch is enqueued), and closes the
 * outputs unless the op handed them out with {@link #keep}, so a failed launch leaks nothing. The
 * op then records its node with {@link Graph#record}.
 *
 * <pre>{@code
 * Checks.float32(op, x);
 * return OpLaunch.run(op, x.device(), DType.FLOAT32, x.shapeRef(),
 *         (l, out) -> x.backend().unary(f, l.dense(x), out, x.numel()));
 * }</pre>
 */
final class OpLaunch implements AutoCloseable {
    /** The launch of a one-output op, given its operands and the output's buffer. */
    @FunctionalInterface
    interface Kernel {
        void launch(OpLaunch operands, Buffer out);
    }

    private final String op;
    private final Device device;
    private final List<Tensor> operands = new ArrayList<>();
    private final List<Tensor> temporaries = new ArrayList<>();
    private final List<Tensor> outputs = new ArrayList<>();
    private boolean kept;

    /**
     * @param op     the op's name, for the message when an operand was closed
     * @param device where the outputs are allocated
     */
    OpLaunch(String op, Device device) {
        this.op = op;
        this.device = device;
    }

    /**
     * A one-output op: allocates the output, launches {@code kernel} unless the output is empty,
     * and releases the temporaries; the output is closed again if the launch fails.
     */
    static Tensor run(String op, Device device, DType dtype, int[] shape, Kernel kernel) {
        try (OpLaunch l = new OpLaunch(op, device)) {
            Tensor out = l.output(dtype, shape);
            if (out.numel() > 0) {
                kernel.launch(l, out.buffer(op));
            }
            return l.keep(out);
        }
    }

    /** The buffer of {@code x} made dense (a temporary copy of a strided view); null for null. */
    Buffer dense(Tensor x) {
        return x == null ? null : operand(Layouts.dense(x), x);
    }

    /**
     * The buffer of {@code source}, which is {@code x} itself or a temporary made from it (a copy
     * or a broadcast; released on close).
     */
    Buffer operand(Tensor source, Tensor x) {
        operands.add(x);
        if (source != x) {
            temporaries.add(source);
        }
        return source.buffer(op);
    }

    /** The buffer of {@code x} as it is, for a kernel that reads it through its own strides. */
    Buffer strided(Tensor x) {
        return operand(x, x);
    }

    /** {@code x} as it is (offset, shape, strides), for an op that reads or writes it through its view. */
    StridedView view(Tensor x) {
        operands.add(x);
        return x.stridedView(op);
    }

    /** {@code x} seen with the broadcast shape {@code shape} (size-1 and missing dims with stride 0). */
    StridedView broadcast(Tensor x, int[] shape) {
        operands.add(x);
        return Layouts.broadcastView(op, x, shape);
    }

    /** A new output, closed on {@link #close} unless {@link #keep} hands it out. */
    Tensor output(DType dtype, int[] shape) {
        Tensor out = Tensor.empty(device, dtype, shape);
        outputs.add(out);
        return out;
    }

    /** A new tensor that only this launch uses (e.g. a per-row mask before it is reduced), closed on close. */
    Tensor scratch(DType dtype, int[] shape) {
        Tensor t = Tensor.empty(device, dtype, shape);
        temporaries.add(t);
        return t;
    }

    /** The buffer of an output or scratch tensor; null for null (an output not wanted). */
    Buffer buffer(Tensor t) {
        return t == null ? null : t.buffer(op);
    }

    /** Marks the outputs as the op's result (not closed on close) and returns {@code result}. */
    <T> T keep(T result) {
        kept = true;
        return result;
    }

    @Override
    public void close() {
        for (Tensor t : temporaries) {
            t.close();
        }
        if (!kept) {
            for (Tensor t : outputs) {
                t.close();
            }
        }
        for (Tensor x : operands) {
            Reference.reachabilityFence(x);
        }
    }
}
