package io.clgrad.backend;

/**
 * The per-step scalars of one Adam/AdamW step, computed once on the host in double from the double
 * hyperparameters (as PyTorch computes them in Python) and rounded to float, so every backend feeds
 * its kernel the same values: with {@code bc1 = 1 - beta1^t} and {@code bc2 = 1 - beta2^t},
 * <pre>
 *   stepSize = lr / bc1,   bc2Sqrt = sqrt(bc2),   decay = 1 - lr * weightDecay
 * </pre>
 * and the update {@code p -= stepSize * m / (sqrt(vHat) / bc2Sqrt + eps)} (eps after the bias
 * correction, PyTorch's placement).
 *
 * @param stepSize      {@code lr / bc1}
 * @param bc2Sqrt       {@code sqrt(bc2)}
 * @param beta1         beta1
 * @param oneMinusBeta1 {@code 1 - beta1}, rounded from double
 * @param beta2         beta2
 * @param oneMinusBeta2 {@code 1 - beta2}, rounded from double
 * @param eps           eps
 * @param weightDecay   the weight decay
 * @param decay         {@code 1 - lr * weightDecay}, AdamW's decoupled shrink factor
 * @param l2            whether the decay is added to the gradient (Adam with weight decay)
 * @param decoupled     whether the parameter is shrunk first (AdamW with weight decay)
 */
public record AdamScalars(float stepSize, float bc2Sqrt, float beta1, float oneMinusBeta1, float beta2,
                          float oneMinusBeta2, float eps, float weightDecay, float decay, boolean l2,
                          boolean decoupled) {
    /**
     * The scalars of step {@code step} (1 for the first).
     *
     * @param lr          learning rate
     * @param beta1       first-moment decay
     * @param beta2       second-moment decay
     * @param eps         added to the denominator after the bias correction
     * @param weightDecay weight decay (0 for none)
     * @param decoupled   AdamW's decoupled decay rather than Adam's L2 term
     * @param step        the step number, at least 1
     * @return the rounded scalars
     * @throws IllegalArgumentException when {@code step < 1}
     */
    public static AdamScalars of(double lr, double beta1, double beta2, double eps, double weightDecay,
                                 boolean decoupled, int step) {
        if (step < 1) {
            throw new IllegalArgumentException("Adam step must be at least 1, got " + step);
        }
        double bc1 = 1.0 - Math.pow(beta1, step);
        double bc2 = 1.0 - Math.pow(beta2, step);
        boolean decays = weightDecay != 0;
        return new AdamScalars((float) (lr / bc1), (float) Math.sqrt(bc2), (float) beta1, (float) (1.0 - beta1),
                (float) beta2, (float) (1.0 - beta2), (float) eps, (float) weightDecay,
                (float) (1.0 - lr * weightDecay), decays && !decoupled, decays && decoupled);
    }
}
