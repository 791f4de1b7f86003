package io.clgrad.nn;

/**
 * A pooling module's size argument as PyTorch keeps it: one int or a pair, printed the way it was
 * given ({@code 2} or {@code (2, 3)}), as the pooling modules' {@code extra_repr} prints their
 * arguments unconverted.
 *
 * @param values one or two ints
 */
record PoolSize(int... values) {
    /** One int for both dims, or a pair. */
    PoolSize {
        if (values == null || values.length < 1 || values.length > 2) {
            throw new IllegalArgumentException("a pooling size is one int or a pair (height, width), got "
                    + (values == null ? "null" : java.util.Arrays.toString(values)));
        }
        values = values.clone();
    }

    /** The ints, for the functional forms (which take one int or two). */
    int[] ints() {
        return values.clone();
    }

    /** Python's repr: {@code 2} or {@code (2, 3)}. */
    @Override
    public String toString() {
        return values.length == 1 ? Integer.toString(values[0]) : "(" + values[0] + ", " + values[1] + ")";
    }
}
