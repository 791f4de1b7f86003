package io.clgrad;

import io.clgrad.backend.Buffer;

/**
 * In-place optimizer updates on whole parameter tensors, each one fused kernel on the parameter's
 * device. The optimizers in {@code io.clgrad.optim} are written against these. Every tensor must
 * be float32, dense, on one device and have the parameter's number of elements. Every tensor an
 * update writes gets a new {@link Tensor#version()}.
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
        bumpVersions(param, expAvg, expAvgSq, maxExpAvgSq);
    }

    /**
     * {@link #adam} on several parameters at once, with one step count and one set of
     * hyperparameters: list entry {@code i} of each list belongs to parameter {@code i}. The
     * result equals calling {@link #adam} on each parameter in turn, bit for bit; the device may do
     * it in a single launch (the OpenCL backend does: one multi-tensor kernel for up to eight
     * parameters). Every tensor must be on one device. Modifies the params, expAvgs, expAvgSqs and
     * maxExpAvgSqs (null unless amsgrad); the gradients are only read.
     *
     * @param step the 1-based step count t shared by every parameter
     * @throws IllegalArgumentException when the lists' sizes differ, a tensor is not float32 or
     *                                  not contiguous, or tensors are on different devices
     */
    public static void adamMany(java.util.List<Tensor> params, java.util.List<Tensor> grads,
                                java.util.List<Tensor> expAvgs, java.util.List<Tensor> expAvgSqs,
                                java.util.List<Tensor> maxExpAvgSqs, double lr, double beta1, double beta2,
                                double eps, double weightDecay, boolean decoupled, int step) {
        String op = decoupled ? "adamw" : "adam";
        int n = params.size();
        if (grads.size() != n || expAvgs.size() != n || expAvgSqs.size() != n
                || (maxExpAvgSqs != null && maxExpAvgSqs.size() != n)) {
            throw new IllegalArgumentException(op + ": lists of different sizes: " + n + " params, " + grads.size()
                    + " grads, " + expAvgs.size() + " exp_avg, " + expAvgSqs.size() + " exp_avg_sq"
                    + (maxExpAvgSqs == null ? "" : ", " + maxExpAvgSqs.size() + " max_exp_avg_sq"));
        }
        if (step < 1) {
            throw new IllegalArgumentException(op + ": step must be >= 1, got " + step);
        }
        if (n == 0) {
            return;
        }
        Buffer[] p = new Buffer[n];
        Buffer[] g = new Buffer[n];
        Buffer[] m = new Buffer[n];
        Buffer[] v = new Buffer[n];
        Buffer[] x = maxExpAvgSqs == null ? null : new Buffer[n];
        long[] counts = new long[n];
        Tensor first = params.get(0);
        for (int i = 0; i < n; i++) {
            Tensor param = params.get(i);
            Tensor max = maxExpAvgSqs == null ? null : maxExpAvgSqs.get(i);
            check(op, param, grads.get(i), expAvgs.get(i), expAvgSqs.get(i), max);
            Checks.sameDevice(op, first, param);
            p[i] = param.buffer(op);
            g[i] = grads.get(i).buffer(op);
            m[i] = expAvgs.get(i).buffer(op);
            v[i] = expAvgSqs.get(i).buffer(op);
            if (x != null) {
                x[i] = max.buffer(op);
            }
            counts[i] = param.numel();
        }
        first.backend().adamStepMany(p, g, m, v, x, counts, lr, beta1, beta2, eps, weightDecay, decoupled, step);
        for (int i = 0; i < n; i++) {
            bumpVersions(params.get(i), expAvgs.get(i), expAvgSqs.get(i), maxExpAvgSqs == null ? null : maxExpAvgSqs.get(i));
        }
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
        bumpVersions(param, momentumBuffer);
    }

    /** The tensors an update wrote in place (nulls skipped) get a new {@link Tensor#version()}. */
    private static void bumpVersions(Tensor... written) {
        for (Tensor t : written) {
            if (t != null) {
                t.bumpVersion();
            }
        }
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
