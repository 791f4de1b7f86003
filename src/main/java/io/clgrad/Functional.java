package io.clgrad;

import io.clgrad.backend.Backend;
import io.clgrad.backend.ReduceOp;

/**
 * Functional forms of the layers and losses, as in {@code torch.nn.functional}: {@code linear} and
 * the fused {@code linearRelu}, and the losses (BCE and BCE-with-logits, cross-entropy, NLL, MSE,
 * L1). Each validates shapes, dtypes and devices and names the problem. A reduced BCE-with-logits
 * or cross-entropy on up to {@code Backend.FUSED_LOSS_MAX} elements runs as one fused kernel that
 * also makes its gradient; the other forms are an elementwise (or per-row) kernel and a reduction,
 * and class targets are checked against the class count on every path.
 */
public final class Functional {
    private Functional() {
    }

    /**
     * A linear layer, {@code y = x·Wᵀ + b}, as {@code torch.nn.functional.linear}: one fused product
     * with the bias added in the same launch (no separate broadcast add).
     *
     * @param input  [*, in_features]
     * @param weight [out_features, in_features]
     * @param bias   [out_features], or null
     * @return [*, out_features]
     */
    public static Tensor linear(Tensor input, Tensor weight, Tensor bias) {
        return Linalg.linear(input, weight, bias, false);
    }

    /**
     * {@code relu(linear(input, weight, bias))} in one fused product: the bias and the ReLU are
     * applied as the product is written, and the backward masks the gradient with the output. The
     * numbers equal the unfused form's; {@link io.clgrad.nn.Sequential} uses it for a
     * {@code Linear} followed by a {@code ReLU}.
     *
     * @param input  [*, in_features]
     * @param weight [out_features, in_features]
     * @param bias   [out_features], or null
     * @return [*, out_features], every element at least 0
     */
    public static Tensor linearRelu(Tensor input, Tensor weight, Tensor bias) {
        return Linalg.linear(input, weight, bias, true);
    }

    /**
     * Binary cross-entropy on logits, computed stably:
     * {@code ℓ = w·[(1-y)·x + (1+(p-1)·y)·(log(1+e^{-|x|}) + max(-x, 0))]}, with p the positive
     * weight (1 when null) and w the element weight (1 when null).
     *
     * @param input     logits, any shape
     * @param target    targets in [0, 1], same shape as {@code input}
     * @param weight    per-element weight broadcastable to {@code input}, or null
     * @param posWeight weight of positive examples broadcastable to {@code input} (typically [C]), or null
     * @param reduction NONE (shape of input), MEAN or SUM (scalars)
     */
    public static Tensor binaryCrossEntropyWithLogits(Tensor input, Tensor target, Tensor weight,
                                                      Tensor posWeight, LossReduction reduction) {
        if (reduction != LossReduction.NONE && input.numel() > 0 && input.numel() <= Backend.FUSED_LOSS_MAX) {
            return bceFused(input, target, weight, posWeight, reduction);
        }
        Tensor out;
        try (Autograd.Mode m = Autograd.noGrad()) {
            out = bceRaw(input, target, weight, posWeight, reduction);
        }
        return Graph.record(out, "BinaryCrossEntropyWithLogitsBackward0", new Tensor[] {input},
                new Tensor[] {input, target, weight, posWeight},
                g -> new Tensor[] {bceGrad(g, input, target, weight, posWeight, reduction)});
    }

