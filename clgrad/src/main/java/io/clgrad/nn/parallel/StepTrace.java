package io.clgrad.nn.parallel;

/**
 * What a {@link DataParallel} step does, in order, for tests that check the overlap of the
 * all-reduce with backward. Called on the thread that does it; must be thread-safe.
 */
@FunctionalInterface
interface StepTrace {
    /** A replica's parameter gradient is final (on that replica's thread, inside its backward). */
    String GRAD_FINAL = "grad-final";
    /** Every replica's gradients of a bucket are final; its all-reduce is handed to the worker (replica thread). */
    String BUCKET_READY = "bucket-ready";
    /** The worker begins a bucket's all-reduce. */
    String REDUCE_START = "reduce-start";
    /** The worker has finished a bucket's all-reduce. */
    String REDUCE_END = "reduce-end";
    /** A replica's {@code backward()} has returned (on that replica's thread). */
    String BACKWARD_END = "backward-end";

    /**
     * @param what    one of the constants above
     * @param replica the replica, or -1 for the all-reduce worker
     * @param index   the parameter or bucket index, or -1
     */
    void event(String what, int replica, int index);

    /** Records nothing. */
    StepTrace NONE = (what, replica, index) -> { };
}
