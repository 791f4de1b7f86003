package io.clgrad.optim;

/**
 * Double-precision host versions of PyTorch's single-tensor Adam/AdamW and SGD, the oracle of the
 * optimizer tests. State arrays are modified in place.
 */
final class RefOptimizers {
    private RefOptimizers() {
    }

    /** One Adam/AdamW step at 1-based step t; vMax is null unless amsgrad. */
    static void adam(double[] p, float[] grad, double[] m, double[] v, double[] vMax, double lr, double beta1,
                     double beta2, double eps, double wd, boolean decoupled, int t) {
        double bc1 = 1 - Math.pow(beta1, t);
        double bc2 = 1 - Math.pow(beta2, t);
        for (int i = 0; i < p.length; i++) {
            double g = grad[i];
            if (wd != 0) {
                if (decoupled) {
                    p[i] = p[i] * (1 - lr * wd);
                } else {
                    g = g + wd * p[i];
                }
            }
            m[i] = beta1 * m[i] + (1 - beta1) * g;
            v[i] = beta2 * v[i] + (1 - beta2) * g * g;
            double vHat = v[i];
            if (vMax != null) {
                vMax[i] = Math.max(vMax[i], v[i]);
                vHat = vMax[i];
            }
            p[i] = p[i] - (lr / bc1) * m[i] / (Math.sqrt(vHat) / Math.sqrt(bc2) + eps);
        }
    }

    /** One SGD step; buf is null when momentum is 0; first is whether buf is initialised now. */
    static void sgd(double[] p, float[] grad, double[] buf, double lr, double momentum, double dampening,
                    boolean nesterov, double wd, boolean first) {
        for (int i = 0; i < p.length; i++) {
            double g = grad[i];
            if (wd != 0) {
                g = g + wd * p[i];
            }
            if (momentum != 0) {
                buf[i] = first ? g : momentum * buf[i] + (1 - dampening) * g;
                g = nesterov ? g + momentum * buf[i] : buf[i];
            }
            p[i] = p[i] - lr * g;
        }
    }
}