    /**
     * Binary cross-entropy between probabilities {@code x} and targets {@code y}, as
     * {@code torch.nn.functional.binary_cross_entropy}:
     * {@code ℓ = -w·[y·max(log x, -100) + (1-y)·max(log(1-x), -100)]}. Its gradient is PyTorch's
     * {@code w·(x-y) / max((1-x)·x, 1e-12)}, which stays finite where x is exactly 0 or 1 (a
     * saturated sigmoid); the chain rule through the clamped logs would give 0/0 = NaN there.
     *
     * @param input     probabilities in [0, 1], any shape
     * @param target    targets in [0, 1], same shape as {@code input}
     * @param weight    rescaling weight broadcastable to {@code input}, or null
     * @param reduction NONE (shape of input), MEAN or SUM (scalars)
     * @return the loss
     */
    public static Tensor binaryCrossEntropy(Tensor input, Tensor target, Tensor weight, LossReduction reduction) {
        String op = "binary_cross_entropy";
        checkBce(op, input, target);
        Tensor out;
        try (Autograd.Mode m = Autograd.noGrad()) {
            Tensor loss;
            try (TensorScope s = Tensors.scope(); Tensor floor = Tensor.full(input.device(), BCE_LOG_CLAMP)) {
                Tensor logX = input.log().maximum(floor);
                Tensor log1mX = input.neg().add(1f).log().maximum(floor);
                loss = target.mul(logX).add(target.neg().add(1f).mul(log1mX)).neg();
                if (weight != null) {
                    Tensor w = expandDense(op, "weight", weight, input);
                    loss = loss.mul(w);
                }
                s.keep(loss);
            }
            out = reduce(op, loss, reduction);
        }
        return Graph.record(out, "BinaryCrossEntropyBackward0", new Tensor[] {input, target},
                new Tensor[] {input, target, weight},
                g -> new Tensor[] {
                    input.requiresGrad() ? binaryCrossEntropyGrad(op, g, input, target, weight, reduction) : null,
                    target.requiresGrad() ? binaryCrossEntropyTargetGrad(op, g, input, weight, reduction) : null});
    }

    /** d loss / d target: {@code g·w·(max(log(1-x), -100) - max(log x, -100))}, divided by the count for MEAN. */
    private static Tensor binaryCrossEntropyTargetGrad(String op, Tensor g, Tensor input, Tensor weight,
                                                       LossReduction reduction) {
        try (TensorScope s = Tensors.scope(); Tensor floor = Tensor.full(input.device(), BCE_LOG_CLAMP)) {
            Tensor logX = input.log().maximum(floor);
            Tensor log1mX = input.neg().add(1f).log().maximum(floor);
            Tensor grad = log1mX.sub(logX).mul(g);
            if (weight != null) {
                grad = grad.mul(expandDense(op, "weight", weight, input));
            }
            if (reduction == LossReduction.MEAN) {
                grad = grad.div((float) input.numel());
            }
            return s.keep(grad);
        }
    }

    private static final float BCE_LOG_CLAMP = -100f;
    /** PyTorch's EPSILON in binary_cross_entropy_backward. */
    private static final float BCE_GRAD_EPS = 1e-12f;

    /** {@code g·w·(x-y) / max((1-x)·x, 1e-12)}, divided by the element count for MEAN. */
    private static Tensor binaryCrossEntropyGrad(String op, Tensor g, Tensor input, Tensor target, Tensor weight,
                                                 LossReduction reduction) {
        try (TensorScope s = Tensors.scope(); Tensor eps = Tensor.full(input.device(), BCE_GRAD_EPS)) {
            Tensor denom = input.neg().add(1f).mul(input).maximum(eps);
            Tensor grad = input.sub(target).div(denom).mul(g);
            if (weight != null) {
                grad = grad.mul(expandDense(op, "weight", weight, input));
            }
            if (reduction == LossReduction.MEAN) {
                grad = grad.div((float) input.numel());
            }
            return s.keep(grad);
        }
    }

    /**
     * A reduced loss as one fused forward+backward launch: the gradient with respect to the logits
     * is made with the loss (when the input requires grad) and handed out by the backward as it is
     * when the upstream gradient is backward()'s implicit 1, or scaled by it otherwise.
     */
    private static Tensor bceFused(Tensor input, Tensor target, Tensor weight, Tensor posWeight, LossReduction reduction) {
        String op = "binary_cross_entropy_with_logits";
        checkBce(op, input, target);
        boolean wantGrad = Graph.shouldRecord(input);
        Tensor loss;
        Tensor grad;
        try (Autograd.Mode m = Autograd.noGrad(); BceOperands o = new BceOperands(op, input, target, weight, posWeight)) {
            int n = input.numel();
            loss = Tensor.empty(input.device(), DType.FLOAT32, new int[0]);
            grad = wantGrad ? Tensor.empty(input.device(), DType.FLOAT32, input.shapeRef()) : null;
            input.backend().bceWithLogitsFused(o.x(), o.y(), o.w(), o.pw(), loss.buffer(op),
                    grad == null ? null : grad.buffer(op), n, reduction == LossReduction.MEAN ? 1f / n : 1f);
        }
        return withSavedGradient(loss, grad, input, "BinaryCrossEntropyWithLogitsBackward0");
    }

