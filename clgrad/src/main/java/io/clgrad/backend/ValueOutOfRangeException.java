package io.clgrad.backend;

/**
 * An integer read from a tensor — a class target, an index — outside the range it must lie in: what
 * {@link TargetOutOfBoundsException} and {@link IndexOutOfRangeException} share. It is an
 * {@link IndexOutOfBoundsException}, as PyTorch's are {@code IndexError}s. The CPU backend raises it
 * from the op call; an OpenCL device checks inside the kernel and raises it from the launching
 * thread's next read from that device or {@code synchronize()}, and the message then says so.
 */
public abstract class ValueOutOfRangeException extends IndexOutOfBoundsException {
    private final Detail detail;

    /**
     * @param message  the whole message but for the deferred note
     * @param op       the op that read the value, e.g. {@code gather} or {@code cross_entropy}
     * @param value    the bad value
     * @param position its position in its tensor (row-major)
     * @param bound    the exclusive upper bound it had to stay under (the size or class count)
     * @param deferredOn the device that found it in an earlier launch, or null when raised by the call itself
     */
    protected ValueOutOfRangeException(String message, String op, int value, int position, int bound,
                                       String deferredOn) {
        super(message + (deferredOn == null ? "" : "; found on " + deferredOn + " by an earlier " + op
                + " launch and raised at the next read from that device in the thread that launched it"));
        this.detail = new Detail(op, value, position, bound);
    }

    /** The bad value, its position and its bound, and the op that read it. */
    public Detail detail() {
        return detail;
    }

    /**
     * What was out of range, and where.
     *
     * @param op       the op that read the value
     * @param value    the bad value
     * @param position its position in its tensor (row-major; for {@code index_select}, in the 1-D index)
     * @param bound    the exclusive upper bound: the indexed dimension's size, or the number of classes
     */
    public record Detail(String op, int value, int position, int bound) implements java.io.Serializable {
    }
}
