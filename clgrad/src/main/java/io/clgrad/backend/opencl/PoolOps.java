package io.clgrad.backend.opencl;

import io.clgrad.backend.Buffer;
import io.clgrad.backend.ElementType;
import io.clgrad.backend.PoolSpec;

/**
 * 2-D max and average pooling and their gradients: the kernels of {@code kernels-cl/pool.cl}, one
 * work-item per output element (forwards) or per input element (backwards, which gather, so no
 * two work-items write one element). Every kernel there takes {@code (in, idx, out, g)}, the
 * geometry {@code g} as one {@code int16} laid out as that file's header says, so one launch path
 * serves the four.
 */
final class PoolOps extends FamilyOps {
    PoolOps(Kernels kernels, Operands operands) {
        super("pool", kernels, operands);
    }

    /**
     * Checks the operands of pool.cl's kernel {@code kernel} and launches it: a forward
     * ({@code max_pool2d}, {@code avg_pool2d}) reads the input and writes the output, a backward
     * ({@code *_backward}) reads the output's gradient and writes the input's.
     *
     * @param indices max pooling's int32 indices (written by {@code max_pool2d}, read by its
     *                backward), or null: not wanted by {@code max_pool2d}, never read by the average
     *                kernels (the launch then passes {@code in} in their place, so no kernel argument
     *                is a null pointer)
     */
    void run(String kernel, PoolSpec s, Buffer in, Buffer indices, Buffer out) {
        boolean backward = kernel.endsWith("_backward");
        int inCount = backward ? s.outputCount() : s.inputCount();
        int outCount = backward ? s.inputCount() : s.outputCount();
        String op = kernel.startsWith("max") ? "max_pool2d" : "avg_pool2d";
        ClBuffer ib = operands.of(in, op + (backward ? " upstream gradient" : " input"), ElementType.F32, inCount);
        ClBuffer ob = operands.of(out, op + (backward ? " input gradient" : " output"), ElementType.F32, outCount);
        ClBuffer xb = operands.optional(indices, op + " indices", ElementType.I32, s.outputCount());
        kernels.launch1d(kernel(kernel), outCount, ib, xb != null ? xb : ib, ob, geometry(s, xb != null));
    }

    /** The {@code int16} geometry argument of every pool.cl kernel (lanes s0..sf as its header lists). */
    private static int[] geometry(PoolSpec s, boolean withIndices) {
        return new int[] {s.planes(), s.height(), s.width(), s.outHeight(), s.outWidth(), s.kernelH(), s.kernelW(),
            s.strideH(), s.strideW(), s.padH(), s.padW(), s.dilationH(), s.dilationW(), s.countIncludePad() ? 1 : 0,
            s.divisorOverride(), withIndices ? 1 : 0};
    }
}