    private static void checkBce(String op, Tensor input, Tensor target) {
        Checks.float32(op, input);
        Checks.float32(op, target);
        Checks.sameDevice(op, input, target);
        if (!java.util.Arrays.equals(input.shapeRef(), target.shapeRef())) {
            throw new IllegalArgumentException(op + ": target size " + Shape.str(target.shapeRef())
                    + " must be the same as input size " + Shape.str(input.shapeRef()));
        }
    }

    /** d loss / d input, via the fused backward kernel (the target gets no gradient). */
    private static Tensor bceGrad(Tensor g, Tensor input, Tensor target, Tensor weight, Tensor posWeight,
                                  LossReduction reduction) {
        String op = "binary_cross_entropy_with_logits backward";
        try (BceOperands o = new BceOperands(op, input, target, weight, posWeight)) {
            Tensor gd = Layouts.dense(g);
            Tensor out = Tensor.empty(input.device(), DType.FLOAT32, input.shapeRef());
            int n = out.numel();
            if (n > 0) {
                float scale = reduction == LossReduction.MEAN ? 1f / n : 1f;
                input.backend().bceWithLogitsBackward(o.x(), o.y(), o.w(), o.pw(), gd.buffer(op),
                        reduction == LossReduction.NONE ? 1 : 0, scale, out.buffer(op), n);
            }
            return out;
        }
    }

    private static Tensor bceRaw(Tensor input, Tensor target, Tensor weight, Tensor posWeight, LossReduction reduction) {
        String op = "binary_cross_entropy_with_logits";
        checkBce(op, input, target);
        try (BceOperands o = new BceOperands(op, input, target, weight, posWeight)) {
            Tensor loss = Tensor.empty(input.device(), DType.FLOAT32, input.shapeRef());
            if (loss.numel() > 0) {
                input.backend().bceWithLogits(o.x(), o.y(), o.w(), o.pw(), loss.buffer(op), loss.numel());
            }
            return reduce(op, loss, reduction);
        }
    }

    /**
     * The dense operands of a BCE kernel: input and target as they are when dense, weight and
     * pos_weight broadcast to the input's shape; the temporaries are closed with it.
     */
    private static final class BceOperands implements AutoCloseable {
        private final String op;
        private final Tensor input;
        private final Tensor target;
        private final Tensor weight;
        private final Tensor posWeight;
        private final Tensor x;
        private final Tensor y;
        private final Tensor w;
        private final Tensor pw;

        BceOperands(String op, Tensor input, Tensor target, Tensor weight, Tensor posWeight) {
            this.op = op;
            this.input = input;
            this.target = target;
            this.weight = weight;
            this.posWeight = posWeight;
            this.x = Layouts.dense(input);
            this.y = Layouts.dense(target);
            this.w = weight == null ? null : expandDense(op, "weight", weight, input);
            this.pw = posWeight == null ? null : expandDense(op, "pos_weight", posWeight, input);
        }

        io.clgrad.backend.Buffer x() {
            return x.buffer(op);
        }

        io.clgrad.backend.Buffer y() {
            return y.buffer(op);
        }

        io.clgrad.backend.Buffer w() {
            return w == null ? null : w.buffer(op);
        }

        io.clgrad.backend.Buffer pw() {
            return pw == null ? null : pw.buffer(op);
        }

        @Override
        public void close() {
            Checks.closeTemp(x, input);
            Checks.closeTemp(y, target);
            if (w != null) {
                Checks.closeTemp(w, weight);
            }
            if (pw != null) {
                Checks.closeTemp(pw, posWeight);
            }
        }
    }

