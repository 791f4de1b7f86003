package io.clgrad.backend.conformance;

import java.util.Arrays;

/**
 * How large the conformance tables are: {@link #FULL} for the test suite (sizes up to 100,003
 * elements, every matmul shape from {1, 7, 33, 64, 129}³ and the large fast-kernel products),
 * {@link #QUICK} for {@code clgrad devices --self-test} (the same ops, domains, edge values and
 * tolerances, without the inputs of more than {@value #QUICK_MAX_ELEMENTS} elements and with fewer
 * matmul shapes; matmul and addmm keep a few larger products, untransposed, because only they reach
 * the fast and split-K kernels), so that a device is checked in seconds.
 */
public enum CaseSize {
    /** Every case: what the test suite runs on every device. */
    FULL,
    /** The cases on small inputs: what the self-test runs. */
    QUICK;

    /** The most elements one input of a {@link #QUICK} case has. */
    public static final int QUICK_MAX_ELEMENTS = 10_000;

    /** Whether this is {@link #FULL}. */
    boolean full() {
        return this == FULL;
    }

    /** Whether a case whose largest input has {@code elements} elements belongs to this size. */
    boolean keeps(long elements) {
        return full() || elements <= QUICK_MAX_ELEMENTS;
    }

    /** The lengths of {@code lengths} that {@link #keeps} keeps, in order. */
    int[] lengths(int... lengths) {
        return Arrays.stream(lengths).filter(this::keeps).toArray();
    }
}
