package io.clgrad.backend.cpu;

import io.clgrad.backend.AdamScalars;

/**
 * Fused optimizer steps, in place on the parameter and its state, in float per element exactly as
 * PyTorch's single-tensor Adam/AdamW and SGD (see {@link io.clgrad.backend.Backend#adamStep} and
 * {@link io.clgrad.backend.Backend#sgdStep}). The gradient buffer is read, never written.
 *
 * <p>Per-step scalars (bias corrections, step size, {@code 1 - β}) come from
 * {@link AdamScalars}, the one computation every backend shares.
 */
final class CpuOptimizers {
    private final CpuParallel par;

    CpuOptimizers(CpuParallel par) {
        this.par = par;
    }

    /** One Adam/AdamW step; {@code vMax} is null unless amsgrad. */
    void adam(float[] p, float[] g, float[] m, float[] v, float[] vMax, int n, double lr, double beta1,
              double beta2, double eps, double weightDecay, boolean decoupled, int step) {
        AdamScalars s = AdamScalars.of(lr, beta1, beta2, eps, weightDecay, decoupled, step);
        float epsF = s.eps();
        float beta1F = s.beta1();
        float beta2F = s.beta2();
        float oneMinusB1 = s.oneMinusBeta1();
        float oneMinusB2 = s.oneMinusBeta2();
        float decay = s.decay();
        float wd = s.weightDecay();
        float negStepSize = -s.stepSize();   // (float) (-lr / bc1): rounding is symmetric, so the same value
        float bc2Sqrt = s.bc2Sqrt();
        boolean l2 = s.l2();
        boolean shrink = s.decoupled();
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
