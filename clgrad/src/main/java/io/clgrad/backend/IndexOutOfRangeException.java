package io.clgrad.backend;

/**
 * An index outside the size of the dimension it indexes, in an index-driven op ({@code gather},
 * {@code index_select}, {@code scatter}, {@code scatter_add}, {@code one_hot}): PyTorch's
 * {@code index 7 is out of bounds for dimension 0 with size 5}. It is an
 * {@link IndexOutOfBoundsException}, as PyTorch's is an {@code IndexError}/{@code RuntimeError} about
 * an index. Negative indices are out of range too (these ops do not wrap them, as PyTorch's do not).
 *
 * <p>The CPU backend raises it from the op call itself. An OpenCL device checks the indices inside
 * the op's kernel, without waiting for the device (an out-of-range index is never read through: the
 * element it would have produced is written as 0), and raises it from the launching thread's next
 * read of any value on that device or {@code synchronize()}, as it does for
 * {@link TargetOutOfBoundsException}; the message then says so.
 */
public class IndexOutOfRangeException extends ValueOutOfRangeException {
    private final int dim;

    /**
     * A bad index.
     *
     * @param op         the op, e.g. {@code gather}
     * @param value      the bad index value
     * @param position   its position in the index tensor (row-major; for {@code index_select} its
     *                   position in the 1-D index)
     * @param dim        the dimension it indexes
     * @param size       that dimension's size
     * @param deferredOn the device that found it in an earlier launch, or null when raised by the call itself
     */
    public IndexOutOfRangeException(String op, int value, int position, int dim, int size, String deferredOn) {
        super(op + ": index " + value + " is out of bounds for dimension " + dim + " with size " + size
                + " (element " + position + " of the index tensor)", op, value, position, size, deferredOn);
        this.dim = dim;
    }

    /** The dimension it indexes (its size is {@link Detail#bound()}). */
    public int dim() {
        return dim;
    }
}
