package io.clgrad.backend.opencl;

import io.clgrad.backend.Buffer;
import io.clgrad.backend.ElementType;

/**
 * The cumulative sum over the middle axis of [outer, len, inner]: the kernel of
 * {@code kernels-cl/scan.cl}, one work-item per row.
 */
final class ScanOps extends FamilyOps {
    ScanOps(Kernels kernels, Operands operands) {
        super("scan", kernels, operands);
    }

    void cumsum(Buffer x, Buffer out, int outer, int len, int inner) {
        int total = Operands.product(outer, len, inner);
        ClBuffer xb = operands.of(x, "cumsum input", ElementType.F32, total);
        ClBuffer ob = operands.of(out, "cumsum output", ElementType.F32, total);
        if (total == 0) {
            return;
        }
        kernels.launch1d(kernel("cumsum_rows"), Operands.product(outer, inner), xb, ob, outer, len, inner);
    }
}
