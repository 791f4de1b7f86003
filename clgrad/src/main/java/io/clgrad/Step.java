package io.clgrad;

import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Replayed training steps, as CUDA Graphs and tinygrad's JIT do them: {@link #compile} turns a
 * step function (forward, loss, backward, optimizer) into a {@link CompiledStep} whose first
 * {@link CompiledStep#run run} executes eagerly while recording every device launch with its
 * buffers and arguments, and whose later runs copy the new inputs into the recorded input buffers
 * in place and enqueue the recorded launches again, skipping the autograd graph, the allocations
 * and the per-op host work. On OpenCL a replay is one pre-built launch list (each launch its own
 * kernel object with arguments set once); on the CPU backend the recorded calls run again on the
 * same buffers. A replay gives the same bits as the eager step it stands for.
 *
 * <pre>{@code
 * Adam opt = Adam.builder(model.parameters()).lr(1e-3).build();
 * BCEWithLogitsLoss lossFn = new BCEWithLogitsLoss();
 * try (CompiledStep step = Step.compile(device, (x, y) -> {
 *         opt.zeroGrad();
 *         Tensor loss = lossFn.forward(model.forward(x), y);
 *         loss.backward();
 *         opt.step();
 *         return loss;
 *     })) {
 *     for (Batch b : loader) {
 *         Tensor loss = step.run(b.x(), b.y());   // valid until the next run
 *     }
 * }
 * }</pre>
 *
 * <p>What a step may do: any tensor op on the step's device; optimizer and scheduler steps (they
 * call {@link #live}, so their host state, such as Adam's step count and bias corrections or a new
 * learning rate, advances on every replay exactly as in eager steps); random ops such as dropout
 * (each replay draws fresh seeds from the global generator, as the eager step would); creating
 * constant tensors from host data. What it may not do: read device data to the host
 * ({@code item()}, {@code toFloatArray()}, a branch on a value: refused with an error naming the
 * op), or depend on other host state (a Java counter, a branch on a host flag), which runs only while
 * recording. Eager execution stays the default: nothing is recorded unless a step is compiled.
 */
public final class Step {
    private Step() {
    }

    /**
     * A replayable step of two inputs (usually a batch and its targets).
     *
     * @param device the device the step's ops run on (the inputs are copied there)
     * @param body   the step: given the inputs, runs forward, backward and the optimizer and returns
     *               a tensor to hand back (the loss), or null
     * @return the compiled step; close it to free what its recording holds
     */
    public static CompiledStep compile(Device device, BiFunction<Tensor, Tensor, Tensor> body) {
        java.util.Objects.requireNonNull(body, "body");
        return new CompiledStep(device, 2, in -> body.apply(in[0], in[1]));
    }

    /**
     * A replayable step of any number of inputs, given to {@code body} as an array in the order
     * {@link CompiledStep#run(Tensor...)} receives them.
     *
     * @param device the device the step's ops run on
     * @param body   the step, returning the tensor to hand back (or null)
     * @return the compiled step
     */
    public static CompiledStep compile(Device device, Function<Tensor[], Tensor> body) {
        java.util.Objects.requireNonNull(body, "body");
        return new CompiledStep(device, -1, body);
    }

    /**
     * For host code inside a step whose effect must repeat on every replay (an optimizer's or
     * scheduler's {@code step()}, which advance step counts and compute per-step scalars on the
     * host). When the calling thread is recording a step, runs {@code action} now, unrecorded, and
     * registers it to run again at this point of every replay, then returns true; otherwise does
     * nothing and returns false, and the caller proceeds as usual:
     * <pre>{@code
     * public void step() {
     *     if (Step.live(this::step)) {
     *         return;
     *     }
     *     ... the eager update ...
     * }
     * }</pre>
     *
     * @param action the host code (it may launch device ops; they run eagerly on each replay)
     * @return whether the action was taken over by the recording
     */
    public static boolean live(Runnable action) {
        StepRecording r = StepRecording.current();
        if (r == null || !r.recordingNow()) {
            return false;
        }
        r.live(action);
        return true;
    }

    /** Whether the calling thread is recording a step now (outside {@link #live} actions). */
    public static boolean isRecording() {
        StepRecording r = StepRecording.current();
        return r != null && r.recordingNow();
    }
}
