package io.clgrad.backend.opencl;

import io.clgrad.backend.Buffer;
import io.clgrad.backend.ElementType;

/**
 * Ops along the middle axis of [outer, len, inner]: the kernels of {@code kernels-cl/scan.cl}, the
 * cumulative sum (one work-item per row) and the stable argsort (one work-item per element).
 */
final class ScanOps extends FamilyOps {
    ScanOps(Kernels kernels, Operands operands) {
        super("scan", kernels, operands);
    }

    void cumsum(Buffer x, Buffer out, int outer, int len, int inner) {
        launch("cumsum_rows", x, out, ElementType.F32, outer, len, inner, Operands.product(outer, inner));
    }

    void argsort(Buffer x, Buffer indices, int outer, int len, int inner, boolean descending) {
        launch("argsort_rank", x, indices, ElementType.I32, outer, len, inner, Operands.product(outer, len, inner),
                descending ? 1 : 0);
    }

    /** Launches {@code name} over {@code items} work-items with (x, out, outer, len, inner, extra...). */
    private void launch(String name, Buffer x, Buffer out, ElementType outType, int outer, int len, int inner,
                        int items, Object... extra) {
        int total = Operands.product(outer, len, inner);
        ClBuffer xb = operands.of(x, name + " input", ElementType.F32, total);
        ClBuffer ob = operands.of(out, name + " output", outType, total);
        if (total == 0) {
            return;
        }
        Object[] args = new Object[5 + extra.length];
        args[0] = xb;
        args[1] = ob;
        args[2] = outer;
        args[3] = len;
        args[4] = inner;
        System.arraycopy(extra, 0, args, 5, extra.length);
        kernels.launch1d(kernel(name), items, args);
    }
}
