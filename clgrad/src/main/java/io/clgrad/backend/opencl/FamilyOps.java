package io.clgrad.backend.opencl;

/**
 * What every op class of this backend holds: the kernels of its family {@code kernels-cl/<family>.cl},
 * the launcher and the operand checks. One class per family file extends it and adds only what
 * its family needs besides; {@link OpenClBackend#families()} is the list of those objects, so the
 * kernel files a backend builds are derived, not kept by hand.
 */
abstract class FamilyOps {
    /** Creates and launches the kernels. */
    protected final Kernels kernels;
    /** Checks buffers, element types and counts. */
    protected final Operands operands;
    private final String family;

    /**
     * @param family   the kernel family: the file {@code kernels-cl/<family>.cl}
     * @param kernels  creates and launches its kernels
     * @param operands checks the buffers the ops are given
     */
    FamilyOps(String family, Kernels kernels, Operands operands) {
        this.family = family;
        this.kernels = kernels;
        this.operands = operands;
    }

    /** The kernel family: the file {@code kernels-cl/<family>.cl}. */
    final String family() {
        return family;
    }

    /** Builds (or loads) the family's program and creates its kernels, so that no op waits for a build. */
    void prepare() {
        kernels.createAll(family, kernels.programs().defaultOptions(family));
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
}
