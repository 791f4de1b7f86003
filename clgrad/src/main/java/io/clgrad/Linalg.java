package io.clgrad;

import io.clgrad.backend.Backend;
import io.clgrad.backend.BinaryOp;
import io.clgrad.backend.Buffer;
import io.clgrad.backend.MatmulSpec;
import java.util.Arrays;

/** Matrix products with PyTorch's {@code matmul} shape rules, lowered to one batched backend GEMM. */
final class Linalg {
    private Linalg() {
    }

    /** One GEMM operand: the buffer to read (possibly of a temporary copy) and its strides. */
    private record Operand(Buffer buffer, int offset, int batchStride, int rowStride, int colStride) {
    }

    static Tensor matmul(Tensor a, Tensor b) {
        Tensor out;
        try (Autograd.Mode m = Autograd.noGrad()) {
            out = matmulRaw(a, b);
        }
        if (!Graph.shouldRecord(a, b)) {
            return out;
        }
        // gA = g·Bᵀ reads B and gB = Aᵀ·g reads A: each is saved only when the other needs a gradient
        return Graph.record(out, "MmBackward0", new Tensor[] {a, b},
                new Tensor[] {b.requiresGrad() ? a : null, a.requiresGrad() ? b : null}, g -> grads(g, a, b));
    }

    /**
     * Gradients of a matmul: with A, B promoted to at least 2-D (a 1-D A as [1, k], a 1-D B as
     * [k, 1]) and g seen with the promoted output shape, {@code gA = g·Bᵀ} and {@code gB = Aᵀ·g},
     * summed over broadcast batch dims and reshaped back.
     *
     * <p>For 2-D operands each gradient is made in its operand's memory layout, as PyTorch's
     * {@code mm_mat2_backward} does: when B is a transposed view (Linear's {@code x·Wᵀ}),
     * {@code gB = (gᵀ·A)ᵀ} is computed contiguous in the transposed layout and returned as a view,
     * so that the gradient reaching W through the transpose is contiguous and is never copied.
     */
    private static Tensor[] grads(Tensor g, Tensor a, Tensor b) {
        if (a.dim() == 2 && b.dim() == 2) {
            Tensor ga = null;
            Tensor gb = null;
            if (a.requiresGrad()) {
                ga = columnMajor(a) ? b.matmul(g.t()).t() : g.matmul(b.t());
            }
            if (b.requiresGrad()) {
                gb = columnMajor(b) ? g.t().matmul(a).t() : a.t().matmul(g);
            }
            return new Tensor[] {ga, gb};
        }
        Tensor a2 = a.dim() == 1 ? a.unsqueeze(0) : a;
        Tensor b2 = b.dim() == 1 ? b.unsqueeze(1) : b;
        int[] g2Shape = resultShape(2, 2, batchOf(a2, b2), a2.shape(-2), b2.shape(-1));
        Tensor g2 = g.reshape(g2Shape);
        Tensor ga = null;
        Tensor gb = null;
        if (a.requiresGrad()) {
            ga = Graph.sumTo(g2.matmul(b2.transpose(-1, -2)), a2.shapeRef()).reshape(a.shapeRef());
        }
        if (b.requiresGrad()) {
            gb = Graph.sumTo(a2.transpose(-1, -2).matmul(g2), b2.shapeRef()).reshape(b.shapeRef());
        }
        return new Tensor[] {ga, gb};
    }

    /** A 2-D tensor stored transposed: column-major, with more than one row and column. */
    private static boolean columnMajor(Tensor x) {
        int[] st = x.stridesRef();
        int[] sh = x.shapeRef();
        return sh[0] > 1 && sh[1] > 1 && st[0] == 1 && st[1] == sh[0];
    }

    private static int[] batchOf(Tensor a2, Tensor b2) {
        int[] as = a2.shapeRef();
        int[] bs = b2.shapeRef();
        return Shape.broadcast("matmul", Arrays.copyOf(as, as.length - 2), Arrays.copyOf(bs, bs.length - 2));
    }

