package io.clgrad.backend.opencl;

import io.clgrad.backend.AdamScalars;
import io.clgrad.backend.Buffer;
import io.clgrad.backend.ElementType;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Adam/AdamW and SGD steps: the kernels of {@code kernels-cl/optim.cl}. Step-dependent scalars
 * (bias corrections, step size, the decoupled decay factor) are computed here in double, as
 * PyTorch computes them in Python floats, and passed to the kernel as floats.
 */
final class OptimOps extends FamilyOps {
    /** Tensors per {@code adam_step_many} launch: the kernel's buffer arguments per role. */
    static final int ADAM_MANY_SLOTS = 8;
    /** optim.cl's ADAM_AMSGRAD: the third bit of {@link #adamFlags}. */
    private static final int ADAM_AMSGRAD = 4;

    private final AtomicLong launches = new AtomicLong();

    OptimOps(Kernels kernels, Operands operands) {
        super("optim", kernels, operands);
    }

    void adamStep(Buffer param, Buffer grad, Buffer m, Buffer v, Buffer vMax, long n,
                  double lr, double beta1, double beta2, double eps, double weightDecay,
                  boolean decoupled, int step) {
        int count = Operands.count(n, "parameter count");
        AdamScalars s = AdamScalars.of(lr, beta1, beta2, eps, weightDecay, decoupled, step);
        ClBuffer pb = operands.of(param, "adam param", ElementType.F32, count);
        ClBuffer gb = operands.of(grad, "adam grad", ElementType.F32, count);
        ClBuffer mb = operands.of(m, "adam m", ElementType.F32, count);
        ClBuffer vb = operands.of(v, "adam v", ElementType.F32, count);
        ClBuffer xb = operands.optional(vMax, "adam vMax", ElementType.F32, count);
        int flags = adamFlags(s, xb != null);
        launches.incrementAndGet();
        kernels.launch1d(kernel("adam_step"), count,
                pb, gb, mb, vb, xb != null ? xb : mb, count, s.stepSize(), s.beta1(), s.oneMinusBeta1(),
                s.beta2(), s.oneMinusBeta2(), s.eps(), s.weightDecay(), s.decay(), s.bc2Sqrt(), flags);
    }

    void sgdStep(Buffer param, Buffer grad, Buffer momentumBuffer, long n, double lr, double momentum,
                 double dampening, boolean nesterov, double weightDecay, boolean firstStep) {
        int count = Operands.count(n, "parameter count");
        ClBuffer pb = operands.of(param, "sgd param", ElementType.F32, count);
        ClBuffer gb = operands.of(grad, "sgd grad", ElementType.F32, count);
        ClBuffer bb = momentum != 0 ? operands.of(momentumBuffer, "sgd momentum buffer", ElementType.F32, count) : null;
        // optim.cl's SGD_WEIGHT_DECAY, SGD_MOMENTUM, SGD_NESTEROV, SGD_FIRST_STEP
        int flags = flags(weightDecay != 0, bb != null, bb != null && nesterov, bb != null && firstStep);
        launches.incrementAndGet();
        kernels.launch1d(kernel("sgd_step"), count,
                pb, gb, bb != null ? bb : pb, count, (float) lr, (float) momentum,
                (float) (1.0 - dampening), (float) weightDecay, flags);
    }

