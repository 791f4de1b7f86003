package io.clgrad.backend.opencl;

import io.clgrad.backend.Buffer;
import io.clgrad.backend.ElementType;
import io.clgrad.backend.StridedView;

/** fill, arange, strided copy and conversion: the kernels of {@code kernels-cl/copy.cl}. */
final class CopyOps extends FamilyOps {
    private final BufferCopies transfers;

    CopyOps(Kernels kernels, Operands operands, BufferCopies transfers) {
        super("copy", kernels, operands);
        this.transfers = transfers;
    }

    void fill(Buffer out, long n, double value) {
        int count = Operands.count(n, "fill length");
        ClBuffer o = operands.of(out, "fill output", null, count);
        int bits = o.type() == ElementType.F32 ? Float.floatToRawIntBits((float) value) : (int) value;
        kernels.launch1d(kernel("fill_u32"), count, o, count, bits);
    }

    void arange(Buffer out, long n, double start, double step) {
        int count = Operands.count(n, "arange length");
        ClBuffer o = operands.of(out, "arange output", null, count);
        if (o.type() == ElementType.F32) {
            kernels.launch1d(kernel("arange_f32"), count, o, count, (float) start, (float) step);
        } else {
            kernels.launch1d(kernel("arange_i32"), count, o, count, (int) start, (int) step);
        }
    }

    void copy(StridedView src, Buffer out) {
        ClBuffer s = operands.view(src, "copy source", null);
        int n = Operands.count(src.numel(), "copy length");
        ClBuffer o = operands.of(out, "copy output", s.type(), n);
        if (n == 0) {
            return;
        }
        StridedGeometry g = StridedGeometry.of(src.shape(), src.strides());
        if (g.contiguous(0)) {
            transfers.copy(s, src.offset(), o, 0, n);
            return;
        }
        kernels.launch1d(kernel("copy_strided_u32"), n,
                s, src.offset(), g.rank, g.shape, g.strides[0], o, n);
    }

    void convert(Buffer src, Buffer out, long n) {
        int count = Operands.count(n, "convert length");
        ClBuffer s = operands.of(src, "convert source", null, count);
        ClBuffer o = operands.of(out, "convert output", null, count);
        if (s.type() == o.type()) {
            transfers.copy(s, 0, o, 0, count);
        } else if (s.type() == ElementType.F32) {
            kernels.launch1d(kernel("convert_f32_to_i32"), count, s, o, count);
        } else {
            kernels.launch1d(kernel("convert_i32_to_f32"), count, s, o, count);
        }
    }

    void copyInto(StridedView src, StridedView dst) {
        ClBuffer s = operands.view(src, "copyInto source", null);
        ClBuffer d = operands.view(dst, "copyInto destination", s.type());
        if (!java.util.Arrays.equals(src.shape(), dst.shape())) {
            throw new IllegalArgumentException("copyInto: source shape " + java.util.Arrays.toString(src.shape())
                    + " differs from destination shape " + java.util.Arrays.toString(dst.shape()));
        }
        int n = Operands.count(src.numel(), "copyInto length");
        if (n == 0) {
            return;
        }
        StridedGeometry g = StridedGeometry.of(src.shape(), src.strides(), dst.strides());
        if (g.contiguous(0) && g.contiguous(1)) {
            transfers.copy(s, src.offset(), d, dst.offset(), n);
            return;
        }
        kernels.launch1d(kernel("copy_strided_into_u32"), n,
                s, src.offset(), g.rank, g.shape, g.strides[0], d, dst.offset(), g.strides[1], n);
    }
}
