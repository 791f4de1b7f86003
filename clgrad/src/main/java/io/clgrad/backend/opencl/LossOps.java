package io.clgrad.backend.opencl;

import io.clgrad.backend.Buffer;
import io.clgrad.backend.ElementType;

/**
 * Binary cross-entropy with logits and softmax cross-entropy, forward and backward: the kernels of
 * {@code kernels-cl/loss.cl}. Absent weight buffers are passed as the input buffer with a flag of 0,
 * so no kernel argument is ever a null pointer.
 */
final class LossOps extends FamilyOps {
    private final TargetErrors targetErrors;

    LossOps(Kernels kernels, Operands operands, TargetErrors targetErrors) {
        super("loss", kernels, operands);
        this.targetErrors = targetErrors;
    }

    void bceWithLogits(Buffer x, Buffer y, Buffer weight, Buffer posWeight, Buffer out, long n) {
        int count = Operands.count(n, "bce length");
        BceOperands o = bce(x, y, weight, posWeight, count);
        ClBuffer ob = operands.of(out, "bce output", ElementType.F32, count);
        kernels.launch1d(kernel("bce_with_logits"), count, o.x(), o.y(), o.w(), o.pw(), ob, count, o.hasW(), o.hasPw());
    }

    void bceWithLogitsBackward(Buffer x, Buffer y, Buffer weight, Buffer posWeight, Buffer g, int gStride,
                               float scale, Buffer out, long n) {
        int count = Operands.count(n, "bce length");
        if (gStride != 0 && gStride != 1) {
            throw new IllegalArgumentException("bce backward gStride must be 0 or 1, got " + gStride);
        }
        BceOperands o = bce(x, y, weight, posWeight, count);
        ClBuffer gb = operands.of(g, "bce upstream gradient", ElementType.F32, gStride == 0 ? 1 : count);
        ClBuffer ob = operands.of(out, "bce gradient", ElementType.F32, count);
        kernels.launch1d(kernel("bce_with_logits_backward"), count,
                o.x(), o.y(), o.w(), o.pw(), gb, gStride, scale, ob, count, o.hasW(), o.hasPw());
    }

    void bceWithLogitsFused(Buffer x, Buffer y, Buffer weight, Buffer posWeight, Buffer loss, Buffer grad, long n,
                            float scale) {
        int count = Operands.count(n, "bce length");
        BceOperands o = bce(x, y, weight, posWeight, count);
        ClBuffer lb = operands.of(loss, "bce loss", ElementType.F32, 1);
        ClBuffer gb = operands.optional(grad, "bce gradient", ElementType.F32, count);
        ClKernel k = kernel("bce_with_logits_fused");
        long local = oneGroup(k, count);
        kernels.launch(k, new long[] {local}, new long[] {local},
                o.x(), o.y(), o.w(), o.pw(), lb, gb != null ? gb : lb, count, o.hasW(), o.hasPw(), gb != null ? 1 : 0, scale);
    }

    /**
     * The operands every BCE kernel takes first: x, y, and the weights w and pw, each of which is x
     * with its flag ({@code hasW}, {@code hasPw}) 0 when absent.
     */
    private record BceOperands(ClBuffer x, ClBuffer y, ClBuffer w, ClBuffer pw, int hasW, int hasPw) {
    }

    /** Checks the BCE inputs, {@code count} floats each (the weights may be null). */
    private BceOperands bce(Buffer x, Buffer y, Buffer weight, Buffer posWeight, int count) {
        ClBuffer xb = operands.of(x, "bce input", ElementType.F32, count);
        ClBuffer yb = operands.of(y, "bce target", ElementType.F32, count);
        ClBuffer wb = operands.optional(weight, "bce weight", ElementType.F32, count);
        ClBuffer pb = operands.optional(posWeight, "bce posWeight", ElementType.F32, count);
        return new BceOperands(xb, yb, wb != null ? wb : xb, pb != null ? pb : xb, wb != null ? 1 : 0, pb != null ? 1 : 0);
    }

    /**
     * The size of the single work-group of a fused loss over {@code items} elements or rows: the
     * smallest power of two that covers them, at most the device's reduction group and the kernel's limit.
     */
    private long oneGroup(ClKernel k, int items) {
        long cover = Long.highestOneBit(Math.max(1, items - 1)) * 2;
        return k.powerOfTwoLocalSize(Math.min(kernels.device().tuning().reduceWg(), cover));
    }

