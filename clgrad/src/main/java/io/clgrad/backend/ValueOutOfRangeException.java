package io.clgrad.backend;

/**
 * An integer read from a tensor — a class target, an index — outside the range it must lie in: what
 * {@link TargetOutOfBoundsException} and {@link IndexOutOfRangeException} share. It is an
 * {@link IndexOutOfBoundsException}, as PyTorch's are {@code IndexError}s. The CPU backend raises it
 * from the op call; an OpenCL device checks inside the kernel and raises it from the launching
 * thread's next read from that device or {@code synchronize()}, and the message then says so.
 */
public abstract class ValueOutOfRangeException extends IndexOutOfBoundsException {
    private final String op;
    private final int value;
    private final int position;
    private final int bound;

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
        this.op = op;
        this.value = value;
        this.position = position;
        this.bound = bound;
    }

    /** The op that read the value. */
    public String op() {
        return op;
    }

    /** The bad value. */
    public int value() {
        return value;
    }

    /** Its position in its tensor (row-major; for {@code index_select}, in the 1-D index). */
    public int position() {
        return position;
    }

    /** The exclusive upper bound: the indexed dimension's size, or the number of classes. */
    public int bound() {
        return bound;
    }
}