    /**
     * A fused Linear layer, {@code act(x·Wᵀ + b)} with act ReLU or the identity, as one backend
     * {@code addmm} (one launch on OpenCL; B = Wᵀ is read through its strides). x is [*, in] and is
     * seen as [N, in]; the result is [*, out].
     *
     * <p>Backward (node "AddmmBackward0", or "ReluBackward0" with the ReLU): {@code gz = g} masked by
     * {@code out > 0} when fused with ReLU, then {@code gx = gz·W}, {@code gW = gzᵀ·x} (contiguous, the
     * weight's own layout) and {@code gb = Σ_rows gz}.
     */
    static Tensor linear(Tensor x, Tensor w, Tensor b, boolean relu) {
        String op = relu ? "linear_relu" : "linear";
        Checks.float32(op, x);
        Checks.float32(op, w);
        Checks.sameDevice(op, x, w);
        Checks.matrix(op, "weight", "[out_features, in_features]", w);
        int out = w.shapeRef()[0];
        int in = w.shapeRef()[1];
        if (x.dim() == 0 || x.shape(-1) != in) {
            throw new IllegalArgumentException(op + ": input shape " + Shape.str(x.shapeRef())
                    + " does not end in in_features=" + in + " (weight shape " + Shape.str(w.shapeRef()) + ")");
        }
        if (b != null) {
            Checks.float32(op, b);
            Checks.sameDevice(op, x, b);
            if (b.dim() != 1 || b.shapeRef()[0] != out) {
                throw new IllegalArgumentException(op + ": bias shape " + Shape.str(b.shapeRef()) + " must be ["
                        + out + "] (weight shape " + Shape.str(w.shapeRef()) + ")");
            }
        }
        if (x.dim() != 2) {
            int[] outShape = x.shape();
            outShape[outShape.length - 1] = out;
            int rows = 1;
            for (int d = 0; d < outShape.length - 1; d++) {
                rows *= outShape[d];
            }
            // rows spelled out rather than -1, which cannot be inferred when in_features is 0
            return linear(x.reshape(rows, in), w, b, relu).reshape(outShape);
        }
        Tensor y;
        boolean record = Graph.shouldRecord(x, w, b);
        try (Autograd.Mode m = Autograd.noGrad()) {
            y = linearRaw(x, w, b, relu, !record);
        }
        if (!record) {
            return y;
        }
        Tensor result = y;
        return Graph.record(y, relu ? "ReluBackward0" : "AddmmBackward0",
                b == null ? new Tensor[] {x, w} : new Tensor[] {x, w, b},
                new Tensor[] {w.requiresGrad() ? x : null, x.requiresGrad() ? w : null, relu ? result : null},
                g -> linearGrads(g, x, w, b, relu ? result : null));
    }

    /**
     * Linear layers in a row, each followed by a ReLU where {@code relu} says: {@code linear} in turn,
     * with its numbers and errors. In inference of a few rows (nothing recorded, packed weights) on a
     * backend that runs such chains ({@link io.clgrad.backend.Backend#addmmPackedChain}), one launch
     * for all of them: the hidden rows stay in the backend, and the CPU backend splits two layers over
     * two threads as one job.
     */
    static Tensor linearChain(Tensor x, Tensor[] w, Tensor[] b, boolean[] relu) {
        Tensor y = packedChain(x, w, b, relu);
        if (y != null) {
            return y;
        }
        Tensor h = x;
        for (int l = 0; l < w.length; l++) {
            h = linear(h, w[l], b[l], relu[l]);
        }
        return h;
    }