    void crossEntropyFused(Buffer logits, Buffer targets, Buffer loss, Buffer grad, int rows, int classes,
                           int ignoreIndex, float labelSmoothing, boolean mean) {
        int total = Operands.product(rows, classes);
        ClBuffer lb = operands.of(logits, "cross-entropy logits", ElementType.F32, total);
        ClBuffer tb = operands.of(targets, "cross-entropy targets", ElementType.I32, rows);
        ClBuffer ob = operands.of(loss, "cross-entropy loss", ElementType.F32, 1);
        ClBuffer gb = operands.optional(grad, "cross-entropy gradient", ElementType.F32, total);
        ClKernel k = kernel("cross_entropy_fused");
        long local = oneGroup(k, rows);
        synchronized (kernels.device().lock()) {    // armed and launched with no read in between
            ClBuffer err = targetErrors.arm();
            kernels.launch(k, new long[] {local}, new long[] {local},
                    lb, tb, ob, gb != null ? gb : ob, rows, classes, ignoreIndex, labelSmoothing, gb != null ? 1 : 0,
                    mean ? 1 : 0, err, targetErrors.opCode("cross_entropy"));
        }
    }

    /** One {@code check_class_targets} launch writing a bad target into the error record (see {@link TargetErrors}). */
    void checkClassTargets(String op, Buffer targets, int n, int classes, int ignoreIndex) {
        ClBuffer tb = operands.of(targets, op + " targets", ElementType.I32, n);
        if (n == 0) {
            return;
        }
        ClKernel k = kernel("check_class_targets");
        synchronized (kernels.device().lock()) {
            ClBuffer err = targetErrors.arm();
            kernels.launch1d(k, n, tb, n, classes, ignoreIndex, err, targetErrors.opCode(op));
        }
    }

    void crossEntropy(Buffer logits, Buffer targets, Buffer loss, Buffer valid,
                      int rows, int classes, int ignoreIndex, float labelSmoothing) {
        int total = Operands.product(rows, classes);
        ClBuffer lb = operands.of(logits, "cross-entropy logits", ElementType.F32, total);
        ClBuffer tb = operands.of(targets, "cross-entropy targets", ElementType.I32, rows);
        ClBuffer ob = operands.of(loss, "cross-entropy loss", ElementType.F32, rows);
        ClBuffer vb = operands.of(valid, "cross-entropy valid", null, rows);
        if (rows == 0) {
            return;
        }
        if (classes < 1) {
            throw new IllegalArgumentException("cross-entropy over " + classes + " classes");
        }
        ClKernel k = kernel("cross_entropy");
        long local = ReduceOps.groupSize(k, kernels.device().tuning().reduceWg(), classes);
        kernels.launch(k, new long[] {rows * local}, new long[] {local},
                lb, tb, ob, vb, rows, classes, ignoreIndex, labelSmoothing, vb.type() == ElementType.I32 ? 1 : 0);
    }

    void crossEntropyBackward(Buffer logits, Buffer targets, Buffer g, int gStride, Buffer out,
                              int rows, int classes, int ignoreIndex, float labelSmoothing) {
        int total = Operands.product(rows, classes);
        if (gStride != 0 && gStride != 1) {
            throw new IllegalArgumentException("cross-entropy backward gStride must be 0 or 1, got " + gStride);
        }
        ClBuffer lb = operands.of(logits, "cross-entropy logits", ElementType.F32, total);
        ClBuffer tb = operands.of(targets, "cross-entropy targets", ElementType.I32, rows);
        ClBuffer gb = operands.of(g, "cross-entropy upstream gradient", ElementType.F32, gStride == 0 ? 1 : rows);
        ClBuffer ob = operands.of(out, "cross-entropy gradient", ElementType.F32, total);
        if (total == 0) {
            return;
        }
        ClKernel k = kernel("cross_entropy_backward");
        long local = ReduceOps.groupSize(k, kernels.device().tuning().reduceWg(), classes);
        kernels.launch(k, new long[] {rows * local}, new long[] {local},
                lb, tb, gb, gStride, ob, rows, classes, ignoreIndex, labelSmoothing);
    }
}
