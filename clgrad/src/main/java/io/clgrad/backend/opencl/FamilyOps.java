package io.clgrad.backend.opencl;

/**
 * What every op class of this backend holds: the kernels of its family {@code kernels-cl/<family>.cl},
 * the launcher and the operand checks. {@link CopyOps}, {@link ReduceOps}, {@link MatmulOps},
 * {@link LossOps}, {@link OptimOps} and {@link RandomOps} extend it and add only what their family
 * needs besides.
 */
abstract class FamilyOps {
    /** Creates and launches the kernels. */
    protected final Kernels kernels;
    /** Checks buffers, element types and counts. */
    protected final Operands operands;
    private final String family;

    /**
     * @param family   the kernel family, one of {@link OpenClBackend#FAMILIES}
     * @param kernels  creates and launches its kernels
     * @param operands checks the buffers the ops are given
     */
    FamilyOps(String family, Kernels kernels, Operands operands) {
        this.family = family;
        this.kernels = kernels;
        this.operands = operands;
    }

    /** The kernel {@code name} of this family, built with the family's default options. */
    protected ClKernel kernel(String name) {
        return kernels.get(family, name);
    }

    /**
     * A kernel's flag word: bit {@code i} (the value {@code 1 << i}) set where {@code bits[i]} is
     * true, so the bits are given in the order of the kernel's {@code #define}s 1, 2, 4, ...
     */
    protected static int flags(boolean... bits) {
        int word = 0;
        for (int i = 0; i < bits.length; i++) {
            word |= bits[i] ? 1 << i : 0;
        }
        return word;
    }

    /** The family, e.g. {@code "loss"}. */
    protected String family() {
        return family;
    }
}