    /** {@link #linearChain} as one launch, or null when it cannot be (then layer by layer, with its checks). */
    private static Tensor packedChain(Tensor x, Tensor[] w, Tensor[] b, boolean[] relu) {
        int layers = w.length;
        // a step being recorded, a closed or unusual tensor: layer by layer, with linear's own checks
        if (layers < 2 || Step.isRecording() || x.isClosed() || x.dim() != 2 || x.dtype() != DType.FLOAT32
                || Graph.shouldRecord(x) || !x.backend().packedLinearChain()) {
            return null;
        }
        int rows = x.shapeRef()[0];
        int[] outs = new int[layers];
        int in = x.shapeRef()[1];
        for (int l = 0; l < layers; l++) {
            if (!chainable(x, w[l], b[l], in) || Graph.shouldRecord(w[l], b[l])) {
                return null;
            }
            outs[l] = w[l].shapeRef()[0];
            in = outs[l];
        }
        Tensor[] packed = new Tensor[layers];
        try {
            for (int l = 0; l < layers; l++) {
                packed[l] = PackedLinearWeights.forForward(w[l], rows);
                if (packed[l] == null) {
                    return null;
                }
            }
            int[] xs = x.stridesRef();
            MatmulSpec spec = new MatmulSpec(1, rows, outs[0], x.shapeRef()[1], x.offset(), 0, xs[0], xs[1], 0, 0, 0, 0);
            return OpLaunch.run("linear_chain", x.device(), DType.FLOAT32, new int[] {rows, outs[layers - 1]}, (l, y) -> {
                Buffer[] pw = new Buffer[layers];
                Buffer[] pb = new Buffer[layers];
                for (int i = 0; i < layers; i++) {
                    pw[i] = l.strided(packed[i]);
                    pb[i] = l.dense(b[i]);
                }
                x.backend().addmmPackedChain(spec, l.strided(x), pw, pb, relu.clone(), outs, y);
            });
        } finally {
            for (Tensor p : packed) {
                if (p != null) {
                    p.close();
                }
            }
        }
    }

    /** Whether layer W [out, in] (bias b or null) can follow an input of {@code in} features of x in a packed chain. */
    private static boolean chainable(Tensor x, Tensor w, Tensor b, int in) {
        return w != null && !w.isClosed() && w.dtype() == DType.FLOAT32 && w.device() == x.device()
                && w.dim() == 2 && w.shapeRef()[1] == in && in > 0 && w.shapeRef()[0] > 0
                && (b == null || !b.isClosed() && b.dtype() == DType.FLOAT32 && b.device() == x.device()
                        && b.dim() == 1 && b.shapeRef()[0] == w.shapeRef()[0]);
    }

    private static Tensor[] linearGrads(Tensor g, Tensor x, Tensor w, Tensor b, Tensor reluOut) {
        boolean wantB = b != null && b.requiresGrad();
        boolean fused = w.requiresGrad() && g.numel() > 0 && w.numel() > 0;
        // gz is written out only for x's gradient or the unfused path; otherwise the mask goes into the fused launch
        boolean maskInLaunch = reluOut != null && fused && !x.requiresGrad();
        Tensor gz = reluOut == null || maskInLaunch ? g : Elementwise.helper(BinaryOp.RELU_BACKWARD, g, reluOut);
        Tensor gx = x.requiresGrad() ? gz.matmul(w) : null;
        Tensor gw;
        Tensor gb;
        if (fused) {
            Tensor[] wb = weightGrads(gz, maskInLaunch ? reluOut : null, x, w.shapeRef(), wantB);
            gw = wb[0];
            gb = wb[1];
        } else {
            gw = w.requiresGrad() ? gz.t().matmul(x) : null;
            gb = wantB ? gz.sum(0, false) : null;
        }
        return b == null ? new Tensor[] {gx, gw} : new Tensor[] {gx, gw, gb};
    }

