package io.clgrad;

import io.clgrad.backend.Backend;
import io.clgrad.backend.Buffer;
import io.clgrad.backend.StridedView;

/** Moves values between host arrays and devices, and converts dtypes. */
final class Transfers {
    private Transfers() {
    }

    static float item(Tensor t) {
        t.checkOpen("item");
        if (t.numel() != 1) {
            throw new IllegalArgumentException("item: a tensor with " + t.numel()
                    + " elements cannot be converted to a scalar (shape " + Shape.str(t.shapeRef()) + ")");
        }
        if (t.dtype() == DType.INT32) {
            int[] v = new int[1];
            t.backend().read(t.buffer("item"), t.offset(), v, 0, 1);
            return v[0];
        }
        float[] v = new float[1];
        t.backend().read(t.buffer("item"), t.offset(), v, 0, 1);
        return v[0];
    }

    static float[] toFloatArray(Tensor t) {
        t.checkOpen("toFloatArray");
        if (t.dtype() == DType.INT32) {
            int[] ints = toIntArray(t);
            float[] out = new float[ints.length];
            for (int i = 0; i < ints.length; i++) {
                out[i] = ints[i];
            }
            return out;
        }
        return readDense(t, "toFloatArray", new float[t.numel()], (b, src, out) -> b.read(src, 0, out, 0, out.length));
    }

    static int[] toIntArray(Tensor t) {
        Checks.int32("toIntArray", "the tensor", t);
        return readDense(t, "toIntArray", new int[t.numel()], (b, src, out) -> b.read(src, 0, out, 0, out.length));
    }

    /** A backend read of a whole dense buffer into a host array of the buffer's dtype. */
    private interface HostRead<A> {
        void read(Backend backend, Buffer src, A out);
    }

    /** Reads {@code t}'s elements in row-major order into {@code out} (through a dense copy if strided). */
    private static <A> A readDense(Tensor t, String op, A out, HostRead<A> read) {
        try (OpLaunch l = new OpLaunch(op, t.device())) {
            read.read(t.backend(), l.dense(t), out);
            return out;
        }
    }

    static Tensor to(Tensor t, Device target) {
        t.checkOpen("to");
        if (target == null) {
            throw new IllegalArgumentException("to: device is null (use Device.cpu(), Device.best() or Device.opencl(i))");
        }
        if (t.device() == target) {
            return t;
        }
        if (t.dtype() == DType.INT32) {
            return Factories.exact(target, toIntArray(t), t.shapeRef());
        }
        if (t.dtype() == DType.BOOL) {
            return Factories.exact(target, DType.BOOL, toFloatArray(t), t.shapeRef());
        }
        Device from = t.device();
        return Graph.record(Factories.exact(target, toFloatArray(t), t.shapeRef()), "ToCopyBackward0",
                new Tensor[] {t}, g -> new Tensor[] {g.to(from)});
    }

    static Tensor copyInto(Tensor dst, Tensor src) {
        String op = "copyFrom";
        dst.checkOpen(op);
        src.checkOpen(op);
        if (!java.util.Arrays.equals(dst.shapeRef(), src.shapeRef())) {
            throw new IllegalArgumentException(op + ": source shape " + Shape.str(src.shapeRef())
                    + " does not match destination shape " + Shape.str(dst.shapeRef()));
        }
        if (dst.requiresGrad() && Autograd.isEnabled()) {
            throw new IllegalStateException(op + ": " + (dst.isLeaf() ? "a leaf tensor that requires grad"
                    : "the result of " + dst.gradFn().name() + " (which requires grad)")
                    + " cannot be modified in place while gradients are recorded (copyFrom is not recorded);"
                    + " do it inside Autograd.noGrad(), or write into a detach()ed tensor");
        }
        for (int d = 0; d < dst.dim(); d++) {
            if (dst.stridesRef()[d] == 0 && dst.shapeRef()[d] > 1) {
                throw new IllegalArgumentException(op + ": unsupported operation: more than one element of the"
                        + " written-to tensor (shape " + Shape.str(dst.shapeRef()) + ", strides "
                        + Shape.str(dst.stridesRef()) + ") refers to a single memory location; copy() it first");
            }
        }
        if (dst.numel() == 0) {
            return dst;
        }
        try (Autograd.Mode m = Autograd.noGrad()) {
            Tensor typed = cast(src, dst.dtype());
            Tensor moved = typed.to(dst.device());
            // a source in dst's own storage: the same elements are already there; another view of
            // them (a transpose, a shifted slice) is copied through a temporary, since a device
            // copy may not read what it writes (OpenCL refuses overlapping copies)
            boolean sameStorage = moved.storage() == dst.storage();
            StridedView from = moved.stridedView(op);
            StridedView to = dst.stridedView(op);
            boolean sameElements = sameStorage && from.offset() == to.offset()
                    && java.util.Arrays.equals(from.strides(), to.strides());
            Tensor staged = sameStorage && !sameElements ? Layouts.copy(moved) : moved;
            try {
                if (!sameElements && dst.isDense()) {
                    dst.backend().copy(staged.stridedView(op), dst.buffer(op));
                } else if (!sameElements) {   // a view (select, slice, transpose): its elements of the base
                    dst.backend().copyInto(staged.stridedView(op), dst.stridedView(op));
                }
                dst.bumpVersion();   // as PyTorch's copy_, even onto itself
            } finally {
                Checks.closeTemp(staged, moved);
                Checks.closeTemp(moved, typed);
                Checks.closeTemp(typed, src);
            }
        }
        return dst;
    }

    static Tensor cast(Tensor t, DType dtype) {
        t.checkOpen("to(" + dtype + ")");
        if (t.dtype() == dtype) {
            return t;
        }
        if (dtype == DType.BOOL) {
            return Elementwise.scalar(io.clgrad.backend.BinaryOp.NE, t, 0);   // PyTorch's bool(): non-zero (NaN too)
        }
        return OpLaunch.run("convert", t.device(), dtype, t.shapeRef(),
                (l, out) -> t.backend().convert(l.dense(t), out, t.numel()));
    }
}
