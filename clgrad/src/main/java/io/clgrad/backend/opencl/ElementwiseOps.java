package io.clgrad.backend.opencl;

import io.clgrad.backend.BinaryOp;
import io.clgrad.backend.Buffer;
import io.clgrad.backend.ElementType;
import io.clgrad.backend.StridedView;
import io.clgrad.backend.UnaryOp;
import java.util.Arrays;

/**
 * Unary and binary elementwise ops: the kernels of {@code kernels-cl/elementwise.cl}, named by
 * each op entry's {@code kernelName(type)} for the operands' element type (F32, or I32 for the
 * int32 twins). A binary op
 * takes the contiguous fast path when both operands, after collapsing, are read with stride 1,
 * and the strided (broadcasting) kernel otherwise.
 */
final class ElementwiseOps extends FamilyOps {

    ElementwiseOps(Kernels kernels, Operands operands) {
        super("elementwise", kernels, operands);
    }

    void unary(UnaryOp op, Buffer x, Buffer out, long n) {
        int count = Operands.count(n, "unary length");
        ElementType type = operands.of(x, "unary input").type();
        ClBuffer xb = operands.of(x, "unary input", accepted(op.accepts(type), op, type), count);
        ClBuffer ob = operands.of(out, "unary output", type, count);
        kernels.launch1d(kernel(op.kernelName(type)), count, xb, ob, count);
    }

    void binary(BinaryOp op, StridedView a, StridedView b, Buffer out, int[] outShape) {
        if (a.rank() != outShape.length || b.rank() != outShape.length) {
            throw new IllegalArgumentException("binary " + op + ": operand ranks " + a.rank() + " and " + b.rank()
                    + " differ from the output shape " + Arrays.toString(outShape));
        }
        int n = Operands.product(outShape);
        ElementType type = operands.of(a.buffer(), "binary lhs").type();
        ClBuffer ab = operands.view(a, "binary lhs", accepted(op.accepts(type), op, type));
        ClBuffer bb = operands.view(b, "binary rhs", type);
        ClBuffer ob = operands.of(out, "binary output", op.resultType(type), n);
        if (n == 0) {
            return;
        }
        StridedGeometry g = StridedGeometry.of(outShape, a.strides(), b.strides());
        String name = op.kernelName(type);
        if (g.contiguous(0) && g.contiguous(1)) {
            kernels.launch1d(kernel(name), n, ab, a.offset(), bb, b.offset(), ob, n);
        } else {
            kernels.launch1d(kernel(name + "_nd"), n, ab, a.offset(), bb, b.offset(), ob, n,
                    g.rank, g.shape, g.strides[0], g.strides[1]);
        }
    }

    void binaryScalar(BinaryOp op, Buffer x, float s, boolean scalarFirst, Buffer out, long n) {
        int count = Operands.count(n, "binary length");
        ClBuffer xb = operands.of(x, "binary input", ElementType.F32, count);
        ClBuffer ob = operands.of(out, "binary output", ElementType.F32, count);
        kernels.launch1d(kernel(op.kernelName() + "_scalar"), count, xb, s, scalarFirst ? 1 : 0, ob, count);
    }

    void binaryScalarInt(BinaryOp op, Buffer x, int s, boolean scalarFirst, Buffer out, long n) {
        int count = Operands.count(n, "binary length");
        ElementType type = accepted(op.accepts(ElementType.I32), op, ElementType.I32);
        ClBuffer xb = operands.of(x, "binary input", type, count);
        ClBuffer ob = operands.of(out, "binary output", op.resultType(type), count);
        kernels.launch1d(kernel(op.kernelName(type) + "_scalar"), count, xb, s, scalarFirst ? 1 : 0, ob, count);
    }

    /** {@code type} when the op has a kernel for it, else an error naming both. */
    static ElementType accepted(boolean accepts, Object op, ElementType type) {
        if (!accepts) {
            throw new IllegalArgumentException(op + " has no kernel for " + type + " operands");
        }
        return type;
    }
}
