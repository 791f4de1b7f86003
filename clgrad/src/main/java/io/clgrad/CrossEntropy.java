package io.clgrad;

import io.clgrad.backend.Backend;
import io.clgrad.backend.BinaryOp;
import io.clgrad.backend.Buffer;
import io.clgrad.backend.ReduceOp;
import java.util.Arrays;

/**
 * Cross-entropy and the negative log-likelihood over classes. Class-index targets without a class
 * weight run the cross-entropy kernels (a reduced loss on up to {@link Backend#FUSED_LOSS_MAX}
 * elements as one fused launch that also makes its gradient); with a class weight, and for NLL,
 * the loss is written from tensor ops ({@link #nll}); class-probability targets likewise. Class
 * indices are checked against the class count on every path. See {@link Functional#crossEntropy}
 * and {@link Functional#nllLoss}.
 */
final class CrossEntropy {
    private CrossEntropy() {
    }

    private static final String OP = "cross_entropy";
    private static final String NODE = "NllLossBackward0";

    /** See {@link Functional#crossEntropy(Tensor, Tensor, Tensor, int, double, LossReduction)}. */
    static Tensor loss(Tensor input, Tensor target, Tensor weight, int ignoreIndex, double labelSmoothing,
                       LossReduction reduction) {
        Losses.checkGiven(OP, input, target);
        if (target.dtype() == DType.FLOAT32) {
            return probabilities(input, target, weight, labelSmoothing, reduction);
        }
        checkIndexTargets(OP, input, target, labelSmoothing);
        float smoothing = (float) labelSmoothing;
        if (weight != null) {
            checkClassWeight(OP, weight, input);
            return nll(OP, input.logSoftmax(1), target, weight, ignoreIndex, smoothing, reduction);
        }
        if (reduction != LossReduction.NONE && input.numel() > 0 && input.numel() <= Backend.FUSED_LOSS_MAX) {
            return fused(input, target, ignoreIndex, smoothing, reduction);
        }
        Tensor[] count = new Tensor[1];
        Tensor out;
        try (Autograd.Mode m = Autograd.noGrad()) {
            out = unfused(input, target, ignoreIndex, smoothing, reduction, count);
        }
        return Graph.record(out, NODE, new Tensor[] {input}, new Tensor[] {input, target},
                g -> new Tensor[] {unfusedGrad(g, input, target, ignoreIndex, smoothing, reduction, count[0])});
    }

    /** See {@link Functional#nllLoss}. */
    static Tensor nllLoss(Tensor input, Tensor target, Tensor weight, int ignoreIndex, LossReduction reduction) {
        String op = "nll_loss";
        Losses.checkGiven(op, input, target);
        checkIndexTargets(op, input, target, 0);
        if (weight != null) {
            checkClassWeight(op, weight, input);
        }
        return nll(op, input, target, weight, ignoreIndex, 0f, reduction);
    }

