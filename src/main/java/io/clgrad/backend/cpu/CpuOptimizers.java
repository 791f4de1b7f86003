package io.clgrad.backend.cpu;

/**
 * Fused optimizer steps, in place on the parameter and its state, in float per element exactly as
 * PyTorch's single-tensor Adam/AdamW and SGD (see {@link io.clgrad.backend.Backend#adamStep} and
 * {@link io.clgrad.backend.Backend#sgdStep}). The gradient buffer is read, never written.
 *
 * <p>Per-step scalars (bias corrections, step size, {@code 1 - β}) are computed in double from the
 * double hyperparameters, as PyTorch computes them in Python, and rounded to float once.
 */
final class CpuOptimizers {
    private final CpuParallel par;

    CpuOptimizers(CpuParallel par) {
        this.par = par;
    }

    /** One Adam/AdamW step; {@code vMax} is null unless amsgrad. */
    void adam(float[] p, float[] g, float[] m, float[] v, float[] vMax, int n, double lr, double beta1,
              double beta2, double eps, double weightDecay, boolean decoupled, int step) {
        if (step < 1) {
            throw new IllegalArgumentException("Adam step must be at least 1, got " + step);
        }
        double lrD = lr;
        double b1 = beta1;
        double b2 = beta2;
        double wdD = weightDecay;
        float epsF = (float) eps;
        double bc1 = 1.0 - Math.pow(b1, step);
        double bc2 = 1.0 - Math.pow(b2, step);
        float beta1F = (float) b1;
        float beta2F = (float) b2;
        float oneMinusB1 = (float) (1.0 - b1);
        float oneMinusB2 = (float) (1.0 - b2);
        float decay = (float) (1.0 - lrD * wdD);
        float wd = (float) wdD;
        float negStepSize = (float) (-lrD / bc1);
        float bc2Sqrt = (float) Math.sqrt(bc2);
        boolean l2 = !decoupled && weightDecay != 0;
        boolean shrink = decoupled && weightDecay != 0;
        par.forEach(n, 4L * n, (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                float pi = p[i];
                float gi = g[i];
                if (shrink) {
                    pi = pi * decay;
                } else if (l2) {
                    gi = gi + wd * pi;
                }
                float mi = beta1F * m[i] + oneMinusB1 * gi;
                float vi = beta2F * v[i] + oneMinusB2 * gi * gi;
                m[i] = mi;
                v[i] = vi;
                float vHat = vi;
                if (vMax != null) {
                    vHat = Math.max(vMax[i], vi);
                    vMax[i] = vHat;
                }
                float denom = (float) Math.sqrt(vHat) / bc2Sqrt + epsF;
                p[i] = pi + negStepSize * (mi / denom);
            }
        });
    }

    /** One SGD step; {@code buf} is null when momentum is 0. */
    void sgd(float[] p, float[] g, float[] buf, int n, double lr, double momentumD, double dampening,
             boolean nesterov, double weightDecayD, boolean firstStep) {
        boolean useMomentum = momentumD != 0;
        float momentum = (float) momentumD;
        float weightDecay = (float) weightDecayD;
        if (useMomentum && buf == null) {
            throw new IllegalArgumentException("SGD with momentum " + momentum + " needs a momentum buffer");
        }
        float negLr = (float) -lr;
        float keep = (float) (1.0 - dampening);
        par.forEach(n, 2L * n, (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                float gi = g[i];
                if (weightDecay != 0f) {
                    gi = gi + weightDecay * p[i];
                }
                if (useMomentum) {
                    float b = firstStep ? gi : momentum * buf[i] + keep * gi;
                    buf[i] = b;
                    gi = nesterov ? gi + momentum * b : b;
                }
                p[i] = p[i] + negLr * gi;
            }
        });
    }
}
