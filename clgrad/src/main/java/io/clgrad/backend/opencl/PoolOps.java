package io.clgrad.backend.opencl;

import io.clgrad.backend.Buffer;
import io.clgrad.backend.ElementType;
import io.clgrad.backend.PoolSpec;

/**
 * 2-D max and average pooling and their gradients: the kernels of {@code kernels-cl/pool.cl}, one
 * work-item per output element (forwards) or per input element (backwards, which gather, so no
 * two work-items write one element). The geometry travels as one {@code int16} argument, laid out
 * as that file's header says.
 */
final class PoolOps extends FamilyOps {
    PoolOps(Kernels kernels, Operands operands) {
        super("pool", kernels, operands);
    }

    void maxPool2d(PoolSpec s, Buffer x, Buffer out, Buffer indices) {
        ClBuffer xb = operands.of(x, "max_pool2d input", ElementType.F32, s.inputCount());
        ClBuffer ob = operands.of(out, "max_pool2d output", ElementType.F32, s.outputCount());
        ClBuffer ib = operands.optional(indices, "max_pool2d indices", ElementType.I32, s.outputCount());
        // no kernel argument is a null pointer: without indices the kernel gets out and never writes it as such
        kernels.launch1d(kernel("max_pool2d"), s.outputCount(), xb, ob, ib != null ? ib : ob, geometry(s, ib != null));
    }

    void maxPool2dBackward(PoolSpec s, Buffer gradOut, Buffer indices, Buffer gradIn) {
        ClBuffer gb = operands.of(gradOut, "max_pool2d upstream gradient", ElementType.F32, s.outputCount());
        ClBuffer ib = operands.of(indices, "max_pool2d indices", ElementType.I32, s.outputCount());
        ClBuffer ob = operands.of(gradIn, "max_pool2d input gradient", ElementType.F32, s.inputCount());
        kernels.launch1d(kernel("max_pool2d_backward"), s.inputCount(), gb, ib, ob, geometry(s, true));
    }

    void avgPool2d(PoolSpec s, Buffer x, Buffer out) {
        ClBuffer xb = operands.of(x, "avg_pool2d input", ElementType.F32, s.inputCount());
        ClBuffer ob = operands.of(out, "avg_pool2d output", ElementType.F32, s.outputCount());
        kernels.launch1d(kernel("avg_pool2d"), s.outputCount(), xb, ob, geometry(s, false));
    }

    void avgPool2dBackward(PoolSpec s, Buffer gradOut, Buffer gradIn) {
        ClBuffer gb = operands.of(gradOut, "avg_pool2d upstream gradient", ElementType.F32, s.outputCount());
        ClBuffer ob = operands.of(gradIn, "avg_pool2d input gradient", ElementType.F32, s.inputCount());
        kernels.launch1d(kernel("avg_pool2d_backward"), s.inputCount(), gb, ob, geometry(s, false));
    }

    /** The {@code int16} geometry argument of every pool.cl kernel (lanes s0..sf as its header lists). */
    private static int[] geometry(PoolSpec s, boolean wantIndices) {
        return new int[] {s.planes(), s.height(), s.width(), s.outHeight(), s.outWidth(), s.kernelH(), s.kernelW(),
            s.strideH(), s.strideW(), s.padH(), s.padW(), s.dilationH(), s.dilationW(), s.countIncludePad() ? 1 : 0,
            s.divisorOverride(), wantIndices ? 1 : 0};
    }
}