    /**
     * {@code -w_t·logp[t]} per row (selected, not multiplied by a one-hot mask), with label
     * smoothing {@code (1-ε)·that + (ε/C)·(-Σ_c w_c·logp[c])}, reduced as PyTorch does.
     */
    private static Tensor nll(String op, Tensor logp, Tensor target, Tensor weight, int ignoreIndex,
                              float labelSmoothing, LossReduction reduction) {
        checkClassTargets(op, target, logp.shape(1), ignoreIndex);
        Tensor picks;       // [N, C]: 1 at (r, t_r) for the rows that count
        Tensor valid;       // [N, 1]: 1 for the rows that count
        Tensor rowWeight;   // [N]: w[t_r] (1 without a weight) for the rows that count, else 0
        try (Autograd.Mode m = Autograd.noGrad();
             Tensor ar = Tensor.arange(logp.shape(1));
             Tensor arF = ar.toFloat();
             Tensor tf = target.toFloat();
             Tensor cls = arF.to(logp.device());
             Tensor t = tf.to(logp.device());
             Tensor tcol = t.unsqueeze(1);
             Tensor onehot = Elementwise.mask(BinaryOp.EQ, cls.unsqueeze(0), tcol)) {
            valid = Elementwise.mask(BinaryOp.NE, tcol, (float) ignoreIndex);   // float masks, summed below
            picks = onehot.mul(valid);
            if (weight == null) {
                rowWeight = valid.squeeze(1);
            } else {
                try (Tensor wRow = weight.unsqueeze(0); Tensor weighted = picks.mul(wRow)) {
                    rowWeight = weighted.sum(1);
                }
            }
        }
        Tensor loss = Elementwise.where0(picks, logp).sum(1).mul(rowWeight).neg();
        Tensor smooth = null;
        if (labelSmoothing > 0) {
            Tensor kept = Elementwise.where0(valid, logp);
            if (weight != null) {
                kept = kept.mul(weight.unsqueeze(0));
            }
            smooth = kept.sum(1).neg();
        }
        switch (reduction) {
            case NONE:
                break;
            case SUM:
                loss = loss.sum();
                smooth = smooth == null ? null : smooth.sum();
                break;
            case MEAN:
            default:
                Tensor total = rowWeight.sum();
                loss = loss.sum().div(total);
                smooth = smooth == null ? null : smooth.sum().div(total);
                break;
        }
        if (smooth == null) {
            return loss;
        }
        return loss.mul(1f - labelSmoothing).add(smooth.mul(labelSmoothing / logp.shape(1)));
    }

    /**
     * Class probabilities y ({@code [N, C]} float32, as the input):
     * {@code -Σ_c w_c·((1-ε)·y_c + ε/C)·log softmax(x)_c} per row; MEAN divides by N.
     */
    private static Tensor probabilities(Tensor input, Tensor target, Tensor weight, double labelSmoothing,
                                        LossReduction reduction) {
        Checks.float32(OP, input);
        Checks.sameDevice(OP, input, target);
        if (input.dim() != 2 || !Arrays.equals(input.shapeRef(), target.shapeRef())) {
            throw new IllegalArgumentException(OP + ": probability target shape " + Shape.str(target.shapeRef())
                    + " must be the same as input shape " + Shape.str(input.shapeRef())
                    + " ([batch, classes]; class indices are an int32 [batch] tensor)");
        }
        checkSmoothing(OP, labelSmoothing);
        if (weight != null) {
            checkClassWeight(OP, weight, input);
        }
        int classes = input.shape(1);
        Tensor y = target;
        if (labelSmoothing > 0) {
            y = y.mul((float) (1 - labelSmoothing)).add((float) (labelSmoothing / classes));
        }
        Tensor logp = input.logSoftmax(1);
        if (weight != null) {
            logp = logp.mul(weight.unsqueeze(0));
        }
        return Losses.reduce(OP, logp.mul(y).sum(1, false).neg(), reduction);
    }

    /**
     * A reduced cross-entropy as one fused forward+backward launch; the backward hands out the
     * saved gradient (scaled when the upstream gradient is not backward()'s implicit 1).
     */
    private static Tensor fused(Tensor input, Tensor target, int ignoreIndex, float labelSmoothing,
                                LossReduction reduction) {
        boolean wantGrad = Graph.shouldRecord(input);
        Tensor loss;
        Tensor grad;
        try (Autograd.Mode m = Autograd.noGrad(); OpLaunch l = new OpLaunch(OP, input.device())) {
            loss = l.output(DType.FLOAT32, new int[0]);
            grad = wantGrad ? l.output(DType.FLOAT32, input.shapeRef()) : null;
            input.backend().crossEntropyFused(l.dense(input), l.dense(target), l.buffer(loss), l.buffer(grad),
                    input.shape(0), input.shape(1), ignoreIndex, labelSmoothing, reduction == LossReduction.MEAN);
            l.keep(loss);
        }
        return Losses.withSavedGradient(loss, grad, input, NODE);
    }

