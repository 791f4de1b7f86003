package io.clgrad.backend;

import java.util.Locale;

/**
 * Reductions along one axis: one entry per op holding what every backend and the tests need to
 * know of it (see {@link UnaryOp} for the scheme). {@code ARGMAX} and {@code ARGMIN} write int32
 * indices (the first index among ties, the first NaN when there is one, as PyTorch does on CPU);
 * the others write floats. {@code MAX}/{@code MIN} propagate NaN.
 */
public enum ReduceOp {
    SUM(Kind.TOTAL), MEAN(Kind.TOTAL), MAX(Kind.EXTREME), MIN(Kind.EXTREME), ARGMAX(Kind.INDEX), ARGMIN(Kind.INDEX);

    /** What a reduction computes, which decides its kernels, its reference and its tolerance. */
    public enum Kind {
        /** An accumulation of every element (sum, mean): float results within an accumulation's rounding. */
        TOTAL,
        /** An extreme element (max, min): exact, NaN propagates. */
        EXTREME,
        /** The index of an extreme element: exact int32. */
        INDEX
    }

    private final Kind kind;

    ReduceOp(Kind kind) {
        this.kind = kind;
    }

    /** What the reduction computes. */
    public Kind kind() {
        return kind;
    }

    /** Whether the result buffer holds int32 indices. */
    public boolean producesIndices() {
        return kind == Kind.INDEX;
    }

    /** Whether an extreme or index reduction looks for the largest element (MAX, ARGMAX). */
    public boolean seeksMax() {
        return this == MAX || this == ARGMAX;
    }

    /** The name of the op's {@code Tensor} method and of the op in error messages, e.g. {@code "argmax"}. */
    public String opName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The name of the op's autograd node, as PyTorch's: {@code "SumBackward0"} for a reduction of
     * every element, {@code "SumBackward1"} along a dim.
     */
    public String nodeName(boolean alongDim) {
        return name().charAt(0) + opName().substring(1) + (alongDim ? "Backward1" : "Backward0");
    }

    /**
     * The op in double precision over one row of the reduced axis, the reference every backend is
     * compared with (an index as a double for ARGMAX/ARGMIN).
     *
     * @param row the reduced axis' values, at least one (a reduction over an empty axis has no
     *            extreme: the core refuses it before any backend runs)
     * @return the reduction of {@code row}
     */
    public double reference(double[] row) {
        return switch (kind) {
            case TOTAL -> {
                double sum = 0;
                for (double v : row) {
                    sum += v;
                }
                yield this == MEAN ? sum / row.length : sum;
            }
            case EXTREME -> row[extremeAt(row)];
            case INDEX -> extremeAt(row);
        };
    }

    /** The first index of the extreme this op seeks, or of the first NaN. */
    private int extremeAt(double[] row) {
        int at = 0;
        for (int l = 1; l < row.length && !Double.isNaN(row[at]); l++) {
            if (Double.isNaN(row[l]) || (seeksMax() ? row[l] > row[at] : row[l] < row[at])) {
                at = l;
            }
        }
        return at;
    }

    /**
     * How the reduction treats int32 input: {@link Int32Support#KERNEL} for sum (an int32 total
     * that wraps modulo 2^32), max, min (int32) and argmax, argmin; {@link Int32Support#REFUSED}
     * for mean, as PyTorch refuses the mean of an integer tensor. A switch expression: a new entry
     * states how it treats integers.
     */
    public Int32Support int32() {
        return switch (this) {
            case SUM, MAX, MIN, ARGMAX, ARGMIN -> Int32Support.KERNEL;
            case MEAN -> Int32Support.REFUSED;
        };
    }

    /** Whether the backends reduce buffers of {@code type} (F32 always; I32 for {@link Int32Support#KERNEL}). */
    public boolean accepts(ElementType type) {
        return type == ElementType.F32 || int32() == Int32Support.KERNEL;
    }

    /**
     * The element type of the result when reducing {@code type}: I32 indices for ARGMAX/ARGMIN,
     * else the input's type.
     */
    public ElementType resultType(ElementType type) {
        return producesIndices() ? ElementType.I32 : type;
    }

    /**
     * The op over one row of int32 values in Java's int arithmetic (a sum wraps modulo 2^32, as
     * PyTorch's int32), the exact reference of the int32 kernels; an index for ARGMAX/ARGMIN.
     *
     * @param row the reduced axis' values, at least one
     * @return the reduction of {@code row}
     * @throws IllegalArgumentException for an op without int32 kernels (mean)
     */
    public int int32Reference(int[] row) {
        if (int32() != Int32Support.KERNEL) {
            throw new IllegalArgumentException(opName() + " has no int32 kernel");
        }
        int at = 0;
        int sum = 0;
        for (int l = 0; l < row.length; l++) {
            sum += row[l];
            if (seeksMax() ? row[l] > row[at] : row[l] < row[at]) {
                at = l;
            }
        }
        return switch (kind) {
            case TOTAL -> sum;
            case EXTREME -> row[at];
            case INDEX -> at;
        };
    }

    /**
     * The magnitude a float32 result's error is measured against (the suite accepts 1e-5 times it;
     * 0 demands the exact result): for a total, an accumulation's {@code max(1, |ref|,
     * sqrt(len)·max|term|)}, the terms of a mean being the elements over len.
     *
     * @param row the reduced axis' values
     * @param ref the exact result, {@link #reference}
     * @return the scale; 0 for the exact kinds
     */
    public double errorScale(double[] row, double ref) {
        if (kind != Kind.TOTAL) {
            return 0;
        }
        double maxAbs = 0;
        for (double v : row) {
            maxAbs = Math.max(maxAbs, Math.abs(v));
        }
        double term = this == MEAN ? maxAbs / row.length : maxAbs;
        return Math.max(1, Math.max(Math.abs(ref), Math.sqrt(row.length) * term));
    }
}
