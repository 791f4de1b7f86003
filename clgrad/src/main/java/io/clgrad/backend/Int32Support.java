package io.clgrad.backend;

/**
 * How an op entry ({@link UnaryOp}, {@link BinaryOp}, {@link ReduceOp}) treats int32 operands, as
 * PyTorch does for its integer types: a fact of each entry ({@code int32()}), from which the
 * backends' int32 kernels, the core's type promotion and the conformance tables' int32 cases follow.
 */
public enum Int32Support {
    /**
     * Every backend has an int32 kernel: int32 operands give an int32 result (a bool one for a
     * comparison, an int32 index for argmax/argmin) computed exactly, overflow wrapping modulo
     * 2^32 as PyTorch's int32 does.
     */
    KERNEL,
    /**
     * Int32 operands are converted to float32 and the float32 kernel runs, giving a float32
     * result: PyTorch's true division and its floating-point functions ({@code exp}, {@code sin},
     * ...) promote integers the same way.
     */
    AS_FLOAT,
    /** Int32 operands are refused with an error naming the op and the dtypes (convert with {@code toFloat()}). */
    REFUSED
}
