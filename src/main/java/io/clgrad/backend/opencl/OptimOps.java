package io.clgrad.backend.opencl;

import io.clgrad.backend.Buffer;
import io.clgrad.backend.ElementType;

/**
 * Adam/AdamW and SGD steps: the kernels of {@code kernels-cl/optim.cl}. Step-dependent scalars
 * (bias corrections, step size, the decoupled decay factor) are computed here in double, as
 * PyTorch computes them in Python floats, and passed to the kernel as floats.
 */
final class OptimOps {
    private static final String FAMILY = "optim";
    private static final int ADAM_DECOUPLED = 1;
    private static final int ADAM_WEIGHT_DECAY = 2;
    private static final int ADAM_AMSGRAD = 4;
    private static final int SGD_WEIGHT_DECAY = 1;
    private static final int SGD_MOMENTUM = 2;
    private static final int SGD_NESTEROV = 4;
    private static final int SGD_FIRST_STEP = 8;

    private final Kernels kernels;
    private final Operands operands;

    OptimOps(Kernels kernels, Operands operands) {
        this.kernels = kernels;
        this.operands = operands;
    }

    void adamStep(Buffer param, Buffer grad, Buffer m, Buffer v, Buffer vMax, long n,
                  double lr, double beta1, double beta2, double eps, double weightDecay,
                  boolean decoupled, int step) {
        int count = Operands.count(n, "parameter count");
        if (step < 1) {
            throw new IllegalArgumentException("Adam step must be at least 1, got " + step);
        }
        ClBuffer pb = operands.of(param, "adam param", ElementType.F32, count);
        ClBuffer gb = operands.of(grad, "adam grad", ElementType.F32, count);
        ClBuffer mb = operands.of(m, "adam m", ElementType.F32, count);
        ClBuffer vb = operands.of(v, "adam v", ElementType.F32, count);
        ClBuffer xb = operands.optional(vMax, "adam vMax", ElementType.F32, count);
        double bc1 = 1.0 - Math.pow(beta1, step);
        double bc2 = 1.0 - Math.pow(beta2, step);
        float stepSize = (float) (lr / bc1);
        float bc2Sqrt = (float) Math.sqrt(bc2);
        float decay = (float) (1.0 - lr * weightDecay);
        int flags = 0;
        if (weightDecay != 0) {
            flags |= decoupled ? ADAM_DECOUPLED : ADAM_WEIGHT_DECAY;
        }
        if (xb != null) {
            flags |= ADAM_AMSGRAD;
        }
        kernels.launch1d(kernels.get(FAMILY, "adam_step"), count,
                pb, gb, mb, vb, xb != null ? xb : mb, count, stepSize, (float) beta1, (float) (1.0 - beta1),
                (float) beta2, (float) (1.0 - beta2), (float) eps, (float) weightDecay, decay, bc2Sqrt, flags);
    }

    void sgdStep(Buffer param, Buffer grad, Buffer momentumBuffer, long n, double lr, double momentum,
                 double dampening, boolean nesterov, double weightDecay, boolean firstStep) {
        int count = Operands.count(n, "parameter count");
        ClBuffer pb = operands.of(param, "sgd param", ElementType.F32, count);
        ClBuffer gb = operands.of(grad, "sgd grad", ElementType.F32, count);
        ClBuffer bb = momentum != 0 ? operands.of(momentumBuffer, "sgd momentum buffer", ElementType.F32, count) : null;
        int flags = 0;
        if (weightDecay != 0) {
            flags |= SGD_WEIGHT_DECAY;
        }
        if (bb != null) {
            flags |= SGD_MOMENTUM;
            if (nesterov) {
                flags |= SGD_NESTEROV;
            }
            if (firstStep) {
                flags |= SGD_FIRST_STEP;
            }
        }
        kernels.launch1d(kernels.get(FAMILY, "sgd_step"), count,
                pb, gb, bb != null ? bb : pb, count, (float) lr, (float) momentum,
                (float) (1.0 - dampening), (float) weightDecay, flags);
    }
}
