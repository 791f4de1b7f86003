package io.clgrad.backend.opencl;

import io.clgrad.backend.Buffer;
import io.clgrad.backend.ElementType;

/**
 * Softmax and log-softmax over the middle axis of [outer, len, inner]: the kernels of
 * {@code kernels-cl/softmax.cl}. Long rows with few of them get a work-group per row (the same
 * rule as {@link ReduceOps}), else one work-item per row.
 */
final class SoftmaxOps extends FamilyOps {
    SoftmaxOps(Kernels kernels, Operands operands) {
        super("softmax", kernels, operands);
    }

    void softmax(Buffer x, Buffer out, int outer, int len, int inner, boolean log) {
        int total = Operands.product(outer, len, inner);
        ClBuffer xb = operands.of(x, "softmax input", ElementType.F32, total);
        ClBuffer ob = operands.of(out, "softmax output", ElementType.F32, total);
        int rows = Operands.product(outer, inner);
        if (total == 0) {
            return;
        }
        int isLog = log ? 1 : 0;
        if (ReduceOps.useGroup(len, rows)) {
            ClKernel k = kernel("softmax_group");
            long local = ReduceOps.groupSize(k, kernels.device().tuning().reduceWg(), len);
            kernels.launch(k, new long[] {rows * local}, new long[] {local}, xb, ob, outer, len, inner, isLog);
        } else {
            kernels.launch1d(kernel("softmax_rows"), rows, xb, ob, outer, len, inner, isLog);
        }
    }
}