    /**
     * A Linear layer's weight gradient {@code gzᵀ·x} and, when {@code withBias}, its bias gradient
     * {@code Σ_rows gz} in one backend call ({@link io.clgrad.backend.Backend#linearGrad}: one launch
     * on OpenCL for the small products of a training step), gz being g, or g masked by
     * {@code reluOut > 0} when reluOut is given. Not differentiable: backward passes run without
     * recording (BackwardPass opens no-grad), so nothing needs its gradient.
     */
    private static Tensor[] weightGrads(Tensor g, Tensor reluOut, Tensor x, int[] wShape, boolean withBias) {
        int rows = g.shapeRef()[0];
        int[] xs = x.stridesRef();
        MatmulSpec spec = MatmulSpec.linearGrad(rows, wShape[0], wShape[1], x.offset(), xs[0], xs[1]);
        try (OpLaunch l = new OpLaunch("linear_backward", x.device())) {
            Tensor gw = l.output(DType.FLOAT32, wShape);
            Tensor gb = withBias ? l.output(DType.FLOAT32, new int[] {wShape[0]}) : null;
            x.backend().linearGrad(spec, l.dense(g), l.dense(reluOut), l.strided(x), l.buffer(gw), l.buffer(gb));
            return l.keep(new Tensor[] {gw, gb});
        }
    }

    /** The forward; {@code packable}: nothing records a node, so W may come from its packed copy. */
    private static Tensor linearRaw(Tensor x, Tensor w, Tensor b, boolean relu, boolean packable) {
        int n = x.shapeRef()[0];
        int out = w.shapeRef()[0];
        int in = w.shapeRef()[1];
        int[] xs = x.stridesRef();
        int[] ws = w.stridesRef();
        // B[p][j] = W[j][p]: W^T through W's strides
        MatmulSpec spec = new MatmulSpec(1, n, out, in, x.offset(), 0, xs[0], xs[1], w.offset(), 0, ws[1], ws[0]);
        // inference: W from a packed copy, for up to four rows (batch 1) or as the GEMM reads it; for
        // more rows only with x's rows contiguous: the backend's choice of kernel (so the bits) then
        // follows the sizes alone
        boolean fewRows = n <= Backend.PACKED_LINEAR_MAX_ROWS;
        Tensor packed = !packable || in == 0 ? null
                : fewRows ? PackedLinearWeights.forForward(w, n)
                : xs[1] == 1 && xs[0] != 1 ? PackedLinearWeights.forGemm(w, n) : null;
        if (packed != null) {
            try {
                return OpLaunch.run(relu ? "linear_relu" : "linear", x.device(), DType.FLOAT32, new int[] {n, out},
                        (l, y) -> {
                            if (fewRows) {
                                x.backend().addmmPacked(spec, l.strided(x), l.strided(packed), l.dense(b), relu, y);
                            } else {
                                x.backend().addmmGemmPacked(spec, l.strided(x), l.strided(packed), l.dense(b), relu, y);
                            }
                        });
            } finally {
                packed.close();
            }
        }
        return OpLaunch.run(relu ? "linear_relu" : "linear", x.device(), DType.FLOAT32, new int[] {n, out},
                (l, y) -> x.backend().addmm(spec, l.strided(x), l.strided(w), l.dense(b), relu, y));
    }