    /**
     * {@link #adamStep} on many tensors with {@code adam_step_many}: one launch per run of up to
     * {@link #ADAM_MANY_SLOTS} non-empty tensors whose element counts sum to at most
     * {@code Integer.MAX_VALUE}. The scalars are computed exactly as in {@link #adamStep}.
     */
    void adamStepMany(Buffer[] params, Buffer[] grads, Buffer[] m, Buffer[] v, Buffer[] vMax, long[] counts,
                      double lr, double beta1, double beta2, double eps, double weightDecay,
                      boolean decoupled, int step) {
        io.clgrad.backend.Backend.checkAdamStepManyLengths(params, grads, m, v, vMax, counts);
        AdamScalars s = AdamScalars.of(lr, beta1, beta2, eps, weightDecay, decoupled, step);
        int n = params.length;
        ClBuffer[][] roles = new ClBuffer[5][n];
        int[] sizes = new int[n];
        for (int i = 0; i < n; i++) {
            int count = Operands.count(counts[i], "parameter count");
            sizes[i] = count;
            roles[0][i] = operands.of(params[i], "adam param " + i, ElementType.F32, count);
            roles[1][i] = operands.of(grads[i], "adam grad " + i, ElementType.F32, count);
            roles[2][i] = operands.of(m[i], "adam m " + i, ElementType.F32, count);
            roles[3][i] = operands.of(v[i], "adam v " + i, ElementType.F32, count);
            roles[4][i] = vMax == null ? roles[2][i] : operands.of(vMax[i], "adam vMax " + i, ElementType.F32, count);
        }
        int flags = adamFlags(s, vMax != null);
        ClKernel kernel = null;
        int[] slots = new int[ADAM_MANY_SLOTS];
        int used = 0;
        long total = 0;
        for (int i = 0; i <= n; i++) {
            boolean flush = i == n || used == ADAM_MANY_SLOTS || (used > 0 && total + sizes[i] > Integer.MAX_VALUE);
            if (flush && used > 0) {
                if (kernel == null) {
                    kernel = kernel("adam_step_many");
                }
                launchMany(kernel, roles, slots, used, sizes, (int) total, s, flags);
                used = 0;
                total = 0;
            }
            if (i < n && sizes[i] > 0) {
                slots[used++] = i;
                total += sizes[i];
            }
        }
    }

    private void launchMany(ClKernel kernel, ClBuffer[][] roles, int[] slots, int used, int[] sizes, int total,
                            AdamScalars scalars, int flags) {
        Object[] args = new Object[5 * ADAM_MANY_SLOTS + 13];
        int a = 0;
        boolean amsgrad = (flags & ADAM_AMSGRAD) != 0;
        for (int r = 0; r < roles.length; r++) {
            for (int s = 0; s < ADAM_MANY_SLOTS; s++) {
                // unused slots, and vMax without AMSGRAD, are never dereferenced: NULL instead of a
                // repeated buffer, since PoCL's enqueue costs per buffer argument
                boolean read = s < used && (r != 4 || amsgrad);
                args[a++] = read ? roles[r][slots[s]] : Kernels.NULL_BUFFER;
            }
        }
        int[] ends = new int[ADAM_MANY_SLOTS];
        int end = 0;
        for (int s = 0; s < ADAM_MANY_SLOTS; s++) {
            if (s < used) {
                end += sizes[slots[s]];
            }
            ends[s] = s < used ? end : total;
        }
        args[a++] = ends;
        args[a++] = total;
        args[a++] = scalars.stepSize();
        args[a++] = scalars.beta1();
        args[a++] = scalars.oneMinusBeta1();
        args[a++] = scalars.beta2();
        args[a++] = scalars.oneMinusBeta2();
        args[a++] = scalars.eps();
        args[a++] = scalars.weightDecay();
        args[a++] = scalars.decay();
        args[a++] = scalars.bc2Sqrt();
        args[a++] = flags;
        launches.incrementAndGet();
        kernels.launch1d(kernel, total, java.util.Arrays.copyOf(args, a));
    }

    /** The kernels' flag bits for a step with these scalars: optim.cl's ADAM_DECOUPLED, ADAM_WEIGHT_DECAY, ADAM_AMSGRAD. */
    private static int adamFlags(AdamScalars s, boolean amsgrad) {
        return flags(s.decoupled(), s.l2(), amsgrad);
    }

    /** Optimizer kernel launches (adam_step, adam_step_many, sgd_step) enqueued so far. */
    long launches() {
        return launches.get();
    }
}
