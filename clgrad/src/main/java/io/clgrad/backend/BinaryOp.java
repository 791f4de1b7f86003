package io.clgrad.backend;

/**
 * Elementwise functions of two float operands, {@code out = f(a, b)}.
 *
 * <p>Comparisons produce 1.0f where true and 0.0f where false. The three backward helpers take the
 * upstream gradient as {@code a}: {@code RELU_BACKWARD(g, x) = x <= 0 ? 0 : g} (PyTorch's threshold_backward: g passes where x is NaN),
 * {@code SIGMOID_BACKWARD(g, y) = g*y*(1-y)}, {@code TANH_BACKWARD(g, y) = g*(1-y*y)} where
 * {@code y} is the forward output.
 */
public enum BinaryOp {
    ADD, SUB, MUL, DIV, POW, MAXIMUM, MINIMUM,
    EQ, NE, LT, LE, GT, GE,
    RELU_BACKWARD, SIGMOID_BACKWARD, TANH_BACKWARD
}
