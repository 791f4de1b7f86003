package io.clgrad.backend;

/**
 * The element types a backend buffer can hold. Both are 4 bytes wide.
 *
 * <p>The public {@code io.clgrad.DType} maps onto these; the backend layer keeps its own small
 * vocabulary because it sits below {@code io.clgrad} and may not import it.
 */
public enum ElementType {
    /** IEEE-754 single precision. */
    F32,
    /** Two's-complement 32-bit integer, used for class labels and indices. */
    I32;

    /** Bytes per element. */
    public int bytes() {
        return 4;
    }
}
