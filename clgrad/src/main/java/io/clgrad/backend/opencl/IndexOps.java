package io.clgrad.backend.opencl;

import io.clgrad.backend.Buffer;
import io.clgrad.backend.ElementType;
import io.clgrad.backend.StridedView;
import java.util.Arrays;

/**
 * gather, scatter (replace and add) and where: the kernels of {@code kernels-cl/index.cl}, one
 * work-item per output element. Index checks run inside gather and scatter and land in the
 * calling thread's error record ({@link TargetErrors}), raised at its next read, so no launch waits
 * for the device; the record is armed in the same locked block as the launch.
 */
final class IndexOps extends FamilyOps {
    private final TargetErrors errors;

    IndexOps(Kernels kernels, Operands operands, TargetErrors errors) {
        super("index", kernels, operands);
        this.errors = errors;
    }

    void gather(String op, StridedView self, int dim, StridedView index, Buffer out) {
        int[] shape = index.shape();
        checkDim(op, shape, dim);
        if (self.rank() != shape.length) {
            throw new IllegalArgumentException(op + ": self view " + Arrays.toString(self.shape())
                    + " and index view " + Arrays.toString(shape) + " differ in rank");
        }
        ClBuffer sb = operands.view(self, op + " self", null);
        ClBuffer ib = operands.view(index, op + " index", ElementType.I32);
        int n = Operands.product(shape);
        ClBuffer ob = operands.of(out, op + " output", sb.type(), n);
        if (n == 0) {
            return;
        }
        launchChecked(op, "gather_u32", n, sb, self.offset(), pad(self.strides()), ib, index.offset(),
                pad(index.strides()), shape.length, pad(shape), dim, self.shape()[dim], ob, n);
    }

    void scatter(String op, int[] shape, StridedView self, int dim, StridedView index, StridedView src,
                 boolean accumulate, Buffer out) {
        checkDim(op, shape, dim);
        if (index.rank() != shape.length || !Arrays.equals(src.shape(), index.shape())) {
            throw new IllegalArgumentException(op + ": index view " + Arrays.toString(index.shape()) + " and src view "
                    + Arrays.toString(src.shape()) + " must have one shape of the output's rank " + shape.length);
        }
        ClBuffer vb = operands.view(src, op + " src", null);
        ClBuffer sb = self == null ? vb : operands.view(self, op + " self", vb.type());
        ClBuffer ib = operands.view(index, op + " index", ElementType.I32);
        int n = Operands.product(shape);
        ClBuffer ob = operands.of(out, op + " output", vb.type(), n);
        if (n == 0) {
            return;
        }
        int mode = !accumulate ? 0 : vb.type() == ElementType.F32 ? 1 : 2;
        launchChecked(op, "scatter_u32", n, sb, self == null ? 0 : self.offset(),
                pad(self == null ? new int[0] : self.strides()), self == null ? 0 : 1, ib, index.offset(),
                pad(index.strides()), pad(index.shape()), vb, src.offset(), pad(src.strides()), shape.length, pad(shape),
                dim, mode, ob, n);
    }

    void where(StridedView cond, StridedView x, StridedView y, Buffer out, int[] outShape) {
        ClBuffer cb = operands.view(cond, "where condition", null);
        ClBuffer xb = operands.view(x, "where x", null);
        ClBuffer yb = operands.view(y, "where y", xb.type());
        int n = Operands.product(outShape);
        ClBuffer ob = operands.of(out, "where output", xb.type(), n);
        if (n == 0) {
            return;
        }
        StridedGeometry g = StridedGeometry.of(outShape, broadcast(cond, outShape), broadcast(x, outShape),
                broadcast(y, outShape));
        kernels.launch1d(kernel("where_u32"), n, cb, cond.offset(), cb.type() == ElementType.F32 ? 1 : 0,
                xb, x.offset(), yb, y.offset(), g.rank, g.shape, g.strides[0], g.strides[1], g.strides[2], ob, n);
    }

    /** Launches a kernel whose last two arguments are the calling thread's error record and the op's code. */
    private void launchChecked(String op, String name, int n, Object... args) {
        ClKernel k = kernel(name);
        synchronized (kernels.device().lock()) {    // armed and launched with no read in between
            Object[] all = Arrays.copyOf(args, args.length + 2);
            all[args.length] = errors.arm();
            all[args.length + 1] = errors.indexOpCode(op);
            kernels.launch1d(k, n, all);
        }
    }

    private static void checkDim(String op, int[] shape, int dim) {
        if (shape.length < 1 || dim < 0 || dim >= shape.length) {
            throw new IllegalArgumentException(op + ": dimension " + dim + " is outside the rank of "
                    + Arrays.toString(shape));
        }
    }

    /** The view's strides over {@code outShape}, 0 where the view has size 1 (broadcast). */
    private static int[] broadcast(StridedView v, int[] outShape) {
        if (v.rank() != outShape.length) {
            throw new IllegalArgumentException("where: view " + Arrays.toString(v.shape())
                    + " does not have the rank of the output " + Arrays.toString(outShape));
        }
        int[] st = new int[outShape.length];
        for (int d = 0; d < st.length; d++) {
            st[d] = v.shape()[d] == 1 ? 0 : v.strides()[d];
        }
        return st;
    }

    /** A shape or stride list padded to the int8 the kernels take. */
    private static int[] pad(int[] v) {
        return Arrays.copyOf(v, StridedView.MAX_DIMS);
    }
}
