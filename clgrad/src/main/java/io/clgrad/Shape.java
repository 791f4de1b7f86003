package io.clgrad;

import java.util.Arrays;

/** Static helpers for shapes (int arrays, row-major): element counts, broadcasting, dims. */
public final class Shape {
    private Shape() {
    }

    /** Number of elements of a shape (1 for the scalar shape {@code []}). */
    public static long numel(int[] shape) {
        long n = 1;
        for (int s : shape) {
            n = Math.multiplyExact(n, (long) s);
        }
        return n;
    }

    /** Most dimensions a tensor may have (the kernels' geometry tables have this many slots). */
    public static final int MAX_DIMS = io.clgrad.backend.StridedView.MAX_DIMS;

    /**
     * Validates the shape of a tensor about to exist: at most {@link #MAX_DIMS} dimensions and at
     * most {@code Integer.MAX_VALUE} elements.
     */
    static void checkLimits(String op, int[] shape) {
        if (shape.length > MAX_DIMS) {
            throw new IllegalArgumentException(op + ": shape " + str(shape) + " has " + shape.length
                    + " dimensions; clgrad tensors have at most " + MAX_DIMS);
        }
        long n;
        try {
            n = numel(shape);
        } catch (ArithmeticException e) {
            n = Long.MAX_VALUE;
        }
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(op + ": shape " + str(shape) + " has more than "
                    + Integer.MAX_VALUE + " elements");
        }
    }

    /** PyTorch-style text, e.g. {@code [5, 2]}. */
    public static String str(int[] shape) {
        return Arrays.toString(shape);
    }

    /**
     * The broadcast shape of two shapes, NumPy/PyTorch rules: align trailing dimensions; sizes must
     * match or one of them be 1.
     *
     * @param op name of the operation, for the error message
     * @throws IllegalArgumentException naming both shapes and the first mismatching dimension
     */
    public static int[] broadcast(String op, int[] a, int[] b) {
        int rank = Math.max(a.length, b.length);
        int[] out = new int[rank];
        for (int i = 0; i < rank; i++) {
            int da = i - (rank - a.length);
            int db = i - (rank - b.length);
            int sa = da >= 0 ? a[da] : 1;
            int sb = db >= 0 ? b[db] : 1;
            if (sa != sb && sa != 1 && sb != 1) {
                throw new IllegalArgumentException(op + ": shapes " + str(a) + " and " + str(b)
                        + " cannot be broadcast: size " + sa + " vs " + sb + " at dimension " + i
                        + " of the result");
            }
            out[i] = sa == 1 ? sb : sa;
        }
        return out;
    }

    /**
     * Turns a possibly negative dimension index into {@code [0, rank)}.
     *
     * @throws IllegalArgumentException when out of range, naming the op, dim and shape
     */
    public static int normalizeDim(String op, int dim, int[] shape) {
        int rank = shape.length;
        int lo = rank == 0 ? -1 : -rank;
        int hi = rank == 0 ? 0 : rank - 1;
        if (dim < lo || dim > hi) {
            throw new IllegalArgumentException(op + ": dimension " + dim + " out of range for shape "
                    + str(shape) + " (expected in [" + lo + ", " + hi + "])");
        }
        return dim < 0 ? dim + Math.max(rank, 1) : dim;
    }

    /** Validates a shape given by a user: every size must be at least 0. */
    static int[] checked(String op, int[] shape) {
        for (int s : shape) {
            if (s < 0) {
                throw new IllegalArgumentException(op + ": negative size in shape " + str(shape));
            }
        }
        checkLimits(op, shape);
        return shape.clone();
    }

    /** Product of {@code shape[from..to)}. */
    static int prod(int[] shape, int from, int to) {
        int p = 1;
        for (int i = from; i < to; i++) {
            p *= shape[i];
        }
        return p;
    }
}
