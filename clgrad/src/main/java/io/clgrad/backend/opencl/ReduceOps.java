package io.clgrad.backend.opencl;

import io.clgrad.backend.Buffer;
import io.clgrad.backend.ElementType;
import io.clgrad.backend.ReduceOp;

/**
 * Reductions over the middle axis of [outer, len, inner]: the kernels of
 * {@code kernels-cl/reduce.cl} ({@link SoftmaxOps} shares the geometry rules). Short rows or many outputs: one
 * work-item per output. Long rows with few outputs: work-groups with a local-memory tree, and when
 * there are too few outputs to occupy the device, each row is split over several work-groups
 * whose partial results a second launch combines.
 */
final class ReduceOps extends FamilyOps {
    /** Rows at least this long are candidates for work-group reductions ... */
    static final int GROUP_MIN_LEN = 256;
    /** ... when there are fewer outputs than this (else one work-item per output keeps the device busy). */
    static final int GROUP_MAX_OUTPUTS = 2048;
    /** A split reduction gives each work-item at least this many elements. */
    private static final int MIN_PER_ITEM = 16;

    private final BufferPool pool;

    ReduceOps(Kernels kernels, Operands operands, BufferPool pool) {
        super("reduce", kernels, operands);
        this.pool = pool;
    }

    void reduce(ReduceOp op, Buffer x, Buffer out, int outer, int len, int inner) {
        if (len < 1) {
            throw new IllegalArgumentException("reduce " + op + " over an axis of length " + len);
        }
        int total = Operands.product(outer, len, inner);
        int outputs = Operands.product(outer, inner);
        ElementType type = operands.of(x, "reduce input").type();
        ClBuffer xb = operands.of(x, "reduce input", ElementwiseOps.accepted(op.accepts(type), op, type), total);
        ClBuffer ob = operands.of(out, "reduce output", op.resultType(type), outputs);
        if (outputs == 0) {
            return;
        }
        String suffix = type == ElementType.I32 ? "_i32" : "";     // the int32 twins (no int32 mean)
        String base = (op == ReduceOp.MEAN ? "sum" : op.opName()) + suffix;   // a mean is the sum kernel with a divisor
        if (!useGroup(len, outputs)) {
            String rows = "reduce_" + op.opName() + suffix + "_rows";
            kernels.launch1d(kernel(rows), outputs, xb, ob, outer, len, inner);
            return;
        }
        ClKernel group = kernel("reduce_" + base + "_group");
        long local = groupSize(group, kernels.device().tuning().reduceWg(), len);
        int splits = splits(outputs, len, local);
        int chunk = (len + splits - 1) / splits;
        splits = (len + chunk - 1) / chunk;
        float divisor = op == ReduceOp.MEAN ? (float) len : 1.0f;
        if (splits == 1) {
            launchGroup(op, group, local, outputs, xb, ob, null, outer, len, inner, 1, len, divisor);
            return;
        }
        int partials = outputs * splits;
        ClBuffer values = pool.allocate(type, partials);
        ClBuffer indices = op.producesIndices() ? pool.allocate(ElementType.I32, partials) : null;
        try {
            launchGroup(op, group, local, partials, xb, values, indices, outer, len, inner, splits, chunk, 1.0f);
            if (op.producesIndices()) {
                kernels.launch1d(kernel("reduce_" + base + "_final"), outputs,
                        values, indices, ob, outputs, splits);
            } else {
                long local2 = groupSize(group, kernels.device().tuning().reduceWg(), splits);
                launchGroup(op, group, local2, outputs, values, ob, null, outputs, splits, 1, 1, splits, divisor);
            }
        } finally {
            // safe to reuse at once: later users of these blocks are ordered after this on the queue
            pool.free(values);
            if (indices != null) {
                pool.free(indices);
            }
        }
    }

    /** One launch of a _group kernel over {@code groups} work-groups of {@code local} work-items. */
    private void launchGroup(ReduceOp op, ClKernel k, long local, int groups, ClBuffer x, ClBuffer out,
                             ClBuffer indices, int outer, int len, int inner, int splits, int chunk, float divisor) {
        long[] global = {groups * local};
        long[] wg = {local};
        switch (op.kind()) {
            case TOTAL -> {
                if (x.type() == ElementType.I32) {   // the int32 sum is a fold: no divisor
                    kernels.launch(k, global, wg, x, out, outer, len, inner, splits, chunk);
                } else {
                    kernels.launch(k, global, wg, x, out, outer, len, inner, splits, chunk, divisor);
                }
            }
            case EXTREME -> kernels.launch(k, global, wg, x, out, outer, len, inner, splits, chunk);
            case INDEX -> {
                // the final result (splits == 1) is the index buffer itself
                ClBuffer idx = indices != null ? indices : out;
                ClBuffer val = indices != null ? out : x;
                kernels.launch(k, global, wg, x, val, idx, outer, len, inner, splits, chunk, indices != null ? 1 : 0);
            }
        }
    }

    /** How many work-groups share one output so that the device has enough groups to run. */
    private int splits(int outputs, int len, long local) {
        DeviceTuning t = kernels.device().tuning();
        long target = (long) Math.max(1, kernels.device().info().computeUnits()) * t.groupsPerUnit();
        if (outputs >= target) {
            return 1;
        }
        long want = (target + outputs - 1) / outputs;
        long byWork = Math.max(1, len / (local * MIN_PER_ITEM));
        return (int) Math.max(1, Math.min(want, byWork));
    }

    static boolean useGroup(int len, int outputs) {
        return len >= GROUP_MIN_LEN && outputs < GROUP_MAX_OUTPUTS;
    }

    /** The largest power of two that is at most the tuned cap, the kernel's limit, and len rounded up. */
    static long groupSize(ClKernel k, int cap, int len) {
        long roundedLen = len <= 1 ? 1 : Long.highestOneBit(len - 1) << 1;
        long wanted = Math.min(cap, roundedLen);
        return k.powerOfTwoLocalSize(wanted);
    }
}
