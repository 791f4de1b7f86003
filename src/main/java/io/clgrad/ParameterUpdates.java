package io.clgrad;

/**
 * In-place optimizer updates on whole parameter tensors, each one fused kernel on the parameter's
 * device. The optimizers in {@code io.clgrad.optim} are written against these. Every tensor must
 * be float32, dense, on one device and have the parameter's number of elements.
 */
public final class ParameterUpdates {
    private ParameterUpdates() {
    }

    /**
     * One Adam (or, when {@code decoupled}, AdamW) step, PyTorch's formula: with
     * {@code bc1 = 1-β1^t}, {@code bc2 = 1-β2^t},
     * {@code p -= lr/bc1 · m / (sqrt(v̂)/sqrt(bc2) + eps)}. Modifies param, expAvg, expAvgSq and
     * maxExpAvgSq (null unless amsgrad).
     *
     * @param step the 1-based step count t
     */
    public static void adam(Tensor param, Tensor grad, Tensor expAvg, Tensor expAvgSq, Tensor maxExpAvgSq,
                            double lr, double beta1, double beta2, double eps, double weightDecay,
                            boolean decoupled, int step) {
        String op = decoupled ? "adamw" : "adam";
        check(op, param, grad, expAvg, expAvgSq, maxExpAvgSq);
        if (step < 1) {
            throw new IllegalArgumentException(op + ": step must be >= 1, got " + step);
        }
        param.backend().adamStep(param.buffer(op), grad.buffer(op), expAvg.buffer(op), expAvgSq.buffer(op),
                maxExpAvgSq == null ? null : maxExpAvgSq.buffer(op), param.numel(),
                lr, beta1, beta2, eps, weightDecay, decoupled, step);
    }

    /**
     * One SGD step, PyTorch's formula (weight decay, momentum with dampening, nesterov). Modifies
     * param and momentumBuffer (null when momentum is 0).
     *
     * @param firstStep whether the momentum buffer is being initialised (it is set to the gradient)
     */
    public static void sgd(Tensor param, Tensor grad, Tensor momentumBuffer, double lr, double momentum,
                           double dampening, boolean nesterov, double weightDecay, boolean firstStep) {
        check("sgd", param, grad, momentumBuffer);
        param.backend().sgdStep(param.buffer("sgd"), grad.buffer("sgd"),
                momentumBuffer == null ? null : momentumBuffer.buffer("sgd"), param.numel(),
                lr, momentum, dampening, nesterov, weightDecay, firstStep);
    }

    private static void check(String op, Tensor param, Tensor... others) {
        Checks.float32(op, param);
        if (!param.isDense()) {
            throw new IllegalArgumentException(op + ": parameter must be contiguous");
        }
        for (Tensor t : others) {
            if (t == null) {
                continue;
            }
            Checks.float32(op, t);
            Checks.sameDevice(op, param, t);
            if (t.numel() != param.numel() || !t.isDense()) {
                throw new IllegalArgumentException(op + ": state tensor " + Shape.str(t.shapeRef())
                        + " does not match parameter " + Shape.str(param.shapeRef()));
            }
        }
    }
}
