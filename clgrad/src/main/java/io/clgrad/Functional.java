package io.clgrad;

/**
 * Functional forms of the layers and losses, as in {@code torch.nn.functional}: {@code linear} and
 * the fused {@code linearRelu}, and the losses (BCE and BCE-with-logits, cross-entropy, NLL, MSE,
 * L1) with a {@link LossReduction}, and the convolutions {@code conv2d} and {@code conv1d} (done by the
 * package-private {@code Convolution}: im2col and the tuned GEMM). Each checks its arguments' shapes, dtypes and devices and names
 * the problem; the {@code io.clgrad.nn} layers and losses call these. Each method here is the
 * documented entry; the work is done in package-private classes: {@code Linalg} for the layers,
 * {@code BinaryCrossEntropy}, {@code CrossEntropy} and {@code Losses} for the losses. Some losses
 * run their own kernels (BCE-with-logits, and cross-entropy on class indices without a class
 * weight: one fused launch that also makes the gradient when the loss is reduced and small, else a
 * per-element or per-row kernel and a reduction); the others are written from tensor ops.
 *
 * <pre>{@code
 * Tensor logits = Functional.linear(x, w, b);                         // [N, C]
 * Tensor loss = Functional.crossEntropy(logits, labels, -100, 0.0, LossReduction.MEAN);
 * loss.backward();
 * }</pre>
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
     * Linear layers in a row, each followed by a ReLU where {@code relu} says:
     * {@code h_{l+1} = act_l(h_l·W_lᵀ + b_l)} from {@code h_0 = input}, the numbers and errors of
     * {@link #linear} and {@link #linearRelu} applied in turn. In inference of at most four rows
     * (nothing records a gradient) on the CPU backend, the layers run as one launch whose hidden rows
     * stay in the backend, two layers at a time split over two threads as one job;
     * {@link io.clgrad.nn.Sequential} uses it for its runs of Linear layers and ReLUs.
     *
     * @param input   [*, in_features of the first layer]
     * @param weights each layer's weight, [out_features, in_features]; each layer's in_features is the
     *                previous layer's out_features
     * @param biases  each layer's bias [out_features], or null entries (as many as weights)
     * @param relu    whether a ReLU follows each layer (as many as weights)
     * @return [*, out_features of the last layer]
     * @throws IllegalArgumentException when the three arrays differ in length or are empty, a weight is
     *                                  null, or a layer's shapes do not fit (the message names the layer's
     *                                  op and shapes)
     */
    public static Tensor linearChain(Tensor input, Tensor[] weights, Tensor[] biases, boolean[] relu) {
        if (weights.length == 0 || biases.length != weights.length || relu.length != weights.length) {
            throw new IllegalArgumentException("linearChain: needs as many biases and ReLU flags as weights, at least one"
                    + " layer; got " + weights.length + " weights, " + biases.length + " biases, " + relu.length
                    + " ReLU flags");
        }
        for (int l = 0; l < weights.length; l++) {
            if (weights[l] == null) {
                throw new IllegalArgumentException("linearChain: weight " + l + " is null (every layer needs one)");
            }
        }
        return Linalg.linearChain(input, weights.clone(), biases.clone(), relu.clone());
    }

    /**
     * Binary cross-entropy on logits, as {@code torch.nn.functional.binary_cross_entropy_with_logits},
     * computed stably:
     * {@code ℓ = w·[(1-y)·x + (1+(p-1)·y)·(log(1+e^{-|x|}) + max(-x, 0))]}, with p the positive
     * weight (1 when null) and w the element weight (1 when null).
     *
     * @param input     logits, any shape
     * @param target    targets in [0, 1], same shape as {@code input}
     * @param weight    per-element weight broadcastable to {@code input}, or null
     * @param posWeight weight of positive examples broadcastable to {@code input} (typically [C]), or null
     * @param reduction NONE (shape of input), MEAN or SUM (scalars)
     * @return the loss
     */
    public static Tensor binaryCrossEntropyWithLogits(Tensor input, Tensor target, Tensor weight,
                                                      Tensor posWeight, LossReduction reduction) {
        return BinaryCrossEntropy.withLogits(input, target, weight, posWeight, reduction);
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
        return BinaryCrossEntropy.probabilities(input, target, weight, reduction);
    }

    /**
     * Softmax cross-entropy between logits and int32 class indices, as
     * {@code torch.nn.functional.cross_entropy}:
     * {@code ℓ_r = -((1-ε)·log p_r[t_r] + (ε/C)·Σ_c log p_r[c])}; rows whose target is
     * {@code ignoreIndex} contribute nothing, and MEAN divides by the number of other rows. A
     * target outside [0, C) that is not {@code ignoreIndex} raises
     * {@link io.clgrad.backend.TargetOutOfBoundsException}, as {@link #checkClassTargets} describes.
     *
     * @param input          logits [N, C]
     * @param target         int32 class indices [N] in [0, C) (or {@code ignoreIndex}), or float32
     *                       class probabilities [N, C] (see {@link #crossEntropy(Tensor, Tensor, Tensor, int, double, LossReduction)})
     * @param ignoreIndex    target value to skip (PyTorch's default is -100)
     * @param labelSmoothing ε in [0, 1]
     * @param reduction      NONE ([N]), MEAN or SUM
     * @return the loss
     */
    public static Tensor crossEntropy(Tensor input, Tensor target, int ignoreIndex, double labelSmoothing,
                                      LossReduction reduction) {
        return CrossEntropy.loss(input, target, null, ignoreIndex, labelSmoothing, reduction);
    }

    /**
     * Softmax cross-entropy with a weight per class, as {@code torch.nn.functional.cross_entropy}
     * with {@code weight}: {@code ℓ_r = -w_t·logp_r[t]} plus, with label smoothing ε,
     * {@code (1-ε)·ℓ_r + (ε/C)·(-Σ_c w_c·logp_r[c])}; rows whose target is {@code ignoreIndex}
     * contribute exactly 0 (also when their logits hold -inf), and MEAN divides by {@code Σ w_t} over
     * the other rows (NaN when every row is ignored, with a zero gradient, as in PyTorch). With
     * class probabilities y (a float32 target of the input's shape),
     * {@code ℓ_r = -Σ_c w_c·((1-ε)·y_rc + ε/C)·logp_r[c]} and MEAN divides by N.
     *
     * @param input          logits [N, C]
     * @param target         int32 class indices [N] in [0, C) (or {@code ignoreIndex}), or float32
     *                       class probabilities [N, C]
     * @param weight         float32 weight per class [C], or null
     * @param ignoreIndex    target value to skip
     * @param labelSmoothing ε in [0, 1]
     * @param reduction      NONE ([N]), MEAN or SUM
     * @return the loss
     */
    public static Tensor crossEntropy(Tensor input, Tensor target, Tensor weight, int ignoreIndex,
                                      double labelSmoothing, LossReduction reduction) {
        return CrossEntropy.loss(input, target, weight, ignoreIndex, labelSmoothing, reduction);
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
        return CrossEntropy.nllLoss(input, target, weight, ignoreIndex, reduction);
    }

    /**
     * The mean squared error, as {@code torch.nn.functional.mse_loss}: {@code ℓ = (x - y)²} per
     * element, reduced.
     *
     * @param input     float32, any shape
     * @param target    float32, the same shape and device
     * @param reduction NONE (shape of input), MEAN or SUM (scalars)
     * @return the loss
     */
    public static Tensor mseLoss(Tensor input, Tensor target, LossReduction reduction) {
        return Losses.mse(input, target, reduction);
    }

    /**
     * The mean absolute error, as {@code torch.nn.functional.l1_loss}: {@code ℓ = |x - y|} per
     * element, reduced.
     *
     * @param input     float32, any shape
     * @param target    float32, the same shape and device
     * @param reduction NONE (shape of input), MEAN or SUM (scalars)
     * @return the loss
     */
    public static Tensor l1Loss(Tensor input, Tensor target, LossReduction reduction) {
        return Losses.l1(input, target, reduction);
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
        CrossEntropy.checkClassTargets(op, target, classes, ignoreIndex);
    }

    /**
     * A 2-D convolution with stride 1, no padding, dilation 1 and one group, as
     * {@code torch.nn.functional.conv2d(input, weight, bias)}; see
     * {@link #conv2d(Tensor, Tensor, Tensor, int[], int[], int[], int)}.
     *
     * @param input  [N, C_in, H, W], or [C_in, H, W] unbatched
     * @param weight [C_out, C_in, kH, kW]
     * @param bias   [C_out], or null
     * @return [N, C_out, H - kH + 1, W - kW + 1]
     */
    public static Tensor conv2d(Tensor input, Tensor weight, Tensor bias) {
        return Convolution.conv2d(input, weight, bias, new int[] {1}, new int[] {0}, new int[] {1}, 1);
    }

    /**
     * A 2-D convolution with the same stride, padding and dilation along both axes; see
     * {@link #conv2d(Tensor, Tensor, Tensor, int[], int[], int[], int)}.
     *
     * @param input    [N, C_in, H, W], or [C_in, H, W] unbatched
     * @param weight   [C_out, C_in/groups, kH, kW]
     * @param bias     [C_out], or null
     * @param stride   step of the window along both axes, at least 1
     * @param padding  zeros added on every side, at least 0
     * @param dilation spacing of the kernel taps, at least 1
     * @param groups   channel groups, dividing C_in and C_out
     * @return [N, C_out, H_out, W_out]
     */
    public static Tensor conv2d(Tensor input, Tensor weight, Tensor bias, int stride, int padding, int dilation,
                                int groups) {
        return Convolution.conv2d(input, weight, bias, new int[] {stride}, new int[] {padding}, new int[] {dilation},
                groups);
    }

    /**
     * A 2-D convolution over an input of several planes, as {@code torch.nn.functional.conv2d}
     * (cross-correlation, like PyTorch's):
     * {@code out[n][o][y][x] = bias[o] + Σ_{c,i,j} weight[o][c][i][j] · in[n][g·C_in/groups + c][y·sH - pH + i·dH][x·sW - pW + j·dW]}
     * with g = o / (C_out/groups) and zeros outside the input. Computed as im2col on the backend
     * and one product per group on its tuned GEMM; differentiable in input, weight and bias
     * (node {@code ConvolutionBackward0}).
     *
     * <p>Shapes: {@code H_out = floor((H + 2·pH - dH·(kH-1) - 1) / sH) + 1}, likewise W_out.
     *
     * <pre>{@code
     * Tensor x = Tensor.randn(20, 16, 50, 100);
     * Tensor w = Tensor.randn(33, 16, 3, 5);
     * Tensor y = Functional.conv2d(x, w, null, new int[] {2, 1}, new int[] {4, 2}, new int[] {3, 1}, 1);
     * }</pre>
     *
     * @param input    [N, C_in, H, W], or [C_in, H, W] unbatched
     * @param weight   [C_out, C_in/groups, kH, kW]
     * @param bias     [C_out], or null
     * @param stride   {sH, sW} or one value for both, each at least 1
     * @param padding  {pH, pW} zeros added on both sides of each axis, or one value for all; at least 0
     * @param dilation {dH, dW} spacing of the kernel taps, or one value for both; at least 1
     * @param groups   channel groups, dividing C_in and C_out (groups = C_in is a depthwise convolution)
     * @return [N, C_out, H_out, W_out] (or [C_out, H_out, W_out] for an unbatched input)
     * @throws IllegalArgumentException naming the problem (PyTorch's messages) for wrong ranks,
     *                                  channels not matching the weight and groups, a bias of the wrong
     *                                  size, a kernel larger than the padded input, or bad arguments
     */
    public static Tensor conv2d(Tensor input, Tensor weight, Tensor bias, int[] stride, int[] padding, int[] dilation,
                                int groups) {
        return Convolution.conv2d(input, weight, bias, stride, padding, dilation, groups);
    }

    /**
     * A 2-D convolution followed by batch normalisation with running statistics (a {@code Conv2d}
     * then a {@code BatchNorm2d} in evaluation mode):
     * {@code batchNorm(conv2d(input, weight, bias, ...), runningMean, runningVar, bnWeight, bnBias, false, 0, eps)}.
     * Where the call records no autograd node and no step is being recorded, it runs as one
     * convolution with the normalisation folded into its weight and bias, as PyTorch's
     * {@code fuse_conv_bn_eval} folds them: {@code r = 1/sqrt(var + eps)}, {@code W' = W·(γ·r)} per
     * output channel, {@code b' = (b − mean)·r·γ + β}; the folded pair is kept with the weight while
     * none of the six tensors changes (their versions), so repeated inference calls fold once. The
     * results equal the unfolded ones up to float rounding (the products are scaled before they are
     * summed).
     * {@code Sequential} runs a Conv2d followed by a BatchNorm2d in evaluation mode through this.
     *
     * <pre>{@code
     * try (var g = Autograd.noGrad()) {
     *     Tensor y = Functional.conv2dBatchNorm(x, w, null, new int[] {1}, new int[] {1}, new int[] {1}, 1,
     *             bn.runningMean(), bn.runningVar(), bn.weight(), bn.bias(), 1e-5);
     * }
     * }</pre>
     *
     * @param input       [N, C_in, H, W] (4-D, as BatchNorm2d takes)
     * @param weight      [C_out, C_in/groups, kH, kW]
     * @param bias        [C_out], or null
     * @param stride      as {@link #conv2d(Tensor, Tensor, Tensor, int[], int[], int[], int)}
     * @param padding     as there
     * @param dilation    as there
     * @param groups      as there
     * @param runningMean [C_out]
     * @param runningVar  [C_out]
     * @param bnWeight    γ [C_out], or null
     * @param bnBias      β [C_out], or null
     * @param eps         added to the variance
     * @return [N, C_out, H_out, W_out]
     * @throws IllegalArgumentException for an input that is not 4-D, and as conv2d and batchNorm do
     *                                  (the unfolded path checks bad arguments)
     */
    public static Tensor conv2dBatchNorm(Tensor input, Tensor weight, Tensor bias, int[] stride, int[] padding,
                                         int[] dilation, int groups, Tensor runningMean, Tensor runningVar,
                                         Tensor bnWeight, Tensor bnBias, double eps) {
        return ConvBatchNormFold.forward(input, weight, bias, stride, padding, dilation, groups, runningMean,
                runningVar, bnWeight, bnBias, eps);
    }

    /**
     * A 2-D convolution with PyTorch's padding strings: {@code "valid"} (no padding) or
     * {@code "same"} (the output as large as the input; stride must be 1; an odd total padding puts
     * the extra zero row or column at the bottom or right, as PyTorch does); see
     * {@link #conv2d(Tensor, Tensor, Tensor, int[], int[], int[], int)}.
     *
     * <pre>{@code
     * Tensor y = Functional.conv2d(x, w, b, new int[] {1}, "same", new int[] {1}, 1);   // [N, C_out, H, W]
     * }</pre>
     *
     * @param input    [N, C_in, H, W], or [C_in, H, W] unbatched
     * @param weight   [C_out, C_in/groups, kH, kW]
     * @param bias     [C_out], or null
     * @param stride   {sH, sW} or one value for both
     * @param padding  "same" or "valid"
     * @param dilation {dH, dW} or one value for both
     * @param groups   channel groups
     * @return [N, C_out, H_out, W_out]
     */
    public static Tensor conv2d(Tensor input, Tensor weight, Tensor bias, int[] stride, String padding,
                                int[] dilation, int groups) {
        return Convolution.conv2d(input, weight, bias, stride, padding, dilation, groups);
    }

    /**
     * A 1-D convolution, as {@code torch.nn.functional.conv1d}:
     * {@code out[n][o][x] = bias[o] + Σ_{c,j} weight[o][c][j] · in[n][g·C_in/groups + c][x·s - p + j·d]},
     * computed as a 2-D convolution of height 1 (same kernels, same gradients).
     *
     * <pre>{@code
     * Tensor y = Functional.conv1d(Tensor.randn(20, 16, 50), Tensor.randn(33, 16, 3), null, 1, 0, 1, 1);   // [20, 33, 48]
     * }</pre>
     *
     * @param input    [N, C_in, L], or [C_in, L] unbatched
     * @param weight   [C_out, C_in/groups, k]
     * @param bias     [C_out], or null
     * @param stride   step of the window, at least 1
     * @param padding  zeros added on both sides, at least 0
     * @param dilation spacing of the kernel taps, at least 1
     * @param groups   channel groups, dividing C_in and C_out
     * @return [N, C_out, floor((L + 2p - d·(k-1) - 1) / s) + 1]
     */
    public static Tensor conv1d(Tensor input, Tensor weight, Tensor bias, int stride, int padding, int dilation,
                                int groups) {
        return Convolution.conv1d(input, weight, bias, stride, new int[] {padding, padding}, dilation, groups);
    }

    /**
     * A 1-D convolution with a padding string, {@code "valid"} or {@code "same"} (stride 1; an odd
     * total padding puts the extra zero on the right); see
     * {@link #conv1d(Tensor, Tensor, Tensor, int, int, int, int)}.
     *
     * @param input    [N, C_in, L], or [C_in, L] unbatched
     * @param weight   [C_out, C_in/groups, k]
     * @param bias     [C_out], or null
     * @param stride   step of the window (1 for "same")
     * @param padding  "same" or "valid"
     * @param dilation spacing of the kernel taps
     * @param groups   channel groups
     * @return [N, C_out, L_out]
     */
    public static Tensor conv1d(Tensor input, Tensor weight, Tensor bias, int stride, String padding, int dilation,
                                int groups) {
        return Convolution.conv1d(input, weight, bias, stride, padding, dilation, groups);
    }

    /**
     * Batch normalisation, as {@code torch.nn.functional.batch_norm}: per channel c (dimension 1),
     * {@code y = (x - E[x]) / sqrt(Var[x] + eps) · weight[c] + bias[c]}. In training the statistics
     * are the batch's, over every dimension but 1 (the biased variance normalises), and when running
     * statistics are given they are updated in place, without gradient, with the unbiased variance:
     * {@code running = (1 - momentum)·running + momentum·batch} (their {@link Tensor#version()} is
     * bumped, as any in-place write). In evaluation the running statistics normalise. Gradients flow
     * to input, weight and bias by PyTorch's {@code batch_norm_backward} (in evaluation the
     * statistics are constants). Runs on the batch-norm kernels: two launches forward, two backward.
     *
     * <pre>{@code
     * Tensor rm = Tensor.zeros(32), rv = Tensor.ones(32);
     * Tensor y = Functional.batchNorm(x, rm, rv, weight, bias, true, 0.1, 1e-5);   // x [128, 32, 28, 28]
     * }</pre>
     *
     * @param input       [N, C], [N, C, L] or [N, C, H, W] (any rank of at least 2), float32
     * @param runningMean [C], contiguous, updated in place in training; null (with runningVar) to keep none
     * @param runningVar  [C], contiguous, updated in place in training; null (with runningMean) to keep none
     * @param weight      [C], or null (1)
     * @param bias        [C], or null (0)
     * @param training    whether to use (and update) the batch statistics rather than the running ones
     * @param momentum    the weight of the batch statistics in the running update (PyTorch's default 0.1)
     * @param eps         added to the variance (PyTorch's default 1e-5)
     * @return the shape of input
     * @throws IllegalArgumentException on a per-channel tensor without C elements, missing running
     *                                  statistics in evaluation, or a single value per channel in training
     */
    public static Tensor batchNorm(Tensor input, Tensor runningMean, Tensor runningVar, Tensor weight, Tensor bias,
                                   boolean training, double momentum, double eps) {
        return BatchNorms.batchNorm(input, runningMean, runningVar, weight, bias, training, momentum, eps);
    }

    // ---------------------------------------------------------------- pooling

    /**
     * 2-D max pooling, as {@code torch.nn.functional.max_pool2d(input, kernel_size)}: the largest element
     * of each {@code kernel_size × kernel_size} window, windows {@code kernel_size} apart.
     *
     * @param input      [N, C, H, W] or [C, H, W], float32
     * @param kernelSize the window's height and width
     * @return [N, C, ⌊H/k⌋, ⌊W/k⌋] (or [C, …])
     */
    public static Tensor maxPool2d(Tensor input, int kernelSize) {
        return Pooling.max(input, new int[] {kernelSize}, null, new int[] {0}, new int[] {1}, false, false).values();
    }

    /**
     * 2-D max pooling, as {@code torch.nn.functional.max_pool2d}:
     * {@code out[n, c, oh, ow] = max over kh, kw of input[n, c, oh·sH − pH + kh·dH, ow·sW − pW + kw·dW]},
     * padding positions excluded. Among equal maxima the first (row-major) is taken, and a NaN in a
     * window gives NaN, as PyTorch's CPU does; the gradient goes to that element only.
     *
     * <p>Each size argument is one int (both dims) or two (height, width), as PyTorch's int-or-tuple.
     * The output has {@code ⌊(H + 2·pH − dH·(kH−1) − 1) / sH⌋ + 1} rows (columns likewise), rounded up
     * instead in ceil mode, where the last window must still start inside the input or its top/left
     * padding.
     *
     * @param input      [N, C, H, W] or [C, H, W], float32; only the batch N may be 0
     * @param kernelSize the window, {@code {k}} or {@code {kH, kW}}
     * @param stride     the step between windows; null or empty for the kernel size (PyTorch's default)
     * @param padding    implicit -∞ padding on both sides, at most half the kernel ({@code {0}} for none)
     * @param dilation   the step between a window's elements ({@code {1}} for none)
     * @param ceilMode   whether the output size rounds up
     * @return [N, C, OH, OW] (or [C, OH, OW])
     * @throws IllegalArgumentException naming the op and the problem, with PyTorch's wording (e.g.
     *                                  {@code max_pool2d: pad should be at most half of kernel size, but got pad=2 and kernel_size=3})
     *
     * <pre>{@code
     * Tensor y = Functional.maxPool2d(x, new int[] {3}, new int[] {2}, new int[] {1}, new int[] {1}, false);
     * }</pre>
     */
    public static Tensor maxPool2d(Tensor input, int[] kernelSize, int[] stride, int[] padding, int[] dilation,
                                   boolean ceilMode) {
        return Pooling.max(input, kernelSize, stride, padding, dilation, ceilMode, false).values();
    }

    /**
     * {@link #maxPool2d(Tensor, int[], int[], int[], int[], boolean)} that also returns where each
     * maximum came from, as {@code max_pool2d(..., return_indices=True)}: int32 positions
     * {@code ih·W + iw} within each input plane (PyTorch's are int64).
     *
     * @param input      [N, C, H, W] or [C, H, W], float32
     * @param kernelSize the window, {@code {k}} or {@code {kH, kW}}
     * @param stride     the step between windows; null or empty for the kernel size
     * @param padding    implicit -∞ padding, at most half the kernel
     * @param dilation   the step between a window's elements
     * @param ceilMode   whether the output size rounds up
     * @return the values (with a gradient) and the indices, both [N, C, OH, OW] (or [C, OH, OW])
     */
    public static ValuesAndIndices maxPool2dWithIndices(Tensor input, int[] kernelSize, int[] stride, int[] padding,
                                                        int[] dilation, boolean ceilMode) {
        return Pooling.max(input, kernelSize, stride, padding, dilation, ceilMode, true);
    }

    /**
     * 2-D average pooling, as {@code torch.nn.functional.avg_pool2d(input, kernel_size)}: the mean of
     * each {@code kernel_size × kernel_size} window, windows {@code kernel_size} apart.
     *
     * @param input      [N, C, H, W] or [C, H, W], float32
     * @param kernelSize the window's height and width
     * @return [N, C, ⌊H/k⌋, ⌊W/k⌋] (or [C, …])
     */
    public static Tensor avgPool2d(Tensor input, int kernelSize) {
        return Pooling.avg(input, new int[] {kernelSize}, null, new int[] {0}, false, true, null);
    }

    /**
     * 2-D average pooling, as {@code torch.nn.functional.avg_pool2d}: the sum of each window's input
     * elements over a divisor: {@code divisorOverride} when given, else the window's size clipped to
     * the padded input (count_include_pad, the default: zero padding counts) or its count of input
     * elements (padding excluded). Output size as {@link #maxPool2d(Tensor, int[], int[], int[], int[],
     * boolean)} with dilation 1; in ceil mode a window that overhangs the padded input divides by
     * the part inside it.
     *
     * @param input           [N, C, H, W] or [C, H, W], float32; only the batch N may be 0
     * @param kernelSize      the window, {@code {k}} or {@code {kH, kW}}
     * @param stride          the step between windows; null or empty for the kernel size
     * @param padding         implicit zero padding on both sides, at most half the kernel
     * @param ceilMode        whether the output size rounds up
     * @param countIncludePad whether padding counts in the divisor
     * @param divisorOverride the divisor of every window, or null; not 0
     * @return [N, C, OH, OW] (or [C, OH, OW])
     * @throws IllegalArgumentException naming the op and the problem, with PyTorch's wording
     *
     * <pre>{@code
     * Tensor y = Functional.avgPool2d(x, new int[] {3}, new int[] {2}, new int[] {1}, true, false, null);
     * }</pre>
     */
    public static Tensor avgPool2d(Tensor input, int[] kernelSize, int[] stride, int[] padding, boolean ceilMode,
                                   boolean countIncludePad, Integer divisorOverride) {
        return Pooling.avg(input, kernelSize, stride, padding, ceilMode, countIncludePad, divisorOverride);
    }

    /**
     * Adaptive 2-D average pooling, as {@code torch.nn.functional.adaptive_avg_pool2d}: output
     * {@code (oh, ow)} is the mean of input rows {@code [⌊oh·H/OH⌋, ⌈(oh+1)·H/OH⌉)} and columns
     * {@code [⌊ow·W/OW⌋, ⌈(ow+1)·W/OW⌉)}, so any output size works (windows may overlap).
     *
     * @param input      [N, C, H, W] or [C, H, W], float32, H and W at least 1
     * @param outputSize {@code {S}} for S × S or {@code {OH, OW}}, each at least 0
     * @return [N, C, OH, OW] (or [C, OH, OW])
     *
     * <pre>{@code
     * Tensor features = Functional.adaptiveAvgPool2d(x, new int[] {1});   // global average: [N, C, 1, 1]
     * }</pre>
     */
    public static Tensor adaptiveAvgPool2d(Tensor input, int[] outputSize) {
        return Pooling.adaptiveAvg(input, outputSize);
    }

    // ---------------------------------------------------------------- indexing (see Indexing)

    /**
     * The slices of {@code input} along {@code dim} picked by {@code index}, as
     * {@code torch.index_select}: {@code out[..., k, ...] = input[..., index[k], ...]} (a copy).
     *
     * @param input any tensor (float32 or int32)
     * @param dim   the dimension to pick along (negative counts from the end)
     * @param index int32 indices, 1-D (or 0-d), each in {@code [0, input.shape(dim))}; repeats allowed
     * @return input's shape with {@code dim} of size {@code index.numel()}
     * @throws io.clgrad.backend.IndexOutOfRangeException for an index outside the dimension (on OpenCL
     *                                                    at the next read from the device)
     *
     * <pre>{@code
     * Tensor rows = Functional.indexSelect(x, 0, Tensor.of(new int[] {2, 0, 2}));   // rows 2, 0, 2 of x
     * }</pre>
     */
    public static Tensor indexSelect(Tensor input, int dim, Tensor index) {
        return IndexOps.indexSelect(input, dim, index);
    }

    /**
     * Values gathered along {@code dim}, as {@code torch.gather}: for a 3-D input and dim 1,
     * {@code out[i][j][k] = input[i][index[i][j][k]][k]}.
     *
     * @param input any tensor (float32 or int32)
     * @param dim   the dimension the indices index (negative counts from the end)
     * @param index int32, the rank of input, no larger than input off {@code dim}
     * @return index's shape, input's dtype; the gradient scatters-adds back (repeats add up)
     * @throws io.clgrad.backend.IndexOutOfRangeException for an index outside the dimension
     *
     * <pre>{@code
     * Tensor picked = Functional.gather(logProbs, 1, labels.unsqueeze(1));   // [N, 1]
     * }</pre>
     */
    public static Tensor gather(Tensor input, int dim, Tensor index) {
        return IndexOps.gather(input, dim, index);
    }

    /**
     * A copy of {@code input} with {@code src} written at the places {@code index} names along
     * {@code dim}, as the out-of-place {@code Tensor.scatter}: for dim 0,
     * {@code out[index[i][j]][j] = src[i][j]}. Among repeated indices the last in row-major order of
     * index wins (PyTorch leaves that order unspecified). Gradients: input's is the output's with the
     * written places zeroed, src's the output's gathered.
     *
     * @param input the values kept where nothing is written
     * @param dim   the indexed dimension (negative counts from the end)
     * @param index int32, the rank of input, no larger than src anywhere nor than input off {@code dim}
     * @param src   the values, input's dtype; only its leading corner of index's shape is used
     * @return input's shape and dtype
     * @throws io.clgrad.backend.IndexOutOfRangeException for an index outside the dimension
     *
     * <pre>{@code
     * Tensor out = Functional.scatter(Tensor.zeros(3, 5), 0, Tensor.of(new int[] {0, 1, 2, 0, 0}, 1, 5), src);
     * }</pre>
     */
    public static Tensor scatter(Tensor input, int dim, Tensor index, Tensor src) {
        return IndexOps.scatter(input, dim, index, src, false);
    }

    /**
     * A copy of {@code input} with {@code src} added at the places {@code index} names along
     * {@code dim}, as the out-of-place {@code Tensor.scatter_add}: for dim 0,
     * {@code out[index[i][j]][j] += src[i][j]}; repeated indices all add. The adds into one element
     * happen in row-major order of index, so the result is deterministic and the same on every
     * device (no atomics). Gradients: input's is the output's, src's the output's gathered.
     *
     * @param input the starting values
     * @param dim   the indexed dimension (negative counts from the end)
     * @param index int32, the rank of input, no larger than src anywhere nor than input off {@code dim}
     * @param src   the values to add, input's dtype
     * @return input's shape and dtype
     * @throws io.clgrad.backend.IndexOutOfRangeException for an index outside the dimension
     *
     * <pre>{@code
     * Tensor counts = Functional.scatterAdd(Tensor.zeros(1, 10), 1, labels.unsqueeze(0), Tensor.ones(1, n));
     * }</pre>
     */
    public static Tensor scatterAdd(Tensor input, int dim, Tensor index, Tensor src) {
        return IndexOps.scatter(input, dim, index, src, true);
    }

    /**
     * {@code input} with {@code value} where {@code mask} is set, as {@code Tensor.masked_fill}.
     *
     * @param input any tensor (an int32 input gets the value truncated toward zero)
     * @param mask  float32 or int32, true where non-zero (clgrad has no bool dtype; comparisons
     *              give float32 1/0), broadcastable to input's shape
     * @param value the fill value
     * @return input's shape and dtype; the gradient passes where the mask is not set
     *
     * <pre>{@code
     * Tensor scores = Functional.maskedFill(scores, padding, Float.NEGATIVE_INFINITY);
     * }</pre>
     */
    public static Tensor maskedFill(Tensor input, Tensor mask, float value) {
        return IndexOps.maskedFill(input, mask, value);
    }

    /**
     * {@code x} where {@code condition} is set, else {@code y}, as {@code torch.where(condition, x, y)},
     * broadcasting all three. x and y of different dtypes give float32 (PyTorch's promotion).
     *
     * @param condition float32 or int32, true where non-zero (NaN is true, -0.0 false)
     * @param x         the values where true
     * @param y         the values where false
     * @return the broadcast shape; gradients pass to x where true and to y where false
     *
     * <pre>{@code
     * Tensor relu = Functional.where(x.gt(0f), x, Tensor.zeros(1));
     * }</pre>
     */
    public static Tensor where(Tensor condition, Tensor x, Tensor y) {
        return IndexOps.where(condition, x, y);
    }

    /**
     * The elements of {@code input} where {@code mask} is set, in row-major order, as
     * {@code torch.masked_select}; input and mask broadcast. The result's size depends on the mask's
     * values, so the mask is read to the host (a wait for the device, as PyTorch waits on a GPU).
     *
     * @param input any tensor
     * @param mask  float32 or int32, true where non-zero, broadcastable with input
     * @return a 1-D copy; its gradient scatters back into the selected places
     *
     * <pre>{@code
     * Tensor positives = Functional.maskedSelect(x, x.gt(0f));
     * }</pre>
     */
    public static Tensor maskedSelect(Tensor input, Tensor mask) {
        return IndexOps.maskedSelect(input, mask);
    }

    /**
     * One-hot encoding, as {@code torch.nn.functional.one_hot}: {@code out[..., c] = 1} where
     * {@code c == labels[...]}, else 0. The result is int32 (PyTorch's is int64; use {@code toFloat()}
     * for float32).
     *
     * @param labels     int32 class indices of any shape, each in {@code [0, numClasses)}
     * @param numClasses the number of classes, or -1 for {@code labels.max() + 1} (reads the labels)
     * @return int32 of shape {@code labels.shape() + [numClasses]}
     * @throws io.clgrad.backend.IndexOutOfRangeException for a label outside the classes (on OpenCL
     *                                                    at the next read from the device)
     *
     * <pre>{@code
     * Tensor targets = Functional.oneHot(labels, 10).toFloat();   // [N, 10]
     * }</pre>
     */
    public static Tensor oneHot(Tensor labels, int numClasses) {
        return IndexOps.oneHot(labels, numClasses);
    }

    /**
     * Pads (or, with negative values, crops) the last dims of {@code input}, as
     * {@code torch.nn.functional.pad}: {@code pad} lists {@code (left, right)} of the last dim, then
     * of the one before, and so on, up to every dim. Modes: {@code "constant"} fills with
     * {@code value} (any rank, float32 or int32); {@code "reflect"} mirrors at the edge without
     * repeating it ({@code [1, 2, 3]} padded (2, 1) is {@code [3, 2, 1, 2, 3, 2]}; each padding must be
     * less than its dim's size); {@code "replicate"} repeats the edge element; {@code "circular"}
     * wraps around (each padding at most its dim's size). The last three pad 1, 2 or 3 dims of a
     * float32 input with one or two more dims (2-D to 5-D, an optional batch dim first), take no
     * value, and need an output of at least 1 element per padded dim. The gradient is the opposite
     * padding of the output's gradient (constant) or each output element's gradient summed onto the
     * input element it was copied from (the others).
     *
     * <pre>{@code
     * Tensor y = Functional.pad(x, new int[] {1, 1, 2, 0}, "reflect", 0);   // [N, C, H, W] -> [N, C, H+2, W+2]
     * }</pre>
     *
     * @param input the tensor
     * @param pad   an even number of paddings, at most two per dim, the last dim first
     * @param mode  "constant", "reflect", "replicate" or "circular"
     * @param value the fill value of constant padding (0 for the other modes)
     * @return the padded tensor
     * @throws IllegalArgumentException naming the padding, the dim and the input's shape when PyTorch refuses it
     */
    public static Tensor pad(Tensor input, int[] pad, String mode, double value) {
        return Padding.pad(input, pad, mode, value);
    }

    /** {@link #pad(Tensor, int[], String, double)} with zeros ({@code mode = "constant"}, {@code value = 0}). */
    public static Tensor pad(Tensor input, int[] pad) {
        return Padding.pad(input, pad, "constant", 0);
    }

    // ------------------------------------------------------------------ activations (issue 11)

    /**
     * GELU, as {@code torch.nn.functional.gelu(input, approximate=...)}: {@code "none"} is the exact
     * {@code x·Φ(x) = x/2 · (1 + erf(x/√2))} ({@link Tensor#gelu()}, its own kernel), {@code "tanh"}
     * the approximation {@code x/2 · (1 + tanh(√(2/π)(x + 0.044715x³)))} (a composite, evaluated as
     * the equal {@code x·σ(2√(2/π)(x + 0.044715x³))}). Float32 only.
     *
     * <pre>{@code
     * Tensor y = Functional.gelu(x, "tanh");
     * }</pre>
     *
     * @param input       any shape
     * @param approximate "none" or "tanh"
     * @return the same shape
     * @throws IllegalArgumentException for another approximation or a non-float32 input
     */
    public static Tensor gelu(Tensor input, String approximate) {
        return Activations.gelu(input, approximate);
    }

    /** The exact GELU, {@code F.gelu(input)}: {@link #gelu(Tensor, String)} with {@code "none"}. */
    public static Tensor gelu(Tensor input) {
        return input.gelu();
    }

    /** SiLU, {@code x·σ(x)}, as {@code F.silu}; see {@link Tensor#silu()}. */
    public static Tensor silu(Tensor input) {
        return input.silu();
    }

    /**
     * Leaky ReLU, as {@code F.leaky_relu}: {@code x} where {@code x > 0}, else
     * {@code negativeSlope·x}; the gradient is 1 or {@code negativeSlope} (the slope at 0, as PyTorch).
     * Float32 only.
     *
     * @param input         any shape
     * @param negativeSlope the slope below 0 (PyTorch's default 0.01)
     * @return the same shape
     */
    public static Tensor leakyRelu(Tensor input, float negativeSlope) {
        return Activations.leakyRelu(input, negativeSlope);
    }

    /** {@link #leakyRelu(Tensor, float)} with PyTorch's default slope 0.01. */
    public static Tensor leakyRelu(Tensor input) {
        return Activations.leakyRelu(input, 0.01f);
    }

    /**
     * ELU, as {@code F.elu}: {@code x} where {@code x > 0}, else {@code alpha·(e^x - 1)} (by
     * {@code expm1}, exact near 0); the gradient below and at 0 is {@code alpha·e^x}. Float32 only.
     *
     * @param input any shape
     * @param alpha the negative saturation value (PyTorch's default 1.0)
     * @return the same shape
     */
    public static Tensor elu(Tensor input, float alpha) {
        return Activations.elu(input, alpha);
    }

    /** {@link #elu(Tensor, float)} with {@code alpha = 1}. */
    public static Tensor elu(Tensor input) {
        return Activations.elu(input, 1f);
    }

    /**
     * Softplus, as {@code F.softplus}: {@code log(1 + e^(βx))/β}, and {@code x} itself where
     * {@code βx > threshold} (PyTorch's rule, which keeps large inputs exact and finite); the gradient
     * is {@code σ(βx)}, or 1 above the threshold. Float32 only.
     *
     * <pre>{@code
     * Tensor y = Functional.softplus(x, 1f, 20f);
     * }</pre>
     *
     * @param input     any shape
     * @param beta      the sharpness β (PyTorch's default 1)
     * @param threshold above which βx the result is x (PyTorch's default 20)
     * @return the same shape
     */
    public static Tensor softplus(Tensor input, float beta, float threshold) {
        return Activations.softplus(input, beta, threshold);
    }

    /** {@link #softplus(Tensor, float, float)} with {@code beta = 1, threshold = 20}. */
    public static Tensor softplus(Tensor input) {
        return Activations.softplus(input, 1f, 20f);
    }

    /**
     * HardTanh, as {@code F.hardtanh}: the input clamped to {@code [minVal, maxVal]}; unlike
     * {@link Tensor#clamp(float, float)} its gradient is 0 at the bounds themselves (PyTorch's
     * {@code hardtanh_backward} passes only where {@code minVal < x < maxVal}).
     *
     * @param input  any shape
     * @param minVal the lower bound (PyTorch's default -1)
     * @param maxVal the upper bound (default 1)
     * @return the same shape
     * @throws IllegalArgumentException when {@code maxVal < minVal}
     */
    public static Tensor hardtanh(Tensor input, float minVal, float maxVal) {
        return Activations.hardtanh(input, minVal, maxVal);
    }

    /** {@link #hardtanh(Tensor, float, float)} on [-1, 1]. */
    public static Tensor hardtanh(Tensor input) {
        return Activations.hardtanh(input, -1f, 1f);
    }

    // ---------------------------------------------------------------- layer and group norm, embedding

    /**
     * Layer normalisation over the trailing dims, as {@code torch.nn.functional.layer_norm}:
     * {@code y = (x − E[x]) / √(Var[x] + eps) · weight + bias}, the mean and the biased variance taken
     * over the last {@code normalizedShape.length} dims of each sample. Composed from tensor ops, so
     * its gradient is theirs.
     *
     * <pre>{@code
     * Tensor y = Functional.layerNorm(x, new int[] {64}, gamma, beta, 1e-5);   // x [B, T, 64]
     * }</pre>
     *
     * @param input           [*, normalizedShape…], float32
     * @param normalizedShape the trailing dims normalised together
     * @param weight          normalizedShape, or null (1)
     * @param bias            normalizedShape, or null (0)
     * @param eps             added to the variance (PyTorch's default 1e-5)
     * @return the shape of input
     * @throws IllegalArgumentException when the input does not end with normalizedShape or weight/bias have another shape
     */
    public static Tensor layerNorm(Tensor input, int[] normalizedShape, Tensor weight, Tensor bias, double eps) {
        return Normalization.layerNorm(input, normalizedShape, weight, bias, eps);
    }

    /**
     * Group normalisation, as {@code torch.nn.functional.group_norm}: the channels of each sample in
     * {@code numGroups} groups, each group normalised by its own mean and biased variance over its
     * channels and positions, then {@code · weight[c] + bias[c]} per channel. Composed from tensor ops.
     *
     * <pre>{@code
     * Tensor y = Functional.groupNorm(x, 4, gamma, beta, 1e-5);   // x [N, 32, H, W], gamma/beta [32]
     * }</pre>
     *
     * @param input     [N, C, *], float32
     * @param numGroups divides C
     * @param weight    [C], or null (1)
     * @param bias      [C], or null (0)
     * @param eps       added to the variance (PyTorch's default 1e-5)
     * @return the shape of input
     * @throws IllegalArgumentException when C is not divisible by numGroups or weight/bias are not [C]
     */
    public static Tensor groupNorm(Tensor input, int numGroups, Tensor weight, Tensor bias, double eps) {
        return Normalization.groupNorm(input, numGroups, weight, bias, eps);
    }

    /**
     * Looks up rows of an embedding matrix, as {@code torch.nn.functional.embedding(input, weight,
     * padding_idx)}: {@code out[i…] = weight[input[i…]]}. The gradient adds each output row's
     * gradient onto its weight row; row {@code paddingIdx} gets none.
     *
     * <pre>{@code
     * Tensor e = Functional.embedding(tokens, table, 0);   // tokens int32 [B, T], table [V, D] -> [B, T, D]
     * }</pre>
     *
     * @param input      int32 indices of any shape, each in [0, V)
     * @param weight     [V, D], float32
     * @param paddingIdx the row without gradient (negative counts from V), or null for none
     * @return input's shape + [D]
     * @throws IllegalArgumentException on a non-int32 input, a weight that is not 2-D or a padding index out of range
     */
    public static Tensor embedding(Tensor input, Tensor weight, Integer paddingIdx) {
        return Embeddings.embedding(input, weight, paddingIdx);
    }

    // ---------------------------------------------------------------- transposed convolution

    /**
     * 2-D transposed convolution, as {@code torch.nn.functional.conv_transpose2d(input, weight, bias,
     * stride, padding, output_padding, groups, dilation)}: the gradient of conv2d with respect to its
     * input, {@code outH = (H−1)·stride − 2·padding + dilation·(kH−1) + output_padding + 1}. Runs on
     * the convolution's GEMM and col2im.
     *
     * <pre>{@code
     * Tensor y = Functional.convTranspose2d(x, w, b, new int[] {2}, new int[] {1}, new int[] {1}, 1, new int[] {1});
     * // x [N, 16, 7, 7], w [16, 8, 3, 3] -> [N, 8, 14, 14]
     * }</pre>
     *
     * @param input         [N, Cin, H, W] or [Cin, H, W], float32
     * @param weight        [Cin, Cout/groups, kH, kW]
     * @param bias          [Cout], or null
     * @param stride        one int or two
     * @param padding       one int or two
     * @param outputPadding one int or two, each smaller than its stride or its dilation
     * @param groups        divides Cin
     * @param dilation      one int or two
     * @return [N, Cout, outH, outW] (or [Cout, outH, outW])
     * @throws IllegalArgumentException with PyTorch's message on mismatched shapes or arguments
     */
    public static Tensor convTranspose2d(Tensor input, Tensor weight, Tensor bias, int[] stride, int[] padding,
                                         int[] outputPadding, int groups, int[] dilation) {
        return ConvTranspose.convTranspose2d(input, weight, bias, stride, padding, outputPadding, groups, dilation);
    }

    // ---------------------------------------------------------------- adaptive max pooling

    /**
     * Adaptive 2-D max pooling, as {@code torch.nn.functional.adaptive_max_pool2d}: output (oh, ow) is the
     * largest element of input rows {@code [⌊oh·H/OH⌋, ⌈(oh+1)·H/OH⌉)} and columns likewise. The gradient
     * goes to the element each maximum came from.
     *
     * <pre>{@code
     * Tensor y = Functional.adaptiveMaxPool2d(x, new int[] {3, 3});   // x [N, C, 10, 7] -> [N, C, 3, 3]
     * }</pre>
     *
     * @param input      [N, C, H, W] or [C, H, W], float32, H and W at least 1
     * @param outputSize {@code {S}} for S × S or {@code {OH, OW}}, each at least 1
     * @return [N, C, OH, OW] (or [C, OH, OW])
     * @throws IllegalArgumentException on another rank, an empty plane or an output size below 1
     */
    public static Tensor adaptiveMaxPool2d(Tensor input, int[] outputSize) {
        return AdaptiveMaxPooling.adaptiveMax(input, outputSize, false).values();
    }

    /**
     * {@link #adaptiveMaxPool2d(Tensor, int[])} that also returns where each maximum came from, as
     * {@code adaptive_max_pool2d(..., return_indices=True)}: int32 positions {@code ih·W + iw} within each
     * input plane (PyTorch's are int64).
     *
     * @param input      [N, C, H, W] or [C, H, W], float32
     * @param outputSize {@code {S}} or {@code {OH, OW}}
     * @return the values (with a gradient) and the indices, both [N, C, OH, OW] (or [C, OH, OW])
     */
    public static ValuesAndIndices adaptiveMaxPool2dWithIndices(Tensor input, int[] outputSize) {
        return AdaptiveMaxPooling.adaptiveMax(input, outputSize, true);
    }
}