    /**
     * The per-row kernel, then the reduction; for MEAN, {@code countOut[0]} receives the number of
     * rows that count (kept for the backward: the mean divides by it).
     */
    private static Tensor unfused(Tensor input, Tensor target, int ignoreIndex, float labelSmoothing,
                                  LossReduction reduction, Tensor[] countOut) {
        int rows = input.shape(0);
        int classes = input.shape(1);
        try (OpLaunch l = new OpLaunch(OP, input.device())) {
            int[] perRow = {rows};
            Tensor loss = reduction == LossReduction.NONE ? l.output(DType.FLOAT32, perRow)
                    : l.scratch(DType.FLOAT32, perRow);
            Tensor valid = l.scratch(DType.FLOAT32, perRow);
            if (rows > 0) {
                Buffer x = l.dense(input);
                Buffer t = l.dense(target);
                input.backend().checkClassTargets(OP, t, rows, classes, ignoreIndex);
                input.backend().crossEntropy(x, t, l.buffer(loss), l.buffer(valid), rows, classes, ignoreIndex,
                        labelSmoothing);
            }
            if (reduction != LossReduction.MEAN) {
                return l.keep(Losses.reduce(OP, loss, reduction));
            }
            try (Tensor total = DimReductions.all(OP, ReduceOp.SUM, loss)) {
                countOut[0] = DimReductions.all(OP, ReduceOp.SUM, valid);
                return l.keep(total.div(countOut[0]));
            }
        }
    }

    /** d loss / d logits via the softmax-cross-entropy backward kernel. */
    private static Tensor unfusedGrad(Tensor g, Tensor input, Tensor target, int ignoreIndex, float labelSmoothing,
                                      LossReduction reduction, Tensor count) {
        int rows = input.shape(0);
        int classes = input.shape(1);
        return OpLaunch.run(OP + " backward", input.device(), DType.FLOAT32, input.shapeRef(), (l, out) ->
                input.backend().crossEntropyBackward(l.dense(input), l.dense(target),
                        reduction == LossReduction.MEAN ? l.operand(g.div(count), g) : l.dense(g),
                        reduction == LossReduction.NONE ? 1 : 0, out, rows, classes, ignoreIndex, labelSmoothing));
    }

    /** See {@link Functional#checkClassTargets}. */
    static void checkClassTargets(String op, Tensor target, int classes, int ignoreIndex) {
        Checks.int32(op, "target", target);
        int n = target.numel();
        if (n == 0) {
            return;
        }
        try (OpLaunch l = new OpLaunch(op, target.device())) {
            target.backend().checkClassTargets(op, l.dense(target), n, classes, ignoreIndex);
        }
    }

    /** Float32 logits {@code [N, C]} and int32 class indices {@code [N]} on one device; ε in [0, 1]. */
    private static void checkIndexTargets(String op, Tensor input, Tensor target, double labelSmoothing) {
        Checks.float32(op, input);
        Checks.int32(op, "target", target);
        Checks.sameDevice(op, input, target);
        if (input.dim() != 2) {
            throw new IllegalArgumentException(op + ": input must be [batch, classes] logits, got shape "
                    + Shape.str(input.shapeRef()));
        }
        int rows = input.shape(0);
        if (target.dim() != 1 || target.shape(0) != rows) {
            throw new IllegalArgumentException(op + ": target shape " + Shape.str(target.shapeRef())
                    + " does not match input " + Shape.str(input.shapeRef()) + " (expected [" + rows + "])");
        }
        checkSmoothing(op, labelSmoothing);
    }

    private static void checkSmoothing(String op, double labelSmoothing) {
        if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) {
            throw new IllegalArgumentException(op + ": label smoothing must be in [0, 1], got " + labelSmoothing);
        }
    }

    /** A float32 weight per class, {@code [C]}, on the input's device. */
    private static void checkClassWeight(String op, Tensor weight, Tensor input) {
        Checks.float32(op, "weight", weight);
        Checks.sameDevice(op, weight, input);
        if (weight.dim() != 1 || weight.shape(0) != input.shape(1)) {
            throw new IllegalArgumentException(op + ": weight must be a float32 tensor of shape [" + input.shape(1)
                    + "] (one per class), got shape " + Shape.str(weight.shapeRef()));
        }
    }
}
