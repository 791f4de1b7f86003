package io.clgrad.backend;

/** Elementwise functions of one float operand, {@code out[i] = f(x[i])}. */
public enum UnaryOp {
    NEG, EXP, LOG, SQRT, ABS, RELU, SIGMOID, TANH
}
