package io.clgrad;

/** Argument checks shared by the op classes; every message names the op and the offending values. */
final class Checks {
    private Checks() {
    }

    /** Both tensors must be on one device. */
    static void sameDevice(String op, Tensor a, Tensor b) {
        if (a.device() != b.device()) {
            throw new IllegalArgumentException(op + ": tensors are on different devices: " + a.device()
                    + " and " + b.device() + " (move one with .to(device))");
        }
    }

    /** The tensor must be float32 (and open). */
    static void float32(String op, Tensor t) {
        t.checkOpen(op);
        if (t.dtype() != DType.FLOAT32) {
            throw new IllegalArgumentException(op + ": expected a float32 tensor, got " + t.dtype()
                    + " with shape " + Shape.str(t.shapeRef()) + " (convert with toFloat())");
        }
    }

    /** The tensor, the op's {@code what} (e.g. its weight), must be float32 (and open). */
    static void float32(String op, String what, Tensor t) {
        t.checkOpen(op);
        if (t.dtype() != DType.FLOAT32) {
            throw new IllegalArgumentException(op + ": " + what + " must be a float32 tensor, got " + t.dtype()
                    + " with shape " + Shape.str(t.shapeRef()) + " (convert with toFloat())");
        }
    }

    /** The tensor must be int32 (and open). */
    static void int32(String op, String what, Tensor t) {
        t.checkOpen(op);
        if (t.dtype() != DType.INT32) {
            throw new IllegalArgumentException(op + ": " + what + " must be an int32 tensor, got " + t.dtype()
                    + " with shape " + Shape.str(t.shapeRef()));
        }
    }

    /**
     * The op's {@code what}, whose dimensions are named by {@code layout} (e.g. "[out_features,
     * in_features]"), must be 2-D.
     */
    static void matrix(String op, String what, String layout, Tensor t) {
        if (t.dim() != 2) {
            throw new IllegalArgumentException(op + ": " + what + " must be 2-D " + layout + ", got " + what
                    + " of size " + Shape.str(t.shapeRef()));
        }
    }

    /** Closes {@code temp} when it is a temporary copy rather than the caller's own tensor. */
    static void closeTemp(Tensor temp, Tensor original) {
        if (temp != original) {
            temp.close();
        }
    }
}
