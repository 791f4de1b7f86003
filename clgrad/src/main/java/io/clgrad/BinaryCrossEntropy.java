package io.clgrad;

import io.clgrad.backend.Backend;
import io.clgrad.backend.Buffer;
import java.util.Arrays;

/**
 * Binary cross-entropy, on probabilities (written from tensor ops, with PyTorch's gradient) and on
 * logits (the BCE kernels: a reduced loss on up to {@link Backend#FUSED_LOSS_MAX} elements is one
 * fused launch that also makes its gradient, a larger or unreduced one a per-element kernel and a
 * reduction). See {@link Functional#binaryCrossEntropy} and {@link Functional#binaryCrossEntropyWithLogits}.
 */
final class BinaryCrossEntropy {
    private BinaryCrossEntropy() {
    }

    private static final String LOGITS = "binary_cross_entropy_with_logits";
    private static final String LOGITS_NODE = "BinaryCrossEntropyWithLogitsBackward0";
    private static final float LOG_CLAMP = -100f;
    /** PyTorch's EPSILON in binary_cross_entropy_backward. */
    private static final float GRAD_EPS = 1e-12f;

    /** See {@link Functional#binaryCrossEntropyWithLogits}. */
    static Tensor withLogits(Tensor input, Tensor target, Tensor weight, Tensor posWeight, LossReduction reduction) {
        Losses.checkSameShape(LOGITS, input, target);
        if (reduction != LossReduction.NONE && input.numel() > 0 && input.numel() <= Backend.FUSED_LOSS_MAX) {
            return fused(input, target, weight, posWeight, reduction);
        }
        Tensor out;
        try (Autograd.Mode m = Autograd.noGrad(); OpLaunch l = new OpLaunch(LOGITS, input.device())) {
            Operands o = Operands.of(LOGITS, l, input, target, weight, posWeight);
            Tensor loss = reduction == LossReduction.NONE ? l.output(DType.FLOAT32, input.shapeRef())
                    : l.scratch(DType.FLOAT32, input.shapeRef());
            if (loss.numel() > 0) {
                input.backend().bceWithLogits(o.x, o.y, o.w, o.pw, l.buffer(loss), loss.numel());
            }
            out = l.keep(Losses.reduce(LOGITS, loss, reduction));
        }
        return Graph.record(out, LOGITS_NODE, new Tensor[] {input}, new Tensor[] {input, target, weight, posWeight},
                g -> new Tensor[] {withLogitsGrad(g, input, target, weight, posWeight, reduction)});
    }

    /**
     * A reduced loss as one fused forward+backward launch: the gradient with respect to the logits
     * is made with the loss (when the input requires grad) and handed out by the backward as it is
     * when the upstream gradient is backward()'s implicit 1, or scaled by it otherwise.
     */
    private static Tensor fused(Tensor input, Tensor target, Tensor weight, Tensor posWeight, LossReduction reduction) {
        int n = input.numel();
        boolean wantGrad = Graph.shouldRecord(input);
        Tensor loss;
        Tensor grad;
        try (Autograd.Mode m = Autograd.noGrad(); OpLaunch l = new OpLaunch(LOGITS, input.device())) {
            Operands o = Operands.of(LOGITS, l, input, target, weight, posWeight);
            loss = l.output(DType.FLOAT32, new int[0]);
            grad = wantGrad ? l.output(DType.FLOAT32, input.shapeRef()) : null;
            input.backend().bceWithLogitsFused(o.x, o.y, o.w, o.pw, l.buffer(loss), l.buffer(grad), n,
                    reduction == LossReduction.MEAN ? 1f / n : 1f);
            l.keep(loss);
        }
        return Losses.withSavedGradient(loss, grad, input, LOGITS_NODE);
    }

    /** d loss / d input, via the fused backward kernel (the target gets no gradient). */
    private static Tensor withLogitsGrad(Tensor g, Tensor input, Tensor target, Tensor weight, Tensor posWeight,
                                         LossReduction reduction) {
        int n = input.numel();
        String op = LOGITS + " backward";
        return OpLaunch.run(op, input.device(), DType.FLOAT32, input.shapeRef(), (l, out) -> {
            Operands o = Operands.of(op, l, input, target, weight, posWeight);
            float scale = reduction == LossReduction.MEAN ? 1f / n : 1f;
            input.backend().bceWithLogitsBackward(o.x, o.y, o.w, o.pw, l.dense(g),
                    reduction == LossReduction.NONE ? 1 : 0, scale, out, n);
        });
    }

