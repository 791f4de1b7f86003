package io.clgrad.backend;

import java.util.Locale;

/**
 * What {@link UnaryOp} and {@link BinaryOp} share: the names of an op, all derived from its enum
 * constant's name, so that the {@code Tensor} method, the error messages and the OpenCL kernel
 * cannot drift apart.
 */
public interface ElementwiseOp {
    /**
     * The enum constant's name, e.g. {@code "MAXIMUM"}.
     *
     * @return the name as declared
     */
    String name();

    /**
     * The family of the op's OpenCL kernels in {@code elementwise.cl}: {@code "unary"} or
     * {@code "binary"}.
     *
     * @return the prefix of {@link #kernelName()}
     */
    String kernelFamily();

    /**
     * The name of the op's {@code Tensor} method and of the op in error messages, e.g.
     * {@code "tanh"} or {@code "maximum"}.
     *
     * @return the lower-case name
     */
    default String opName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The OpenCL kernel that computes the op on contiguous operands, e.g. {@code "unary_tanh"} or
     * {@code "binary_add"}.
     *
     * @return {@link #kernelFamily()}, an underscore and {@link #opName()}
     */
    default String kernelName() {
        return kernelFamily() + "_" + opName();
    }
}
