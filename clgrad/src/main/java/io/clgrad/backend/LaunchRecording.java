package io.clgrad.backend;

/**
 * The device launches one thread made on one backend between {@link Backend#recordLaunches()} and
 * {@link #stop()}, kept as a pre-built list that {@link #replay()} enqueues again: the same kernels
 * on the same buffers with the same arguments and sizes, in the same order, with nothing looked up,
 * set or allocated per launch. The launches still run while they are recorded (recording is
 * eager execution that also keeps what it did).
 *
 * <p>Every buffer a recorded launch touches keeps its identity while the recording is open: a
 * buffer freed meanwhile is held back from the backend's pool (so no other tensor gets its memory
 * and a replay writes nothing it should not) and goes back to the pool at {@link #close()}. A
 * host transfer inside a recorded op (one that a replay could not repeat) is refused with an
 * {@link IllegalStateException} naming the op.
 *
 * <p>Used by {@code io.clgrad.Step}; a backend that offers none ({@link Backend#recordLaunches()}
 * empty, as the CPU backend) is recorded one SPI call at a time by the core instead.
 *
 * <pre>{@code
 * try (LaunchRecording r = backend.recordLaunches().orElseThrow()) {
 *     backend.unary(UnaryOp.RELU, x, y, n);   // runs, and is recorded
 *     r.stop();
 *     r.replay();                              // y = relu(x) again, with x's current values
 * }
 * }</pre>
 */
public interface LaunchRecording extends AutoCloseable {
    /** Ends the recording: later launches of the thread are no longer added. Idempotent. */
    void stop();

    /**
     * Enqueues every recorded launch again, in order (does not wait for the device).
     *
     * @throws IllegalStateException when the recording was not stopped or is closed
     */
    void replay();

    /** The number of recorded launches (kernels and device-to-device copies). */
    int launches();

    /** Releases what the list holds (per-launch kernel objects) and the buffers it held back. Idempotent. */
    @Override
    void close();
}