    /**
     * The operands of a BCE kernel: input and target dense, weight and pos_weight (null when not
     * given) broadcast to the input's shape; the temporaries belong to the launch.
     */
    private record Operands(Buffer x, Buffer y, Buffer w, Buffer pw) {
        static Operands of(String op, OpLaunch l, Tensor input, Tensor target, Tensor weight, Tensor posWeight) {
            return new Operands(l.dense(input), l.dense(target), broadcast(op, l, "weight", weight, input),
                    broadcast(op, l, "pos_weight", posWeight, input));
        }

        private static Buffer broadcast(String op, OpLaunch l, String what, Tensor t, Tensor like) {
            return t == null ? null : l.operand(expandDense(op, what, t, like), t);
        }
    }

    /** See {@link Functional#binaryCrossEntropy}. */
    static Tensor probabilities(Tensor input, Tensor target, Tensor weight, LossReduction reduction) {
        String op = "binary_cross_entropy";
        Losses.checkSameShape(op, input, target);
        Tensor out;
        try (Autograd.Mode m = Autograd.noGrad()) {
            Tensor loss;
            try (TensorScope s = Tensors.scope(); Tensor floor = Tensor.full(input.device(), LOG_CLAMP)) {
                Tensor logX = input.log().maximum(floor);
                Tensor log1mX = input.neg().add(1f).log().maximum(floor);
                loss = target.mul(logX).add(target.neg().add(1f).mul(log1mX)).neg();
                if (weight != null) {
                    Tensor w = expandDense(op, "weight", weight, input);
                    loss = loss.mul(w);
                }
                s.keep(loss);
            }
            out = Losses.reduce(op, loss, reduction);
            if (out != loss) {
                loss.close();   // the per-element losses were this op's own, and are reduced
            }
        }
        return Graph.record(out, "BinaryCrossEntropyBackward0", new Tensor[] {input, target},
                new Tensor[] {input, target, weight},
                g -> new Tensor[] {
                    input.requiresGrad() ? probabilitiesGrad(op, g, input, target, weight, reduction) : null,
                    target.requiresGrad() ? probabilitiesTargetGrad(op, g, input, weight, reduction) : null});
    }

    /** d loss / d target: {@code g·w·(max(log(1-x), -100) - max(log x, -100))}, divided by the count for MEAN. */
    private static Tensor probabilitiesTargetGrad(String op, Tensor g, Tensor input, Tensor weight,
                                                  LossReduction reduction) {
        try (TensorScope s = Tensors.scope(); Tensor floor = Tensor.full(input.device(), LOG_CLAMP)) {
            Tensor logX = input.log().maximum(floor);
            Tensor log1mX = input.neg().add(1f).log().maximum(floor);
            return s.keep(weighted(op, log1mX.sub(logX).mul(g), input, weight, reduction));
        }
    }

    /** {@code g·w·(x-y) / max((1-x)·x, 1e-12)}, divided by the element count for MEAN. */
    private static Tensor probabilitiesGrad(String op, Tensor g, Tensor input, Tensor target, Tensor weight,
                                            LossReduction reduction) {
        try (TensorScope s = Tensors.scope(); Tensor eps = Tensor.full(input.device(), GRAD_EPS)) {
            Tensor denom = input.neg().add(1f).mul(input).maximum(eps);
            return s.keep(weighted(op, input.sub(target).div(denom).mul(g), input, weight, reduction));
        }
    }

    /** A per-element gradient times the weight (when given), divided by the element count for MEAN. */
    private static Tensor weighted(String op, Tensor grad, Tensor input, Tensor weight, LossReduction reduction) {
        if (weight != null) {
            grad = grad.mul(expandDense(op, "weight", weight, input));
        }
        if (reduction == LossReduction.MEAN) {
            grad = grad.div((float) input.numel());
        }
        return grad;
    }

    /** {@code t} broadcast to {@code like}'s shape as a dense tensor (a copy unless already dense and equal). */
    private static Tensor expandDense(String op, String what, Tensor t, Tensor like) {
        Checks.float32(op, what, t);
        Checks.sameDevice(op, t, like);
        int[] shape = like.shapeRef();
        int[] b;
        try {
            b = Shape.broadcast(op, t.shapeRef(), shape);
        } catch (IllegalArgumentException e) {
            b = null;
        }
        if (b == null || !Arrays.equals(b, shape)) {
            throw new IllegalArgumentException(op + ": " + what + " of shape " + Shape.str(t.shapeRef())
                    + " cannot be broadcast to the input shape " + Shape.str(shape));
        }
        if (Arrays.equals(t.shapeRef(), shape)) {
            return Layouts.dense(t);
        }
        try (Tensor e = t.expand(shape)) {
            return Layouts.copy(e);
        }
    }
}