    private static Tensor matmulRaw(Tensor a, Tensor b) {
        Checks.float32("matmul", a);
        Checks.float32("matmul", b);
        Checks.sameDevice("matmul", a, b);
        if (a.dim() == 0 || b.dim() == 0) {
            throw new IllegalArgumentException("matmul: both arguments need at least 1 dimension, got "
                    + Shape.str(a.shapeRef()) + " and " + Shape.str(b.shapeRef()));
        }
        int[] as = a.dim() == 1 ? new int[] {1, a.shapeRef()[0]} : a.shapeRef();
        int[] bs = b.dim() == 1 ? new int[] {b.shapeRef()[0], 1} : b.shapeRef();
        int m = as[as.length - 2];
        int k = as[as.length - 1];
        int kb = bs[bs.length - 2];
        int n = bs[bs.length - 1];
        if (k != kb) {
            throw new IllegalArgumentException("matmul: " + Shape.str(a.shapeRef()) + " x " + Shape.str(b.shapeRef())
                    + ": inner dimensions " + k + " != " + kb);
        }
        int[] batchShape = Shape.broadcast("matmul", Arrays.copyOf(as, as.length - 2), Arrays.copyOf(bs, bs.length - 2));
        int batch = (int) Shape.numel(batchShape);
        int[] outShape = resultShape(a.dim(), b.dim(), batchShape, m, n);
        return OpLaunch.run("matmul", a.device(), DType.FLOAT32, outShape, (l, out) -> {
            if (k == 0) {
                a.backend().fill(out, Shape.numel(outShape), 0);   // an empty sum
                return;
            }
            Operand oa = operand(l, a, as, batchShape);
            Operand ob = operand(l, b, bs, batchShape);
            MatmulSpec spec = new MatmulSpec(batch, m, n, k,
                    oa.offset, oa.batchStride, oa.rowStride, oa.colStride,
                    ob.offset, ob.batchStride, ob.rowStride, ob.colStride);
            a.backend().matmul(spec, oa.buffer, ob.buffer, out);
        });
    }

    private static int[] resultShape(int ra, int rb, int[] batchShape, int m, int n) {
        int[] tail = ra == 1 && rb == 1 ? new int[0] : ra == 1 ? new int[] {n} : rb == 1 ? new int[] {m} : new int[] {m, n};
        int[] out = Arrays.copyOf(batchShape, batchShape.length + tail.length);
        System.arraycopy(tail, 0, out, batchShape.length, tail.length);
        return out;
    }

    /**
     * Strides for reading {@code x} (seen with matrix shape {@code xs}) as [batch, rows, cols].
     * Broadcast batches get stride 0; batch dims that cannot be expressed as one stride are copied
     * (a temporary of the launch {@code l}).
     */
    private static Operand operand(OpLaunch l, Tensor x, int[] xs, int[] batchShape) {
        int rank = xs.length;
        int[] strides = x.dim() == 1 ? oneDimStrides(x, xs) : x.stridesRef();
        int rowStride = strides[rank - 2];
        int colStride = strides[rank - 1];
        int[] xBatch = Arrays.copyOf(xs, rank - 2);
        if (Shape.numel(xBatch) == 1) {
            return new Operand(l.strided(x), x.offset(), 0, rowStride, colStride);
        }
        int batchStride = Shape.numel(xBatch) == Shape.numel(batchShape) ? uniformStride(xBatch, strides) : NONE;
        if (batchStride != NONE) {
            return new Operand(l.strided(x), x.offset(), batchStride, rowStride, colStride);
        }
        int[] full = Arrays.copyOf(batchShape, batchShape.length + 2);
        full[full.length - 2] = xs[rank - 2];
        full[full.length - 1] = xs[rank - 1];
        try (Tensor expanded = x.expand(full)) {
            int rows = xs[rank - 2];
            int cols = xs[rank - 1];
            return new Operand(l.operand(Layouts.copy(expanded), x), 0, rows * cols, cols, 1);
        }
    }

    /** A 1-D operand seen as [1, K] (A) or [K, 1] (B): the unused stride is irrelevant. */
    private static int[] oneDimStrides(Tensor x, int[] xs) {
        int s = x.stridesRef()[0];
        return new int[] {s, s};
    }

    private static final int NONE = Integer.MIN_VALUE;

    /**
     * The single stride that steps through the flattened batch dims (sizes > 1), or {@code NONE}
     * when the layout needs more than one.
     */
    private static int uniformStride(int[] batch, int[] strides) {
        int inner = NONE;
        int expected = NONE;
        for (int d = batch.length - 1; d >= 0; d--) {
            if (batch[d] == 1) {
                continue;
            }
            if (inner == NONE) {
                inner = strides[d];
            } else if (strides[d] != expected) {
                return NONE;
            }
            expected = strides[d] * batch[d];
        }
        return inner == NONE ? 0 : inner;
    }
}
