package io.clgrad;

import java.util.Arrays;
import java.util.function.Function;

/**
 * A training step recorded once and replayed (made by {@link Step#compile}). {@link #run} records
 * on its first call, and again whenever the inputs' shapes or dtypes differ from the recorded
 * ones (the last short batch of an epoch) or a gradient the step assigned was replaced outside it
 * (say by {@code zeroGrad()} between runs); the previous recording is then dropped. Every other
 * call copies the inputs into the recorded input buffers and replays (an input that is the same
 * tensor, at the same {@link Tensor#version()}, as the one copied before is not copied again).
 * Results are bit for bit those of running the step eagerly.
 *
 * <p>The recording holds the buffers of every tensor the step touched (intermediates, gradients,
 * optimizer state) so that a replay writes only its own memory: device memory stays flat over any
 * number of replays, and {@link #close()} gives it back. Not thread-safe: one thread runs a
 * compiled step at a time.
 *
 * <pre>{@code
 * try (CompiledStep step = Step.compile(device, (x, y) -> { ...; return loss; })) {
 *     for (int i = 0; i < steps; i++) {
 *         Tensor loss = step.run(x, y);
 *     }
 * }
 * }</pre>
 */
public final class CompiledStep implements AutoCloseable {
    private final Device device;
    private final int arity;
    private final Function<Tensor[], Tensor> body;
    private StepRecording recording;
    private Tensor[] inputs;
    private Tensor output;
    /** The tensors last copied into {@link #inputs}, and their versions then. */
    private Tensor[] copiedFrom;
    private int[] copiedVersion;
    /** Whether the step left its inputs unwritten (else every run copies them again). */
    private boolean inputsReadOnly;
    private int recordings;
    private long replays;
    private boolean closed;

    CompiledStep(Device device, int arity, Function<Tensor[], Tensor> body) {
        this.device = java.util.Objects.requireNonNull(device, "device");
        this.arity = arity;
        this.body = body;
    }

    /**
     * Runs the step on a batch: a replay when a recording for these shapes and dtypes exists,
     * else an eager run that records.
     *
     * @param x the first input (copied to the step's device)
     * @param y the second input
     * @return a new handle on the tensor the step returned (valid until the next run, which writes
     *         it again; closing it is optional), or null when the step returned null
     */
    public Tensor run(Tensor x, Tensor y) {
        return run(new Tensor[] {x, y});
    }

    /**
     * Runs the step on inputs given in the order the step function takes them.
     *
     * @param in the inputs, any device; their values are copied into the step's input buffers
     * @return a new handle on the tensor the step returned (valid until the next run), or null
     * @throws IllegalArgumentException when the number of inputs differs from the step function's
     * @throws IllegalStateException    when the step was closed, or recording found something a
     *                                  replay cannot repeat (a host read, named in the message)
     */
    public Tensor run(Tensor... in) {
        if (closed) {
            throw new IllegalStateException("CompiledStep: used after close()");
        }
        if (arity >= 0 && in.length != arity) {
            throw new IllegalArgumentException("CompiledStep.run: the step takes " + arity + " inputs, got " + in.length);
        }
        for (int i = 0; i < in.length; i++) {
            java.util.Objects.requireNonNull(in[i], "CompiledStep.run: input " + i);
        }
        if (recording != null && sameSignature(in) && recording.gradientsUnchanged()) {
            try (Autograd.Mode m = Autograd.noGrad()) {
                for (int i = 0; i < in.length; i++) {
                    // an input already copied, unchanged since (same tensor, same version), is not copied again
                    if (in[i] != copiedFrom[i] || in[i].version() != copiedVersion[i] || !inputsReadOnly) {
                        inputs[i].copyFrom(in[i]);
                        copiedFrom[i] = in[i];
                        copiedVersion[i] = in[i].version();
                    }
                }
            }
            recording.replay();
            if (output != null) {
                output.bumpVersion(); // the replay rewrote it: a tensor read from it is no longer current
            }
            replays++;
        } else {
            discard();
            record(in);
        }
        if (output == null) {
            return null;
        }
        Tensor handle = output.detach();
        return handle;
    }

    private boolean sameSignature(Tensor[] in) {
        if (in.length != inputs.length) {
            return false;
        }
        for (int i = 0; i < in.length; i++) {
            if (in[i].dtype() != inputs[i].dtype() || !Arrays.equals(in[i].shapeRef(), inputs[i].shapeRef())) {
                return false;
            }
        }
        return true;
    }

    private void record(Tensor[] in) {
        Tensor[] owned = new Tensor[in.length];
        try (Autograd.Mode m = Autograd.noGrad()) {
            for (int i = 0; i < in.length; i++) {
                owned[i] = Tensor.empty(device, in[i].dtype(), in[i].shapeRef());
                TensorScope.release(owned[i]);
                owned[i].copyFrom(in[i]);
            }
        } catch (RuntimeException | Error e) {
            closeAll(owned);
            throw e;
        }
        int[] ownedVersions = new int[in.length];
        for (int i = 0; i < in.length; i++) {
            ownedVersions[i] = owned[i].version();
        }
        StepRecording r = StepRecording.start(device);
        Tensor out;
        try {
            out = body.apply(owned.clone());
            r.finish();
            if (out != null && out.device() != device) {
                throw new IllegalArgumentException("CompiledStep: the step returned a tensor on " + out.device()
                        + ", not on the step's device " + device);
            }
        } catch (RuntimeException | Error e) {
            r.abort();
            closeAll(owned);
            throw e;
        }
        inputsReadOnly = true;
        copiedFrom = in.clone();
        copiedVersion = new int[in.length];
        for (int i = 0; i < in.length; i++) {
            r.pin(owned[i]);
            copiedVersion[i] = in[i].version();
            inputsReadOnly &= owned[i].version() == ownedVersions[i];
        }
        if (out != null) {
            output = out.detach();
            TensorScope.release(output);
            r.pin(output);
        }
        inputs = owned;
        recording = r;
        recordings++;
    }

    private void discard() {
        if (recording != null) {
            recording.close();
            recording = null;
        }
        if (inputs != null) {
            closeAll(inputs);
            inputs = null;
        }
        copiedFrom = null;
        if (output != null) {
            output.close();
            output = null;
        }
    }

    private static void closeAll(Tensor[] ts) {
        for (Tensor t : ts) {
            if (t != null) {
                t.close();
            }
        }
    }

    /** How many times this step recorded (the first run, and each change of input shapes). */
    public int recordings() {
        return recordings;
    }

    /** How many runs were replays. */
    public long replays() {
        return replays;
    }

    /**
     * What the current recording replays: device launches from pre-built lists (OpenCL), backend
     * calls made again (CPU backend) and host actions run again (optimizer steps, random fills).
     *
     * @return e.g. {@code "10 launches + 1 live"}, or {@code "not recorded"}
     */
    public String describe() {
        if (recording == null) {
            return "not recorded";
        }
        StepRecording.Counts c = recording.counts();
        StringBuilder sb = new StringBuilder();
        if (c.launches() > 0) {
            sb.append(c.launches()).append(" launches");
        }
        if (c.calls() > 0) {
            sb.append(sb.length() > 0 ? " + " : "").append(c.calls()).append(" calls");
        }
        sb.append(sb.length() > 0 ? " + " : "").append(c.live()).append(" live");
        return sb.toString();
    }

    /** Frees the recording and every buffer it held back; the step cannot run again. Idempotent. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            discard();
        }
    }
}