    /**
     * Softmax cross-entropy between logits and int32 class indices:
     * {@code ℓ_r = -((1-ε)·log p_r[t_r] + (ε/C)·Σ_c log p_r[c])}; rows whose target is
     * {@code ignoreIndex} contribute nothing, and MEAN divides by the number of other rows. A
     * target outside [0, C) that is not {@code ignoreIndex} raises
     * {@link io.clgrad.backend.TargetOutOfBoundsException}, as {@link #checkClassTargets} describes.
     *
     * @param input          logits [N, C]
     * @param target         int32 class indices [N] in [0, C) (or {@code ignoreIndex})
     * @param ignoreIndex    target value to skip (PyTorch's default is -100)
     * @param labelSmoothing ε in [0, 1]
     * @param reduction      NONE ([N]), MEAN or SUM
     */
    public static Tensor crossEntropy(Tensor input, Tensor target, int ignoreIndex, float labelSmoothing,
                                      LossReduction reduction) {
        if (reduction != LossReduction.NONE && input.dim() == 2 && input.numel() > 0
                && input.numel() <= Backend.FUSED_LOSS_MAX) {
            return crossEntropyFused(input, target, ignoreIndex, labelSmoothing, reduction);
        }
        Tensor[] count = new Tensor[1];
        Tensor out;
        try (Autograd.Mode m = Autograd.noGrad()) {
            out = crossEntropyRaw(input, target, ignoreIndex, labelSmoothing, reduction, count);
        }
        return Graph.record(out, "NllLossBackward0", new Tensor[] {input}, new Tensor[] {input, target},
                g -> new Tensor[] {crossEntropyGrad(g, input, target, ignoreIndex, labelSmoothing, reduction, count[0])});
    }

    /**
     * Softmax cross-entropy with a weight per class, as {@code torch.nn.functional.cross_entropy}
     * with {@code weight}: {@code ℓ_r = -w_t·logp_r[t]} plus, with label smoothing ε,
     * {@code (1-ε)·ℓ_r + (ε/C)·(-Σ_c w_c·logp_r[c])}; rows whose target is {@code ignoreIndex}
     * contribute exactly 0 (also when their logits hold -inf), and MEAN divides by {@code Σ w_t} over
     * the other rows (NaN when every row is ignored, with a zero gradient, as in PyTorch).
     *
     * @param input          logits [N, C]
     * @param target         int32 class indices [N] in [0, C) (or {@code ignoreIndex})
     * @param weight         float32 weight per class [C], or null (then as {@link #crossEntropy(Tensor, Tensor, int, float, LossReduction)})
     * @param ignoreIndex    target value to skip
     * @param labelSmoothing ε in [0, 1]
     * @param reduction      NONE ([N]), MEAN or SUM
     * @return the loss
     */
    public static Tensor crossEntropy(Tensor input, Tensor target, Tensor weight, int ignoreIndex,
                                      float labelSmoothing, LossReduction reduction) {
        if (weight == null) {
            return crossEntropy(input, target, ignoreIndex, labelSmoothing, reduction);
        }
        String op = "cross_entropy";
        checkCrossEntropy(op, input, target, labelSmoothing);
        checkClassWeight(op, weight, input);
        return nll(op, input.logSoftmax(1), target, weight, ignoreIndex, labelSmoothing, reduction);
    }

    /**
     * The negative log-likelihood loss on log-probabilities, as {@code torch.nn.functional.nll_loss}:
     * {@code ℓ_r = -w_t·x_r[t]} with t the row's target (w 1 when null); rows whose target is
     * {@code ignoreIndex} contribute exactly 0 and no gradient, and MEAN divides by {@code Σ w_t}
     * over the other rows (NaN when every row is ignored, with a zero gradient, as in PyTorch). The
     * entries that are not picked are never multiplied, so a -inf log-probability elsewhere in a row
     * does not make it NaN. A target outside [0, C) that is not {@code ignoreIndex} raises as
     * {@link #checkClassTargets} describes.
     *
     * @param input       log-probabilities [N, C]
     * @param target      int32 class indices [N]
     * @param weight      float32 weight per class [C], or null
     * @param ignoreIndex target value to skip
     * @param reduction   NONE ([N]), MEAN or SUM
     * @return the loss
     */
    public static Tensor nllLoss(Tensor input, Tensor target, Tensor weight, int ignoreIndex, LossReduction reduction) {
        String op = "nll_loss";
        checkCrossEntropy(op, input, target, 0f);
        if (weight != null) {
            checkClassWeight(op, weight, input);
        }
        return nll(op, input, target, weight, ignoreIndex, 0f, reduction);
    }

