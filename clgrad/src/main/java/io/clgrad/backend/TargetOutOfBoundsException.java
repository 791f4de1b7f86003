package io.clgrad.backend;

/**
 * A class-index target outside {@code [0, classes)} that is not the loss's {@code ignoreIndex}
 * (PyTorch's {@code IndexError: Target 10 is out of bounds.}). It is an
 * {@link IndexOutOfBoundsException}, as PyTorch's is an {@code IndexError}: the target indexes a row
 * of the logits past its end.
 *
 * <p>The CPU backend raises it from the loss call itself. An OpenCL device checks the targets on
 * the device, without waiting for it, and raises it from the launching thread's next read of any
 * value on that device ({@code item()}, {@code toFloatArray()}, ...) or {@code synchronize()}; the
 * message then says so. Reads in other threads sharing the device neither raise nor clear it.
 */
public class TargetOutOfBoundsException extends ValueOutOfRangeException {
    /**
     * A bad target ({@link Detail#value()}, at {@link Detail#position()}, outside {@code [0, }{@link Detail#bound()}{@code )}).
     *
     * @param op          the loss, e.g. {@code cross_entropy} or {@code nll_loss}
     * @param target      the bad value
     * @param index       its position in the target tensor
     * @param classes     the number of classes C
     * @param ignoreIndex the loss's ignore_index
     * @param deferredOn  the device that found it in an earlier launch, or null when raised by the call itself
     */
    public TargetOutOfBoundsException(String op, int target, int index, int classes, int ignoreIndex,
                                      String deferredOn) {
        super(op + ": Target " + target + " is out of bounds: target[" + index + "] = " + target
                + " is outside the classes [0, " + classes + ") and is not ignore_index (" + ignoreIndex + ")",
                op, target, index, classes, deferredOn);
    }

    /**
     * Checks host-visible targets: the first one outside {@code [0, classes)} that is not
     * {@code ignoreIndex} raises.
     *
     * @param op          the loss, for the message
     * @param targets     the targets (n of them from element 0)
     * @param n           how many to check
     * @param classes     the number of classes C
     * @param ignoreIndex the value that is skipped
     * @throws TargetOutOfBoundsException naming the first bad target and its index
     */
    public static void check(String op, int[] targets, int n, int classes, int ignoreIndex) {
        for (int i = 0; i < n; i++) {
            int t = targets[i];
            if (t != ignoreIndex && (t < 0 || t >= classes)) {
                throw new TargetOutOfBoundsException(op, t, i, classes, ignoreIndex, null);
            }
        }
    }
}
