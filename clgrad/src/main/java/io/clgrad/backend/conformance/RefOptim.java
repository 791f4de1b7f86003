package io.clgrad.backend.conformance;

import io.clgrad.backend.Backend;
/**
 * Double-precision reference for {@link Backend#adamStep} and {@link Backend#sgdStep}, written from
 * the pseudocode in {@link Backend} (PyTorch's single-tensor Adam/AdamW and SGD). State arrays are
 * updated in place; hyper-parameters are the float values the device receives, widened.
 */
final class RefOptim {
    private RefOptim() {
    }

    /** Optimizer state in double: parameters, Adam's m, v, vMax, or SGD's momentum buffer (in m). */
    static final class State {
        final double[] p;
        final double[] m;
        final double[] v;
        final double[] vMax;
        /** Tolerance scales of the last step, per state array (see {@link Tolerance}). */
        final double[] pScale;
        final double[] mScale;
        final double[] vScale;
        final double[] vMaxScale;

        State(float[] p, float[] m, float[] v, float[] vMax) {
            this.p = Inputs.d(p);
            this.m = m == null ? null : Inputs.d(m);
            this.v = v == null ? null : Inputs.d(v);
            this.vMax = vMax == null ? null : Inputs.d(vMax);
            int n = p.length;
            pScale = new double[n];
            mScale = new double[n];
            vScale = new double[n];
            vMaxScale = new double[n];
        }
    }

    /**
     * The two readings of a float hyper-parameter: its exact binary value, or the shortest decimal
     * that rounds to it (0.999f read as 0.999, as PyTorch holds it in a Python float). They differ by
     * 1.3e-5 relative in 1 - β2 for β2 = 0.999f, more than float rounding, so Adam's reference is
     * computed both ways and either is accepted.
     */
    static double reading(float f, boolean decimal) {
        return decimal && Float.isFinite(f) ? Double.parseDouble(Float.toString(f)) : f;
    }

    /**
     * One Adam step, hyper-parameters taken in their binary or decimal {@link #reading}. Scales:
     * param {@code max(1, |p| + |update|)}; m and v the sum of their two terms (relative bound: both
     * are well conditioned); vMax as v.
     */
    static void adam(State s, float[] grad, float lrF, float beta1, float beta2, float epsF, float wdF,
                     boolean decoupled, int step, boolean decimal) {
        double b1 = reading(beta1, decimal);
        double b2 = reading(beta2, decimal);
        double lr = reading(lrF, decimal);
        double eps = reading(epsF, decimal);
        double wd = reading(wdF, decimal);
        double bc1 = 1 - Math.pow(b1, step);
        double bc2 = 1 - Math.pow(b2, step);
        for (int i = 0; i < s.p.length; i++) {
            double g = grad[i];
            double p = s.p[i];
            if (decoupled) {
                p = p * (1 - lr * wd);
            } else {
                g = g + wd * p;
            }
            double m1 = b1 * s.m[i];
            double m2 = (1 - b1) * g;
            s.m[i] = m1 + m2;
            double v1 = b2 * s.v[i];
            double v2 = (1 - b2) * g * g;
            s.v[i] = v1 + v2;
            s.mScale[i] = Math.abs(m1) + Math.abs(m2);
            s.vScale[i] = Math.abs(v1) + Math.abs(v2);
            double vHat = s.v[i];
            if (s.vMax != null) {
                s.vMax[i] = Math.max(s.vMax[i], s.v[i]);
                s.vMaxScale[i] = s.vMax[i] == s.v[i] ? s.vScale[i] : s.vMax[i];
                vHat = s.vMax[i];
            }
            double update = lr / bc1 * s.m[i] / (Math.sqrt(vHat) / Math.sqrt(bc2) + eps);
            s.p[i] = p - update;
            s.pScale[i] = Math.max(1, Math.abs(p) + Math.abs(update));
        }
    }

    /** One SGD step. Scales: {@code max(1, Σ|terms|)} for the parameter and the momentum buffer. */
    static void sgd(State s, float[] grad, float lr, float momentum, float dampening, boolean nesterov,
                    float wd, boolean firstStep) {
        for (int i = 0; i < s.p.length; i++) {
            double g = grad[i] + (double) wd * s.p[i];
            double gScale = Math.abs(grad[i]) + Math.abs((double) wd * s.p[i]);
            if (momentum != 0) {
                if (firstStep) {
                    s.m[i] = g;
                    s.mScale[i] = Math.max(1, gScale);
                } else {
                    double t1 = (double) momentum * s.m[i];
                    double t2 = (1 - (double) dampening) * g;
                    s.m[i] = t1 + t2;
                    s.mScale[i] = Math.max(1, Math.abs(t1) + Math.abs(t2));
                }
                if (nesterov) {
                    gScale = gScale + Math.abs((double) momentum * s.m[i]);
                    g = g + (double) momentum * s.m[i];
                } else {
                    g = s.m[i];
                    gScale = Math.abs(s.m[i]);
                }
            }
            double update = (double) lr * g;
            s.p[i] = s.p[i] - update;
            s.pScale[i] = Math.max(1, Math.abs(s.p[i] + update) + (double) lr * gScale);
        }
    }
}
