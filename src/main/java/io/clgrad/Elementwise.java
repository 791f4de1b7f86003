package io.clgrad;

import io.clgrad.backend.BinaryOp;
import io.clgrad.backend.UnaryOp;

/** Elementwise ops on float32 tensors: unary functions, broadcasting binary ops, ops with a scalar. */
final class Elementwise {
    private Elementwise() {
    }

    static Tensor unary(String op, UnaryOp f, Tensor x) {
        Checks.float32(op, x);
        Tensor d = Layouts.dense(x);
        try {
            Tensor out = Tensor.empty(x.device(), DType.FLOAT32, x.shapeRef());
            if (out.numel() > 0) {
                x.backend().unary(f, d.buffer(op), out.buffer(op), out.numel());
            }
            return out;
        } finally {
            Checks.closeTemp(d, x);
        }
    }

    static Tensor binary(String op, BinaryOp f, Tensor a, Tensor b) {
        Checks.float32(op, a);
        Checks.float32(op, b);
        Checks.sameDevice(op, a, b);
        int[] outShape = Shape.broadcast(op, a.shapeRef(), b.shapeRef());
        Tensor out = Tensor.empty(a.device(), DType.FLOAT32, outShape);
        if (out.numel() > 0) {
            a.backend().binary(f, Layouts.broadcastView(op, a, outShape), Layouts.broadcastView(op, b, outShape),
                    out.buffer(op), outShape);
        }
        return out;
    }

    static Tensor scalar(String op, BinaryOp f, Tensor x, float s, boolean scalarFirst) {
        Checks.float32(op, x);
        Tensor d = Layouts.dense(x);
        try {
            Tensor out = Tensor.empty(x.device(), DType.FLOAT32, x.shapeRef());
            if (out.numel() > 0) {
                x.backend().binaryScalar(f, d.buffer(op), s, scalarFirst, out.buffer(op), out.numel());
            }
            return out;
        } finally {
            Checks.closeTemp(d, x);
        }
    }
}