    private static void checkClassWeight(String op, Tensor weight, Tensor input) {
        Checks.float32(op, weight);
        Checks.sameDevice(op, weight, input);
        if (weight.dim() != 1 || weight.shape(0) != input.shape(1)) {
            throw new IllegalArgumentException(op + ": weight must be a float32 tensor of shape [" + input.shape(1)
                    + "] (one per class), got shape " + Shape.str(weight.shapeRef()));
        }
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
             Tensor onehot = cls.unsqueeze(0).eq(tcol)) {
            valid = tcol.ne((float) ignoreIndex);
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
     * A reduced cross-entropy as one fused forward+backward launch; the backward hands out the
     * saved gradient (scaled when the upstream gradient is not backward()'s implicit 1).
     */
    private static Tensor crossEntropyFused(Tensor input, Tensor target, int ignoreIndex, float labelSmoothing,
                                            LossReduction reduction) {
        String op = "cross_entropy";
        checkCrossEntropy(op, input, target, labelSmoothing);
        int rows = input.shape(0);
        int classes = input.shape(1);
        boolean wantGrad = Graph.shouldRecord(input);
        Tensor loss;
        Tensor grad;
        try (Autograd.Mode m = Autograd.noGrad()) {
            Tensor x = Layouts.dense(input);
            Tensor t = Layouts.dense(target);
            try {
                loss = Tensor.empty(input.device(), DType.FLOAT32, new int[0]);
                grad = wantGrad ? Tensor.empty(input.device(), DType.FLOAT32, input.shapeRef()) : null;
                input.backend().crossEntropyFused(x.buffer(op), t.buffer(op), loss.buffer(op),
                        grad == null ? null : grad.buffer(op), rows, classes, ignoreIndex, labelSmoothing,
                        reduction == LossReduction.MEAN);
            } finally {
                Checks.closeTemp(x, input);
                Checks.closeTemp(t, target);
            }
        }
        return withSavedGradient(loss, grad, input, "NllLossBackward0");
    }

    /**
     * Records a fused loss whose gradient with respect to {@code input} was made with it (null when
     * no gradient is needed): the backward hands it out as is for backward()'s implicit 1, else
     * scaled by the upstream gradient. It reads no tensor but its own private gradient, which no
     * one else can write, so it saves no versions: writing into the input or target after the
     * forward leaves the gradient of the loss that was computed.
     */
    private static Tensor withSavedGradient(Tensor loss, Tensor grad, Tensor input, String node) {
        if (grad == null) {
            return loss;
        }
        return Graph.record(loss, node, new Tensor[] {input}, g -> {
            if (g.isImplicitOne()) {
                return new Tensor[] {grad};
            }
            Tensor scaled = grad.mul(g);
            grad.close();   // the node is used once: its saved gradient is done with
            return new Tensor[] {scaled};
        });
    }

    /**
     * Checks int32 class-index targets: a value outside {@code [0, classes)} that is not
     * {@code ignoreIndex} raises {@link io.clgrad.backend.TargetOutOfBoundsException} naming
     * {@code op}, the value and its index (PyTorch's {@code IndexError: Target 10 is out of bounds.}).
     * On the CPU backend it is raised here; an OpenCL device checks on the device without waiting
     * and raises it from the calling thread's next read from that device ({@code item()},
     * {@code toFloatArray()}, ...) or {@code Device.synchronize()}. The losses call it themselves;
     * it is public for losses built from tensor ops elsewhere.
     *
     * @param op          the loss, for the message (e.g. {@code nll_loss})
     * @param target      int32 class indices, any shape
     * @param classes     the number of classes C
     * @param ignoreIndex the target value that is skipped
     * @throws IllegalArgumentException when the target is not int32
     */
    public static void checkClassTargets(String op, Tensor target, int classes, int ignoreIndex) {
        Checks.int32(op, "target", target);
        int n = target.numel();
        if (n == 0) {
            return;
        }
        Tensor t = Layouts.dense(target);
        try {
            target.backend().checkClassTargets(op, t.buffer(op), n, classes, ignoreIndex);
        } finally {
            Checks.closeTemp(t, target);
        }
    }

    private static void checkCrossEntropy(String op, Tensor input, Tensor target, float labelSmoothing) {
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
        if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) {
            throw new IllegalArgumentException(op + ": label smoothing must be in [0, 1], got " + labelSmoothing);
        }
    }

    /** d loss / d logits via the fused softmax-cross-entropy backward kernel. */
    private static Tensor crossEntropyGrad(Tensor g, Tensor input, Tensor target, int ignoreIndex, float labelSmoothing,
                                           LossReduction reduction, Tensor count) {
        String op = "cross_entropy backward";
        Tensor x = Layouts.dense(input);
        Tensor t = Layouts.dense(target);
        Tensor scaled = reduction == LossReduction.MEAN ? g.div(count) : Layouts.dense(g);
        int rows = input.shape(0);
        int classes = input.shape(1);
        Tensor out = Tensor.empty(input.device(), DType.FLOAT32, input.shapeRef());
        if (rows > 0 && classes > 0) {
            input.backend().crossEntropyBackward(x.buffer(op), t.buffer(op), scaled.buffer(op),
                    reduction == LossReduction.NONE ? 1 : 0, out.buffer(op), rows, classes, ignoreIndex, labelSmoothing);
        }
        return out;
    }

    private static Tensor crossEntropyRaw(Tensor input, Tensor target, int ignoreIndex, float labelSmoothing,
                                          LossReduction reduction, Tensor[] countOut) {
        String op = "cross_entropy";
        checkCrossEntropy(op, input, target, labelSmoothing);
        int rows = input.shape(0);
        int classes = input.shape(1);
        Tensor x = Layouts.dense(input);
        Tensor t = Layouts.dense(target);
        Tensor loss = Tensor.empty(input.device(), DType.FLOAT32, new int[] {rows});
        Tensor valid = Tensor.empty(input.device(), DType.FLOAT32, new int[] {rows});
        try {
            if (rows > 0) {
                input.backend().checkClassTargets(op, t.buffer(op), rows, classes, ignoreIndex);
                input.backend().crossEntropy(x.buffer(op), t.buffer(op), loss.buffer(op), valid.buffer(op),
                        rows, classes, ignoreIndex, labelSmoothing);
            }
            if (reduction != LossReduction.MEAN) {
                return reduce(op, loss, reduction);
            }
            try (Tensor total = DimReductions.all(op, ReduceOp.SUM, loss)) {
                Tensor count = DimReductions.all(op, ReduceOp.SUM, valid);
                countOut[0] = count;   // kept for the backward: mean divides by the non-ignored rows
                loss.close();
                return total.div(count);
            }
        } finally {
            valid.close();
            Checks.closeTemp(x, input);
            Checks.closeTemp(t, target);
        }
    }

    private static Tensor reduce(String op, Tensor loss, LossReduction reduction) {
        switch (reduction) {
            case NONE:
                return loss;
            case SUM:
            case MEAN:
                try {
                    return DimReductions.all(op, reduction == LossReduction.SUM ? ReduceOp.SUM : ReduceOp.MEAN, loss);
                } finally {
                    loss.close();
                }
            default:
                throw new IllegalArgumentException(op + ": unknown reduction " + reduction);
        }
    }

    /** {@code t} broadcast to {@code like}'s shape as a dense tensor (a copy unless already dense and equal). */
    private static Tensor expandDense(String op, String what, Tensor t, Tensor like) {
        Checks.float32(op, t);
        Checks.sameDevice(op, t, like);
        int[] shape = like.shapeRef();
        int[] b;
        try {
            b = Shape.broadcast(op, t.shapeRef(), shape);
        } catch (IllegalArgumentException e) {
            b = null;
        }
        if (b == null || !java.util.Arrays.equals(b, shape)) {
            throw new IllegalArgumentException(op + ": " + what + " of shape " + Shape.str(t.shapeRef())
                    + " cannot be broadcast to the input shape " + Shape.str(shape));
        }
        if (java.util.Arrays.equals(t.shapeRef(), shape)) {
            return Layouts.dense(t);
        }
        try (Tensor e = t.expand(shape)) {
            return Layouts.copy(e);
        }
    }
}
